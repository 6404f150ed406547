"""FeedDocuments as Atom and RSS 2.0 (feedgen) and JSON Feed 1.1 bytes.

An article appears in many documents (the site feed, its section, each author, each tag, an
archive month). FeedWriter has feedgen build each entry once per format and each document's
head once, then splices the entry bytes into every document that holds them; the output is the
same XML feedgen would write for the whole document, at a fraction of the cost. Entries are
spliced in the document's order (newest first): feedgen's own add_entry would prepend by default.
Every date is set explicitly, so no build time leaks into a feed.
"""

from __future__ import annotations

import html
import json

from feedgen.entry import FeedEntry as FeedgenEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.ext.dc import DcEntryExtension, DcExtension
from feedgen.ext.media import MediaEntryExtension, MediaExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from lxml import etree

from .. import __version__
from .model import FORMATS, MEDIA_TYPES, FeedDocument, FeedEntry
from .plan import FeedSite

ATOM_NS = "http://www.w3.org/2005/Atom"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GENERATOR_URI = "https://pypi.org/project/masthead/"


def url_of(site: FeedSite, path: str, fmt: str) -> str:
    return f"{site.url}/{path}{FORMATS[fmt]}"


class _History(BaseExtension):
    """RFC 5005 in both XML formats: fh:archive on archives; RSS gets the links Atom has natively."""

    def __init__(self) -> None:
        self.archive = False
        self.rss_links: list[tuple[str, str, str]] = []

    def extend_ns(self):
        return {"fh": HISTORY_NS, "atom": ATOM_NS}

    def extend_atom(self, feed):
        if self.archive:
            xml_elem(f"{{{HISTORY_NS}}}archive", feed)
        return feed

    def extend_rss(self, feed):
        channel = feed[0]
        for rel, href, media_type in self.rss_links:
            attributes = {"rel": rel, "href": href, **({"type": media_type} if media_type else {})}
            xml_elem(f"{{{ATOM_NS}}}link", channel, **attributes)
        if self.archive:
            xml_elem(f"{{{HISTORY_NS}}}archive", channel)
        return feed


class _EntryExtras(BaseEntryExtension):
    """xml:lang on each Atom entry, and its links written whole.

    feedgen 1.0.0 writes an Atom entry's <link> elements without their rel, type and length
    (it reads them from the new element instead of the link's data), so an enclosure would look
    like the article's own link. The links are rewritten here from the same data.
    """

    def __init__(self) -> None:
        self.lang = ""
        self.links: list[dict[str, str]] = []

    def extend_atom(self, entry):
        if self.lang:
            entry.set(XML_LANG, self.lang)
        written = [child for child in entry if child.tag in ("link", f"{{{ATOM_NS}}}link")]
        anchor = entry.index(written[0]) if written else len(entry)
        for child in written:
            entry.remove(child)
        for offset, link in enumerate(self.links):
            entry.insert(anchor + offset, entry.makeelement(written[0].tag if written else "link", link))
        return entry

    def extend_rss(self, entry):
        return entry


def _feedgen_entry(entry: FeedEntry) -> FeedgenEntry:
    fe = FeedgenEntry()
    # register_extension with the classes: load_extension would import the module on every call.
    fe.register_extension("dc", DcEntryExtension, atom=False, rss=True)
    fe.register_extension("media", MediaEntryExtension, atom=True, rss=True)
    fe.register_extension("masthead", _EntryExtras, atom=True, rss=True)
    fe.id(entry.id)
    fe.guid(entry.id, permalink=entry.id == entry.url)
    fe.title(entry.title)
    links = [{"href": entry.url, "rel": "alternate", "type": "text/html"}]
    fe.link(href=entry.url, rel="alternate", type="text/html")
    fe.published(entry.published)
    fe.updated(entry.updated)
    for person in entry.authors:
        fe.author(name=person.name, uri=person.url)
        fe.dc.dc_creator(person.name)  # RSS <author> needs an email address; dc:creator a name
    for category in (entry.section, *entry.tags):
        fe.category(term=category.term, scheme=category.url, label=category.term)
    fe.summary(entry.summary)  # Atom: type text
    # RSS readers take <description> as HTML: plain text goes in escaped, and reaches them as text.
    fe.description(html.escape(entry.summary, quote=False))
    fe.content(entry.content_html, type="html")
    if entry.image:
        image = entry.image
        if image.length is not None:
            fe.enclosure(image.url, str(image.length), image.media_type)
            links.append({"href": image.url, "rel": "enclosure", "type": image.media_type,
                          "length": str(image.length)})
        media = {"url": image.url, "medium": "image", "type": image.media_type}
        if image.width:
            media.update(width=str(image.width), height=str(image.height))
        fe.media.content(media, group=None)  # one picture: Media RSS wants no media:group around it
    fe.dc.dc_language(entry.lang)  # RSS items; Atom entries get xml:lang
    fe.masthead.lang = entry.lang
    fe.masthead.links = links
    return fe


def _head(doc: FeedDocument, site: FeedSite, fmt: str) -> FeedGenerator:
    """The document without entries: every feed-level element and link."""
    fg = FeedGenerator()
    fg.register_extension("dc", DcExtension, DcEntryExtension, atom=False, rss=True)
    fg.register_extension("media", MediaExtension, MediaEntryExtension, atom=True, rss=True)
    fg.register_extension("history", _History, atom=True, rss=True)
    self_url = url_of(site, doc.path, fmt)
    fg.id(self_url)
    fg.title(doc.title)
    fg.subtitle(doc.subtitle or doc.title)
    fg.language(doc.lang)
    fg.generator("masthead", __version__, GENERATOR_URI)
    if site.icon:
        fg.icon(site.icon)
    if site.logo:
        fg.logo(site.logo)
    if doc.updated:
        fg.updated(doc.updated)
        fg.lastBuildDate(doc.updated)
    links = [("self", self_url, MEDIA_TYPES[fmt])]
    if doc.prev_archive:
        links.append(("prev-archive", url_of(site, doc.prev_archive, fmt), MEDIA_TYPES[fmt]))
    if doc.archive_of:
        links.append(("current", url_of(site, doc.archive_of, fmt), MEDIA_TYPES[fmt]))
    if site.hub and not doc.is_archive:
        links.append(("hub", site.hub, ""))
    for rel, href, media_type in links:
        fg.link(href=href, rel=rel, **({"type": media_type} if media_type else {}))
    # feedgen uses the last link as RSS <link>: the web page this feed follows.
    fg.link(href=doc.home_url, rel="alternate", type="text/html")
    fg.history.archive = doc.is_archive
    fg.history.rss_links = [link for link in links if link[0] != "self"]  # RSS writes self itself
    return fg


class FeedWriter:
    """Writes documents in each format, serializing every entry once per format per build."""

    def __init__(self, site: FeedSite) -> None:
        self.site = site
        self._entries: dict[tuple[str, str], bytes] = {}

    def write(self, doc: FeedDocument, fmt: str) -> bytes:
        return {"atom": self.atom, "rss": self.rss, "json": self.json_feed}[fmt](doc)

    def atom(self, doc: FeedDocument) -> bytes:
        head = _head(doc, self.site, "atom").atom_str(pretty=True, encoding="UTF-8")
        return self._splice(head, b"</feed>", doc, "atom")

    def rss(self, doc: FeedDocument) -> bytes:
        head = _head(doc, self.site, "rss").rss_str(pretty=True, encoding="UTF-8")
        return self._splice(head, b"</channel>", doc, "rss")

    def _splice(self, head: bytes, closing: bytes, doc: FeedDocument, fmt: str) -> bytes:
        at = head.rindex(closing)
        return head[:at] + b"".join(self._entry(e, fmt) for e in doc.entries) + head[at:]

    def _entry(self, entry: FeedEntry, fmt: str) -> bytes:
        key = (entry.id, fmt)
        if key not in self._entries:
            fe = _feedgen_entry(entry)
            element = fe.atom_entry() if fmt == "atom" else fe.rss_entry()
            self._entries[key] = etree.tostring(element, encoding="UTF-8") + b"\n"
        return self._entries[key]

    def json_feed(self, doc: FeedDocument) -> bytes:
        """JSON Feed 1.1; an archive month is a page reached through the previous page's next_url."""
        site = self.site
        feed: dict = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": doc.title,
            "home_page_url": doc.home_url,
            "feed_url": url_of(site, doc.path, "json"),
            "description": doc.subtitle or doc.title,
            "language": doc.lang,
        }
        if site.logo:
            feed["icon"] = site.logo
        if site.icon:
            feed["favicon"] = site.icon
        if doc.prev_archive:
            feed["next_url"] = url_of(site, doc.prev_archive, "json")
        if site.hub and not doc.is_archive:
            feed["hubs"] = [{"type": "WebSub", "url": site.hub}]
        head = json.dumps(feed, ensure_ascii=False, indent=2, sort_keys=True)
        items = ",\n".join(self._json_item(e) for e in doc.entries)
        return (head[:-2] + ',\n  "items": [\n' + items + "\n  ]\n}\n").encode("utf-8")

    def _json_item(self, entry: FeedEntry) -> str:
        key = (entry.id, "json")
        if key not in self._entries:
            item = {
                "id": entry.id,
                "url": entry.url,
                "title": entry.title,
                "summary": entry.summary,
                "content_html": entry.content_html,
                "date_published": entry.published.isoformat(),
                "date_modified": entry.updated.isoformat(),
                "authors": [{"name": p.name, "url": p.url, **({"avatar": p.avatar} if p.avatar else {})}
                            for p in entry.authors],
                "tags": [entry.section.term, *(t.term for t in entry.tags)],
                "language": entry.lang,
                **({"image": entry.image.url} if entry.image else {}),
            }
            self._entries[key] = "    " + json.dumps(item, ensure_ascii=False, sort_keys=True)
        return self._entries[key]
