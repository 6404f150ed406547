"""The front-matter schema of articles, authors and pages: which keys, which types, which defaults.

Each parser returns a finished model object or raises ContentError with every problem it found
in that file, each naming the file, the line of the key, the field, what was expected and found.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Callable, Mapping

from ..config import SiteConfig
from ..errors import ContentError, Problem, ProblemError, describe, did_you_mean
from . import fields
from .body import BodyRenderer, with_dateline
from .fields import Invalid
from .frontmatter import Document, parse
from .model import Article, Author, Correction, FeaturedImage, ImageFile, Link, Page, Removal, SourceFile
from .sanitize import HtmlPolicy
from .slugs import ARTICLE_ID, derived_article_id, slugify

ARTICLE_REQUIRED = ("title", "date", "authors", "category", "summary")
ARTICLE_OPTIONAL = (
    "id", "slug", "updated", "tags", "image", "image_alt", "image_caption", "image_credit",
    "dateline", "lang", "status", "canonical_url", "corrections", "card_title", "translation_key", "expires",
    "aliases",
)
AUTHOR_REQUIRED = ("name",)
AUTHOR_OPTIONAL = ("role", "avatar", "links")
PAGE_REQUIRED = ("title", "summary")
PAGE_OPTIONAL = ("slug", "lang", "status")
CORRECTION_KEYS = ("date", "text")

# Labels shown for author links; also the list of kinds an author file may use.
LINK_LABELS = {
    "website": "Website", "email": "Email", "mastodon": "Mastodon", "bluesky": "Bluesky",
    "x": "X", "linkedin": "LinkedIn", "facebook": "Facebook", "instagram": "Instagram",
    "threads": "Threads", "github": "GitHub", "signal": "Signal",
}


@dataclass(frozen=True)
class SchemaContext:
    """What a single file is checked against: the settings, the images and the authors that exist."""

    config: SiteConfig
    images: Mapping[str, ImageFile]
    authors: frozenset[str]
    renderer: BodyRenderer
    modified: Mapping[str, datetime] = field(default_factory=dict)  # from git, by path

class _Fields:
    """Reads the keys of one document, collecting a Problem for each bad one."""

    def __init__(self, doc: Document, source: SourceFile, required, optional):
        self.doc, self.source = doc, source
        self.problems: list[Problem] = []
        allowed = set(required) | set(optional)
        for key in doc.meta:
            if str(key) not in allowed:
                self.problem(str(key), "one of " + ", ".join(sorted(allowed)),
                             f"unknown key {str(key)!r}{did_you_mean(str(key), allowed)}")
        for key in required:
            if key not in doc.meta:
                self.problems.append(Problem(source.display, 1, key, "a value (this field is required)",
                                             "no such key"))

    def problem(self, key: str, expected: str, found: str, near: str | None = None) -> None:
        """Record a problem at the line of `key` (or of `near`, when `key` is missing)."""
        line = self.doc.lines.get(key) or self.doc.lines.get(near or key)
        self.problems.append(Problem(self.source.display, line, key, expected, found))

    def get(self, key: str, check: Callable, default=None):
        if key not in self.doc.meta:
            return default
        try:
            return check(self.doc.meta[key])
        except Invalid as exc:
            self.problem(key, exc.expected, exc.found)
            return default

    def raise_if_any(self) -> None:
        if self.problems:
            raise ContentError(self.problems)


def _parse(source: SourceFile) -> Document:
    if source.data is None:
        raise RuntimeError(f"{source.display}: parsed without being read (a parse cache miss must read the file)")
    try:
        return parse(source.data, source.display)
    except ProblemError as exc:
        raise ContentError([exc.problem]) from None


def parse_article(source: SourceFile, ctx: SchemaContext) -> Article:
    doc = _parse(source)
    f = _Fields(doc, source, ARTICLE_REQUIRED, ARTICLE_OPTIONAL)
    zone = ctx.config.timezone

    title = f.get("title", fields.text)
    written_date = f.get("date", fields.written_datetime)
    date = fields.in_zone(written_date, zone) if written_date else None
    authors = f.get("authors", lambda v: fields.slug_list(v, "author slugs"), ())
    for author in authors:
        if author not in ctx.authors:
            f.problem("authors", f"an author file content/authors/{author}.md",
                      f"no such file{did_you_mean(author, ctx.authors)}")
    category = f.get("category", fields.text)
    if category and ctx.config.sections and category not in ctx.config.sections:
        f.problem("category", "one of the sections in MASTHEAD['sections']: " + ", ".join(ctx.config.sections),
                  repr(category) + did_you_mean(category, ctx.config.sections))
    summary = f.get("summary", fields.text)

    article_id = f.get("id", _article_id)
    slug = f.get("slug", fields.slug)
    updated = f.get("updated", lambda v: fields.in_zone(fields.written_datetime(v), zone))
    if updated and date and updated < date:
        f.problem("updated", f"a moment after the publication date ({date.isoformat()})",
                  updated.isoformat())
    expires = f.get("expires", lambda v: fields.in_zone(fields.written_datetime(v), zone))
    if expires and date and expires <= date:
        f.problem("expires", f"a moment after the publication date ({date.isoformat()})",
                  expires.isoformat())
    tags = f.get("tags", fields.text_list, ())
    image = _featured_image(f, ctx)
    lang = f.get("lang", fields.language, ctx.config.default_lang)
    corrections = f.get("corrections", lambda v: _corrections(v, ctx), ())
    if date:
        for correction in corrections:
            if correction.date < date:
                f.problem("corrections", f"correction dates after the publication date ({date.isoformat()})",
                          correction.date.isoformat())
    optional = {
        "status": f.get("status", lambda v: fields.choice(v, ("draft", "published")), "published"),
        "dateline": f.get("dateline", fields.text, ""),
        "canonical_url": f.get("canonical_url", fields.absolute_url, ""),
        "card_title": f.get("card_title", fields.text, ""),
        "translation_key": f.get("translation_key", fields.slug, ""),
        "aliases": f.get("aliases", _aliases, ()),
    }
    f.raise_if_any()
    assert date is not None  # raise_if_any() stopped a missing or bad date

    committed = ctx.modified.get(source.rel)
    if "updated" not in doc.meta and committed and committed > date:
        updated = committed  # an explicit `updated` wins; else the last commit that changed the file

    if not slug:
        slug = slugify(title)
        if not slug:
            f.problem("slug", "a slug, since the title has no letters that make one",
                      "none (add 'slug: some-words')")
            f.raise_if_any()
    body, removed = _safe_html(ctx, ctx.renderer.render(doc.body), doc.body, doc.body_line)
    if corrections:
        corrections, in_corrections = _safe_corrections(ctx, corrections, doc.lines.get("corrections"))
        removed += in_corrections
    return Article(
        source=source.display, rel=source.rel,
        id=article_id or derived_article_id(written_date, authors[0]),
        title=title, slug=slug, date=date, authors=authors, category=category, summary=summary,
        body_html=with_dateline(body, optional["dateline"], ctx.config.name),
        lang=lang, updated=updated, tags=tags, image=image, corrections=corrections, expires=expires,
        removed=tuple(removed), lines=(*doc.lines.items(), ("body", doc.body_line)), **optional,
    )


@lru_cache(maxsize=8)
def html_policy(embed_hosts: tuple[str, ...]) -> HtmlPolicy:
    return HtmlPolicy(embed_hosts)


def _safe_html(ctx: SchemaContext, html: str, source: str, first_line: int | None) -> tuple[str, list[Removal]]:
    """Rendered Markdown through the newsroom's allowlist, and what it took out (for the check)."""
    policy = html_policy(ctx.config.embeds)
    return policy.clean(html), policy.removals(html, source, first_line or 1)


def _safe_corrections(ctx: SchemaContext, corrections: tuple[Correction, ...],
                      line: int | None) -> tuple[tuple[Correction, ...], list[Removal]]:
    safe, removed = [], []
    for correction in corrections:
        text, taken = _safe_html(ctx, correction.text, "", line)
        safe.append(replace(correction, text=text))
        removed += [replace(r, what=f"{r.what} (in a correction)") for r in taken]
    return tuple(safe), removed


def _aliases(value: object) -> tuple[str, ...]:
    """Old addresses of the article, as site paths: '/2026/11/old-slug/' or 'old/page.html'."""
    if not isinstance(value, list):
        raise Invalid("a list of old paths such as '/2026/11/old-slug/'", describe(value))
    paths = []
    for item in value:
        path = fields.text(item).lstrip("/")
        if not path or ".." in path.split("/") or "://" in path or not path.endswith(("/", ".html")):
            raise Invalid("site paths ending in '/' or '.html', such as '/2026/11/old-slug/'", repr(item))
        paths.append(path)
    return tuple(paths)


def _article_id(value: object) -> str:
    cleaned = fields.text(value)
    if not ARTICLE_ID.match(cleaned):
        raise Invalid("3 to 128 letters, digits and . _ : / - (a UUID is best)", repr(cleaned))
    return cleaned


def _featured_image(f: _Fields, ctx: SchemaContext) -> FeaturedImage | None:
    picture = f.get("image", lambda v: fields.picture(v, ctx.images))
    alt = f.get("image_alt", fields.text, "")
    caption = f.get("image_caption", fields.text, "")
    credit = f.get("image_credit", fields.text, "")
    if "image" in f.doc.meta and not alt and "image_alt" not in f.doc.meta:
        f.problem("image_alt", "a description of the image for readers who cannot see it",
                  "no image_alt (it is required when 'image' is set)", near="image")
    if "image" not in f.doc.meta:
        for key in ("image_alt", "image_caption", "image_credit"):
            if key in f.doc.meta:
                f.problem(key, "an 'image' for it to describe", "no image")
    return FeaturedImage(picture, alt, caption, credit) if picture and alt else None


def _corrections(value: object, ctx: SchemaContext) -> tuple[Correction, ...]:
    if not isinstance(value, list):
        raise Invalid("a list of corrections, each with 'date' and 'text'", describe(value))
    found = []
    for number, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise Invalid(f"correction {number} as 'date' and 'text' keys", describe(item))
        unknown = sorted(set(map(str, item)) - set(CORRECTION_KEYS))
        if unknown:
            raise Invalid(f"only 'date' and 'text' in correction {number}",
                          f"unknown key {unknown[0]!r}{did_you_mean(unknown[0], CORRECTION_KEYS)}")
        for key in CORRECTION_KEYS:
            if key not in item:
                raise Invalid(f"a '{key}' in correction {number}", "none")
        moment = fields.in_zone(fields.written_datetime(item["date"]), ctx.config.timezone)
        found.append(Correction(moment, ctx.renderer.inline(fields.text(item["text"]))))
    return tuple(sorted(found, key=lambda c: c.date))


def parse_author(source: SourceFile, ctx: SchemaContext) -> Author:
    doc = _parse(source)
    f = _Fields(doc, source, AUTHOR_REQUIRED, AUTHOR_OPTIONAL)
    slug = source.rel.rsplit("/", 1)[-1].removesuffix(".md")
    if not fields.SLUG.match(slug):
        f.problems.append(Problem(source.display, None, "file name",
                                  "lowercase letters, digits and hyphens (the author's slug)",
                                  repr(slug) + (f" (rename it to {slugify(slug)}.md)" if slugify(slug) else "")))
    name = f.get("name", fields.text)
    role = f.get("role", fields.text, "")
    avatar = f.get("avatar", lambda v: fields.picture(v, ctx.images))
    links = f.get("links", _links, ())
    f.raise_if_any()
    bio, removed = _safe_html(ctx, ctx.renderer.render(doc.body), doc.body, doc.body_line)
    return Author(slug=slug, name=name, role=role, avatar=avatar, links=links,
                  bio_html=bio, source=source.display, removed=tuple(removed), bio_line=doc.body_line)


def _links(value: object) -> tuple[Link, ...]:
    if not isinstance(value, dict):
        raise Invalid("a mapping such as 'website: https://...' (one per line)", describe(value))
    links = []
    for kind, target in value.items():
        kind = str(kind)
        if kind not in LINK_LABELS:
            raise Invalid("link kinds from " + ", ".join(LINK_LABELS), repr(kind) + did_you_mean(kind, LINK_LABELS))
        if kind == "email":
            address = fields.text(target)
            if "@" not in address or address.startswith("mailto:"):
                raise Invalid("an email address such as 'name@example.org'", repr(address))
            url = "mailto:" + address
        else:
            url = fields.absolute_url(target)
        links.append(Link(kind, LINK_LABELS[kind], url))
    return tuple(links)


def parse_page(source: SourceFile, ctx: SchemaContext) -> Page:
    doc = _parse(source)
    f = _Fields(doc, source, PAGE_REQUIRED, PAGE_OPTIONAL)
    title = f.get("title", fields.text)
    summary = f.get("summary", fields.text)
    slug = f.get("slug", fields.slug)
    lang = f.get("lang", fields.language, ctx.config.default_lang)
    status = f.get("status", lambda v: fields.choice(v, ("draft", "published", "hidden")), "published")
    f.raise_if_any()
    slug = slug or slugify(title) or source.rel.rsplit("/", 1)[-1].removesuffix(".md")
    body, removed = _safe_html(ctx, ctx.renderer.render(doc.body), doc.body, doc.body_line)
    return Page(source=source.display, rel=source.rel, title=title, slug=slug, summary=summary,
                body_html=body, lang=lang, status=status, removed=tuple(removed))
