"""Render the whole site from its plan: pages, feeds, cards, discovery files, redirects, manifest.

Nothing here knows Pelican: the adapter (masthead.pelican_adapter) hands over a `BuildState` and
the template environment, and calls `render_site` once Pelican's own generators have run.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment

from ..config import SiteConfig
from ..content import Newsroom
from ..errors import BuildError
from ..site.keys import ContextKeys
from ..site.layout import Layout
from ..site.plan import SitePlan, Unit, plan_site
from ..themes import Theme
from ..workers import Workers
from .cards import draw_cards
from .discovery import write_discovery
from .feeds import write_feeds
from .manifest import write_manifest
from .record import RenderRecord
from .redirects import write_redirects

logger = logging.getLogger(__name__)


@dataclass
class BuildState:
    """Everything one build of the site works from and reports, passed in the open."""

    config: SiteConfig
    newsroom: Newsroom
    theme: Theme
    layout: Layout
    record: RenderRecord
    workers: Workers
    content: Path  # the content folder
    cache: Path  # CACHE_PATH: parse cache, cards, crops
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for reports and bench/
    counts: dict[str, int] = field(default_factory=dict)  # what each stage made
    plan: SitePlan | None = None

    def timed(self, stage: str, started: float) -> None:
        self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - started


def render_site(state: BuildState, env: Environment, settings: dict, output: Path) -> None:
    """Every output of the site into `output` (a staging folder: masthead.build swaps it in)."""
    started = time.perf_counter()
    plan = state.plan = plan_site(state.newsroom, state.config, state.layout)
    units = plan.units()
    for source, link in plan.unresolved:
        logger.warning("%s: the link %s names nothing on the site; it is left as written", source, link)
    state.timed("plan", started)

    started = time.perf_counter()
    render_pages(units, env, {**settings, **plan.shared}, plan.shared, state.record, output)
    state.timed("pages", started)

    started = time.perf_counter()
    state.counts["feeds_written"] = write_feeds(plan.stories, state.newsroom, state.config, output, state.record)
    state.timed("feeds", started)

    started = time.perf_counter()
    cards, drawn = draw_cards(plan, state.newsroom, state.config, state.content, state.theme.fonts,
                              state.cache / "cards", output, state.record, state.workers)
    state.counts.update(cards=cards, cards_drawn=drawn)
    state.timed("cards", started)

    started = time.perf_counter()
    write_discovery(plan, state.newsroom, state.config, state.content, state.cache, output)
    write_redirects(plan.built, {unit.path for unit in units}, state.config, output)
    write_manifest(plan.stories, state.config, output)
    state.timed("discovery", started)


def render_pages(units: list[Unit], env: Environment, base: dict, shared: dict, record: RenderRecord,
                 output: Path) -> None:
    """Render each unit whose key (its context's, and the shared values') changed since the last
    build; a template gets the settings, the shared values and its unit's context, nothing else."""
    keys = ContextKeys()
    shared_key = keys.of(shared)
    written: dict[str, str] = {}
    for unit in units:
        if unit.path in written:
            raise BuildError(f"{unit.path}: two pages would be written to the same file ({written[unit.path]} and "
                             f"{unit.template}); change one of their slugs or the URL settings")
        written[unit.path] = unit.template
        key = record.key(unit.path, unit.template, shared_key, keys.of(unit.context))
        if record.unchanged(unit.path, key):
            continue
        text = env.get_template(f"{unit.template}.html").render({**base, **unit.context, "output_file": unit.path})
        target = output / unit.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        record.rendered_unit(unit.path, key, [unit.path])
