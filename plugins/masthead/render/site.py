"""Render the whole site from its plan: pages, feeds, cards, discovery files, redirects, manifest.

Nothing here knows Pelican: the adapter (masthead.pelican_adapter) hands over a `BuildState` and
the template environment, and calls `render_site` once Pelican's own generators have run.
"""

from __future__ import annotations

import logging
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..config import SiteConfig
from ..content import Newsroom
from ..errors import BuildError
from ..outputs import OUTLINE_FILE
from ..placecache import load_places, save_places
from ..site.keys import ContextKeys
from ..site.layout import Layout
from ..site.plan import Placement, SitePlan, Unit
from ..themes import Theme
from ..workers import Workers
from .cards import CardInputs, draw_cards
from .discovery import write_crops, write_discovery
from .edits import DISCOVERY_UNIT, outline_digest, outline_of, read_outline, render_edits, report_unresolved
from .environment import TemplateKit, environment_for
from .feeds import write_feeds
from .files import OutputFolder
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
    kit: TemplateKit  # what the template environment is made from
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for reports and bench/
    counts: dict[str, int] = field(default_factory=dict)  # what each stage made
    plan: SitePlan | None = None

    def timed(self, stage: str, started: float) -> None:
        self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - started


def render_site(state: BuildState, settings: dict, root: Path) -> None:
    """Every output of the site into `root` (a staging folder: masthead.build swaps it in). After
    an edit of bodies only, just what the edit changed (render/edits.py)."""
    started = time.perf_counter()
    output = OutputFolder(root)
    places = load_places(state.cache, state.layout)
    placement = Placement(state.newsroom, state.config, state.layout, places)
    card_inputs = CardInputs(state.config, state.content, state.theme.fonts)
    outline = outline_digest(placement, card_inputs.shared)
    previous = read_outline(state.record)
    if previous is not None and render_edits(state, placement, previous, outline, output, settings):
        # a few stories placed: the memo of places stays as the last whole build left it
        state.timed("edits", started)
        return
    plan = state.plan = placement.plan()
    save_places(places, state.cache)
    units = plan.units()
    state.timed("plan", started)

    started = time.perf_counter()  # feeds first: a worker writes them while the pages are rendered here
    feeds = write_feeds(plan.stories, state.newsroom, state.config, output, state.record, state.workers)
    state.timed("feeds", started)

    started = time.perf_counter()
    base = {key: value for key, value in settings.items() if key not in TEMPLATE_SETTINGS}
    render_pages(units, state.kit, {**base, **plan.shared}, plan.shared, state.record, output, state.workers)
    state.timed("pages", started)

    started = time.perf_counter()
    state.counts["feeds_written"] = feeds.finish()
    state.timed("feeds", started)

    started = time.perf_counter()
    cards, drawn = draw_cards(plan, state.newsroom, state.config, state.content, state.theme.fonts,
                              state.cache / "cards", output, state.record, state.workers, card_inputs)
    state.counts.update(cards=cards, cards_drawn=drawn)
    state.timed("cards", started)

    started = time.perf_counter()
    state.counts["photos_cropped"] = write_crops(plan.built, state.newsroom.images, state.content,
                                                 state.cache / "crops", output, state.record, state.workers)
    state.timed("crops", started)

    started = time.perf_counter()
    # made from the outline alone: one unit, kept as it is after an edit of bodies
    discovered = write_discovery(plan, state.newsroom, state.config, output)
    discovered += write_redirects(plan.built, {unit.path for unit in units}, state.config, output)
    state.record.rendered_unit(DISCOVERY_UNIT, state.record.key(DISCOVERY_UNIT, outline), discovered, page=False)
    write_manifest(plan.stories, state.config, output, state.record)
    made = outline_of(state.record, outline, plan.built, feeds.filing, list(plan.unresolved))
    report_unresolved(made.unresolved)
    output.write_bytes(OUTLINE_FILE, made.to_bytes())
    state.timed("discovery", started)
    state.counts["links_copied"] = output.copied


TEMPLATE_SETTINGS = ("JINJA_FILTERS", "JINJA_GLOBALS", "JINJA_TESTS")  # in the environment, not the context
PARALLEL_FROM = 200  # fewer pages are rendered here: handing them to workers costs more


def render_pages(units: list[Unit], kit: TemplateKit, base: dict, shared: dict, record: RenderRecord,
                 output: OutputFolder, workers: Workers | None = None) -> None:
    """Render each unit whose key (its context's, and the shared values') changed since the last
    build; a template gets the settings, the shared values and its unit's context, nothing else.
    Many pages are shared out: the workers render their shares while this process renders its own."""
    keys = ContextKeys()
    shared_key = keys.of(shared)
    unit_key = record.keys_under(shared_key)
    written: dict[str, str] = {}
    todo: list[tuple[Unit, str]] = []
    for unit in units:
        if unit.path in written:
            raise BuildError(f"{unit.path}: two pages would be written to the same file ({written[unit.path]} and "
                             f"{unit.template}); change one of their slugs or the URL settings")
        written[unit.path] = unit.template
        key = unit_key(unit.path, unit.template, keys.value(unit.context))
        if not record.unchanged(unit.path, key):
            todo.append((unit, key))
    jobs = []
    mine = [unit for unit, _ in todo]
    if workers is not None and workers.cores > 1 and len(todo) >= PARALLEL_FROM and _can_travel(kit, base):
        shares = [mine[n::workers.cores] for n in range(workers.cores)]
        mine = shares[0]
        jobs = [workers.submit_large(render_share, kit, base, [(u.path, u.template, u.context) for u in share],
                               str(output.root)) for share in shares[1:]]
    render_share(kit, base, [(u.path, u.template, u.context) for u in mine], output)
    for job in jobs:
        job.result()  # a worker's error (a template error in its share) is raised here
    for unit, key in todo:
        record.rendered_unit(unit.path, key, [unit.path])


def render_share(kit: TemplateKit, base: dict, units: list[tuple[str, str, dict]], output: OutputFolder | str) -> None:
    """Render and write pages (in a worker, or here) with the build's template environment."""
    env = environment_for(kit)
    folder = output if isinstance(output, OutputFolder) else OutputFolder(Path(output))
    for path, template, context in units:
        folder.write_text(path, env.get_template(f"{template}.html").render({**base, **context, "output_file": path}))


def _can_travel(kit: TemplateKit, base: dict) -> bool:
    """Whether the environment's parts and the settings can be handed to a worker (a settings file
    may hold a function made in place, which cannot); if not, every page is rendered here."""
    try:
        pickle.dumps((kit, base))
        return True
    except Exception as exc:  # noqa: BLE001 - pickling raises whatever the object raises
        logger.debug("pages rendered in one process: the settings cannot be handed to a worker (%s)", exc)
        return False
