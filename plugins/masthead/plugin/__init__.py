"""masthead's Pelican plugin: `PLUGINS = ["masthead.plugin"]` in pelicanconf.py.

register() only connects signals. When Pelican starts, the whole newsroom is read and checked
once; a content error stops Pelican before anything is written.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from pelican import signals

from ..config import site_config
from ..parsecache import read_newsroom
from .archives import take_over_period_archives, write_period_archives
from .cards import draw_cards
from .editions import write_editions
from .feeds import finish_feeds, start_feeds
from .incremental import PREVIOUS_KEY, RECORD_KEY, RenderRecord, get_writer, site_key
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
GIVEN_NEWSROOM_KEY = "MASTHEAD_GIVEN_NEWSROOM"  # already read and checked by the caller (`masthead publish`)


def register() -> None:
    signals.initialized.connect(load_newsroom)
    signals.readers_init.connect(add_reader)
    signals.get_writer.connect(get_writer)
    signals.static_generator_finalized.connect(withhold_unpublished_images)
    signals.article_generator_pretaxonomy.connect(fix_addresses)
    signals.article_generator_finalized.connect(index_translations)
    # The feeds start first: their process works on the second core while the rest is written.
    signals.all_generators_finalized.connect(start_feeds)
    signals.all_generators_finalized.connect(draw_cards)
    signals.all_generators_finalized.connect(write_discovery)
    signals.all_generators_finalized.connect(write_redirects)
    signals.all_generators_finalized.connect(write_manifest)
    signals.all_generators_finalized.connect(write_editions)
    signals.all_generators_finalized.connect(write_period_archives)
    signals.finalized.connect(finish_feeds)


def load_newsroom(pelican) -> None:
    """Read and validate all content; raises masthead.errors.ContentError on any problem."""
    started = time.perf_counter()
    settings = pelican.settings
    apply_pelican_settings(settings)
    take_over_period_archives(settings)
    config = site_config(settings)
    now = settings.get(NOW_KEY) or datetime.now(timezone.utc)
    newsroom = settings.pop(GIVEN_NEWSROOM_KEY, None)
    if newsroom is None or newsroom.now != now:
        newsroom = read_newsroom(Path(settings["PATH"]), config, now, Path(settings["CACHE_PATH"]))
    settings[CONFIG_KEY] = config
    settings[NEWSROOM_KEY] = newsroom
    settings[TIMINGS_KEY] = {"content": time.perf_counter() - started}
    settings[COUNTS_KEY] = {}
    settings[INDEX_KEY] = {"translations": {}}
    previous = settings.get(PREVIOUS_KEY)
    settings[RECORD_KEY] = RenderRecord(Path(previous) if previous else None,
                                        site_key(settings, config, newsroom, Path(settings["THEME"])))
    filters, globals_ = template_helpers(config, newsroom, settings[INDEX_KEY])
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), **filters}
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), **globals_}
    logger.info("masthead: %d published, %d scheduled, %d drafts, %d expired, %d authors",
                len(newsroom.published), len(newsroom.scheduled), len(newsroom.drafts),
                len(newsroom.expired), len(newsroom.authors))


def add_reader(readers) -> None:
    readers.reader_classes["md"] = MastheadReader


def fix_addresses(generator) -> None:
    """Work out each article's URL and file name once, as Pelican's own `url`/`save_as` metadata.

    Pelican formats them from the settings on every access (ten or more per article per build,
    a few seconds at 10,000 articles); the values are the same, only computed once. Tag, section
    and author lists also get constant-time membership: Pelican asks, for each of them, which of
    all the articles are in it."""
    for article in generator.articles + generator.translations + generator.hidden_articles \
            + generator.hidden_translations:
        article.override_url, article.override_save_as = article.url, article.save_as
    generator.tags = defaultdict(MemberList)
    generator.categories = defaultdict(MemberList)
    generator.authors = defaultdict(MemberList)


class MemberList(list):
    """A list whose `in` is a set lookup by identity (Pelican's articles compare by identity)."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self._ids = {id(item) for item in self}

    def append(self, item) -> None:
        self._ids.add(id(item))
        super().append(item)

    def __contains__(self, item) -> bool:
        return id(item) in self._ids


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
