"""masthead's Pelican plugin: `PLUGINS = ["masthead.plugin"]` in pelicanconf.py.

register() only connects signals. When Pelican starts, the whole newsroom is read and checked
once; a content error stops Pelican before anything is written.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from pathlib import Path

from pelican import signals

from ..config import site_config
from ..content import build_newsroom
from ..sources import read_sources
from .cards import draw_cards
from .editions import write_editions
from .feeds import finish_feeds, start_feeds
from .manifest import write_manifest
from .redirects import write_redirects
from .seo import INDEX_KEY, index_translations, write_discovery
from .reader import NEWSROOM_KEY, MastheadReader
from .settings import apply_pelican_settings
from .theme import template_helpers

logger = logging.getLogger(__name__)

CONFIG_KEY = "MASTHEAD_CONFIG"
TIMINGS_KEY = "MASTHEAD_TIMINGS"  # seconds spent in each masthead stage, for reports and bench/
COUNTS_KEY = "MASTHEAD_COUNTS"  # what each stage made, e.g. cards drawn
NOW_KEY = "MASTHEAD_NOW"  # the build's clock; set by `masthead build --now` and by tests


def register() -> None:
    signals.initialized.connect(load_newsroom)
    signals.readers_init.connect(add_reader)
    signals.static_generator_finalized.connect(withhold_unpublished_images)
    signals.article_generator_finalized.connect(index_translations)
    signals.all_generators_finalized.connect(draw_cards)
    signals.all_generators_finalized.connect(write_discovery)
    signals.all_generators_finalized.connect(write_redirects)
    signals.all_generators_finalized.connect(write_manifest)
    signals.all_generators_finalized.connect(write_editions)
    signals.all_generators_finalized.connect(start_feeds)
    signals.finalized.connect(finish_feeds)


def load_newsroom(pelican) -> None:
    """Read and validate all content; raises masthead.errors.ContentError on any problem."""
    started = time.perf_counter()
    settings = pelican.settings
    apply_pelican_settings(settings)
    config = site_config(settings)
    now = settings.get(NOW_KEY) or datetime.now(timezone.utc)
    newsroom = build_newsroom(read_sources(Path(settings["PATH"])), config, now)
    settings[CONFIG_KEY] = config
    settings[NEWSROOM_KEY] = newsroom
    settings[TIMINGS_KEY] = {"content": time.perf_counter() - started}
    settings[COUNTS_KEY] = {}
    settings[INDEX_KEY] = {"translations": {}}
    filters, globals_ = template_helpers(config, newsroom, settings[INDEX_KEY])
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), **filters}
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), **globals_}
    logger.info("masthead: %d published, %d scheduled, %d drafts, %d expired, %d authors",
                len(newsroom.published), len(newsroom.scheduled), len(newsroom.drafts),
                len(newsroom.expired), len(newsroom.authors))


def add_reader(readers) -> None:
    readers.reader_classes["md"] = MastheadReader


def withhold_unpublished_images(generator) -> None:
    """Leave out images that only unbuilt articles use: an embargo covers its photos, and so does
    a removed expiry."""
    newsroom = generator.settings[NEWSROOM_KEY]
    shown = {"published"} | ({"expired"} if generator.settings[CONFIG_KEY].expired == "notice" else set())
    live, unpublished = set(), set()
    for article in newsroom.articles:
        image = article.image.picture.src if article.image else None
        if image:
            (live if article.state(newsroom.now) in shown else unpublished).add(image)
    withheld = unpublished - live
    kept = [s for s in generator.staticfiles if Path(s.relative_source_path).as_posix() not in withheld]
    generator.staticfiles = generator.context["staticfiles"] = kept
