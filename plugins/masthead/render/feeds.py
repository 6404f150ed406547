"""Every feed of the site: the plan's stories to feed entries, the feed plan, the documents."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from pathlib import Path

from ..config import SiteConfig
from ..feeds import FORMATS, Category, FeedDocument, FeedSite, Person, feed_entry, plan_feeds, planned_entry
from ..feeds.formats import FeedWriter
from ..workers import Workers
from .files import OutputFolder
from .record import RenderRecord

logger = logging.getLogger(__name__)


def feed_site(config: SiteConfig) -> FeedSite:
    base = config.public_url
    # RSS 2.0 allows only GIF, JPEG or PNG as a channel image; an SVG logo stays out of feeds.
    raster = config.logo.lower().endswith((".png", ".jpg", ".jpeg", ".gif"))
    logo = f"{base}/images/{config.logo}" if raster else ""
    return FeedSite(title=config.name, subtitle=config.tagline, url=base, default_lang=config.default_lang,
                    timezone=config.timezone, items=config.feed_items, logo=logo,
                    icon=f"{base}/theme/favicon.svg", hub=config.websub_hub)


def write_feeds(stories, newsroom, config: SiteConfig, output: OutputFolder, record: RenderRecord | None,
                workers: Workers | None = None) -> FeedsWritten:
    """Entries from the site's stories (their addresses and bodies as their pages show them), then
    the documents: written by a worker when there are many (`finish()` waits for them)."""
    base = config.public_url

    def absolute(path: str) -> str:
        return f"{base}/{path}"

    people: dict[str, Person] = {}
    # sections and tags: one view object each, shared by its stories and kept by the plan (so by id)
    categories: dict[int, Category] = {}

    def person(author) -> Person:
        if author.slug not in people:
            avatar = newsroom.authors[author.slug].avatar
            people[author.slug] = Person(
                slug=author.slug, name=author.name, url=absolute(author.url),
                avatar=absolute(avatar.src) if avatar and avatar.is_local else (avatar.src if avatar else ""))
        return people[author.slug]

    def category(view) -> Category:
        found = categories.get(id(view))
        if found is None:
            found = categories[id(view)] = Category(slug=view.slug, term=view.name, url=absolute(view.url))
        return found

    # Entries are planned with only what files them (planned_entry): the documents written, a
    # handful in an incremental build, get whole entries (_Contents.complete).
    entries, sources = [], {}
    for article in stories:
        entry = planned_entry(article.record, tuple(map(person, article.authors)),
                              category(article.category), tuple(map(category, article.tags)))
        entries.append(entry)
        sources[id(entry)] = article
    site = feed_site(config)
    documents = plan_feeds(entries, site)
    logger.info("masthead: %d feed documents in %d formats", len(documents), len(FORMATS))
    return write_documents(documents, site, output, record, _Contents(sources, base), workers)


class _Contents:
    """Each planned entry's article: the whole entry (made only for the documents written) and
    the key of its story (for the documents' keys)."""

    def __init__(self, sources: dict, base: str):
        self.sources, self.base = sources, base
        self.done: dict[int, object] = {}

    def digest(self, entry) -> str:
        return self.sources[id(entry)].key  # the story's record and its body as pages show it

    def complete(self, entry):
        if id(entry) not in self.done:
            article = self.sources[id(entry)]
            # the plain body: a large site's feeds then hold no copy of it (`content` is one)
            self.done[id(entry)] = feed_entry(article.record, f"{self.base}/{article.url}", article.html,
                                              entry.authors, entry.section, entry.tags, self.base)
        return self.done[id(entry)]


PARALLEL_FROM = 32  # fewer documents are written here: handing them to a worker costs more


class FeedsWritten:
    """Feed documents being written; finish() waits for them and records them as rendered."""

    def __init__(self, units: list[tuple[str, str, list[str]]], record: RenderRecord | None, job=None) -> None:
        self.units, self.record, self.job = units, record, job

    def finish(self) -> int:
        if self.job is not None:
            self.job.result()  # a worker's error is raised here
        if self.record is not None:
            for unit, key, files in self.units:
                self.record.rendered_unit(unit, key, files)
        return len(self.units)


def write_documents(documents: list[FeedDocument], site: FeedSite, output: OutputFolder,
                    record: RenderRecord | None = None, contents: _Contents | None = None,
                    workers: Workers | None = None) -> FeedsWritten:
    """Serialize each document in every format, unless the last build wrote the same document.
    With `contents`, the documents' entries have no content yet: an entry's key is its story's
    (which covers its body and everything else it shows), and only documents written get it."""
    entry_keys: dict[int, str] = {}  # an entry is in about eight documents: digest it once

    def entry_key(entry) -> str:
        """With `contents`, the key of the story the entry is made from (which covers all it
        shows; the authors and the site are in every key), else a digest of the entry."""
        if contents:
            return contents.digest(entry)
        if id(entry) not in entry_keys:
            entry_keys[id(entry)] = hashlib.sha256(repr(entry).encode("utf-8", "surrogatepass")).hexdigest()
        return entry_keys[id(entry)]

    wanted, units = [], []
    for doc in documents:
        unit = "feed:" + doc.path
        key = record.key(unit, repr((replace(doc, entries=()), site)),
                         *(entry_key(e) for e in doc.entries)) if record else ""
        if record and record.unchanged(unit, key):
            continue
        if contents:
            doc = replace(doc, entries=tuple(contents.complete(e) for e in doc.entries))
        wanted.append(doc)
        units.append((unit, key, sorted(f"{doc.path}{extension}" for extension in FORMATS.values())))
    if workers is not None and len(wanted) >= PARALLEL_FROM:
        return FeedsWritten(units, record, workers.submit_large(write_files, wanted, site, str(output.root)))
    write_files(wanted, site, output)
    return FeedsWritten(units, record)


def write_files(documents: list[FeedDocument], site: FeedSite, output: OutputFolder | str) -> None:
    """Each document in every format (in a worker, or here); entries shared by documents are
    serialized once per format."""
    folder = output if isinstance(output, OutputFolder) else OutputFolder(Path(output))
    writer = FeedWriter(site)
    for doc in documents:
        for fmt, extension in FORMATS.items():
            folder.write_bytes(f"{doc.path}{extension}", writer.write(doc, fmt))
