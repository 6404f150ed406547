"""The newsroom's content as plain, frozen, already-validated objects.

Everything past the schema trusts these values: dates are timezone-aware, authors are known,
images exist. Nothing here does I/O or knows about Pelican.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cached_property
from types import MappingProxyType
from typing import Literal, Mapping

RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "ug", "ur", "yi"})
RTL_SCRIPTS = frozenset({"adlm", "arab", "hebr", "mand", "nkoo", "rohg", "samr", "syrc", "thaa"})


def text_direction(lang: str) -> Literal["ltr", "rtl"]:
    """'rtl' for a BCP 47 tag whose language or script is written right to left."""
    subtags = lang.lower().split("-")
    scripts = [s for s in subtags[1:] if len(s) == 4 and s.isalpha()]
    if scripts:
        return "rtl" if scripts[0] in RTL_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in RTL_LANGUAGES else "ltr"


@dataclass(frozen=True)
class SourceFile:
    """One content file as read from disk: `rel` is relative to the content root.

    `data` is None for a file left unread because the digest of its bytes is known and current
    (see masthead.parsecache): such a file is only ever looked up in the parse cache."""

    rel: str
    display: str
    data: bytes | None
    known_digest: str = ""

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the file's bytes."""
        return self.known_digest or hashlib.sha256(self.data or b"").hexdigest()


@dataclass(frozen=True)
class ImageFile:
    """A picture under content/images, with the size read from its header and the SHA-256 of its
    bytes (what cards and crops are keyed by: a fresh checkout dates every file anew)."""

    rel: str
    width: int | None
    height: int | None
    bytes: int
    digest: str = ""


@dataclass(frozen=True)
class Picture:
    """A picture to show: a file under content/images (`rel`) or an absolute URL."""

    src: str
    width: int | None = None
    height: int | None = None
    bytes: int | None = None

    @property
    def is_local(self) -> bool:
        return not self.src.startswith(("http://", "https://"))


@dataclass(frozen=True)
class FeaturedImage:
    picture: Picture
    alt: str
    caption: str = ""
    credit: str = ""


@dataclass(frozen=True)
class Correction:
    date: datetime
    text: str


@dataclass(frozen=True)
class Link:
    """One of an author's profiles: `kind` is e.g. 'mastodon', `url` is what a reader follows."""

    kind: str
    label: str
    url: str


@dataclass(frozen=True)
class Removal:
    """Something the HTML sanitizer took out of a body, bio or correction: where (the line in
    the file, when known) and what, for `masthead check`."""

    line: int | None
    what: str


@dataclass(frozen=True)
class Author:
    slug: str
    name: str
    bio_html: str
    source: str
    role: str = ""
    avatar: Picture | None = None
    links: tuple[Link, ...] = ()
    removed: tuple[Removal, ...] = ()  # raw HTML the sanitizer took out of the bio, for the check
    bio_line: int | None = None  # the bio's first line in the file


@dataclass(frozen=True)
class Article:
    source: str
    rel: str
    id: str
    title: str
    slug: str
    date: datetime
    authors: tuple[str, ...]
    category: str
    summary: str
    body_html: str
    lang: str
    status: Literal["draft", "published"] = "published"
    updated: datetime | None = None
    tags: tuple[str, ...] = ()
    image: FeaturedImage | None = None
    dateline: str = ""
    canonical_url: str = ""
    corrections: tuple[Correction, ...] = ()
    card_title: str = ""
    translation_key: str = ""
    aliases: tuple[str, ...] = ()  # old paths that redirect here
    expires: datetime | None = None  # when it leaves listings, feeds and sitemaps
    removed: tuple[Removal, ...] = ()  # raw HTML the sanitizer took out of the body and corrections
    # (field, line in the file) of each front-matter key and of the body ("body"): where the check
    # points an editor. Not part of what the article is (its digests leave it out).
    lines: tuple[tuple[str, int], ...] = field(default=(), repr=False, compare=False)

    @property
    def direction(self) -> Literal["ltr", "rtl"]:
        return text_direction(self.lang)

    def line_of(self, name: str) -> int | None:
        """The line of a front-matter key, or of the body's first line ("body"), when known."""
        return next((line for key, line in self.lines if key == name), None)

    @cached_property
    def modified(self) -> datetime | None:
        """When the article last changed for readers: an `updated` date or its latest correction."""
        moments = [c.date for c in self.corrections]
        if self.updated:
            moments.append(self.updated)
        return max(moments) if moments else None

    @cached_property
    def digest(self) -> str:
        """A digest of every field: the same digest, the same record. Computed once and kept with
        the record in the parse cache, so an unchanged article costs nothing to compare."""
        return hashlib.sha256(repr(self).encode("utf-8", "surrogatepass")).hexdigest()[:32]

    @cached_property
    def listing_digest(self) -> str:
        """A digest of every field but the body: what a listing may show of an article."""
        shown = [getattr(self, f.name) for f in fields(self) if f.name != "body_html" and f.repr]
        return hashlib.sha256(repr(shown).encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def state(self, now: datetime) -> Literal["draft", "scheduled", "published", "expired"]:
        if self.status == "draft":
            return "draft"
        if self.date > now:
            return "scheduled"
        return "expired" if self.expires and self.expires <= now else "published"


@dataclass(frozen=True)
class Page:
    source: str
    rel: str
    title: str
    slug: str
    summary: str
    body_html: str
    lang: str
    status: Literal["draft", "published", "hidden"] = "published"
    removed: tuple[Removal, ...] = ()

    @property
    def direction(self) -> Literal["ltr", "rtl"]:
        return text_direction(self.lang)


@dataclass(frozen=True)
class Newsroom:
    """All of a newsroom's validated content, and the moment it was judged at."""

    now: datetime
    articles: tuple[Article, ...]
    authors: Mapping[str, Author] = field(default_factory=lambda: MappingProxyType({}))
    pages: tuple[Page, ...] = ()
    images: Mapping[str, ImageFile] = field(default_factory=lambda: MappingProxyType({}))

    @cached_property
    def by_path(self) -> Mapping[str, Article | Page]:
        """Articles and pages by their path relative to the content root."""
        return {a.rel: a for a in self.articles} | {p.rel: p for p in self.pages}

    @cached_property
    def _by_state(self) -> Mapping[str, tuple[Article, ...]]:
        grouped: dict[str, list[Article]] = {}
        for article in self.articles:
            grouped.setdefault(article.state(self.now), []).append(article)
        return {state: tuple(found) for state, found in grouped.items()}

    def in_state(self, state: str) -> tuple[Article, ...]:
        return self._by_state.get(state, ())

    @property
    def published(self) -> tuple[Article, ...]:
        return self.in_state("published")

    @property
    def scheduled(self) -> tuple[Article, ...]:
        return self.in_state("scheduled")

    @property
    def drafts(self) -> tuple[Article, ...]:
        return self.in_state("draft")

    @property
    def expired(self) -> tuple[Article, ...]:
        return self.in_state("expired")
