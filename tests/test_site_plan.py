"""The site plan on its own: records in, pages (file, template, context) out. Where masthead
keeps Pelican's conventions (slugs, pagination), the result is compared with Pelican's own code."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

import pytest
from pelican.paginator import PaginationRule, Paginator
from pelican.utils import slugify

from masthead.config import SiteConfig
from masthead.content import Article, Author, Newsroom, Page
from masthead.pelican_adapter.settings import PELICAN_SETTINGS
from masthead.site.keys import ContextKeys
from masthead.site.layout import DEFAULT_SLUG_SUBSTITUTIONS, layout_from_settings
from masthead.site.links import LinkTargets, link_resolver
from masthead.site.plan import plan_site

ZONE = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 11, 28, 12, tzinfo=ZONE)
CONFIG = SiteConfig(name="Gazette", site_url="https://news.example", timezone=ZONE, default_lang="en",
                    sections=("World", "Europe"))
LAYOUT = layout_from_settings({**PELICAN_SETTINGS, "DEFAULT_ORPHANS": 0, "DEFAULT_LANG": "en"})
AUTHORS = MappingProxyType({"jane": Author("jane", "Jane Doe", "<p>Bio.</p>", "content/authors/jane.md")})


def article(n: int, **fields) -> Article:
    values = dict(source=f"content/articles/a{n}.md", rel=f"articles/a{n}.md", id=f"story-{n:04d}",
                  title=f"Story {n}", slug=f"story-{n}", date=NOW - timedelta(days=n), authors=("jane",),
                  category="World", summary="A summary.", body_html=f"<p>Body {n}.</p>", lang="en",
                  tags=("Common",))
    return Article(**{**values, **fields})


def newsroom(*articles, pages=()) -> Newsroom:
    return Newsroom(now=NOW, articles=tuple(articles), authors=AUTHORS, pages=tuple(pages))


@pytest.mark.parametrize("name", ["Middle East", "U.S. Politics", "Rock & Roll", "  Spaced  out ", "Ünïcode Ça",
                                  "C++ / Rust", "under_score", "Ελλάδα", "中文", "Tag--with---dashes"])
def test_section_and_tag_slugs_are_the_ones_pelican_gave_them(name):
    assert LAYOUT.slug("TAG", name) == slugify(name, regex_subs=DEFAULT_SLUG_SUBSTITUTIONS)


@pytest.mark.parametrize("count,per_page,orphans", [(0, 20, 0), (1, 20, 0), (20, 20, 0), (21, 20, 0), (45, 20, 0),
                                                    (41, 20, 2), (100, 7, 3)])
def test_pagination_names_and_cuts_pages_as_pelicans_paginator(count, per_page, orphans):
    settings = {**PELICAN_SETTINGS, "PAGINATED_TEMPLATES": {"tag": per_page}, "DEFAULT_ORPHANS": orphans}
    layout = layout_from_settings(settings)
    paginator = Paginator("tags/x/index.html", "tags/x/", list(range(count)), settings, per_page)
    expected = []
    for number in range(1, paginator.num_pages + 1):
        page = paginator.page(number)
        first = page.object_list[0] if page.object_list else 0
        expected.append((page.save_as, page.url, first, first + len(page.object_list)))
    assert layout.pages("tag", "tags/x/index.html", "tags/x/", count) == expected


def test_a_last_page_rule_is_honoured():
    rules = [PaginationRule(1, "{url}", "{save_as}"),
             PaginationRule(2, "{base_name}/p{number}/", "{base_name}/p{number}/index.html"),
             PaginationRule(-1, "{base_name}/last/", "{base_name}/last/index.html")]
    layout = layout_from_settings({**PELICAN_SETTINGS, "PAGINATION_PATTERNS": rules,
                                   "PAGINATED_TEMPLATES": {"tag": 1}})
    assert [p[1] for p in layout.pages("tag", "tags/x/index.html", "tags/x/", 3)] == \
        ["tags/x/", "tags/x/p2/", "tags/x/last/"]


def test_only_published_stories_are_listed_and_expired_ones_are_built_unlisted():
    plan = plan_site(newsroom(article(1), article(2, status="draft"), article(3, date=NOW + timedelta(hours=1)),
                              article(4, expires=NOW - timedelta(hours=1)), article(5)), CONFIG, LAYOUT)
    assert [s.slug for s in plan.stories] == ["story-1", "story-5"]
    assert [s.slug for s in plan.hidden] == ["story-4"] and plan.hidden[0].expired
    files = {unit.path: unit for unit in plan.units()}
    assert "2026/11/story-4/index.html" in files and "2026/11/story-3/index.html" not in files
    assert [t.slug for t in files["tags/common/index.html"].context["articles"]] == ["story-1", "story-5"]


def test_a_listing_gets_its_stories_without_bodies_and_is_keyed_without_them():
    keys = ContextKeys()
    before = plan_site(newsroom(article(1), article(2)), CONFIG, LAYOUT)
    after = plan_site(newsroom(article(1, body_html="<p>Rewritten.</p>"), article(2)), CONFIG, LAYOUT)
    [teaser] = [t for t in before.listed if t.slug == "story-1"]
    assert teaser.record.body_html == "" and not hasattr(teaser, "content")
    listing = [u for u in before.units() if u.path == "sections/world/index.html"][0]
    listing_after = [u for u in after.units() if u.path == "sections/world/index.html"][0]
    assert keys.of(listing.context) == keys.of(listing_after.context)
    page = [u for u in before.units() if u.path == "2026/11/story-1/index.html"][0]
    page_after = [u for u in after.units() if u.path == "2026/11/story-1/index.html"][0]
    assert keys.of(page.context) != keys.of(page_after.context)


def test_a_context_holding_something_without_a_key_is_refused():
    with pytest.raises(TypeError, match="a page context holds a object, which has no key"):
        ContextKeys().of({"thing": object()})


def test_translations_link_every_published_version_and_nothing_unpublished():
    plan = plan_site(newsroom(article(1, translation_key="t"),
                              article(2, lang="fa", slug="story-fa", translation_key="t"),
                              article(3, lang="ur", slug="story-ur", translation_key="t", status="draft")),
                     CONFIG, LAYOUT)
    [english] = [s for s in plan.stories if s.lang == "en"]
    assert [(v.lang, v.url) for v in english.translations] == [("en", "2026/11/story-1/"), ("fa", "2026/11/story-fa/")]


def test_links_between_content_files_become_addresses_and_a_missing_one_is_reported():
    about = Page("content/pages/about.md", "pages/about.md", "About", "about", "s",
                 '<p><a href="{filename}policy.md#fixes">policy</a> <a href="{filename}/articles/a1.md">story</a> '
                 '<img src="{static}/images/map.png" alt="map"> <a href="{filename}gone.md">gone</a> '
                 '<a href="{tag}Common">tag</a></p>', "en")
    policy = Page("content/pages/policy.md", "pages/policy.md", "Policy", "policy", "s", "<p>P.</p>", "en")
    plan = plan_site(newsroom(article(1), pages=[about, policy]), CONFIG, LAYOUT)
    [view] = [p for p in plan.pages if p.slug == "about"]
    assert 'href="https://news.example/policy/#fixes"' in view.content
    assert 'href="https://news.example/2026/11/story-1/"' in view.content
    assert 'href="https://news.example/tags/common/"' in view.content
    assert 'href="{filename}gone.md"' in view.content
    assert '{static}/images/map.png' in view.content  # not among the newsroom's images: left as written
    assert plan.unresolved == (("content/pages/about.md", "{static}/images/map.png"),
                               ("content/pages/about.md", "{filename}gone.md"))


def test_links_resolve_with_pelicans_own_pattern_setting():
    resolve = link_resolver(LinkTargets(files={"pages/a.md": "a/"}), "", r"\|(?P<what>.*?)\|")
    assert resolve('<a href="|filename|a.md">x</a>', "pages/b.md") == ('<a href="/a/">x</a>', [])


def test_a_story_is_placed_from_the_places_kept_for_its_record_and_placed_anew_when_it_changes():
    places: dict = {}
    first = plan_site(newsroom(article(1), article(2)), CONFIG, LAYOUT, places)
    assert {p[0] for p in places.values()} == {"2026/11/story-1/", "2026/11/story-2/"}
    # what is kept is what is used: a planted place proves the plan did not format it again
    kept = article(1)
    places[kept.digest] = ("kept/url/", "kept/file.html", "kept date")
    again = plan_site(newsroom(kept, article(2)), CONFIG, LAYOUT, places)
    [story] = [s for s in again.stories if s.slug == "story-1"]
    assert (story.url, story.save_as, story.locale_date) == ("kept/url/", "kept/file.html", "kept date")
    moved = plan_site(newsroom(article(1, slug="moved"), article(2)), CONFIG, LAYOUT, places)
    assert [s.url for s in moved.stories] == ["2026/11/moved/", "2026/11/story-2/"]
    assert [s.url for s in moved.stories] != [s.url for s in again.stories]
    assert [(s.url, s.locale_date) for s in first.stories] == \
        [(s.url, s.locale_date) for s in plan_site(newsroom(article(1), article(2)), CONFIG, LAYOUT).stories]


def test_a_section_with_only_expired_stories_is_still_a_link_target_when_its_stories_are_placed_from_the_cache():
    expired = article(2, category="Archive", expires=NOW - timedelta(hours=1))
    linking = Page("content/pages/about.md", "pages/about.md", "About", "about", "s",
                   '<p><a href="{category}Archive">archive</a></p>', "en")
    places: dict = {}
    plan_site(newsroom(article(1), expired, pages=[linking]), CONFIG, LAYOUT, places)
    plan = plan_site(newsroom(article(1), expired, pages=[linking]), CONFIG, LAYOUT, places)
    assert 'href="https://news.example/sections/archive/"' in plan.pages[0].content


def test_what_links_resolve_to_does_not_depend_on_which_story_was_made_first():
    """Links resolve against the stories' records, whatever views were made before (a build after
    an edit of bodies makes only a few): a tag or an author that only an expired story has has no
    page, so a link to it is reported, even from that story's own body."""
    from masthead.site.plan import Placement

    config = SiteConfig(name="Gazette", site_url="https://news.example", timezone=ZONE, default_lang="en",
                        sections=("World", "Europe"), expired="notice")
    authors = MappingProxyType({**AUTHORS, "omar": Author("omar", "Omar Said", "<p>Bio.</p>", "content/authors/omar.md")})
    expired = article(2, tags=("Gone",), authors=("omar",), expires=NOW - timedelta(hours=1),
                      body_html='<p><a href="{tag}Gone">t</a> <a href="{author}Omar Said">a</a> '
                                '<a href="{tag}Common">c</a></p>')
    room = Newsroom(now=NOW, articles=(article(1), expired), authors=authors, pages=())
    whole = Placement(room, config, LAYOUT).plan()
    few = Placement(room, config, LAYOUT)
    story = few.story(expired, expired=True)  # made before any other, as after an edit of its body
    assert story.html == whole.hidden[0].html
    assert 'href="https://news.example/tags/common/"' in story.html and "{tag}Gone" in story.html
    assert few.unresolved == list(whole.unresolved) == [("content/articles/a2.md", "{tag}Gone"),
                                                        ("content/articles/a2.md", "{author}Omar Said")]
