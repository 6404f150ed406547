"""masthead's generator, added to Pelican's through the `get_generators` signal.

Pelican calls generate_context, then generate_output with its writer; masthead renders the site
plan instead (render/site.py, with the template environment of render/environment.py), so
neither Pelican's writer nor its template environment is used.
"""

from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from ..render.site import render_site
from .request import current_state


class MastheadGenerator(Generator):
    def generate_context(self) -> None:
        """Nothing to add to Pelican's context: every template gets its context from the plan."""

    def generate_output(self, writer) -> None:
        render_site(current_state(), self.settings, Path(self.output_path))
