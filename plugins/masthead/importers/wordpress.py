"""A WordPress export (WXR 1.1 or 1.2) read as masthead articles and authors.

The file is streamed twice with lxml's iterparse, each element freed once read, so memory stays
flat however large the export: the first pass keeps only what posts refer to (authors, and each
attachment's file, alt text and caption), the second turns one post at a time into an article.
Nothing here writes a file: `plan_import` returns the files to write and the report.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator, Mapping
from urllib.parse import urlsplit

from lxml import etree

from ..content.editorial import placeholder_bio
from ..content.slugs import slugify
from ..errors import MastheadError

WXR_VERSIONS = ("1.1", "1.2")
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
GUID_NAMESPACE = uuid.UUID("0b2a7d5e-9c4f-4f6e-8d1a-3c5b7e9f1a2d")  # fixed: the same post, the same id, forever
STATUS = {"publish": "published", "future": "published", "draft": "draft", "pending": "draft", "private": "draft"}
SHORTCODE = re.compile(r"\[(/?)([a-z_][\w-]*)([^\]]*)\]")
CAPTION = re.compile(r"\[caption[^\]]*\](.*?)\[/caption\]", re.S)
BLOCK = re.compile(r"<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr)\b", re.I)  # at a part's start


class ImportError_(MastheadError):
    """The export cannot be read: says which file and why, in one line."""


@dataclass
class Attachment:
    url: str
    alt: str = ""
    caption: str = ""


@dataclass
class Report:
    articles: dict[str, int] = field(default_factory=dict)  # by status
    authors: int = 0
    images_found: int = 0
    images_missing: int = 0
    aliases: int = 0
    comments: int = 0  # left out, counted
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count
    review: list[str] = field(default_factory=list)  # what an editor should look at, one line each


def _no_address(date: datetime, slug: str) -> str:
    return ""


@dataclass(frozen=True)
class Destination:
    """The newsroom an import goes into: what it already holds and how it files stories."""

    sections: tuple[str, ...] = ()  # MASTHEAD["sections"]; empty: any category is a section
    section_map: Mapping[str, str] = field(default_factory=dict)  # old category -> section (--section-map)
    authors: frozenset[str] = frozenset()  # slugs of the author files content/ holds
    articles: Mapping[str, str] = field(default_factory=dict)  # path under content/ -> id, of its articles
    address: Callable[[datetime, str], str] = _no_address  # an article's address here, by date and slug


def _tag(element) -> str:
    return etree.QName(element).localname


def _child(element, name: str) -> str:
    for child in element:
        if _tag(child) == name or child.tag == name:
            return child.text or ""
    return ""


def _items(path: Path, wanted: set[str]) -> Iterator[etree._Element]:
    """Each element of the channel named in `wanted` (<item>, <wp:author>, <wp:category>...),
    freed after the caller is done with it."""
    try:
        for _, element in etree.iterparse(str(path), events=("end",), huge_tree=True, resolve_entities=False,
                                          no_network=True, recover=False):
            parent = element.getparent()
            if _tag(element) in wanted and parent is not None and _tag(parent) == "channel":
                yield element
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        if "encoding" in exc.msg.lower() or "utf-8" in exc.msg.lower():
            raise ImportError_(f"{path}: line {exc.lineno} is not text in the encoding the file declares "
                               f"({exc.msg.strip()}); convert it first, e.g. `iconv -f WINDOWS-1252 -t UTF-8 "
                               "export.xml > export-utf8.xml`, or export it again from Tools > Export") from None
        raise ImportError_(f"{path}: not a complete WordPress export ({exc.msg}, line {exc.lineno}); export it "
                           "again from Tools > Export") from None


def _version(path: Path) -> str:
    for element in _items(path, {"wxr_version", "item"}):
        return (element.text or "").strip() if _tag(element) == "wxr_version" else ""
    return ""


@dataclass
class Export:
    path: Path
    authors: dict[str, tuple[str, str]]  # login -> (display name, email)
    attachments: dict[str, Attachment]  # post id -> attachment
    bios: dict[str, str] = field(default_factory=dict)  # login -> bio, where the export has them
    avatars: dict[str, str] = field(default_factory=dict)  # login -> profile image URL, where it has them
    parents: dict[str, str] = field(default_factory=dict)  # category name -> its parent category's name
    media_marker: str = "/wp-content/uploads/"  # where an image's path under the media folder starts
    system: str = "WordPress"

    download: bool = False  # fetch an image the media folder lacks from the old site, into the folder

    @property
    def media(self) -> MediaSource:
        return MediaSource(self.media_marker, "wp" if self.system == "WordPress" else self.system.lower(),
                           self.download)


@dataclass(frozen=True)
class MediaSource:
    """Where an image's path under the old media folder starts in its URL, the folder under
    content/images/ its copy goes to, and whether a missing one is downloaded."""

    marker: str = "/wp-content/uploads/"
    folder: str = "wp"
    download: bool = False


MAX_MEDIA = 25 * 1024 * 1024  # a bigger file is not downloaded (and is reported)
ATTEMPTS = 3


def download(url: str, target: Path) -> bool:
    """Fetch `url` into `target`: kept when already there (a second run resumes), at most
    MAX_MEDIA, tried again on a network error or a 5xx, never on a 4xx."""
    import time
    import urllib.error
    import urllib.request

    if target.is_file() and target.stat().st_size:
        return True
    if not url.startswith(("http://", "https://")):
        return False
    for attempt in range(ATTEMPTS):
        try:
            request = urllib.request.Request(url, headers={"User-Agent": "masthead-import"})
            with urllib.request.urlopen(request, timeout=30) as answer:
                data = answer.read(MAX_MEDIA + 1)
            if len(data) > MAX_MEDIA:
                return False
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")
            partial.write_bytes(data)
            partial.replace(target)  # whole or not at all
            return True
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return False
        except OSError:
            pass
        time.sleep(0.2 * 2 ** attempt)
    return False


def read_export(path: Path) -> Export:
    """The first pass: authors and attachments, which posts refer to."""
    version = _version(path)
    if version not in WXR_VERSIONS:
        raise ImportError_(f"{path}: WXR version {version or 'missing'!r}; masthead reads WordPress exports of "
                           f"version {' or '.join(WXR_VERSIONS)} (WordPress 3.1 and later)")
    authors: dict[str, tuple[str, str]] = {}
    attachments: dict[str, Attachment] = {}
    categories: dict[str, tuple[str, str]] = {}  # nicename -> (name, parent's nicename)
    for element in _items(path, {"author", "category", "item"}):
        if _tag(element) == "category":
            nicename = _child(element, "category_nicename").strip()
            if nicename:
                categories[nicename] = (html.unescape(_child(element, "cat_name").strip()) or nicename,
                                        _child(element, "category_parent").strip())
        elif _tag(element) == "author":
            login = _child(element, "author_login").strip()
            if login:
                authors[login] = (_child(element, "author_display_name").strip() or login,
                                  _child(element, "author_email").strip())
        elif _child(element, "post_type") == "attachment":
            meta = _meta(element)
            attachments[_child(element, "post_id")] = Attachment(
                _child(element, "attachment_url").strip(), meta.get("_wp_attachment_image_alt", "").strip(),
                _excerpt(element))
    parents = {name: categories[parent][0] for name, parent in categories.values() if parent in categories}
    return Export(path, authors, attachments, parents=parents)


def _meta(element) -> dict[str, str]:
    found = {}
    for child in element:
        if _tag(child) == "postmeta":
            found[_child(child, "meta_key")] = _child(child, "meta_value")
    return found


def _excerpt(element) -> str:
    for child in element:
        if child.tag.endswith("}encoded") and "excerpt" in child.tag:
            return (child.text or "").strip()
    return ""


@dataclass
class Post:
    id: str
    guid: str
    title: str
    slug: str
    link: str
    author: str
    date: datetime
    modified: datetime | None
    status: str
    body_html: str
    excerpt: str
    sections: list[str]
    tags: list[str]
    thumbnail: str
    comments: int


def _gmt(text: str) -> datetime | None:
    text = text.strip()
    if not text or text.startswith("0000"):
        return None
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def posts(export: Export, report: Report) -> Iterator[Post]:
    """The second pass: each post, one at a time."""
    for element in _items(export.path, {"item"}):
        kind = _child(element, "post_type")
        if kind != "post":
            if kind not in ("attachment", "nav_menu_item", "revision", "wp_navigation", "wp_global_styles"):
                report.skipped[f"{kind or 'untyped'} items (not posts)"] = \
                    report.skipped.get(f"{kind or 'untyped'} items (not posts)", 0) + 1
            continue
        state = _child(element, "status")
        if state not in STATUS:
            report.skipped[f"posts with status {state!r}"] = report.skipped.get(f"posts with status {state!r}", 0) + 1
            continue
        date = _gmt(_child(element, "post_date_gmt")) or _gmt(_child(element, "post_date"))
        if date is None:
            report.skipped["posts without a date"] = report.skipped.get("posts without a date", 0) + 1
            continue
        where = f"post {_child(element, 'post_id')} ({html.unescape(_child(element, 'title').strip()) or 'untitled'})"
        if _child(element, "post_password").strip() and STATUS[state] == "published":
            state = "draft"  # its text was not public: an editor decides
            report.review.append(f"{where}: password-protected on WordPress; imported as a draft, since every "
                                 "page masthead publishes is public")
        if _child(element, "is_sticky").strip() == "1":
            report.review.append(f"{where}: sticky on WordPress; masthead's front page leads with the newest story")
        sections, tags = [], []
        for child in element:
            if _tag(child) == "category" and child.text:
                (sections if child.get("domain") == "category" else tags if child.get("domain") == "post_tag"
                 else []).append(html.unescape(child.text.strip()))
        yield Post(
            id=_child(element, "post_id"), guid=_child(element, "guid").strip(),
            title=html.unescape(_child(element, "title").strip()), slug=_child(element, "post_name").strip(),
            link=_child(element, "link").strip(), author=_child(element, DC_CREATOR).strip(),
            date=date, modified=_gmt(_child(element, "post_modified_gmt")), status=state,
            body_html=_child(element, CONTENT), excerpt=_excerpt(element), sections=sections, tags=tags,
            thumbnail=_meta(element).get("_thumbnail_id", ""),
            comments=sum(1 for child in element if _tag(child) == "comment"))


EMBED = re.compile(r"\[embed[^\]]*\]\s*(\S+?)\s*\[/embed\]", re.S)
GALLERY = re.compile(r"\[gallery([^\]]*)\]")
IMG_SRC = re.compile(r"""(<img\b[^>]*?\ssrc=)(["'])(.*?)\2""", re.I)


def body_markdown(body: str, report: Report, where: str, image: Callable[[str], str] = lambda url: url,
                  attachments: dict[str, Attachment] | None = None) -> str:
    """WordPress's stored post body as Markdown: paragraphs made from blank lines (as WordPress
    shows them), [caption] as a figure, [gallery] as the figures of its images, [embed] as a link;
    other shortcodes are kept as text and reported. `image(url)`: where an image of the old site
    is shown from now (a copied file's {static} path, or the old address)."""
    def caption(match: re.Match) -> str:
        inner = match.group(1)
        found = re.search(r"<img[^>]*>", inner)
        text = re.sub(r"<img[^>]*>|</?a\b[^>]*>", "", inner).strip()
        return f"<figure>{found.group(0) if found else ''}<figcaption>{text}</figcaption></figure>"

    def gallery(match: re.Match) -> str:
        ids = re.search(r"""ids=["']?([\d,\s]+)""", match.group(1))
        figures = []
        for number in (ids.group(1).replace(" ", "").split(",") if ids else []):
            found = (attachments or {}).get(number)
            if found and found.url:
                alt = html.escape(found.alt, quote=True)
                figures.append(f'<figure><img src="{html.escape(found.url, quote=True)}" alt="{alt}">'
                               + (f"<figcaption>{found.caption}</figcaption>" if found.caption else "") + "</figure>")
        if not figures:
            report.review.append(f"{where}: a [gallery] without images this export holds: left out")
        return "\n\n".join(figures)

    body = EMBED.sub(lambda m: f'\n\n<p><a href="{html.escape(m.group(1), quote=True)}">{m.group(1)}</a></p>\n\n',
                     body)
    body = GALLERY.sub(lambda m: "\n\n" + gallery(m) + "\n\n", body)
    body = CAPTION.sub(caption, body)
    body = IMG_SRC.sub(lambda m: f"{m.group(1)}{m.group(2)}{image(html.unescape(m.group(3)))}{m.group(2)}", body)
    unknown = sorted({m.group(2) for m in SHORTCODE.finditer(body)})
    if unknown:
        report.review.append(f"{where}: shortcodes kept as text: {', '.join('[' + name + ']' for name in unknown)}")
    # WordPress keeps paragraphs as blank lines and adds <p> when it shows a post: the same here,
    # for every stretch of text that is not already a block of HTML.
    parts = [part.strip() for part in re.split(r"\n\s*\n", body) if part.strip()]
    body = "\n".join(part if BLOCK.match(part) else f"<p>{part}</p>" for part in parts)
    return _converter().convert(body).strip() + "\n"


_CONVERTER: list = []


def _converter():
    """One HTML-to-Markdown converter for the import (its parser: lxml, several times faster than
    Python's html.parser on long bodies)."""
    if not _CONVERTER:
        from markdownify import MarkdownConverter

        _CONVERTER.append(MarkdownConverter(heading_style="ATX", bullets="-", bs4_options="lxml"))
    return _CONVERTER[0]


def _first_sentence(markdown: str) -> str:
    text = re.sub(r"[#>*_`\[\]!()]", "", markdown).strip()
    sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return " ".join(sentence.split())[:300]


def convert_body(body_html: str, where: str, media: Path | None, attachments: dict[str, Attachment],
                 layout: MediaSource = MediaSource()) -> tuple[str, list[str], dict[str, str]]:
    """(the body as Markdown, what an editor should look at, images to copy) for one post: the
    slow part of an import, done by the workers when there are many posts."""
    report = Report()
    copies: dict[str, str] = {}

    def image(url: str) -> str:
        local = _uploaded(url, media, layout)
        if local is None:
            if media is not None and layout.marker in urlsplit(url).path:
                report.review.append(f"{where}: the image {url} is not in {media}"
                                     + (" and could not be fetched" if layout.download else "")
                                     + "; the page shows it from its old address")
            return url
        copies[local[1]] = local[0]
        return "{static}/" + local[1]

    return body_markdown(body_html, report, where, image, attachments), report.review, copies


def gallery_attachments(body_html: str, attachments: dict[str, Attachment]) -> dict[str, Attachment]:
    """The attachments a body's galleries show (what a worker converting it needs to be handed)."""
    wanted = {number for match in GALLERY.finditer(body_html)
              for number in re.findall(r"\d+", match.group(1))}
    return {number: attachments[number] for number in wanted if number in attachments}


def article_file(post: Post, export: Export, section: str, media: Path | None, report: Report,
                 destination: Destination = Destination(),
                 converted: tuple[str, list[str], dict[str, str]] | None = None,
                 taken: Mapping[str, object] = {}, claimed: set[str] | None = None
                 ) -> tuple[str, str, dict[str, str]]:
    """(path under content/, the file's text, media files to copy: path under content/ -> source).
    `converted`: its body already converted (convert_body); `taken`: the files this import already
    plans; `claimed`: the old addresses earlier posts redirect (this one's is added). A slug another
    article holds that year gets a number, never that article's file."""
    where = f"post {post.id} ({post.title or 'untitled'})"
    if not post.title:
        report.review.append(f"{where}: no title; given 'Untitled', write one")
    title = post.title or "Untitled"
    article_id = str(uuid.uuid5(GUID_NAMESPACE, post.guid or post.link or post.id))
    slug = wanted = slugify(post.slug or title) or f"post-{post.id}"
    number = 1
    while f"articles/{post.date:%Y}/{slug}.md" in taken or \
            destination.articles.get(f"articles/{post.date:%Y}/{slug}.md", article_id) != article_id:
        number += 1
        slug = f"{wanted}-{number}"
    if slug != wanted:
        report.review.append(f"{where}: another article of {post.date:%Y} has the slug {wanted!r}; this one is "
                             f"{slug!r}")
    body, review, copies = converted or convert_body(post.body_html, where, media, export.attachments,
                                                     export.media)
    report.review.extend(review)
    summary = html.unescape(re.sub(r"<[^>]+>", "", post.excerpt)).strip() or _first_sentence(body)
    if not summary:
        summary = title
        report.review.append(f"{where}: no excerpt and no first sentence; the summary is the headline")
    meta: dict = {"title": title, "id": article_id,
                  "slug": slug, "date": post.date.isoformat(timespec="minutes"),
                  "authors": [slugify(post.author) or "editor"], "category": section, "summary": summary}
    if post.modified and post.modified > post.date:
        meta["updated"] = post.modified.isoformat(timespec="minutes")
    if post.tags:
        meta["tags"] = post.tags
    if STATUS[post.status] == "draft":
        meta["status"] = "draft"
    attachment = export.attachments.get(post.thumbnail) if post.thumbnail else None
    if post.thumbnail and not (attachment and attachment.url):  # a deleted file, or an id that is no attachment
        report.review.append(f"{where}: its featured image (item {post.thumbnail}) is no image file in the export; "
                             "it has none now")
    if attachment and attachment.url:
        featured, copy = _featured(attachment, media, report, where, export.media)
        if copy:
            copies[copy[1]] = copy[0]
        meta["image"] = featured
        meta["image_alt"] = attachment.alt or title
        if not attachment.alt:
            report.review.append(f"{where}: the featured image has no alt text; the headline stands in for it")
        if attachment.caption:
            meta["image_caption"] = html.unescape(re.sub(r"<[^>]+>", "", attachment.caption)).strip()
    old = urlsplit(post.link).path.lstrip("/") if post.link else ""
    if old and old == destination.address(post.date, slug).lstrip("/"):
        pass  # the same address on the new site: nothing to redirect
    elif old and (old.endswith("/") or old.endswith(".html")) and ".." not in old.split("/"):
        if claimed is not None and "/" + old in claimed:
            report.review.append(f"{where}: its old address /{old} was another post's too; it redirects to that one")
        else:
            meta["aliases"] = ["/" + old]
            report.aliases += 1
            if claimed is not None:
                claimed.add("/" + old)
    elif post.link:
        report.review.append(f"{where}: the old address {post.link} is not a path masthead can redirect from")
    report.comments += post.comments
    lines = ["---"] + [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()] + ["---", ""]
    return f"articles/{post.date:%Y}/{slug}.md", "\n".join(lines) + "\n" + body, copies


def _uploaded(url: str, media: Path | None, layout: MediaSource = MediaSource()) -> tuple[str, str] | None:
    """(the file in the local copy of the old site's media folder, its path under content/) for an
    image of the old site, when the copy has it (or, downloading, once it is fetched); never a
    path that leaves the media folder."""
    marker, folder = layout.marker, layout.folder
    path = urlsplit(url).path
    rel = path.split(marker, 1)[1] if marker in path else ""
    parts = PurePosixPath(rel).parts if rel else ()
    if media is None or not parts or ".." in parts or rel.startswith("/"):
        return None
    source = media.joinpath(*parts)
    if not source.resolve().is_relative_to(media.resolve()):
        return None
    if not source.is_file() and not (layout.download and download(url, source)):
        return None
    return str(source), f"images/{folder}/{'/'.join(parts)}"


def _featured(attachment: Attachment, media: Path | None, report: Report, where: str,
              layout: MediaSource = MediaSource()) -> tuple[str, tuple[str, str] | None]:
    """The featured image: the file from a local copy of wp-content/uploads when there is one,
    else its address on the old site."""
    local = _uploaded(attachment.url, media, layout)
    if local is not None:
        report.images_found += 1
        return local[1].removeprefix("images/"), local
    report.images_missing += 1
    if media is not None:
        report.review.append(f"{where}: the featured image {attachment.url} is not in {media}; the page shows it "
                             "from the old site's address")
    return attachment.url, None


def author_file(login: str, export: Export, media: Path | None, report: Report
                ) -> tuple[str, str, dict[str, str]]:
    """(path under content/, an author file, the avatar to copy): the bio the old system had, else
    a placeholder `masthead check` warns about; the profile image when the media copy has it."""
    slug = slugify(login) or "editor"
    name = export.authors.get(login, (login, ""))[0]
    meta = {"name": name}
    copies: dict[str, str] = {}
    url = export.avatars.get(login, "")
    if url:
        local = _uploaded(url, media, export.media)
        if local is not None:
            meta["avatar"] = local[1].removeprefix("images/")
            copies[local[1]] = local[0]
        elif url.startswith(("http://", "https://")):
            meta["avatar"] = url
            report.review.append(f"content/authors/{slug}.md: the profile image {url} is not in the media folder; "
                                 "the author box shows it from its old address")
    text = export.bios.get(login, "").strip() or placeholder_bio(name, export.system)
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return f"authors/{slug}.md", "---\n" + "\n".join(lines) + f"\n---\n{text}\n", copies


@dataclass
class ImportPlan:
    files: dict[str, str]  # path under content/ -> text
    copies: dict[str, str]  # path under content/ -> a media file to copy there
    report: Report


def plan_import(path: Path, destination: Destination, media: Path | None = None, workers=None,
                download: bool = False) -> ImportPlan:
    """Every file the import writes, and the report; reads the export, writes nothing. `workers`
    (masthead.workers.Workers): bodies are converted on every core, a batch of posts at a time."""
    export = read_export(path)
    export.download = download and media is not None
    report = Report()
    return plan_posts(export, posts(export, report), report, destination, media, workers)


def plan_posts(export: Export, found: Iterator[Post], report: Report, destination: Destination,
               media: Path | None = None, workers=None) -> ImportPlan:
    """The files of an import from any system whose posts are read as `Post`s."""
    files: dict[str, str] = {}
    copies: dict[str, str] = {}
    used_authors: set[str] = set()
    claimed: set[str] = set()  # old addresses already redirected
    for post, converted in _converted(found, export, media, workers):
        post.sections, extra_tags = filed_under(post, export.parents, destination, report)
        post.tags = list(dict.fromkeys([*post.tags, *extra_tags]))
        rel, text, copied = article_file(post, export, post.sections[0], media, report, destination, converted,
                                         taken=files, claimed=claimed)
        files[rel] = text
        copies.update(copied)
        state = "scheduled" if post.status == "future" else STATUS[post.status]
        report.articles[state] = report.articles.get(state, 0) + 1
        used_authors.add(post.author)
    for login in sorted(used_authors):
        rel, text, avatar = author_file(login, export, media, report)
        if rel.rsplit("/", 1)[-1].removesuffix(".md") not in destination.authors:
            files[rel] = text
            copies.update(avatar)
            report.authors += 1
            if not export.bios.get(login, "").strip():
                report.review.append(f"content/{rel}: a new author with a placeholder bio: write it")
    return ImportPlan(files, copies, report)


def filed_under(post: Post, parents: Mapping[str, str], destination: Destination,
                report: Report) -> tuple[list[str], list[str]]:
    """([the post's section], its other categories, kept as tags): the first of its categories,
    or of their parent categories, that the newsroom has or maps; else the newsroom's first
    section, and the report says so."""
    sections, mapping = destination.sections, destination.section_map
    chains = []
    for name in post.sections or ["Uncategorized"]:
        chain = [name]
        while chain[-1] in parents and parents[chain[-1]] not in chain:  # a loop of parents ends
            chain.append(parents[chain[-1]])
        chains.append(chain)
    candidates = [name for chain in chains for name in chain]
    chosen = next((name for name in candidates if not sections or mapping.get(name, name) in sections), None)
    if chosen is None:
        first = candidates[0]
        report.review.append(f"post {post.id} ({post.title}): category {first!r} is not a section of the site; "
                             f"filed under {sections[0]!r} (map it with --section-map)")
        section = sections[0]
    else:
        section = mapping.get(chosen, chosen)
    others = [name for name in post.sections if name != chosen and mapping.get(name, name) != section
              and name != "Uncategorized"]
    return [section], others


BATCH = 256  # posts read, then converted on every core, at a time: memory stays bounded


def _converted(found: Iterator[Post], export: Export, media: Path | None, workers
               ) -> Iterator[tuple[Post, tuple[str, list[str], dict[str, str]] | None]]:
    """Each post with its converted body: by the workers, a batch at a time, when there are any."""
    if workers is None or workers.cores < 2:
        for post in found:
            yield post, None
        return
    batch: list[Post] = []

    def flush() -> Iterator[tuple[Post, tuple[str, list[str], dict[str, str]] | None]]:
        calls = [(p.body_html, f"post {p.id} ({p.title or 'untitled'})", media,
                  gallery_attachments(p.body_html, export.attachments), export.media) for p in batch]
        if len(batch) < BATCH:  # a few posts: converted here, sooner than workers start
            yield from ((post, convert_body(*call)) for post, call in zip(batch, calls))
        else:
            yield from zip(batch, workers.map(convert_body, calls))
        batch.clear()

    for post in found:
        batch.append(post)
        if len(batch) >= BATCH:
            yield from flush()
    yield from flush()
