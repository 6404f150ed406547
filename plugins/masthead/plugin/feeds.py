"""Write every feed into the output folder once Pelican knows each page's URL."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from pelican.generators import ArticlesGenerator

from ..config import SiteConfig
from ..feeds import FORMATS, Category, FeedSite, Person, feed_entry, plan_feeds
from ..feeds.formats import FeedWriter
from .reader import NEWSROOM_KEY

logger = logging.getLogger(__name__)

# Feeds need absolute URLs; a local preview without SITEURL is served here by `masthead serve`.
PREVIEW_URL = "http://127.0.0.1:8000"


def site_url(config: SiteConfig) -> str:
    return config.site_url or PREVIEW_URL


def feed_site(config: SiteConfig) -> FeedSite:
    base = site_url(config)
    # RSS 2.0 allows only GIF, JPEG or PNG as a channel image; an SVG logo stays out of feeds.
    raster = config.logo.lower().endswith((".png", ".jpg", ".jpeg", ".gif"))
    logo = f"{base}/images/{config.logo}" if raster else ""
    return FeedSite(title=config.name, subtitle=config.tagline, url=base, default_lang=config.default_lang,
                    timezone=config.timezone, items=config.feed_items, logo=logo,
                    icon=f"{base}/theme/favicon.svg", hub=config.websub_hub)


def write_feeds(generators) -> None:
    started = time.perf_counter()
    articles_generator = next(g for g in generators if isinstance(g, ArticlesGenerator))
    settings = articles_generator.settings
    config: SiteConfig = settings["MASTHEAD_CONFIG"]
    base = site_url(config)
    newsroom = settings[NEWSROOM_KEY]

    def absolute(path: str) -> str:
        return f"{base}/{path}"

    entries = []
    for article in articles_generator.articles:
        record = article.record
        authors = tuple(
            Person(slug=a.slug, name=a.name, url=absolute(a.url),
                   avatar=absolute(newsroom.authors[a.slug].avatar.src)
                   if newsroom.authors[a.slug].avatar and newsroom.authors[a.slug].avatar.is_local else "")
            for a in article.authors)
        section = Category(slug=article.category.slug, term=article.category.name, url=absolute(article.category.url))
        tags = tuple(Category(slug=t.slug, term=t.name, url=absolute(t.url)) for t in article.tags)
        entries.append(feed_entry(record, absolute(article.url), article.content, authors, section, tags, base))

    site = feed_site(config)
    output = Path(articles_generator.output_path)
    documents = plan_feeds(entries, site)
    writer = FeedWriter(site)
    for doc in documents:
        (output / doc.path).parent.mkdir(parents=True, exist_ok=True)
        for fmt, extension in FORMATS.items():
            (output / f"{doc.path}{extension}").write_bytes(writer.write(doc, fmt))
    settings["MASTHEAD_TIMINGS"]["feeds"] = time.perf_counter() - started
    logger.info("masthead: wrote %d feed documents in %d formats", len(documents), len(FORMATS))
