"""masthead's Pelican plugin: `PLUGINS = ["masthead.plugin"]` in pelicanconf.py.

Pelican is driven through its public plugin API only. When Pelican starts (`initialized`), the
newsroom is read and checked once (a content error stops Pelican before anything is written) and
Pelican's own page types are switched off by settings (settings.py): Pelican reads no content and
writes no page of its own. `get_generators` adds masthead's generator (generator.py), which
renders every page, feed and card of the site plan; Pelican's static generator still copies the
images and the theme's files, without the images only unpublished stories use.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from pathlib import Path

from pelican import __version__ as pelican_version
from pelican import signals

from ..config import site_config
from ..errors import BuildError
from ..parsecache import read_newsroom
from ..render.record import RenderRecord, site_key
from ..render.site import BuildState
from ..themes import theme_of
from ..workers import Workers
from .generator import MastheadGenerator
from .request import REQUEST, BuildRequest, current_state, requested
from .settings import hand_over, template_kit

__all__ = ["BuildRequest", "current_state", "register", "requested"]

logger = logging.getLogger(__name__)

# The Pelican releases masthead's plugin is tested with (pyproject.toml allows only these).
TESTED_PELICAN = ((4, 11), (4, 12))


def register() -> None:
    check_pelican_version(pelican_version)
    signals.initialized.connect(start_build)
    signals.get_generators.connect(add_generator)
    signals.static_generator_finalized.connect(withhold_unpublished_images)


def check_pelican_version(version: str) -> None:
    """Refuse a Pelican release the plugin was not tested with, before it can build anything."""
    release = tuple(int(part) for part in version.split(".")[:2] if part.isdigit())
    if release not in TESTED_PELICAN:
        tested = ", ".join(".".join(map(str, r)) for r in TESTED_PELICAN)
        raise BuildError(f"masthead is tested with Pelican {tested}; this is Pelican {version}: "
                         f"install a tested one (pip install 'pelican>=4.11,<4.13') or upgrade masthead")


def start_build(pelican) -> None:
    """Read and validate all content (raises masthead.errors.ContentError on any problem), take
    the URL layout from the settings and leave Pelican no page of its own to write."""
    started = time.perf_counter()
    request = REQUEST.get()
    if request is None:  # `pelican content` run directly: one build per process
        request = BuildRequest()
        REQUEST.set(request)
    settings = pelican.settings
    layout = hand_over(settings)
    config = site_config(settings)
    theme = theme_of(settings)
    now = request.now or datetime.now(timezone.utc)
    workers = request.workers = Workers()
    if request.previous_output is None:  # a whole site to make: the workers will be needed
        workers.warm()
    newsroom = request.newsroom
    if newsroom is None or newsroom.now != now:
        newsroom = read_newsroom(Path(settings["PATH"]), config, now, Path(settings["CACHE_PATH"]),
                                 theme=theme, workers=workers, snapshot=request.snapshot)
    record = RenderRecord(request.previous_output, site_key(settings, config, newsroom, theme),
                          request.previous_record)
    kit = template_kit(settings, config, newsroom, theme)
    request.state = BuildState(config=config, newsroom=newsroom, theme=theme, layout=layout, record=record,
                               workers=workers, content=Path(settings["PATH"]), cache=Path(settings["CACHE_PATH"]),
                               kit=kit)
    request.state.timed("content", started)
    logger.info("masthead: %d published, %d scheduled, %d drafts, %d expired, %d authors",
                len(newsroom.published), len(newsroom.scheduled), len(newsroom.drafts),
                len(newsroom.expired), len(newsroom.authors))


def add_generator(pelican) -> type:
    return MastheadGenerator


def withhold_unpublished_images(generator) -> None:
    """Leave out images that only unbuilt articles use: an embargo covers its photos, and so does
    a removed expiry. (Pelican hands its static generator to this signal for such changes.)"""
    state = current_state()
    newsroom = state.newsroom
    shown = {"published"} | ({"expired"} if state.config.expired == "notice" else set())
    live, unpublished = set(), set()
    for article in newsroom.articles:
        image = article.image.picture.src if article.image else None
        if image:
            (live if article.state(newsroom.now) in shown else unpublished).add(image)
    withheld = unpublished - live
    kept = [s for s in generator.staticfiles if Path(s.relative_source_path).as_posix() not in withheld]
    generator.staticfiles = generator.context["staticfiles"] = kept
