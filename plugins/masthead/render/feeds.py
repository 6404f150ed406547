"""Every feed of the site: the plan's stories to feed entries, the feed plan, the documents."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from pathlib import Path

from ..config import SiteConfig
from ..feeds import FORMATS, Category, FeedDocument, FeedEntry, FeedSite, Person, feed_entry, plan_feeds, planned_entry
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
    the documents: written by a worker when there are many (`finish()` waits for them). The
    result's `filing` says which stories each document holds (for render/edits.py)."""
    made = FeedEntries(newsroom, config)
    entries = [made.planned(story) for story in stories]
    site = feed_site(config)
    documents = plan_feeds(entries, site)
    logger.info("masthead: %d feed documents in %d formats", len(documents), len(FORMATS))
    written = write_documents(documents, site, output, record, made.contents(), workers)
    sources = made.sources
    written.filing = [(replace(doc, entries=()), tuple(sources[id(e)].record.rel for e in doc.entries))
                      for doc in documents]
    return written


def rewrite_feeds(filed: list[tuple[FeedDocument, tuple]], newsroom, config: SiteConfig, output: OutputFolder,
                  record: RenderRecord, workers: Workers | None = None) -> FeedsWritten:
    """Documents the last build filed (`filed`: each without its entries, and its stories in
    order) made again from those stories: after an edit of bodies only, the documents that hold
    an edited story, with the same keys a whole build gives them."""
    made = FeedEntries(newsroom, config)
    documents = [replace(doc, entries=tuple(map(made.planned, stories))) for doc, stories in filed]
    return write_documents(documents, feed_site(config), output, record, made.contents(), workers)


class FeedEntries:
    """Feed entries planned from stories with only what files them (planned_entry); whole entries
    are made later, for the documents written (_Contents.complete)."""

    def __init__(self, newsroom, config: SiteConfig) -> None:
        self.newsroom, self.base = newsroom, config.public_url
        self.people: dict[str, Person] = {}
        # sections and tags: one view object each, shared by its stories and kept by the plan (so by id)
        self.categories: dict[int, Category] = {}
        self.sources: dict[int, object] = {}  # id(entry) -> its story
        self.entries: dict[int, FeedEntry] = {}  # id(story) -> its entry (the stories live as long as this)

    def person(self, author) -> Person:
        if author.slug not in self.people:
            avatar, base = self.newsroom.authors[author.slug].avatar, self.base
            self.people[author.slug] = Person(
                slug=author.slug, name=author.name, url=f"{base}/{author.url}",
                avatar=f"{base}/{avatar.src}" if avatar and avatar.is_local else (avatar.src if avatar else ""))
        return self.people[author.slug]

    def category(self, view) -> Category:
        found = self.categories.get(id(view))
        if found is None:
            found = self.categories[id(view)] = Category(slug=view.slug, term=view.name, url=f"{self.base}/{view.url}")
        return found

    def planned(self, story) -> FeedEntry:
        """The story's entry: one object however many documents hold it (each is made whole once)."""
        entry = self.entries.get(id(story))
        if entry is None:
            entry = self.entries[id(story)] = planned_entry(
                story.record, tuple(map(self.person, story.authors)), self.category(story.category),
                tuple(map(self.category, story.tags)))
            self.sources[id(entry)] = story
        return entry

    def contents(self) -> _Contents:
        return _Contents(self.sources, self.base)


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
        self.filing: list[tuple[FeedDocument, tuple[str, ...]]] = []  # each document, and its stories' files

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
