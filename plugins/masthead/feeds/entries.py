"""One article as a feed entry: permanent id, absolute URLs, text that XML can carry."""

from __future__ import annotations

import mimetypes
import re
import uuid
from functools import lru_cache
from html import escape as html_escape
from urllib.parse import urljoin

import lxml.html

from ..content import Article
from .model import Category, Enclosure, FeedEntry, Person

# Characters XML 1.0 cannot hold (C0 controls but tab, newline, return; lone surrogates; U+FFFE/F).
_NOT_XML = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ud800-\\udfff\\ufffe\\uffff]")
_URL_ATTRIBUTES = ("href", "src", "poster", "cite")
# Any URL attribute whose value is not already absolute (or a fragment, mail, data or tel link).
_RELATIVE = re.compile(r"""\b(?:href|src|poster|cite|srcset)\s*=\s*["']?(?!https?://|#|mailto:|data:|tel:)""", re.I)
_ENTRY_NAMESPACE = uuid.UUID("2b7c9a4e-1f0d-4e8b-9c3a-5d6e7f8091a2")


def xml_text(text: str) -> str:
    """Drop the characters an XML document may not contain; everything else is kept. Text with
    none is returned as it is (re.sub would copy it: a large site's feeds would hold each
    body twice)."""
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text


def entry_id(article_id: str) -> str:
    """The entry's IRI: urn:uuid for UUIDs, as-is for URIs, else a UUID derived from the id."""
    try:
        return f"urn:uuid:{uuid.UUID(article_id)}"
    except ValueError:
        pass
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", article_id):
        return article_id
    return f"urn:uuid:{uuid.uuid5(_ENTRY_NAMESPACE, article_id)}"


def absolute_html(html: str, base_url: str) -> str:
    """Rewrite every relative link and image source in an HTML fragment against base_url."""
    if not _RELATIVE.search(html):
        return html  # nothing to rewrite: skip parsing, the common case with SITEURL set
    fragments = lxml.html.fragments_fromstring(html)
    out = []
    for fragment in fragments:
        if isinstance(fragment, str):
            out.append(html_escape(fragment, quote=False))  # text before the first element
            continue
        for element in fragment.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute in _URL_ATTRIBUTES:
                value = element.get(attribute)
                if value is not None and not value.startswith(("#", "mailto:", "data:", "tel:")):
                    element.set(attribute, urljoin(base_url, value.strip()))
            srcset = element.get("srcset")
            if srcset:
                element.set("srcset", ", ".join(
                    " ".join([urljoin(base_url, part.split()[0])] + part.split()[1:])
                    for part in srcset.split(",") if part.strip()))
        out.append(lxml.html.tostring(fragment, encoding="unicode"))
    return "".join(out)


def feed_entry(article: Article, url: str, content_html: str, authors: tuple[Person, ...],
               section: Category, tags: tuple[Category, ...], site_url: str) -> FeedEntry:
    """The entry for one published article; `url` is absolute, `content_html` as its page shows it."""
    image = None
    if article.image:
        picture = article.image.picture
        src = picture.src if not picture.is_local else f"{site_url}/{picture.src}"
        image = Enclosure(url=src, media_type=_media_type(src.rsplit("/", 1)[-1].rsplit(".", 1)[-1].lower()),
                          alt=xml_text(article.image.alt), length=picture.bytes,
                          width=picture.width, height=picture.height)
    return FeedEntry(
        id=entry_id(article.id), title=xml_text(article.title), url=url,
        published=article.date, updated=article.modified or article.date,
        authors=authors, section=section, tags=tags, summary=xml_text(article.summary),
        content_html=entry_content(content_html, url), lang=article.lang, image=image,
    )


def planned_entry(article: Article, authors: tuple[Person, ...], section: Category,
                  tags: tuple[Category, ...]) -> FeedEntry:
    """An entry with only what planning files and orders it by (id, date, language, section,
    authors, tags); `feed_entry` makes the whole entry for the documents that are written. A large
    site plans every entry on every build and writes a handful."""
    return FeedEntry(id=entry_id(article.id), title="", url="", published=article.date, updated=article.date,
                     authors=authors, section=section, tags=tags, summary="", content_html="", lang=article.lang)


@lru_cache(maxsize=64)
def _media_type(extension: str) -> str:
    """A picture's type by its file's extension (a site has a handful: looked up once each)."""
    return mimetypes.guess_type(f"picture.{extension}")[0] or "image/jpeg"


def entry_content(content_html: str, url: str) -> str:
    """An entry's content: absolute links, only characters XML can carry."""
    return xml_text(absolute_html(content_html, url))
