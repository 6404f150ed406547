"""The feed planner and entry rules on their own: plain entries in, documents out. No Pelican."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from masthead.feeds import Category, FeedEntry, FeedSite, Person, entry_id, plan_feeds, xml_text

ZONE = ZoneInfo("Europe/Brussels")
SITE = FeedSite(title="Gazette", subtitle="News", url="https://news.example", default_lang="en",
                timezone=ZONE, items=3)
JANE = Person("jane", "Jane", "https://news.example/authors/jane/")
JOHN = Person("john", "John", "https://news.example/authors/john/")
WORLD = Category("world", "World", "https://news.example/sections/world/")
EUROPE = Category("europe", "Europe", "https://news.example/sections/europe/")


def entry(n: int, when: datetime, section=WORLD, authors=(JANE,), tags=(), lang="en") -> FeedEntry:
    return FeedEntry(id=f"urn:uuid:00000000-0000-0000-0000-{n:012d}", title=f"Story {n}",
                     url=f"https://news.example/{n}/", published=when, updated=when, authors=authors,
                     section=section, tags=tags, summary="s", content_html="<p>c</p>", lang=lang)


def by_path(documents):
    return {d.path: d for d in documents}


def test_subscription_feed_holds_the_newest_items_newest_first_whatever_the_input_order():
    start = datetime(2026, 11, 1, 9, tzinfo=ZONE)
    entries = [entry(n, start + timedelta(days=n)) for n in (2, 5, 1, 4, 3)]
    feed = by_path(plan_feeds(entries, SITE))["feeds/all"]
    assert [e.title for e in feed.entries] == ["Story 5", "Story 4", "Story 3"]
    assert feed.updated == start + timedelta(days=5)


def test_archives_cover_every_month_and_chain_backwards():
    entries = [entry(1, datetime(2026, 9, 30, 23, 30, tzinfo=ZONE)),
               entry(2, datetime(2026, 10, 31, 23, 30, tzinfo=ZONE)),  # still October in Brussels
               entry(3, datetime(2026, 11, 2, tzinfo=ZONE))]
    docs = by_path(plan_feeds(entries, SITE))
    assert docs["feeds/all"].prev_archive == "feeds/archive/all/2026-11"
    assert docs["feeds/archive/all/2026-11"].prev_archive == "feeds/archive/all/2026-10"
    assert docs["feeds/archive/all/2026-10"].prev_archive == "feeds/archive/all/2026-09"
    assert docs["feeds/archive/all/2026-09"].prev_archive == ""
    assert [e.title for e in docs["feeds/archive/all/2026-10"].entries] == ["Story 2"]
    assert all(d.archive_of == "feeds/all" for p, d in docs.items() if p.startswith("feeds/archive/all/"))


def test_only_the_site_feed_keeps_archives():
    when = datetime(2026, 11, 2, tzinfo=ZONE)
    docs = by_path(plan_feeds([entry(1, when, section=EUROPE), entry(2, when, lang="fa")], SITE))
    archived = sorted({d.archive_of for d in docs.values() if d.is_archive})
    assert archived == ["feeds/all"]
    assert docs["feeds/sections/europe"].prev_archive == ""


def test_section_author_tag_and_language_feeds():
    tag = Category("iran", "Iran", "https://news.example/tags/iran/")
    when = datetime(2026, 11, 2, tzinfo=ZONE)
    docs = by_path(plan_feeds([
        entry(1, when, section=EUROPE, authors=(JANE, JOHN), tags=(tag,)),
        entry(2, when + timedelta(hours=1), lang="fa"),
    ], SITE))
    assert [e.title for e in docs["feeds/sections/europe"].entries] == ["Story 1"]
    assert [e.title for e in docs["feeds/authors/john"].entries] == ["Story 1"]
    assert [e.title for e in docs["feeds/authors/jane"].entries] == ["Story 2", "Story 1"]
    assert [e.title for e in docs["feeds/tags/iran"].entries] == ["Story 1"]
    assert docs["feeds/languages/fa"].lang == "fa"
    assert docs["feeds/sections/europe"].title == "Gazette: Europe"


def test_no_language_feeds_for_a_single_language_site():
    docs = by_path(plan_feeds([entry(1, datetime(2026, 11, 2, tzinfo=ZONE))], SITE))
    assert not [p for p in docs if "languages" in p]


def test_entry_ids_are_iris_that_never_depend_on_urls():
    assert entry_id("3b0f6f38-4a8e-4f0e-9f3a-6d2b7f1c9a01") == "urn:uuid:3b0f6f38-4a8e-4f0e-9f3a-6d2b7f1c9a01"
    assert entry_id("tag:news.example,2026:1") == "tag:news.example,2026:1"
    assert entry_id("story-1") == entry_id("story-1") and entry_id("story-1").startswith("urn:uuid:")


def test_xml_text_strips_only_what_xml_cannot_hold():
    assert xml_text("a\x00b\x07c\x1fd\ttab\nline 🙂 ]]> & <") == "abcd\ttab\nline 🙂 ]]> & <"
