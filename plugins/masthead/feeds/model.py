"""What a feed says, independent of its format: the documents, their entries, their links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

FORMATS = {"atom": ".atom.xml", "rss": ".rss.xml", "json": ".json"}
MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"}
FORMAT_NAMES = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}

FeedKind = Literal["site", "section", "author", "tag", "language"]


@dataclass(frozen=True)
class Person:
    slug: str
    name: str
    url: str
    avatar: str = ""


@dataclass(frozen=True)
class Category:
    slug: str
    term: str
    url: str


@dataclass(frozen=True)
class Enclosure:
    """The featured image as feeds carry it; `length` is None for remote images."""

    url: str
    media_type: str
    alt: str
    length: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    url: str
    published: datetime
    updated: datetime
    authors: tuple[Person, ...]
    section: Category
    tags: tuple[Category, ...]
    summary: str
    content_html: str
    lang: str
    image: Enclosure | None = None


@dataclass(frozen=True)
class FeedDocument:
    """One feed file in every format: a subscription feed or one month of its archive.

    `path` has no extension ("feeds/sections/europe"); `archive_of` is the subscription feed's
    path for an archive document; `prev_archive` the path of the next older archive, if any.
    """

    path: str
    kind: FeedKind
    title: str
    subtitle: str
    home_url: str
    lang: str
    entries: tuple[FeedEntry, ...]
    archive_of: str = ""
    prev_archive: str = ""

    @property
    def is_archive(self) -> bool:
        return bool(self.archive_of)

    @property
    def updated(self) -> datetime | None:
        """The newest entry's `updated`: a feed changes only when an entry does."""
        return max((e.updated for e in self.entries), default=None)
