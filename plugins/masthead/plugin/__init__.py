"""masthead's Pelican plugin: `PLUGINS = ["masthead.plugin"]` in pelicanconf.py.

register() only connects signals. When Pelican starts, the whole newsroom is read and checked
once; a content error stops Pelican before anything is written.
"""

from __future__ import annotations

import gc
import logging
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from pelican import __version__ as pelican_version
from pelican import signals

from ..config import site_config
from ..errors import BuildError
from ..parsecache import read_newsroom
from ..themes import theme_of
from .archives import take_over_period_archives
from .cards import draw_cards
from .incremental import PREVIOUS_KEY, RECORD_KEY, RenderRecord, get_writer, site_key
from .reader import NEWSROOM_KEY, MastheadReader
from .redirects import write_redirects
from .second import finish_second, start_second
from .seo import INDEX_KEY, index_translations, write_discovery
from .settings import apply_pelican_settings
from .theme import template_helpers

try:  # Pelican 4.12 names the error; 4.11 raises a RuntimeError
    from pelican.writers import FileOverwriteFailedError
except ImportError:  # pragma: no cover - exercised by make test-lowest
    FileOverwriteFailedError = RuntimeError  # type: ignore[misc,assignment]

logger = logging.getLogger(__name__)

CONFIG_KEY = "MASTHEAD_CONFIG"
TIMINGS_KEY = "MASTHEAD_TIMINGS"  # seconds spent in each masthead stage, for reports and bench/
COUNTS_KEY = "MASTHEAD_COUNTS"  # what each stage made, e.g. cards drawn
NOW_KEY = "MASTHEAD_NOW"  # the build's clock; set by `masthead build --now` and by tests
GIVEN_NEWSROOM_KEY = "MASTHEAD_GIVEN_NEWSROOM"  # already read and checked by the caller (`masthead publish`)


# The Pelican releases masthead's plugin is tested with (pyproject.toml allows only these; the
# shims below replace Pelican internals that an untested release may have changed).
TESTED_PELICAN = ((4, 11), (4, 12))


def register() -> None:
    check_pelican_version(pelican_version)
    signals.initialized.connect(load_newsroom)
    signals.readers_init.connect(add_reader)
    signals.article_generator_init.connect(without_pelican_content_cache)
    signals.page_generator_init.connect(without_pelican_content_cache)
    signals.get_writer.connect(get_writer)
    signals.static_generator_finalized.connect(withhold_unpublished_images)
    signals.article_generator_pretaxonomy.connect(constant_time_taxonomies)
    signals.article_generator_finalized.connect(index_translations)
    signals.article_generator_finalized.connect(group_listing_dates)
    signals.article_generator_finalized.connect(settle_garbage_collector)
    # The second process starts first: feeds, digest editions, archives and the manifest are
    # written on the second core while this process writes Pelican's pages, cards and sitemaps.
    signals.all_generators_finalized.connect(start_second)
    signals.all_generators_finalized.connect(draw_cards)
    signals.all_generators_finalized.connect(write_discovery)
    signals.all_generators_finalized.connect(write_redirects)
    signals.finalized.connect(finish_second)


def check_pelican_version(version: str) -> None:
    """Refuse a Pelican release the plugin was not tested with, before it can build anything."""
    release = tuple(int(part) for part in version.split(".")[:2] if part.isdigit())
    if release not in TESTED_PELICAN:
        tested = ", ".join(".".join(map(str, r)) for r in TESTED_PELICAN)
        raise BuildError(f"masthead is tested with Pelican {tested}; this is Pelican {version}: "
                         f"install a tested one (pip install 'pelican>=4.11,<4.13') or upgrade masthead")


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
        newsroom = read_newsroom(Path(settings["PATH"]), config, now, Path(settings["CACHE_PATH"]),
                                 background_save=True, theme=theme_of(settings))
    settings[CONFIG_KEY] = config
    settings[NEWSROOM_KEY] = newsroom
    gc.freeze()  # the newsroom lives as long as the build: the collector need not walk it again
    settings[TIMINGS_KEY] = {"content": time.perf_counter() - started}
    settings[COUNTS_KEY] = {}
    settings[INDEX_KEY] = {"translations": {}}
    previous = settings.get(PREVIOUS_KEY)
    settings[RECORD_KEY] = RenderRecord(Path(previous) if previous else None,
                                        site_key(settings, config, newsroom, theme_of(settings)))
    filters, globals_ = template_helpers(config, newsroom, settings[INDEX_KEY], theme_of(settings))
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), **filters}
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), **globals_}
    logger.info("masthead: %d published, %d scheduled, %d drafts, %d expired, %d authors",
                len(newsroom.published), len(newsroom.scheduled), len(newsroom.drafts),
                len(newsroom.expired), len(newsroom.authors))


def add_reader(readers) -> None:
    readers.reader_classes["md"] = MastheadReader


def without_pelican_content_cache(generator) -> None:
    """masthead keeps parsed articles in its own cache (parsecache.py), and an article's Pelican
    object depends on the clock (scheduled, expired), so Pelican's content cache is never used.
    Pelican still stats every file twice per build to fill it (four stats per article), so its
    lookups are turned into no-ops."""
    for cacher in (generator, generator.readers):
        cacher.get_cached_data = lambda filename, default=None: default
        cacher.cache_data = lambda filename, data: None


def constant_time_taxonomies(generator) -> None:
    """Tag, section and author lists with constant-time membership: Pelican asks, for each of
    them, which of all the articles are in it."""
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


def settle_garbage_collector(generator) -> None:
    """Pelican's articles, tags and sections live until the build ends, too. Each full collection
    walks every live object; at 10,000 articles that is millions, several times per build (about
    a tenth of an incremental build). masthead.build thaws them when the build is over."""
    gc.freeze()


def group_listing_dates(generator) -> None:
    """Pelican's tag, section and author pages, each given its articles in date order in one pass.

    Pelican works out each page's `dates` by walking every article of the site and asking whether
    it is on the page: tags × articles steps, about 2.5 million at 10,000 articles and 200 tags.
    Here each page's articles are sorted by their place in the site's date order instead, which
    gives the same lists; the pages are written with Pelican's own arguments."""
    place = {id(article): n for n, article in enumerate(generator.dates)}

    def in_date_order(articles) -> list:
        return sorted((a for a in articles if id(a) in place), key=lambda a: place[id(a)])

    def pages(kind: str, groups, write) -> None:
        template = generator.get_template(kind)
        for owner, articles in groups:
            try:
                write(owner.save_as, template, generator.context, url=owner.url, **{kind: owner},
                      articles=articles, dates=in_date_order(articles), template_name=kind, blog=True,
                      page_name=owner.page_name, all_articles=generator.articles)
            except FileOverwriteFailedError:
                if owner.slug:  # as Pelican: a name without a slug has no page, a clash is an error
                    raise

    generator.generate_tags = lambda write: pages("tag", generator.tags.items(), write)
    generator.generate_categories = lambda write: pages("category", generator.categories, write)
    generator.generate_authors = lambda write: pages("author", generator.authors, write)


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
