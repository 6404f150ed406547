"""Write every feed into the output folder once Pelican knows each page's URL.

When Pelican's generators are done, a second process takes Pelican's articles and does all the
feed work (entries, plan, files) while Pelican writes its pages, so on two cores the feeds add
little to a build; the build waits for that process before it may succeed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import sys
import threading
import time
import traceback
from dataclasses import replace
from pathlib import Path

from pelican.generators import ArticlesGenerator

from ..config import SiteConfig
from ..errors import BuildError
from ..content import Newsroom
from ..feeds import FORMATS, Category, FeedDocument, FeedSite, Person, feed_entry, plan_feeds
from ..feeds.entries import entry_content
from ..feeds.formats import FeedWriter
from ..outputs import NOTES_DIR
from .incremental import RECORD_KEY, RenderRecord
from .reader import NEWSROOM_KEY

FEED_UNITS = NOTES_DIR + "feed-units.json"  # the feed process's report to the build, removed after

logger = logging.getLogger(__name__)

JOB_KEY = "MASTHEAD_FEED_JOB"


def feed_site(config: SiteConfig) -> FeedSite:
    base = config.public_url
    # RSS 2.0 allows only GIF, JPEG or PNG as a channel image; an SVG logo stays out of feeds.
    raster = config.logo.lower().endswith((".png", ".jpg", ".jpeg", ".gif"))
    logo = f"{base}/images/{config.logo}" if raster else ""
    return FeedSite(title=config.name, subtitle=config.tagline, url=base, default_lang=config.default_lang,
                    timezone=config.timezone, items=config.feed_items, logo=logo,
                    icon=f"{base}/theme/favicon.svg", hub=config.websub_hub)


def start_feeds(generators) -> None:
    """Start writing the feeds of Pelican's published articles; finish_feeds waits for them."""
    started = time.perf_counter()
    articles_generator = next(g for g in generators if isinstance(g, ArticlesGenerator))
    settings = articles_generator.settings
    job_args = (articles_generator.articles, settings[NEWSROOM_KEY], settings["MASTHEAD_CONFIG"],
                Path(articles_generator.output_path), settings[RECORD_KEY])
    settings[JOB_KEY] = _FeedJob.start(write_feeds, job_args)
    settings["MASTHEAD_TIMINGS"]["feeds"] = time.perf_counter() - started


def write_feeds(articles, newsroom: Newsroom, config: SiteConfig, output: Path,
                record: RenderRecord | None = None) -> None:
    """Entries from Pelican's articles (URLs and content as Pelican wrote them), then the documents."""
    base = config.public_url

    def absolute(path: str) -> str:
        return f"{base}/{path}"

    def person(author) -> Person:
        avatar = newsroom.authors[author.slug].avatar
        return Person(slug=author.slug, name=author.name, url=absolute(author.url),
                      avatar=absolute(avatar.src) if avatar and avatar.is_local else (avatar.src if avatar else ""))

    # Entries are planned without their content, which only the documents written need: most
    # documents of an incremental build are unchanged, and an entry's content costs the most.
    entries, sources = [], {}
    for article in articles:
        section = Category(slug=article.category.slug, term=article.category.name, url=absolute(article.category.url))
        tags = tuple(Category(slug=t.slug, term=t.name, url=absolute(t.url)) for t in article.tags)
        entry = feed_entry(article.record, absolute(article.url), "", tuple(person(a) for a in article.authors),
                           section, tags, base)
        entries.append(entry)
        sources[id(entry)] = article
    site = feed_site(config)
    documents = plan_feeds(entries, site)
    units = write_documents(documents, site, output, record, _Contents(sources))
    (output / FEED_UNITS).parent.mkdir(parents=True, exist_ok=True)
    (output / FEED_UNITS).write_text(json.dumps(units), encoding="utf-8")
    logger.info("masthead: %d feed documents in %d formats", len(documents), len(FORMATS))


def finish_feeds(pelican) -> None:
    """Wait for the feeds; a failure fails the build."""
    job = pelican.settings.pop(JOB_KEY, None)
    if job is not None:
        waited = job.wait()
        pelican.settings["MASTHEAD_TIMINGS"]["feeds"] += waited
        # the feed writer's units (which documents it wrote, which it kept) join the build's record
        notes = Path(pelican.settings["OUTPUT_PATH"]) / FEED_UNITS
        units = json.loads(notes.read_text(encoding="utf-8"))
        notes.unlink()
        record: RenderRecord = pelican.settings[RECORD_KEY]
        for unit, (key, files, carried) in units.items():
            if carried:  # the feed process found it unchanged with record.same()
                record.keep(unit)
            else:
                record.rendered_unit(unit, key, files)
        pelican.settings["MASTHEAD_COUNTS"]["feeds_written"] = sum(not u[2] for u in units.values())


class _Contents:
    """Each planned entry's article: its content (filled in only for the documents written) and
    the digest of its record (for the documents' keys)."""

    def __init__(self, sources: dict):
        self.sources = sources
        self.done: dict[int, object] = {}

    def digest(self, entry) -> str:
        return self.sources[id(entry)].record.digest

    def complete(self, entry):
        if id(entry) not in self.done:
            article = self.sources[id(entry)]
            self.done[id(entry)] = replace(entry, content_html=entry_content(article.content, entry.url))
        return self.done[id(entry)]


def write_documents(documents: list[FeedDocument], site: FeedSite, output: Path,
                    record: RenderRecord | None = None, contents: _Contents | None = None) -> dict[str, list]:
    """Serialize each document in every format, unless the last build wrote the same document.
    With `contents`, the documents' entries have no content yet: an entry's key is its other
    fields and its article's record (which holds the body), and only documents written get it."""
    writer = FeedWriter(site)
    units = {}
    entry_keys: dict[int, str] = {}  # an entry is in about eight documents: digest it once

    def entry_key(entry) -> str:
        if id(entry) not in entry_keys:
            shown = repr(entry) + (contents.digest(entry) if contents else "")
            entry_keys[id(entry)] = hashlib.sha256(shown.encode("utf-8", "surrogatepass")).hexdigest()
        return entry_keys[id(entry)]

    for doc in documents:
        files = sorted(f"{doc.path}{extension}" for extension in FORMATS.values())
        unit = "feed:" + doc.path
        key = record.key(unit, repr((replace(doc, entries=()), site)),
                         *(entry_key(e) for e in doc.entries)) if record else ""
        if record and record.same(unit, key):
            units[unit] = [key, files, True]
            continue
        if contents:
            doc = replace(doc, entries=tuple(contents.complete(e) for e in doc.entries))
        (output / doc.path).parent.mkdir(parents=True, exist_ok=True)
        for fmt, extension in FORMATS.items():
            (output / f"{doc.path}{extension}").write_bytes(writer.write(doc, fmt))
        units[unit] = [key, files, False]
    return units


class _FeedJob:
    """Feeds being written: in a forked process when that is safe, else right away.

    A forked child sees Pelican's articles without copying or pickling them, and does all the
    feed work (entries, plan, serialization, files) on the second core while Pelican writes pages.
    A threaded process (`masthead serve` builds from a watcher thread) is never forked.
    """

    def __init__(self, process=None):
        self.process = process

    @classmethod
    def start(cls, work, args) -> "_FeedJob":
        if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
            work(*args)
            return cls()
        process = multiprocessing.get_context("fork").Process(
            target=_child, args=(work, args), name="masthead-feeds", daemon=True)
        process.start()
        return cls(process)

    def cancel(self) -> None:
        """Stop writing: the build failed and its folder is about to be removed."""
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join()

    def wait(self) -> float:
        if self.process is None:
            return 0.0
        started = time.perf_counter()
        self.process.join()
        if self.process.exitcode != 0:
            raise BuildError(f"writing the feeds failed (exit code {self.process.exitcode}; "
                             "the error is printed above)")
        return time.perf_counter() - started


def _child(work, args) -> None:
    try:
        work(*args)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        raise SystemExit(1)
