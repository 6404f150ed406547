"""The editorial check: what a desk editor would catch before a story goes out.

Pure: a validated Newsroom (and the articles as they are on main) in, findings out. The schema
already refuses what cannot be built; these are the things that build but hurt readers, search
or permanence: broken internal links, weak or heavy images, missing alt text, headlines and
summaries too long for search and social previews, and ids or addresses that changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field  # Finding has a field named `field`
from typing import Callable, Literal, Mapping
from zoneinfo import ZoneInfo

from .fields import in_zone, written_datetime
from .frontmatter import parse as parse_front_matter
from .model import Article, Author, Newsroom, Page
from .slugs import derived_article_id, slugify

HEADLINE_MAX = 110  # schema.org NewsArticle headlines are cut at 110 characters by Google
SUMMARY_MAX = 160  # search result snippets and social previews show about 160
FEATURED_MIN_WIDTH = 1200  # Google Discover and large link previews want at least 1200 px
IMAGE_BUDGET = 1_000_000  # bytes; the featured image is on every listing and share

_PLACEHOLDER = re.compile(r"\(Imported from [^():]{1,40}: write the bio\.\)")


def placeholder_bio(name: str, system: str) -> str:
    """The bio an import writes for an author the old system had none for: `masthead check`
    warns about it until an editor writes a real one."""
    return f"{name} writes for this newsroom. (Imported from {system}: write the bio.)"


SITE_PREFIXES = ("theme/", "feeds/", "digests/", "archives/", "cards/", "images/")
_HREF = re.compile(r"""<a\s[^>]*?href=(["'])(.*?)\1""", re.I | re.S)
_IMG = re.compile(r"<img\s[^>]*>", re.I | re.S)
_ALT = re.compile(r"""\salt=(["'])(.*?)\1""", re.I | re.S)


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int | None
    level: Literal["error", "warning"]
    field: str
    message: str
    # what in the body it is about (a link, an image), for finding its line in the file
    snippet: str = dataclass_field(default="", compare=False, repr=False)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.level}: {self.field}: {self.message}"

    def github(self) -> str:
        """A GitHub Actions workflow command: an annotation on the pull request's diff."""
        place = f"file={self.path}" + (f",line={self.line}" if self.line else "")
        text = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{self.level} {place},title={self.field}::{text}"


@dataclass(frozen=True)
class Earlier:
    """An article as it is on the base branch: what must not change without care."""

    rel: str
    id: str
    path: str  # its address, '2026/11/slug/'


def article_path(article: Article) -> str:
    return f"{article.date:%Y}/{article.date:%m}/{article.slug}/"


def earlier_article(data: bytes, rel: str, zone: ZoneInfo) -> Earlier | None:
    """The id and address of an article file from another commit, by the same rules as the schema;
    None when that version cannot be read (then there is nothing to compare)."""
    try:
        meta = parse_front_matter(data, rel).meta
        written = written_datetime(meta["date"])
        authors = meta.get("authors") or []
        article_id = str(meta.get("id") or derived_article_id(written, str(authors[0])))
        slug = str(meta.get("slug") or slugify(str(meta["title"])))
    except Exception:  # noqa: BLE001 - an old, broken version is simply not compared
        return None
    date = in_zone(written, zone)
    return Earlier(rel, article_id, f"{date:%Y}/{date:%m}/{slug}/")


def site_paths(newsroom: Newsroom, published_only: bool = True) -> set[str]:
    """Every address a link inside the site may point at (without the leading '/'); expired articles
    count, as their pages stay unless the site removes them (see editorial_findings)."""
    articles = newsroom.published + newsroom.expired if published_only else newsroom.articles
    paths = {"", "authors/", "sections/", "tags/", "archives/", "404.html"}
    for article in articles:
        paths.add(article_path(article))
        paths.update(article.aliases)
        paths.add(f"sections/{slugify(article.category)}/")
        paths.update(f"tags/{slugify(tag)}/" for tag in article.tags)
    paths.update(f"{page.slug}/" for page in newsroom.pages)
    paths.update(f"authors/{slug}/" for slug in newsroom.authors)
    paths.update(newsroom.images)
    return paths


def _local_target(href: str, site_url: str) -> str | None:
    """The site path a link points at, or None when it leaves the site (or is an anchor, mailto...)."""
    href = href.split("#", 1)[0].split("?", 1)[0]
    if site_url and href.startswith(site_url.rstrip("/") + "/"):
        href = href[len(site_url.rstrip("/")):]
    if not href.startswith("/") or href.startswith("//"):
        return None
    path = href.lstrip("/")
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return path


def editorial_findings(newsroom: Newsroom, site_url: str = "", earlier: Mapping[str, Earlier] | None = None,
                       image_budget: int = IMAGE_BUDGET, removes_expired: bool = False) -> list[Finding]:
    """Everything worth an editor's eye. Only what an editor changed is an error: a link that breaks
    because an article expired is a warning, so the scheduled publish never stops on the clock."""
    findings: list[Finding] = []
    known = site_paths(newsroom)
    scheduled = {article_path(a) for a in newsroom.scheduled}
    expiring = {article_path(a): a.expires for a in newsroom.articles if a.expires} if removes_expired else {}
    by_id = {e.id: e for e in (earlier or {}).values()}
    for article in newsroom.articles:
        if article.status == "draft":
            continue

        def add(level, field, message, article=article, snippet=""):
            findings.append(Finding(article.source, article.line_of(field) or article.line_of("title"), level, field,
                                    message, snippet))

        if len(article.title) > HEADLINE_MAX:
            add("warning", "title", f"{len(article.title)} characters; search engines show {HEADLINE_MAX} at most "
                                    "(set a shorter 'card_title' for previews, or shorten it)")
        if len(article.summary) > SUMMARY_MAX:
            add("warning", "summary", f"{len(article.summary)} characters; search results and link previews show "
                                      f"about {SUMMARY_MAX}")
        if article.image and article.image.picture.is_local:
            picture = article.image.picture
            if picture.width and picture.width < FEATURED_MIN_WIDTH:
                add("warning", "image", f"{picture.src} is {picture.width} px wide; large previews (Google Discover, "
                                        f"social cards) need at least {FEATURED_MIN_WIDTH} px")
            if picture.bytes and picture.bytes > image_budget:
                add("warning", "image", f"{picture.src} is {picture.bytes / 1e6:.1f} MB, over the "
                                        f"{image_budget / 1e6:.1f} MB budget; export it smaller (it loads on every "
                                        "listing)")
        for tag in _IMG.findall(article.body_html):
            alt = _ALT.search(tag)
            if not alt or not alt.group(2).strip():
                src = re.search(r"""\ssrc=(["'])(.*?)\1""", tag)
                add("error", "body", f"the image {src.group(2) if src else ''} has no alt text: write what it shows "
                                     "in the brackets of ![...](...)", snippet=src.group(2) if src else "")
        for _, href in _HREF.findall(article.body_html):
            target = _local_target(href, site_url)
            if target in expiring:
                add("warning", "body", f"links to /{target}, which expires on {expiring[target]:%Y-%m-%d %H:%M} "
                                       "and is then removed from the site: the link will break", snippet=href)
                continue
            if target is None or target in known or target.startswith(SITE_PREFIXES):
                continue
            if target in scheduled:
                add("error", "body", f"links to /{target}, a scheduled article that is not published yet",
                    snippet=href)
            else:
                add("error", "body", f"broken internal link /{target}: no article, page or listing has that address",
                    snippet=href)
        before = (earlier or {}).get(article.rel)
        if before and before.id != article.id:
            add("error", "id", f"changed from {before.id!r} to {article.id!r} on this branch: an id must never "
                               "change (feeds, deploys and digests track the article by it); "
                               f"put back 'id: {before.id}'")
        before = by_id.get(article.id)
        if before and before.path != article_path(article) and before.path not in article.aliases:
            add("error", "slug", f"the address changed from /{before.path} to /{article_path(article)} with no alias: "
                                 f"add 'aliases: [/{before.path}]' so old links keep working")
    findings += removed_html_findings(newsroom)
    findings += [Finding(author.source, author.bio_line, "warning", "bio",
                         f"still the placeholder an import wrote: write a few lines about {author.name} "
                         "(readers see it in the author box under every story)")
                 for author in newsroom.authors.values() if _PLACEHOLDER.search(author.bio_html)]
    return sorted(findings, key=lambda f: (f.path, f.line or 0, f.level, f.field, f.message))


def located(findings: list[Finding], read: Callable[[str], str]) -> list[Finding]:
    """Findings about something in a body, moved to the line of the file that holds it (`read`
    gives a file's text by its path; the body's first line stays when it cannot be found)."""
    texts: dict[str, list[str]] = {}
    moved = []
    for finding in findings:
        if finding.snippet and finding.line:
            if finding.path not in texts:
                try:
                    texts[finding.path] = read(finding.path).split("\n")
                except (OSError, UnicodeDecodeError):
                    texts[finding.path] = []
            lines = texts[finding.path]
            at = next((n for n in range(finding.line - 1, len(lines)) if finding.snippet in lines[n]), None)
            if at is not None:
                finding = replace(finding, line=at + 1)
        moved.append(finding)
    return sorted(moved, key=lambda f: (f.path, f.line or 0, f.level, f.field, f.message))


def removed_html_findings(newsroom: Newsroom) -> list[Finding]:
    """Each piece of raw HTML the sanitizer took out of a body, bio, page or correction: the build
    publishes the rest, and the editor learns what readers will not see (fatal with --strict)."""
    records: list[Article | Author | Page] = [*[a for a in newsroom.articles if a.status != "draft"],
                                              *newsroom.authors.values(), *newsroom.pages]
    return [Finding(record.source, removal.line, "warning", "html",
                    f"removed {removal.what}: pages, feeds and emails carry only safe HTML (README: Raw HTML)")
            for record in records for removal in record.removed]


def scheduled_lines(newsroom: Newsroom, zone: ZoneInfo) -> list[str]:
    """What the clock will change: articles waiting for their time, and live ones that will expire."""
    lines = [f"{a.source}: scheduled for {a.date.astimezone(zone):%Y-%m-%d %H:%M %Z}"
             for a in sorted(newsroom.scheduled, key=lambda a: a.date)]
    expiring = sorted((a.expires, a.source) for a in newsroom.published + newsroom.scheduled if a.expires)
    lines += [f"{source}: expires {when.astimezone(zone):%Y-%m-%d %H:%M %Z}" for when, source in expiring]
    return lines
