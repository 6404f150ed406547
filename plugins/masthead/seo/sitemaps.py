"""sitemap.xml (an index of parts), the Google News sitemap and robots.txt, built with lxml.

Pure: URLs and dates in, file paths and bytes out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from lxml import etree

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
PART_LIMIT = 50_000  # sitemaps.org: at most 50,000 URLs per file
NEWS_LIMIT = 1_000  # Google News: at most 1,000 URLs per news sitemap
NEWS_WINDOW = timedelta(hours=48)  # Google News reads articles of the last two days only
INDEX = "sitemap.xml"
_NOT_XML = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ud800-\\udfff\\ufffe\\uffff]")  # as lxml refuses them
NEWS = "news-sitemap.xml"


@dataclass(frozen=True)
class PageEntry:
    """One URL of the site; `alternates` are (hreflang, url) pairs, the page itself included."""

    loc: str
    lastmod: datetime | None = None
    images: tuple[str, ...] = ()
    alternates: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class NewsEntry:
    loc: str
    title: str
    published: datetime
    lang: str


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent, ns: str, tag: str, text: str | None = None, **attributes):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", **attributes)
    if text is not None:
        element.text = text
    return element


def sitemap_files(base: str, pages: list[PageEntry], part_limit: int = PART_LIMIT,
                  news_files: tuple[str, ...] = ()) -> dict[str, bytes]:
    """sitemap.xml indexing sitemaps/pages-N.xml parts (and the news sitemaps), in a stable order."""
    ordered = sorted(pages, key=lambda p: p.loc)
    files: dict[str, bytes] = {}
    parts = [ordered[i:i + part_limit] for i in range(0, len(ordered), part_limit)] or [[]]
    index = etree.Element(f"{{{SITEMAP_NS}}}sitemapindex", nsmap={None: SITEMAP_NS})
    for number, part in enumerate(parts, 1):
        path = f"sitemaps/pages-{number}.xml"
        files[path] = _part(part)
        entry = _sub(index, SITEMAP_NS, "sitemap")
        _sub(entry, SITEMAP_NS, "loc", f"{base}/{path}")
        newest = max((p.lastmod for p in part if p.lastmod), default=None)
        if newest:
            _sub(entry, SITEMAP_NS, "lastmod", newest.isoformat())
    for path in news_files:
        _sub(_sub(index, SITEMAP_NS, "sitemap"), SITEMAP_NS, "loc", f"{base}/{path}")
    files[INDEX] = _xml(index)
    return files


def _part(pages: list[PageEntry]) -> bytes:
    """A part of up to 50,000 URLs, written as text: the same bytes lxml's pretty printer makes,
    several times faster than a tree of 250,000 elements (tests/test_discovery.py parses it back)."""
    out = ["<?xml version='1.0' encoding='UTF-8'?>\n",
           f'<urlset xmlns="{SITEMAP_NS}" xmlns:image="{IMAGE_NS}" xmlns:xhtml="{XHTML_NS}">']
    for page in pages:
        out.append(f"\n  <url>\n    <loc>{_text(page.loc)}</loc>")
        if page.lastmod:
            out.append(f"\n    <lastmod>{page.lastmod.isoformat()}</lastmod>")
        for lang, href in page.alternates:
            out.append(f'\n    <xhtml:link rel="alternate" hreflang={_attribute(lang)} href={_attribute(href)}/>')
        for image in page.images:
            out.append(f"\n    <image:image>\n      <image:loc>{_text(image)}</image:loc>\n    </image:image>")
        out.append("\n  </url>")
    out.append("\n</urlset>\n" if pages else "\n")
    if not pages:  # an empty element is written as lxml writes it
        out[-2] = out[-2][:-1] + "/>"
    return "".join(out).encode("utf-8")


def _text(value: str) -> str:
    if _NOT_XML.search(value):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attribute(value: str) -> str:
    return '"' + _text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;") + '"'


def news_files(entries: list[NewsEntry], publication: str, now: datetime,
               limit: int = NEWS_LIMIT) -> dict[str, bytes]:
    """Articles published in the 48 hours before `now`, newest first, at most `limit` per file.

    None when nothing is recent: a sitemap's urlset must hold at least one url, and Google News
    asks for the last two days' articles only, so the news sitemap is left out (of the index and
    robots.txt too) until there is a story to list."""
    recent = sorted((e for e in entries if now - NEWS_WINDOW <= e.published <= now),
                    key=lambda e: (e.published, e.loc), reverse=True)
    chunks = [recent[i:i + limit] for i in range(0, len(recent), limit)]
    files = {}
    for number, chunk in enumerate(chunks, 1):
        urlset = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "news": NEWS_NS})
        for entry in chunk:
            url = _sub(urlset, SITEMAP_NS, "url")
            _sub(url, SITEMAP_NS, "loc", entry.loc)
            news = _sub(url, NEWS_NS, "news")
            publication_element = _sub(news, NEWS_NS, "publication")
            _sub(publication_element, NEWS_NS, "name", publication)
            _sub(publication_element, NEWS_NS, "language", entry.lang.split("-")[0].lower()
                 if not entry.lang.lower().startswith("zh") else entry.lang.lower())
            _sub(news, NEWS_NS, "publication_date", entry.published.isoformat())
            _sub(news, NEWS_NS, "title", entry.title)
        files[NEWS if number == 1 else f"news-sitemap-{number}.xml"] = _xml(urlset)
    return files


def robots_txt(base: str, sitemaps: list[str]) -> str:
    lines = ["User-agent: *", "Allow: /", ""]
    lines += [f"Sitemap: {base}/{path}" for path in sitemaps]
    return "\n".join(lines) + "\n"
