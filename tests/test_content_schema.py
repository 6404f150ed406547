"""The content core on its own: front matter in, Article or exact problem messages out. No Pelican."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from masthead.config import SiteConfig
from masthead.content import ImageFile, SourceFile, Sources, build_newsroom
from masthead.content.slugs import derived_article_id, slugify
from masthead.errors import ContentError

from conftest import front_matter

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
CONFIG = SiteConfig(name="The Test Gazette", site_url="", timezone=ZoneInfo("Europe/Brussels"),
                    default_lang="en", sections=("World", "Europe", "Opinion"))
IMAGES = {"images/photo.jpg": ImageFile("images/photo.jpg", 1600, 900, 1000)}
AUTHOR = SourceFile("authors/jane-doe.md", "content/authors/jane-doe.md",
                    front_matter({"name": "Jane Doe"}).encode() + b"Bio.\n")
GOOD = {"title": "A headline", "date": "2026-11-20T09:00+01:00", "authors": ["jane-doe"],
        "category": "World", "summary": "What happened."}


def source(data: bytes | str, name: str = "story") -> SourceFile:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return SourceFile(f"articles/{name}.md", f"content/articles/{name}.md", raw)


def article_text(**changes) -> str:
    fields = {**GOOD, **changes}
    return front_matter({k: v for k, v in fields.items() if v is not None}) + "\nBody text.\n"


def newsroom(*articles: SourceFile, authors=(AUTHOR,), config=CONFIG):
    return build_newsroom(Sources(articles=articles, authors=authors, images=IMAGES), config, NOW)


def problems(*articles: SourceFile, **kwargs) -> list[str]:
    with pytest.raises(ContentError) as caught:
        newsroom(*articles, **kwargs)
    return [str(p) for p in caught.value.problems]


BAD_INPUT = [
    # (description, file bytes, the one line the editor is shown)
    ("malformed YAML", "---\ntitle: [unclosed\ndate: 2026-11-20\n---\nBody\n",
     "content/articles/story.md:3: front matter: expected valid YAML, found a syntax error"),
    ("a tab in the YAML", "---\ntitle: Hello\n  \tsummary: indented with a tab\n---\nBody\n",
     "content/articles/story.md:3: front matter: expected valid YAML, indented with spaces, found a tab on this line (replace it with spaces)"),
    ("no front matter at all", "Just a paragraph of text.\n",
     "content/articles/story.md:1: front matter: expected a block that opens with a '---' line at the top of the file, found 'Just a paragraph of text.' on the first line"),
    ("front matter never closed", "---\ntitle: Hello\n",
     "content/articles/story.md:1: front matter: expected a '---' line that closes the block opened on line 1, found none"),
    ("empty file", "", "content/articles/story.md:1: file: expected front matter between '---' lines, then the text, found an empty file"),
    ("only white space", " \n\n", "content/articles/story.md:1: file: expected front matter between '---' lines, then the text, found an empty file"),
    ("not UTF-8", "---\ntitle: Caf\xe9\n---\n".encode("latin-1"),
     "content/articles/story.md:2: file: expected UTF-8 text (save the file as UTF-8), found byte 0xe9, which is not UTF-8"),
    ("title is a list", article_text(title=["One", "Two"]),
     "content/articles/story.md:2: title: expected text, found a list of 2 items"),
    ("title is a yes/no", article_text(title="yes"),
     "content/articles/story.md:2: title: expected text, found a yes/no value (true; put text in quotes)"),
    ("date 'yesterday'", article_text(date="yesterday"),
     "content/articles/story.md:3: date: expected an ISO 8601 date such as '2026-11-20' or '2026-11-20T09:30+01:00', found 'yesterday'"),
    ("authors is a string", article_text(authors="jane-doe"),
     "content/articles/story.md:4: authors: expected a list of author slugs (one '- item' per line), found 'jane-doe'"),
    ("authors is empty", article_text(authors="[]"),
     "content/articles/story.md:4: authors: expected at least one author slug, found an empty list"),
    ("unknown author", article_text(authors=["jane-doo"]),
     "content/articles/story.md:4: authors: expected an author file content/authors/jane-doo.md, found no such file (did you mean 'jane-doe'?)"),
    ("unknown key", article_text(catgeory="World"),
     "content/articles/story.md:8: catgeory: expected one of"),
    ("image without alt", article_text(image="photo.jpg"),
     "content/articles/story.md:8: image_alt: expected a description of the image for readers who cannot see it, found no image_alt (it is required when 'image' is set)"),
    ("image that does not exist", article_text(image="missing.jpg", image_alt="A photo"),
     "content/articles/story.md:8: image: expected an image file under content/images or an http(s) URL, found no file content/images/missing.jpg"),
    ("image given with images/ prefix", article_text(image="images/photo.jpg", image_alt="A photo"),
     "found no file content/images/images/photo.jpg (paths are relative to content/images: did you mean 'photo.jpg'?)"),
    ("section not in the list", article_text(category="Erope"),
     "content/articles/story.md:6: category: expected one of the sections in MASTHEAD['sections']: World, Europe, Opinion, found 'Erope' (did you mean 'Europe'?)"),
    ("lang not a tag", article_text(lang="Persian language"),
     "lang: expected a BCP 47 language tag such as 'en', 'fa' or 'pt-BR', found 'Persian language'"),
    ("status misspelled", article_text(status="publshed"),
     "status: expected one of draft, published, found 'publshed' (did you mean 'published'?)"),
    ("slug with spaces", article_text(slug="'Big News'"),
     "slug: expected lowercase letters, digits and hyphens, found 'Big News' (try 'big-news')"),
    ("canonical_url relative", article_text(canonical_url="/elsewhere/"),
     "canonical_url: expected an absolute http(s) URL, found '/elsewhere/'"),
    ("updated before published", article_text(updated="2026-11-01"),
     "updated: expected a moment after the publication date (2026-11-20T09:00:00+01:00), found 2026-11-01T00:00:00+01:00"),
    ("expires before published", article_text(expires="2026-11-20T08:00+01:00"),
     "expires: expected a moment after the publication date (2026-11-20T09:00:00+01:00), found 2026-11-20T08:00:00+01:00"),
    ("expires not a date", article_text(expires="next week"),
     "expires: expected an ISO 8601 date such as '2026-11-20' or '2026-11-20T09:30+01:00', found 'next week'"),
    ("key twice", "---\ntitle: One\ntitle: Two\n---\n",
     "content/articles/story.md:3: title: expected each key once, found it again (first on line 2)"),
    ("corrections not a list", article_text(corrections="'fixed a typo'"),
     "corrections: expected a list of corrections, each with 'date' and 'text', found 'fixed a typo'"),
    ("correction without text", article_text(corrections=[{"date": "2026-11-21"}]),
     "corrections: expected a 'text' in correction 1, found none"),
]


@pytest.mark.parametrize("description, data, message", BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_reported_with_file_line_field_expected_and_found(description, data, message):
    found = problems(source(data))
    assert any(message in line for line in found), found


@pytest.mark.parametrize("field", ["title", "date", "authors", "category", "summary"])
def test_each_missing_required_field_is_named(field):
    found = problems(source(article_text(**{field: None})))
    assert f"content/articles/story.md:1: {field}: expected a value (this field is required), found no such key" in found


def test_every_problem_in_every_file_is_reported_at_once():
    found = problems(source(article_text(title=["x"], date="soon"), "one"), source("", "two"))
    assert [line.split(":")[0] for line in found] == [
        "content/articles/one.md", "content/articles/one.md", "content/articles/two.md"]


def test_two_articles_with_the_same_slug_are_both_named():
    found = problems(source(article_text(slug="same"), "a"), source(article_text(slug="same", title="B"), "b"))
    assert "content/articles/a.md: slug: expected a slug no other article uses, found 'same', also used by content/articles/b.md" in found
    assert "content/articles/b.md: slug: expected a slug no other article uses, found 'same', also used by content/articles/a.md" in found


def test_two_articles_with_the_same_id_are_both_named():
    found = problems(source(article_text(id="story-1"), "a"), source(article_text(id="story-1", title="B"), "b"))
    assert any(line.startswith("content/articles/a.md: id: expected an id no other article uses")
               and line.endswith("found 'story-1', also used by content/articles/b.md") for line in found), found


def test_two_articles_by_one_author_at_the_same_minute_are_told_to_add_an_id():
    found = problems(source(article_text(), "a"), source(article_text(title="B"), "b"))
    assert any("add 'id:' to one of them" in line for line in found), found


def test_byte_order_mark_and_crlf_line_endings_are_accepted():
    text = article_text(title="Windows file").replace("\n", "\r\n")
    room = newsroom(source(b"\xef\xbb\xbf" + text.encode()))
    assert room.articles[0].title == "Windows file"
    assert "\r" not in room.articles[0].body_html


def test_a_date_without_a_zone_takes_the_site_timezone_exactly_as_written():
    article = newsroom(source(article_text(date="2026-11-20 09:30"))).articles[0]
    assert article.date.isoformat() == "2026-11-20T09:30:00+01:00"


def test_a_date_with_a_zone_keeps_it_and_a_bare_day_is_midnight_local():
    first = newsroom(source(article_text(date="2026-07-01T23:59:59+03:30"))).articles[0]
    assert first.date.isoformat() == "2026-07-01T23:59:59+03:30"
    second = newsroom(source(article_text(date="2026-07-01"))).articles[0]
    assert second.date.isoformat() == "2026-07-01T00:00:00+02:00"


def test_html_in_title_and_summary_is_kept_as_text_for_templates_to_escape():
    article = newsroom(source(article_text(title="'<script>alert(1)</script> & more'",
                                           summary="'<b>bold</b>'"))).articles[0]
    assert article.title == "<script>alert(1)</script> & more"
    assert article.summary == "<b>bold</b>"


def test_newlines_and_control_characters_never_survive_in_a_title():
    article = newsroom(source(article_text(title='"Line one\\nLine two\\u0007"'))).articles[0]
    assert article.title == "Line one Line two"


def test_rtl_languages_read_right_to_left():
    for lang, direction in [("fa", "rtl"), ("ur", "rtl"), ("ar", "rtl"), ("he", "rtl"),
                            ("en", "ltr"), ("az-Arab", "rtl"), ("ku-Latn", "ltr")]:
        article = newsroom(source(article_text(lang=lang))).articles[0]
        assert article.direction == direction, lang


def test_scheduled_and_draft_states_follow_the_clock():
    room = newsroom(source(article_text(date="2027-01-01T07:00+01:00"), "future"),
                    source(article_text(status="draft", title="D", date="2026-11-21"), "draft"),
                    source(article_text(title="P"), "past"))
    assert [a.rel for a in room.scheduled] == ["articles/future.md"]
    assert [a.rel for a in room.drafts] == ["articles/draft.md"]
    assert [a.rel for a in room.published] == ["articles/past.md"]


def test_an_article_expires_at_its_time_and_not_before():
    data = article_text(expires="2026-11-27T13:00+01:00")  # 12:00 UTC
    article = newsroom(source(data, "notice")).articles[0]
    assert article.expires == datetime.fromisoformat("2026-11-27T12:00+00:00")
    assert article.state(datetime.fromisoformat("2026-11-27T11:59:59+00:00")) == "published"
    assert article.state(datetime.fromisoformat("2026-11-27T12:00+00:00")) == "expired"
    scheduled = newsroom(source(article_text(date="2027-01-01", expires="2027-01-02"), "later")).articles[0]
    assert scheduled.state(datetime.fromisoformat("2026-11-27T12:00+00:00")) == "scheduled"


def test_corrections_move_the_modified_date_and_render_inline_markdown():
    article = newsroom(source(article_text(corrections=[
        {"date": "2026-11-21T10:00+01:00", "text": "Fixed *a name*."},
        {"date": "2026-11-22", "text": "Fixed a number."}]))).articles[0]
    assert article.modified.isoformat() == "2026-11-22T00:00:00+01:00"
    assert article.corrections[0].text == "Fixed <em>a name</em>."


def test_dateline_opens_the_first_paragraph():
    article = newsroom(source(article_text(dateline="Quetta"))).articles[0]
    assert article.body_html.startswith(
        '<p><span class="dateline"><span class="dateline-place">Quetta</span> (The Test Gazette)</span> Body text.')


def test_derived_id_survives_changes_to_slug_title_file_name_and_timezone():
    original = newsroom(source(article_text(), "old-name")).articles[0]
    renamed = newsroom(source(article_text(title="A new headline", slug="new-slug"), "new-name"),
                       config=SiteConfig(name="X", site_url="https://elsewhere.example",
                                         timezone=ZoneInfo("Asia/Karachi"), default_lang="en")).articles[0]
    assert original.id == renamed.id
    written = datetime(2026, 11, 20, 9, 0)
    assert derived_article_id(written, "jane-doe") != derived_article_id(written, "john-roe")


def test_slugify_transliterates_and_stays_short():
    assert slugify("Ceasefire talks resume in Doha") == "ceasefire-talks-resume-in-doha"
    assert slugify("Café society’s “return”") == "cafe-societys-return"
    assert len(slugify("word " * 40)) <= 64


def test_two_translations_in_the_same_language_are_both_named():
    found = problems(source(article_text(translation_key="talks", slug="a"), "a"),
                     source(article_text(translation_key="talks", slug="b", title="B", date="2026-11-21"), "b"))
    assert "content/articles/a.md: translation_key: expected one article per language for 'talks', " \
           "found 'en', also the language of content/articles/b.md" in found
    assert any(line.startswith("content/articles/b.md: translation_key:") for line in found)
    room = newsroom(source(article_text(translation_key="talks", slug="a"), "a"),
                    source(article_text(translation_key="talks", slug="b", lang="fa", date="2026-11-21"), "b"))
    assert {a.translation_key for a in room.articles} == {"talks"}


def test_aliases_must_be_site_paths_and_belong_to_one_article():
    found = problems(source(article_text(aliases=["https://elsewhere.example/x/"]), "a"))
    assert any("aliases: expected site paths ending in '/' or '.html'" in line for line in found), found
    found = problems(source(article_text(aliases=["/old/"], slug="a"), "a"),
                     source(article_text(aliases=["old/"], slug="b", title="B", date="2026-11-21"), "b"))
    assert "content/articles/b.md: aliases: expected old paths no other article claims, found 'old/', " \
           "also an alias of content/articles/a.md" in found
