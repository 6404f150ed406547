"""Check a newsroom's files as a whole: every file on its own, then what files must agree on.

Input is the bytes of every content file and the list of images; output is a Newsroom or one
ContentError with every problem in every file, so an editor fixes them all in one pass.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Callable, Iterable, Mapping, MutableMapping

from ..config import SiteConfig
from ..errors import ContentError, Problem
from .body import BodyRenderer
from .model import Article, ImageFile, Newsroom, Page, SourceFile
from .schema import SchemaContext, parse_article, parse_author, parse_page


@dataclass(frozen=True)
class Sources:
    """What the newsroom's content/ folder holds, as read by masthead.sources."""

    articles: tuple[SourceFile, ...]
    authors: tuple[SourceFile, ...] = ()
    pages: tuple[SourceFile, ...] = ()
    images: Mapping[str, ImageFile] = field(default_factory=dict)
    modified: Mapping[str, datetime] = field(default_factory=dict)  # last commit that changed a file
    refused: tuple[Problem, ...] = ()  # files that cannot be published as they are (links that leave the newsroom)


def build_newsroom(sources: Sources, config: SiteConfig, now: datetime,
                   memo: MutableMapping[str, Article] | None = None, salt: str = "",
                   keys: Mapping[str, str] | None = None) -> Newsroom:
    """Validate everything; raise ContentError listing all problems, or return the Newsroom.

    `memo` keeps parsed articles between builds (Markdown and YAML are most of a build's reading
    time): an article is parsed again only when its bytes, its commit date, the settings, the
    authors or the picture it names changed, or `salt` (the parsing code's version) did.
    `keys`: the articles' memo keys (memo_keys), when the caller worked them out already."""
    problems: list[Problem] = list(sources.refused)
    renderer = BodyRenderer()
    ctx = SchemaContext(config, sources.images, frozenset(), renderer, sources.modified)

    authors = {a.slug: a for a in _each(sources.authors, lambda s: parse_author(s, ctx), problems)}
    ctx = SchemaContext(config, sources.images, frozenset(author_slugs(sources)), renderer, sources.modified)
    parse = (lambda s: parse_article(s, ctx)) if memo is None else _memoized(ctx, memo, salt, keys or {})
    articles = _each(sources.articles, parse, problems)
    pages = _each(sources.pages, lambda s: parse_page(s, ctx), problems)

    problems += _duplicates(articles, "slug", "a slug no other article uses")
    problems += _duplicates(articles, "id", "an id no other article uses (an id without 'id:' comes "
                                            "from the date and first author: add 'id:' to one of them)")
    problems += _duplicates(pages, "slug", "a slug no other page uses")
    problems += _translation_clashes(articles)
    problems += _alias_clashes(articles)
    if config.logo and "images/" + config.logo not in sources.images:
        problems.append(Problem("pelicanconf.py", None, "MASTHEAD['logo']",
                                "an image file under content/images", f"no file content/images/{config.logo}"))
    if problems:
        raise ContentError(problems)
    ordered = tuple(sorted(articles, key=lambda a: (a.date, a.slug), reverse=True))
    return Newsroom(now=now, articles=ordered, authors=MappingProxyType(dict(sorted(authors.items()))),
                    pages=tuple(sorted(pages, key=lambda p: p.slug)), images=MappingProxyType(dict(sources.images)))


def _memoized(ctx: SchemaContext, memo: MutableMapping[str, Article], salt: str,
              keys: Mapping[str, str]) -> Callable:
    key_of = _memo_key(ctx, salt)

    def parse(source: SourceFile) -> Article:
        digest = keys.get(source.rel) or key_of(source)
        found = memo.get(digest)
        if found is None or not pictures_current(found, ctx.images):
            found = memo[digest] = parse_article(source, ctx)
        return found
    return parse


def pictures_current(article: Article, images: Mapping[str, ImageFile]) -> bool:
    """Whether the picture a parsed article names is still there with the size its record holds.
    A record depends on no other picture, so a new photo for one story parses no other again."""
    picture = article.image.picture if article.image else None
    if picture is None or not picture.is_local:
        return True
    found = images.get(picture.src)
    return found is not None and (found.width, found.height, found.bytes) == (picture.width, picture.height,
                                                                               picture.bytes)


def memo_context(sources: Sources, config: SiteConfig, salt: str) -> str:
    """What every article's memo key shares (the code, the settings, the authors): a memo made
    under another context holds nothing this build can use."""
    return _context(article_context(sources, config), salt).hexdigest()


def _context(ctx: SchemaContext, salt: str):
    # The pictures are not in it: a record depends only on the one it names (pictures_current).
    return hashlib.sha256(repr((salt, ctx.config, sorted(ctx.authors))).encode())


def _memo_key(ctx: SchemaContext, salt: str) -> Callable[[SourceFile], str]:
    """The memo key of an article file: its bytes, its commit date and everything else it is checked against."""
    context = _context(ctx, salt)

    def key_of(source: SourceFile) -> str:
        key = context.copy()
        key.update(repr((source.rel, source.display, ctx.modified.get(source.rel), source.digest)).encode())
        return key.hexdigest()
    return key_of


def article_context(sources: Sources, config: SiteConfig, authors: set[str] | None = None) -> SchemaContext:
    """What parsing an article needs beside its file; `authors`: the author slugs, when `sources`
    leaves the author files out (a worker's piece of the articles)."""
    known = author_slugs(sources) if authors is None else authors
    return SchemaContext(config, sources.images, frozenset(known), BodyRenderer(), sources.modified)


def memo_keys(sources: Sources, config: SiteConfig, salt: str) -> dict[str, str]:
    """Each article file's memo key, by its path under content/ (for unparsed and build_newsroom)."""
    key_of = _memo_key(article_context(sources, config), salt)
    return {source.rel: key_of(source) for source in sources.articles}


def unparsed(sources: Sources, config: SiteConfig, memo: Mapping[str, Article], salt: str,
             keys: Mapping[str, str] | None = None) -> list[tuple[str, int]]:
    """(memo key, index in sources.articles) of each article the memo does not hold yet, or holds
    with a picture that changed. `keys`: memo_keys, when worked out already."""
    keys = keys or memo_keys(sources, config, salt)
    found = ((keys[source.rel], n) for n, source in enumerate(sources.articles))
    return [(key, n) for key, n in found if key not in memo or not pictures_current(memo[key], sources.images)]


def parse_some(sources: Sources, config: SiteConfig, wanted: list[tuple[str, int]],
               authors: set[str] | None = None) -> list[tuple[str, Article]]:
    """Parse the given articles (for a worker process filling the memo); a file with problems is
    left out, to be parsed and reported by build_newsroom."""
    ctx = article_context(sources, config, authors)
    parsed = []
    for key, n in wanted:
        try:
            parsed.append((key, parse_article(sources.articles[n], ctx)))
        except ContentError:
            pass
    return parsed


def author_slugs(sources: Sources) -> set[str]:
    """Slugs of every author file, valid or not, so one bad bio does not flag all its articles."""
    return {s.rel.rsplit("/", 1)[-1].removesuffix(".md") for s in sources.authors}


def _each(files: Iterable[SourceFile], parse: Callable, problems: list[Problem]) -> list:
    parsed = []
    for source in sorted(files, key=lambda s: s.rel):
        try:
            parsed.append(parse(source))
        except ContentError as exc:
            problems.extend(exc.problems)
    return parsed


def _duplicates(items: list[Article] | list[Page], attribute: str, expected: str) -> list[Problem]:
    by_value: dict[str, list] = {}
    for item in items:
        by_value.setdefault(getattr(item, attribute), []).append(item)
    problems = []
    for value, holders in sorted((v, h) for v, h in by_value.items() if len(h) > 1):
        for item in holders:
            others = ", ".join(o.source for o in holders if o is not item)
            problems.append(Problem(item.source, None, attribute, expected,
                                    f"{value!r}, also used by {others}"))
    return problems


def _translation_clashes(articles: list[Article]) -> list[Problem]:
    """Two articles of one story (same translation_key) in the same language: one is a mistake."""
    seen: dict[tuple[str, str], Article] = {}
    problems = []
    for article in sorted(articles, key=lambda a: a.rel):
        if not article.translation_key:
            continue
        key = (article.translation_key, article.lang.lower())
        if key in seen:
            first = seen[key]
            for item, other in ((first, article), (article, first)):
                problems.append(Problem(item.source, None, "translation_key",
                                        f"one article per language for {article.translation_key!r}",
                                        f"{item.lang!r}, also the language of {other.source}"))
        else:
            seen[key] = article
    return problems


def _alias_clashes(articles: list[Article]) -> list[Problem]:
    """An old address can redirect to one article only."""
    owner: dict[str, Article] = {}
    problems = []
    for article in sorted(articles, key=lambda a: a.rel):
        for alias in article.aliases:
            if alias in owner and owner[alias] is not article:
                problems.append(Problem(article.source, None, "aliases", "old paths no other article claims",
                                        f"{alias!r}, also an alias of {owner[alias].source}"))
            owner.setdefault(alias, article)
    return problems
