"""Feeds from a real Pelican run, parsed back with feedparser and lxml and checked against the specs."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from lxml import etree

from conftest import DEFAULT_MASTHEAD, Newsroom

ATOM = "{http://www.w3.org/2005/Atom}"
FH = "{http://purl.org/syndication/history/1.0}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$")
IDS = {
    "oldest": "11111111-1111-4111-8111-111111111111",
    "tricky": "22222222-2222-4222-8222-222222222222",
    "persian": "33333333-3333-4333-8333-333333333333",
    "newest": "44444444-4444-4444-8444-444444444444",
}
TRICKY_TITLE = "<script>alert(1)</script> & ]]> “quotes” 🙂"


@pytest.fixture
def room(tmp_path):
    masthead = {**DEFAULT_MASTHEAD, "websub_hub": "https://hub.example/", "feed_items": 2}
    room = Newsroom(tmp_path / "feeds", site_url="https://news.example", masthead=masthead)
    room.author("jane-doe", "Jane Doe")
    room.author("john-roe", "John Roe")
    room.image("photo.jpg", 1600, 900)
    room.article("oldest", id=IDS["oldest"], title="October story", slug="october-story",
                 date="2026-10-15T08:00+02:00", category="Europe", tags=["EU"])
    room.article("tricky", id=IDS["tricky"], title=repr(TRICKY_TITLE).replace("\\U0001f642", "🙂"),
                 slug="tricky", date="2026-11-10T08:00+01:00", authors=["jane-doe", "john-roe"],
                 summary='"Summary with <b>tags</b> & a bell\\a"', image="photo.jpg", image_alt="A photo",
                 corrections=[{"date": "2026-11-12T09:00+01:00", "text": "Fixed."}],
                 body='See [the about page](/about/) and [a sibling](../october-story/).\n\n'
                      '<div class="raw"><img src="/images/photo.jpg" alt="inline"></div>')
    room.article("persian", id=IDS["persian"], title="عنوان فارسی with English", slug="persian",
                 lang="fa", date="2026-11-11T08:00+01:00", summary="خلاصه")
    room.article("newest", id=IDS["newest"], title="Newest story", slug="newest",
                 date="2026-11-20T08:00+01:00", category="Europe")
    room.build()
    return room


def parse(room, rel):
    data = (room.output / rel).read_bytes()
    etree.fromstring(data, etree.XMLParser(resolve_entities=False))  # well-formed, strictly
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def test_atom_entries_are_newest_first_with_every_field(room):
    feed = parse(room, "feeds/archive/all/2026-11.atom.xml")
    assert [e.id for e in feed.entries] == [f"urn:uuid:{IDS[k]}" for k in ("newest", "persian", "tricky")]
    tricky = feed.entries[2]
    assert tricky.title == TRICKY_TITLE
    assert tricky.link == "https://news.example/2026/11/tricky/"
    assert tricky.published == "2026-11-10T08:00:00+01:00"
    assert tricky.updated == "2026-11-12T09:00:00+01:00"  # moved by the correction
    assert [(a.name, a.href) for a in tricky.authors] == [
        ("Jane Doe", "https://news.example/authors/jane-doe/"), ("John Roe", "https://news.example/authors/john-roe/")]
    assert [t.term for t in tricky.tags] == ["World"]
    assert tricky.summary == "Summary with <b>tags</b> & a bell"
    content = tricky.content[0].value
    assert 'href="https://news.example/about/"' in content
    assert 'href="https://news.example/2026/11/october-story/"' in content
    assert 'src="https://news.example/images/photo.jpg"' in content
    enclosure = [l for l in tricky.links if l.rel == "enclosure"][0]
    assert (enclosure.href, enclosure.type, int(enclosure.length)) == (
        "https://news.example/images/photo.jpg", "image/jpeg", (room.content / "images/photo.jpg").stat().st_size)
    assert tricky.media_content[0]["url"] == "https://news.example/images/photo.jpg"
    root = etree.fromstring((room.output / "feeds/archive/all/2026-11.atom.xml").read_bytes())
    langs = [e.get("{http://www.w3.org/XML/1998/namespace}lang") for e in root.iter(f"{ATOM}entry")]
    assert langs == ["en", "fa", "en"]


def test_atom_follows_rfc_4287(room):
    for path in sorted((room.output / "feeds").rglob("*.atom.xml")):
        root = etree.fromstring(path.read_bytes())
        for name in ("id", "title", "updated"):
            assert len(root.findall(f"{ATOM}{name}")) == 1, (path, name)
        assert RFC3339.match(root.findtext(f"{ATOM}updated")), path
        entries = root.findall(f"{ATOM}entry")
        assert len({e.findtext(f"{ATOM}id") for e in entries}) == len(entries), path
        assert root.findtext(f"{ATOM}updated") == max(e.findtext(f"{ATOM}updated") for e in entries), path
        for entry in entries:
            for name in ("id", "title", "updated", "published"):
                assert entry.findtext(f"{ATOM}{name}"), (path, name)
            assert RFC3339.match(entry.findtext(f"{ATOM}updated")), path
            assert entry.findall(f"{ATOM}author/{ATOM}name"), path
            assert entry.find(f"{ATOM}link").get("href").startswith("https://news.example/"), path
        self_link = [l for l in root.findall(f"{ATOM}link") if l.get("rel") == "self"]
        assert [l.get("href") for l in self_link] == ["https://news.example/" + path.relative_to(room.output).as_posix()]


def test_rss_follows_the_rss_advisory_board_profile(room):
    for path in sorted((room.output / "feeds").rglob("*.rss.xml")):
        channel = etree.fromstring(path.read_bytes()).find("channel")
        for name in ("title", "link", "description", "language", "lastBuildDate"):
            assert channel.findtext(name), (path, name)
        assert RFC822.match(channel.findtext("lastBuildDate"))
        assert channel.findtext("image/url").endswith((".png", ".jpg", ".jpeg", ".gif"))  # RSS allows no other
        self_links = [l.get("href") for l in channel.findall(f"{ATOM}link") if l.get("rel") == "self"]
        assert self_links == ["https://news.example/" + path.relative_to(room.output).as_posix()]
        dates = []
        for item in channel.findall("item"):
            guid = item.find("guid")
            assert guid.get("isPermaLink") == "false" and guid.text.startswith("urn:uuid:")
            assert RFC822.match(item.findtext("pubDate"))
            dates.append(parsedate_to_datetime(item.findtext("pubDate")))
            enclosure = item.find("enclosure")
            if enclosure is not None:
                assert int(enclosure.get("length")) > 0 and enclosure.get("type") == "image/jpeg"
        assert dates == sorted(dates, reverse=True), path
        assert parsedate_to_datetime(channel.findtext("lastBuildDate")) >= max(dates)  # updates count too


def test_json_feed_follows_version_1_1(room):
    feed = json.loads((room.output / "feeds/all.json").read_text())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "https://news.example/feeds/all.json"
    assert feed["home_page_url"] == "https://news.example/"
    assert feed["hubs"] == [{"type": "WebSub", "url": "https://hub.example/"}]
    assert [i["id"] for i in feed["items"]] == [f"urn:uuid:{IDS['newest']}", f"urn:uuid:{IDS['persian']}"]
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["content_html"] and RFC3339.match(item["date_published"])
    page = feed
    seen = []
    while "next_url" in page:
        rel = page["next_url"].removeprefix("https://news.example/")
        page = json.loads((room.output / rel).read_text())
        seen.append(rel)
        assert "hubs" not in page
    assert seen == ["feeds/archive/all/2026-11.json", "feeds/archive/all/2026-10.json"]
    tricky = json.loads((room.output / "feeds/archive/all/2026-11.json").read_text())["items"][2]
    assert tricky["title"] == TRICKY_TITLE and tricky["image"] == "https://news.example/images/photo.jpg"
    assert tricky["authors"][1] == {"name": "John Roe", "url": "https://news.example/authors/john-roe/"}


def test_rfc_5005_archives_hold_the_whole_history(room):
    current = etree.fromstring((room.output / "feeds/all.atom.xml").read_bytes())
    links = {l.get("rel"): l.get("href") for l in current.findall(f"{ATOM}link")}
    assert links["prev-archive"] == "https://news.example/feeds/archive/all/2026-11.atom.xml"
    assert links["hub"] == "https://hub.example/"
    assert current.find(f"{FH}archive") is None
    assert len(current.findall(f"{ATOM}entry")) == 2  # feed_items

    november = etree.fromstring((room.output / "feeds/archive/all/2026-11.atom.xml").read_bytes())
    links = {l.get("rel"): l.get("href") for l in november.findall(f"{ATOM}link")}
    assert november.find(f"{FH}archive") is not None
    assert links["prev-archive"] == "https://news.example/feeds/archive/all/2026-10.atom.xml"
    assert links["current"] == "https://news.example/feeds/all.atom.xml"
    assert "hub" not in links
    october = etree.fromstring((room.output / "feeds/archive/all/2026-10.atom.xml").read_bytes())
    assert "prev-archive" not in {l.get("rel") for l in october.findall(f"{ATOM}link")}
    history = {e.findtext(f"{ATOM}id") for doc in (november, october) for e in doc.findall(f"{ATOM}entry")}
    assert history == {f"urn:uuid:{i}" for i in IDS.values()}

    rss = etree.fromstring((room.output / "feeds/all.rss.xml").read_bytes()).find("channel")
    assert {l.get("rel"): l.get("href") for l in rss.findall(f"{ATOM}link")}["prev-archive"] == \
        "https://news.example/feeds/archive/all/2026-11.rss.xml"
    rss_archive = etree.fromstring((room.output / "feeds/archive/all/2026-10.rss.xml").read_bytes()).find("channel")
    assert rss_archive.find(f"{FH}archive") is not None


def digest(room, rel):
    return hashlib.sha256((room.output / rel).read_bytes()).hexdigest()


def test_a_closed_month_keeps_its_bytes_until_one_of_its_articles_changes(room):
    october = [f"feeds/archive/all/2026-10.{ext}" for ext in ("atom.xml", "rss.xml", "json")]
    before = {rel: digest(room, rel) for rel in october}
    room.article("later", title="A later story", slug="later", date="2026-11-25T08:00+01:00")
    room.build()
    assert {rel: digest(room, rel) for rel in october} == before
    room.article("oldest", id=IDS["oldest"], title="October story, updated", slug="october-story",
                 date="2026-10-15T08:00+02:00", category="Europe", tags=["EU"], updated="2026-11-26")
    room.build()
    assert all(digest(room, rel) != before[rel] for rel in october)


def test_two_builds_give_byte_identical_feeds(room):
    before = {p.relative_to(room.output).as_posix(): digest(room, p.relative_to(room.output).as_posix())
              for p in (room.output / "feeds").rglob("*") if p.is_file()}
    room.build(now=datetime.fromisoformat("2026-12-01T00:00+00:00"))
    after = {p.relative_to(room.output).as_posix(): digest(room, p.relative_to(room.output).as_posix())
             for p in (room.output / "feeds").rglob("*") if p.is_file()}
    assert after == before


def test_section_author_tag_and_language_feeds_are_written_and_linked(room):
    out = room.output
    for rel in ("feeds/sections/europe", "feeds/authors/john-roe", "feeds/tags/eu", "feeds/languages/fa",
                "feeds/languages/en"):
        for ext in (".atom.xml", ".rss.xml", ".json"):
            assert (out / f"{rel}{ext}").is_file(), rel + ext
    europe = parse(room, "feeds/sections/europe.atom.xml")
    assert [e.title for e in europe.entries] == ["Newest story", "October story"]
    john = parse(room, "feeds/authors/john-roe.rss.xml")
    assert [e.title for e in john.entries] == [TRICKY_TITLE]
    persian = parse(room, "feeds/languages/fa.atom.xml")
    assert persian.feed.language == "fa" and [e.title for e in persian.entries] == ["عنوان فارسی with English"]

    from lxml import html

    section_page = html.fromstring((out / "sections/europe/index.html").read_bytes())
    alternates = section_page.xpath("//link[@rel='alternate']/@href")
    assert "https://news.example/feeds/all.atom.xml" in alternates
    assert "https://news.example/feeds/sections/europe.atom.xml" in alternates
    assert section_page.xpath("//p[@class='follow']/a/@href") == [
        f"https://news.example/feeds/sections/europe{ext}" for ext in (".rss.xml", ".atom.xml", ".json")]
    for page in out.rglob("*.html"):
        doc = html.fromstring(page.read_bytes())
        assert doc.xpath("//link[@rel='alternate'][@type='application/atom+xml']/@href")[0] == \
            "https://news.example/feeds/all.atom.xml", page


def test_no_hub_link_when_none_is_configured(newsroom):
    newsroom.article("story", title="Story")
    newsroom.build()
    atom = etree.fromstring((newsroom.output / "feeds/all.atom.xml").read_bytes())
    assert "hub" not in {l.get("rel") for l in atom.findall(f"{ATOM}link")}
    assert "hubs" not in json.loads((newsroom.output / "feeds/all.json").read_text())


def test_a_failure_while_writing_feeds_fails_the_build_and_keeps_the_previous_output(newsroom, monkeypatch):
    import masthead.render.feeds as feeds_writer
    from masthead.errors import BuildError

    newsroom.article("story", title="Story")
    newsroom.build()
    before = (newsroom.output / "feeds/all.atom.xml").read_bytes()

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(feeds_writer, "write_documents", broken)
    newsroom.article("story", title="Story, rewritten")
    with pytest.raises(BuildError, match=r"OSError: disk full \(run with -v for the traceback\)"):
        newsroom.build()
    assert (newsroom.output / "feeds/all.atom.xml").read_bytes() == before
    assert sorted(p.name for p in newsroom.root.iterdir() if p.name != "cache") == ["content", "output", "pelicanconf.py"]


def test_plain_text_reaches_every_feed_reader_as_text(room):
    """A summary holding markup is the editor's text: no reader may run it, in any format."""
    summary = "Summary with <b>tags</b> & a bell"
    for rel in ("feeds/sections/world.atom.xml", "feeds/sections/world.rss.xml"):
        [entry] = [e for e in parse(room, rel).entries if e.link.endswith("/tricky/")]
        for detail in (entry.title_detail, entry.summary_detail):
            # either declared text, or HTML whose markup is escaped: both show the characters typed
            shown = detail.value if detail.type == "text/plain" else html_text(detail.value)
            assert detail.type in ("text/plain", "text/html"), (rel, detail)
            assert "<" not in (detail.value if detail.type == "text/html" else ""), (rel, detail)
            assert shown in (summary, TRICKY_TITLE), (rel, detail)
    data = json.loads((room.output / "feeds/sections/world.json").read_text())
    [item] = [i for i in data["items"] if i["url"].endswith("/tricky/")]
    assert item["summary"] == summary and item["title"] == TRICKY_TITLE  # JSON Feed 1.1: plain text fields


def html_text(value: str) -> str:
    import html

    return html.unescape(value)


def test_a_picture_is_one_media_content_without_a_group(room):
    """Media RSS: media:group gathers several renditions of one thing; around a single
    media:content the W3C validator calls it an error."""
    media = "{http://search.yahoo.com/mrss/}"
    contents = []
    for path in sorted((room.output / "feeds").rglob("*.xml")):
        root = etree.fromstring(path.read_bytes())
        assert root.findall(f".//{media}group") == [], path
        for entry in root.findall("channel/item") + root.findall(f"{ATOM}entry"):
            contents += entry.findall(f"{media}content")
    assert contents and all(c.get("medium") == "image" and c.get("url").startswith("https://") for c in contents)



def test_whole_entries_are_made_only_for_the_documents_an_edit_changes(room, monkeypatch):
    """Every story is planned into the feeds on every build; only the entries of the documents
    written are made whole (title, summary, content, enclosure): a large site writes a handful."""
    from masthead.render import feeds as feeds_writer

    documents = [p.relative_to(room.output).as_posix() for p in (room.output / "feeds").rglob("*.atom.xml")]
    before = {rel: digest(room, rel) for rel in documents}
    made = []
    whole = feeds_writer.feed_entry
    monkeypatch.setattr(feeds_writer, "feed_entry", lambda article, *rest: made.append(article.slug)
                        or whole(article, *rest))
    room.article("oldest", id=IDS["oldest"], title="October story", slug="october-story",
                 date="2026-10-15T08:00+02:00", category="Europe", tags=["EU"], body="Rewritten.")
    room.build()
    written = [rel for rel in documents if digest(room, rel) != before[rel]]
    assert "feeds/archive/all/2026-10.atom.xml" in written and "feeds/all.atom.xml" not in written
    shown = {entry.link.rstrip("/").rsplit("/", 1)[-1] for rel in written for entry in parse(room, rel).entries}
    assert sorted(set(made)) == sorted(shown) and len(made) == len(set(made))  # each made once
    assert "persian" not in made
    europe = parse(room, "feeds/sections/europe.atom.xml")
    assert [e.title for e in europe.entries] == ["Newest story", "October story"]
    assert "Rewritten." in europe.entries[1].content[0].value and europe.entries[0].summary
