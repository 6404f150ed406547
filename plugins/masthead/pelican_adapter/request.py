"""How masthead.build talks to the plugin during one Pelican run: a request in, the state out.

Pelican's signals hand plugins only Pelican's objects; the build's own inputs (its clock, content
already read, the output it replaces) and its state (the newsroom, the render record, timings)
travel in a `BuildRequest` that masthead.build opens around the run (`requested`), never through
Pelican's settings.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from pelican.log import console

from ..content import Newsroom
from ..errors import BuildError
from ..freshness import Snapshot
from ..render.site import BuildState
from ..workers import Workers


@dataclass
class BuildRequest:
    """What masthead.build asks of one Pelican run, and where the plugin leaves the build's state."""

    now: datetime | None = None  # the build's clock (`masthead build --now`); the current time if None
    newsroom: Newsroom | None = None  # already read and checked for the same clock (`masthead publish`)
    previous_output: Path | None = None  # the output/ this build replaces: unchanged pages stay there
    previous_record: dict | None = None  # its build record, as the check before the build read it
    snapshot: Snapshot | None = None  # the content's stats, as the check before the build saw them
    state: BuildState | None = None
    workers: Workers | None = None  # the build's worker processes, shut down when the run ends


REQUEST: ContextVar[BuildRequest | None] = ContextVar("masthead_build_request", default=None)


@contextmanager
def requested(request: BuildRequest) -> Iterator[BuildRequest]:
    """Run Pelican inside this block to build as `request` says; the plugin fills `request.state`.
    Pelican's console is quiet meanwhile: its closing "Done: processed 0 articles" speaks of the
    content Pelican read, which is none (masthead's build reports what it built)."""
    token = REQUEST.set(request)
    quiet, console.quiet = console.quiet, True
    try:
        yield request
    finally:
        console.quiet = quiet
        if request.workers is not None:
            request.workers.close()
        REQUEST.reset(token)


def current_state() -> BuildState:
    request = REQUEST.get()
    if request is None or request.state is None:
        raise BuildError("masthead's plugin was not initialized: PLUGINS must include 'masthead.plugin'")
    return request.state


