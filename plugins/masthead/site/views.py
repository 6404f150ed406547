"""What templates see: stories, sections, tags, bylines and pages, each with the key of what it shows.

Every object a template can be given carries `key`, a digest of everything it exposes, so a page's
key is computed from exactly the context it is rendered with (see keys.py). A `Teaser` is a story
as a listing shows it: no body (its record's body and source lines are empty), so a listing's key
leaves the body out without trusting the template not to read it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from functools import cached_property
from operator import attrgetter

from markupsafe import Markup

from ..content import Article, Author, Page


def digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True)
class Section:
    """A section (Pelican's "category"), linked from stories, the menu and listings."""

    name: str
    slug: str
    url: str
    save_as: str

    @cached_property
    def key(self) -> str:
        return repr((type(self).__name__, self.name, self.slug, self.url))

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Tag(Section):
    """A tag: the same parts as a section."""


@dataclass(frozen=True)
class Byline:
    """An author as pages link to them; `profile` is their record (name, role, bio, avatar, links)."""

    name: str
    slug: str
    url: str
    save_as: str
    profile: Author = field(compare=False)

    @cached_property
    def key(self) -> str:  # a digest: the profile (a bio) is long, and every story's key holds it
        return digest("Byline", self.slug, self.url, self.profile)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Version:
    """One language's version of a story, for language switches and hreflang."""

    lang: str
    url: str

    @cached_property
    def key(self) -> str:
        return repr((self.lang, self.url))


@dataclass(frozen=True, eq=False)
class _Shown:
    """What a story's page and its teasers share."""

    record: Article
    url: str
    save_as: str
    locale_date: str
    category: Section
    tags: tuple[Tag, ...]
    authors: tuple[Byline, ...]
    translations: tuple[Version, ...] = ()  # every version of the story, this one included; () when alone
    expired: bool = False

    # attrgetter, not a lambda: read for every story by listings and their keys, without a Python call
    title = property(attrgetter("record.title"))
    date = property(attrgetter("record.date"))
    lang = property(attrgetter("record.lang"))
    slug = property(attrgetter("record.slug"))
    summary = property(attrgetter("record.summary"))
    modified = property(attrgetter("record.modified"))

    @cached_property
    def _placed(self) -> str:
        """A digest of all but the record: where the story is and what it links to (a story's
        page and its teaser both need it)."""
        return digest(self.url, self.save_as, self.locale_date, self.category.key, [t.key for t in self.tags],
                      [a.key for a in self.authors], [v.key for v in self.translations], self.expired)

    def _shown(self, record_digest: str) -> str:
        return digest(record_digest, self._placed)


@dataclass(frozen=True, eq=False)
class Story(_Shown):
    """A published (or expired but kept) article as its page shows it."""

    body: str = ""  # the body with its links to other content resolved, when it has any (links.py)

    @property
    def html(self) -> str:
        """The body as the page shows it, as a plain string: `content` is a copy of it."""
        return self.body or self.record.body_html

    @property
    def content(self) -> Markup:
        # sanitized when the file was read (content/sanitize.py); links resolved to addresses only
        return Markup(self.html)

    @cached_property
    def key(self) -> str:
        return digest(self._shown(self.record.digest), self.body)

    @cached_property
    def teaser(self) -> Teaser:
        return Teaser(Listed(self.record), self.url, self.save_as, self.locale_date,  # type: ignore[arg-type]
                      self.category, self.tags, self.authors, self.translations, self.expired,
                      self._shown(self.record.listing_digest))


class Listed:
    """An article's record as a listing sees it: every field but the body (and its source lines)."""

    __slots__ = ("_record",)
    HIDDEN = {"body_html": "", "lines": ()}

    def __init__(self, record: Article) -> None:
        self._record = record

    def __getattr__(self, name: str):
        if name in Listed.HIDDEN:
            return Listed.HIDDEN[name]
        return getattr(self._record, name)

    def __reduce__(self):  # a worker rendering a listing gets the record without its body
        from dataclasses import replace

        return Listed, (replace(self._record, body_html="", lines=()),)


for _field in fields(Article):  # every field a listing shows, read without __getattr__'s Python call
    if _field.name not in Listed.HIDDEN:
        setattr(Listed, _field.name, property(attrgetter(f"_record.{_field.name}")))


@dataclass(frozen=True, eq=False)
class Teaser(_Shown):
    """A story in a listing: everything but its body (its record's body is empty)."""

    key: str = ""


@dataclass(frozen=True, eq=False)
class PageView:
    """A page (about us, corrections policy) as its own page and the footer show it."""

    record: Page
    url: str
    save_as: str
    body: str = ""  # the body with its links resolved, when it has any

    title = property(lambda self: self.record.title)
    lang = property(lambda self: self.record.lang)
    slug = property(lambda self: self.record.slug)
    summary = property(lambda self: self.record.summary)

    @property
    def content(self) -> Markup:
        return Markup(self.body or self.record.body_html)

    @cached_property
    def key(self) -> str:
        return digest(self.record, self.url, self.save_as, self.body)


@dataclass(frozen=True, eq=False)
class Paging:
    """One page of a paginated listing, with the names Pelican's themes use: `articles_page`
    (object_list, number, has_previous(), has_next()), its paginator (num_pages) and neighbours."""

    object_list: tuple
    number: int
    num_pages: int
    url: str
    save_as: str
    previous_url: str = ""
    next_url: str = ""

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def paginator(self) -> Paging:
        return self

    @property
    def key(self) -> str:
        return repr(("Paging", self.number, self.num_pages, self.url, self.save_as, self.previous_url,
                     self.next_url))


@dataclass(frozen=True)
class Neighbour:
    """The previous or next page of a listing, as `articles_previous_page` / `articles_next_page`."""

    url: str
    number: int

    @property
    def key(self) -> str:
        return repr((self.url, self.number))


@dataclass(frozen=True, eq=False)
class Edition:
    """A digest edition on the site: one day's or one ISO week's stories."""

    frequency: str
    period: str
    title: str
    path: str
    articles: tuple[Teaser, ...]

    @property
    def sections(self) -> list[tuple[str, list[Teaser]]]:
        grouped: dict[str, list[Teaser]] = {}
        for article in self.articles:
            grouped.setdefault(article.category.name, []).append(article)
        return list(grouped.items())

    @property
    def key(self) -> str:
        return repr(("Edition", self.frequency, self.period, self.title, self.path, [a.key for a in self.articles]))
