"""Real Pelican runs of a small fixture newsroom; the built HTML is read the way a reader sees it."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from masthead.errors import BuildError, ContentError

from conftest import REPO, settle


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of the site by its digest (the build record, which says how a build went, aside)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "build.json"}


def text(node) -> str:
    return " ".join(node.text_content().split())


@pytest.fixture
def full_newsroom(newsroom):
    newsroom.author("john-roe", "John Roe", "John covered Europe for ten years.\n\nHe lives in Ghent.",
                    role="Europe Editor", avatar="john.jpg",
                    links={"website": "https://johnroe.example", "email": "john@example.org"})
    newsroom.image("john.jpg", 300, 300)
    newsroom.image("summit.jpg", 1600, 900)
    newsroom.article(
        "summit", title="Ministers agree on a mission", slug="ministers-agree",
        authors=["jane-doe", "john-roe"], category="Europe", tags=["Diplomacy", "EU"],
        image="summit.jpg", image_alt="Flags behind a lectern", image_caption="The press room.",
        image_credit="Jane Doe", dateline="Brussels",
        corrections=[{"date": "2026-11-21T10:00+01:00", "text": "An earlier version misspelled a name."}],
        body="Ministers agreed on Monday.\n\n> “We said yes,” she said.\n\n## What next\n\nMore talks.")
    return newsroom


def test_article_page_carries_the_whole_anatomy(full_newsroom):
    full_newsroom.build()
    page = full_newsroom.html("2026/11/ministers-agree/index.html")

    assert page.xpath("count(//main)") == 1
    assert text(page.xpath("//h1")[0]) == "Ministers agree on a mission"
    byline = page.xpath("//p[@class='byline']/a")
    assert [(a.get("href"), text(a)) for a in byline] == [
        ("/authors/jane-doe/", "Jane Doe"), ("/authors/john-roe/", "John Roe")]
    published, updated = page.xpath("//p[@class='dates']//time/@datetime")
    assert (published, updated) == ("2026-11-20T09:00:00+01:00", "2026-11-21T10:00:00+01:00")

    figure = page.xpath("//figure[@class='featured']")[0]
    img = figure.xpath(".//img")[0]
    assert (img.get("src"), img.get("alt"), img.get("width"), img.get("height")) == (
        "/images/summit.jpg", "Flags behind a lectern", "1600", "900")
    assert text(figure.xpath("./figcaption")[0]) == "The press room. Photo: Jane Doe"

    first_paragraph = page.xpath("//div[@class='story-body']/p")[0]
    assert text(first_paragraph).startswith("Brussels (The Test Gazette) Ministers agreed on Monday.")
    assert page.xpath("//div[@class='story-body']//blockquote") and page.xpath("//div[@class='story-body']/h2")
    assert "“We said yes,” she said." in text(page.xpath("//blockquote")[0])

    corrections = page.xpath("//aside[@class='corrections']//li")
    assert [text(li) for li in corrections] == ["November 21, 2026: An earlier version misspelled a name."]

    assert page.xpath("//ul[@class='tags']//a/@href") == ["/tags/diplomacy/", "/tags/eu/"]

    share = {a.get("class"): a.get("href") for a in page.xpath("//nav[@class='share']//a")}
    assert sorted(share) == sorted(f"share-{n}" for n in
                                   ("email", "x", "facebook", "linkedin", "whatsapp", "telegram", "bluesky"))
    assert urlparse(share["share-whatsapp"]).netloc == "wa.me"
    assert parse_qs(urlparse(share["share-email"]).query)["subject"] == ["Ministers agree on a mission"]
    assert page.xpath("//script[not(@src)]/@type") == ["application/ld+json"], "only structured data inline"
    assert page.xpath("//script/@src") == ["/theme/js/subscribe.js"], "and the subscribe form's file"

    bios = page.xpath("//section[@class='bio']")
    assert [text(b.xpath(".//*[@class='bio-name']")[0]) for b in bios] == ["Jane Doe", "John Roe"]
    john = bios[1]
    assert john.xpath(".//img/@src") == ["/images/john.jpg"]
    assert text(john.xpath(".//*[@class='bio-role']")[0]) == "Europe Editor"
    assert "ten years" in text(john.xpath(".//*[@class='bio-body']")[0])
    assert john.xpath(".//ul[@class='bio-links']//a/@href") == ["https://johnroe.example", "mailto:john@example.org"]

    about = page.xpath("//section[@class='about']")[0]
    assert "reports on tests" in text(about) and about.xpath(".//img/@src") == ["/images/logo.png"]
    form = page.xpath("//section[@class='subscribe']//form")[0]
    assert (form.get("method"), form.get("action")) == ("post", "https://subscribe.example/subscribe")
    assert form.xpath(".//input[@type='email']/@name") == ["email"]
    assert page.xpath("//meta[@name='description']/@content") == ["What happened."]


def test_every_kind_of_page_is_built(full_newsroom):
    full_newsroom.page("about", title="About us", slug="about")
    full_newsroom.build()
    out = full_newsroom.output
    for rel in ["index.html", "404.html", "about/index.html", "authors/index.html",
                "authors/jane-doe/index.html", "sections/index.html", "sections/europe/index.html",
                "tags/index.html", "tags/diplomacy/index.html", "archives/index.html",
                "archives/2026/index.html", "archives/2026/11/index.html", "theme/css/site.css",
                "theme/css/print.css", "theme/favicon.svg"]:
        assert (out / rel).is_file(), rel
    author = full_newsroom.html("authors/john-roe/index.html")
    assert "He lives in Ghent." in text(author.xpath("//section[@class='bio']")[0])
    assert author.xpath("//article[contains(@class, 'teaser')]//*[contains(@class, 'teaser-title')]/a/@href") == ["/2026/11/ministers-agree/"]
    front = full_newsroom.html("index.html")
    assert front.xpath("//section[@class='lead']//*[contains(@class, 'teaser-title')]/a/@href") == ["/2026/11/ministers-agree/"]
    # the author's name is the page's visible title; the front page's lead picture loads at once
    assert [text(h) for h in author.xpath("//h1")] == ["John Roe"] and not author.xpath("//h1[contains(@class, 'visually-hidden')]")
    assert front.xpath("//section[@class='lead']//img/@loading") == ["eager"]
    assert all(img.get("loading") == "lazy" for img in front.xpath("//section[@class='section-block']//img"))
    for row in full_newsroom.html("archives/index.html").xpath("//ul[@class='archive-list']/li"):
        assert row.xpath("./time/bdi"), "a date in a row of another direction is isolated"
    for page in out.rglob("*.html"):
        doc = full_newsroom.html(page.relative_to(out).as_posix())
        assert doc.xpath("count(//main)") == 1, page
        assert doc.xpath("//meta[@name='description']/@content")[0].strip(), page
        assert doc.xpath("//link[@rel='icon']"), page
        assert doc.xpath("//a[@class='skip-link']/@href") == ["#main"], page
        levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels[:1] == [1], page  # one h1 first, then no level skipped on the way down
        assert all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:])), (page, levels)


def test_a_right_to_left_article_reads_right_to_left(newsroom):
    newsroom.article("fa", title="کمیسیون مرزی دوباره تشکیل جلسه داد", slug="commission-fa", lang="fa",
                     summary="خلاصهٔ خبر.", body="متن خبر.")
    newsroom.build()
    page = newsroom.html("2026/11/commission-fa/index.html")
    assert (page.get("lang"), page.get("dir")) == ("fa", "rtl")
    assert text(page.xpath("//h1")[0]) == "کمیسیون مرزی دوباره تشکیل جلسه داد"
    assert text(page.xpath("//nav[@class='share']/h2")[0]) == "هم‌رسانی این مطلب"
    bio = page.xpath("//section[@class='bio']")[0]
    assert (bio.get("lang"), bio.get("dir")) == ("en", "ltr"), "the English bio keeps its own direction"
    teaser = newsroom.html("index.html").xpath("//article[contains(@class, 'teaser')]")[0]
    assert (teaser.get("lang"), teaser.get("dir")) == ("fa", "rtl")


def test_drafts_and_scheduled_articles_appear_nowhere(newsroom):
    newsroom.image("embargoed.jpg")
    newsroom.article("live", title="Live story")
    newsroom.article("draft", title="Secret draft zebra", status="draft", date="2026-11-19")
    newsroom.article("future", title="Embargoed quokka", date="2026-12-24T07:00+01:00",
                     image="embargoed.jpg", image_alt="An embargoed photo", tags=["Unicorns"])
    newsroom.build()
    everything = b"".join(p.read_bytes() for p in newsroom.output.rglob("*") if p.is_file())
    for secret in (b"zebra", b"quokka", b"embargoed", b"Unicorns", b"unicorns"):
        assert secret not in everything.lower(), secret
    assert not (newsroom.output / "images" / "embargoed.jpg").exists()
    assert not (newsroom.output / "drafts").exists()

    newsroom.build(now=__import__("datetime").datetime.fromisoformat("2026-12-24T08:00+01:00"))
    assert (newsroom.output / "2026/12/embargoed-quokka/index.html").is_file()
    assert (newsroom.output / "images" / "embargoed.jpg").is_file()


def test_html_in_a_title_or_summary_is_shown_as_text_never_run(newsroom):
    newsroom.article("xss", title="'<script>alert(\"t\")</script> & <b>Bold</b>'", slug="xss",
                     summary="'<img src=x onerror=alert(1)> summary'", tags=["<i>tag</i>"])
    newsroom.build()
    for page in newsroom.output.rglob("*.html"):
        doc = newsroom.html(page.relative_to(newsroom.output).as_posix())
        assert not doc.xpath("//script[not(@type='application/ld+json') and not(@src)] | //img[@onerror] | //b | //i"), page
        assert set(doc.xpath("//script/@src")) <= {"/theme/js/subscribe.js"}, page  # the theme's one file
    article = newsroom.html("xss/index.html".replace("xss/", "2026/11/xss/"))
    assert text(article.xpath("//h1")[0]) == '<script>alert("t")</script> & <b>Bold</b>'
    assert article.xpath("//meta[@name='description']/@content") == ["<img src=x onerror=alert(1)> summary"]


def test_a_content_error_fails_the_build_and_keeps_the_previous_output(newsroom):
    newsroom.article("good", title="Good story")
    newsroom.build()
    before = snapshot(newsroom.output)
    newsroom.article("bad", title="Bad story", authors=["nobody"])
    with pytest.raises(ContentError) as caught:
        newsroom.build()
    assert [str(p) for p in caught.value.problems] == [
        f"{newsroom.content}/articles/bad.md:4: authors: "
        "expected an author file content/authors/nobody.md, found no such file"]
    assert snapshot(newsroom.output) == before
    assert sorted(p.name for p in newsroom.root.iterdir() if p.name != "cache") == ["content", "output", "pelicanconf.py"]


def test_a_template_error_fails_the_build_and_keeps_the_previous_output(newsroom, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    settings = newsroom.settings_file.read_text().replace(repr(str(REPO / "theme")), repr(str(theme)))
    newsroom.settings_file.write_text(settings)
    newsroom.article("good", title="Good story")
    newsroom.build()
    before = snapshot(newsroom.output)
    (theme / "templates" / "article.html").write_text("{% extends 'base.html' %}{% block content %}{{ nope( }}{% endblock %}")
    with pytest.raises(BuildError, match="TemplateSyntaxError"):
        newsroom.build()
    assert snapshot(newsroom.output) == before


def test_a_plugin_that_fails_to_load_fails_the_build(newsroom):
    newsroom.article("good", title="Good story")
    newsroom.settings_file.write_text(newsroom.settings_file.read_text().replace(
        'PLUGINS = ["masthead.plugin"]', 'PLUGINS = ["masthead.plugin", "no_such_plugin"]'))
    with pytest.raises(BuildError, match="Cannot load plugin `no_such_plugin`"):
        newsroom.build()
    assert not newsroom.output.exists()


def test_the_same_content_builds_the_same_bytes(full_newsroom):
    full_newsroom.build()
    first = snapshot(full_newsroom.output)
    full_newsroom.build()
    assert snapshot(full_newsroom.output) == first


def test_production_urls_are_absolute(tmp_path):
    from conftest import Newsroom

    room = Newsroom(tmp_path / "prod", site_url="https://news.example")
    room.author("jane-doe", "Jane Doe")
    room.article("story", title="Story", slug="story")
    room.build()
    page = room.html("2026/11/story/index.html")
    assert page.xpath("//link[@rel='canonical']/@href") == ["https://news.example/2026/11/story/"]
    facebook = page.xpath("//a[@class='share-facebook']/@href")[0]
    assert parse_qs(urlparse(facebook).query)["u"] == ["https://news.example/2026/11/story/"]
    assert page.xpath("//link[@rel='stylesheet']/@href")[0] == "https://news.example/theme/css/site.css"


def test_the_subscribe_form_is_hidden_when_no_url_is_set(tmp_path):
    from conftest import DEFAULT_MASTHEAD, Newsroom

    room = Newsroom(tmp_path / "nosub", masthead={k: v for k, v in DEFAULT_MASTHEAD.items() if k != "subscribe_url"})
    room.author("jane-doe", "Jane Doe")
    room.article("story", title="Story", slug="story")
    room.build()
    for rel in ("index.html", "2026/11/story/index.html"):
        assert not room.html(rel).xpath("//form | //section[@class='subscribe']"), rel


def test_the_build_manifest_lists_what_was_published(full_newsroom):
    import json

    full_newsroom.article("draft", title="A draft", status="draft", date="2026-11-19")
    full_newsroom.build()
    manifest = json.loads((full_newsroom.output / ".masthead/manifest.json").read_text())
    assert manifest["site"] == {"name": "The Test Gazette", "url": "http://127.0.0.1:8000", "lang": "en"}
    [entry] = manifest["articles"]
    assert entry["title"] == "Ministers agree on a mission" and entry["path"] == "2026/11/ministers-agree/index.html"
    assert [a["slug"] for a in entry["authors"]] == ["jane-doe", "john-roe"]
    assert entry["section"] == {"name": "Europe", "slug": "europe"} and entry["tags"] == ["Diplomacy", "EU"]
    assert (entry["published"], entry["updated"]) == ("2026-11-20T09:00:00+01:00", "2026-11-21T10:00:00+01:00")
    assert entry["corrections"] == [{"date": "2026-11-21T10:00:00+01:00", "text": "An earlier version misspelled a name."}]
    assert entry["card"].endswith("/cards/articles/ministers-agree.jpg") and len(entry["content_sha256"]) == 64


def test_a_newsroom_may_choose_its_own_article_addresses(newsroom):
    """masthead formats each article's URL and file name once, from the same settings and values
    Pelican would use: ARTICLE_URL for the site's language, ARTICLE_LANG_URL for the others."""
    newsroom.author("jane-doe", "Jane Doe")
    newsroom.article("talks", title="Talks resume", category="Europe", translation_key="talks")
    newsroom.article("talks-fa", title="گفتگوها از سر گرفته شد", lang="fa", slug="talks-fa",
                     category="Europe", translation_key="talks", id="talks-fa")
    newsroom.build()  # first at the default addresses: each story's place is kept in cache/ by its record
    assert (newsroom.output / "2026/11/talks-resume/index.html").is_file()
    with newsroom.settings_file.open("a") as settings:
        settings.write('ARTICLE_URL = "{category}/{author}/{slug}.html"\n'
                       'ARTICLE_SAVE_AS = "{category}/{author}/{slug}.html"\n'
                       'ARTICLE_LANG_URL = "{lang}/{date:%Y}/{slug}.html"\n'
                       'ARTICLE_LANG_SAVE_AS = "{lang}/{date:%Y}/{slug}.html"\n')
    newsroom.build()  # the same records, another layout: placed anew
    assert not (newsroom.output / "2026/11/talks-resume/index.html").exists()
    english = newsroom.html("europe/jane-doe/talks-resume.html")
    assert english.xpath("string(//h1)") == "Talks resume"
    persian = newsroom.html("fa/2026/talks-fa.html")
    assert persian.xpath("string(//link[@rel='canonical']/@href)").endswith("/fa/2026/talks-fa.html")
    assert "/europe/jane-doe/talks-resume.html" in persian.xpath("//link[@hreflang='en']/@href")[0]


def test_a_second_article_folder_is_read_and_files_masthead_does_not_know_are_skipped(newsroom):
    """ARTICLE_PATHS with two entries: a Markdown file masthead did not read is never published
    (it once crashed the build with a NameError)."""
    newsroom.settings_file.write_text(newsroom.settings_file.read_text() + 'ARTICLE_PATHS = ["articles", "wire"]\n')
    newsroom.article("live", title="Live")
    wire = newsroom.content / "wire"
    wire.mkdir()
    (wire / "agency.md").write_text("---\ntitle: From the wire\n---\nText.\n")
    newsroom.build()
    assert (newsroom.output / "2026/11/live/index.html").is_file()
    assert "From the wire" not in b"".join(p.read_bytes() for p in newsroom.output.rglob("*.html")).decode()


def test_an_untested_pelican_release_is_refused_before_anything_is_built(newsroom, monkeypatch):
    import masthead.pelican_adapter as adapter
    from masthead.build import BuildError

    newsroom.article("live", title="Live")
    monkeypatch.setattr(adapter, "pelican_version", "4.13.0")
    with pytest.raises(BuildError, match=r"masthead is tested with Pelican 4\.11, 4\.12; this is Pelican 4\.13\.0: "
                                         r"install a tested one \(pip install 'pelican>=4\.11,<4\.13'\)"):
        newsroom.build()
    assert not newsroom.output.exists()


def test_the_settings_file_runs_once_per_build(newsroom):
    """It is Python and may do anything (read the environment, a file): one build runs it once,
    whether it then builds or finds nothing changed."""
    runs = newsroom.root / "runs.txt"
    newsroom.settings_file.write_text(newsroom.settings_file.read_text()
                                      + f"\nwith open({str(runs)!r}, 'a') as _log:\n    _log.write('run\\n')\n")
    newsroom.article("live", title="Live")
    settle(newsroom)  # files saved long enough ago to be trusted unchanged
    newsroom.build()
    assert runs.read_text().count("run") == 1
    report = newsroom.build()
    assert report.unchanged and runs.read_text().count("run") == 2


def many_stories(room, count: int = 60) -> None:
    for n in range(count):
        room.article(f"s{n:03d}", title=f"Story {n}", slug=f"story-{n}",
                     date=f"2026-11-{1 + n % 25:02d}T{n // 25:02d}:00+01:00", tags=[f"Tag {n % 7}", f"Topic {n % 11}"], category=("World", "Europe")[n % 2])


def test_pages_shared_out_to_worker_processes_are_the_pages_one_process_renders(newsroom, tmp_path, monkeypatch):
    import masthead.render.site as site
    from masthead.build import build_site

    many_stories(newsroom)
    monkeypatch.setattr(site, "PARALLEL_FROM", 10**9)
    build_site(newsroom.settings_file, output=tmp_path / "one")
    monkeypatch.setattr(site, "PARALLEL_FROM", 1)
    shared = build_site(newsroom.settings_file, output=tmp_path / "shared")
    assert shared.counts["pages_rendered"] > 100
    assert snapshot(tmp_path / "shared") == snapshot(tmp_path / "one")


def test_a_template_error_in_a_worker_fails_the_build_with_its_message(newsroom, tmp_path, monkeypatch):
    import masthead.render.site as site

    many_stories(newsroom)
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    newsroom.settings_file.write_text(newsroom.settings_file.read_text().replace(repr(str(REPO / "theme")),
                                                                                 repr(str(theme))))
    (theme / "templates" / "tag.html").write_text("{% extends 'base.html' %}{% block content %}{{ 1 / 0 }}"
                                                  "{% endblock %}")
    monkeypatch.setattr(site, "PARALLEL_FROM", 1)
    with pytest.raises(BuildError, match="ZeroDivisionError: division by zero"):
        newsroom.build()
    assert not newsroom.output.exists()


def test_settings_a_worker_cannot_be_handed_are_rendered_in_one_process(newsroom, monkeypatch):
    import masthead.render.site as site

    many_stories(newsroom, 10)
    newsroom.settings_file.write_text(newsroom.settings_file.read_text() + "\nSHOUT = lambda text: text.upper()\n")
    monkeypatch.setattr(site, "PARALLEL_FROM", 1)
    report = newsroom.build()
    assert report.counts["pages_rendered"] > 10 and (newsroom.output / "2026/11/story-1/index.html").is_file()


def test_dates_are_written_as_each_language_writes_them(newsroom):
    """CLDR's long date through Babel: Persian with Persian digits, Urdu with Latin ones, and the
    newsroom's own DATE_FORMATS for a language when it sets one."""
    from datetime import date

    from babel.dates import format_date

    persian_digits = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    newsroom.article("fa", title="کمیسیون مرزی", slug="commission-fa", lang="fa", summary="خلاصه.", body="متن.",
                     date="2026-11-20T09:00+01:00", updated="2026-11-24T10:00+01:00",
                     corrections=[{"date": "2026-11-23T08:00+01:00", "text": "اصلاح شد."}])
    newsroom.article("ur", title="سرحدی کمیشن", slug="commission-ur", lang="ur", summary="خلاصہ۔", body="متن۔",
                     date="2026-11-21T09:00+01:00")
    newsroom.build()
    persian = newsroom.html("2026/11/commission-fa/index.html")
    shown = [text(t) for t in persian.xpath("//div[contains(@class,'meta')]//time | //footer//time | "
                                            "//*[@class='article-meta']//time")]
    expected = [format_date(date(2026, 11, day), "long", locale="fa").translate(persian_digits) for day in (20, 24)]
    assert expected[0] == "۲۰ نوامبر ۲۰۲۶"  # what a Persian reader reads
    page_text = " ".join(persian.xpath("//body//text()[not(ancestor::script)]"))  # what a reader sees
    for written in expected + [format_date(date(2026, 11, 23), "long", locale="fa").translate(persian_digits)]:
        assert written in page_text, (written, shown)
    assert "November" not in page_text and "2026" not in page_text
    urdu = text(newsroom.html("2026/11/commission-ur/index.html"))
    assert format_date(date(2026, 11, 21), "long", locale="ur") in urdu  # Urdu writes Latin digits (CLDR)
    archive = newsroom.html("archives/index.html")
    assert "November 2026" in [text(h) for h in archive.xpath("//h2[@class='archive-month']")]

    settings = newsroom.settings_file.read_text()
    newsroom.settings_file.write_text(settings + '\nDATE_FORMATS = {"fa": "%Y/%m/%d"}\n')
    newsroom.build()
    assert "2026/11/20" in text(newsroom.html("2026/11/commission-fa/index.html"))  # the newsroom's own format


def test_a_persian_page_speaks_persian_and_marks_what_it_cannot(tmp_path):
    """The theme's words from the Persian catalog, the newsroom's section names and tagline from
    MASTHEAD['translations'], and whatever has no Persian word marked as English."""
    from conftest import DEFAULT_MASTHEAD, Newsroom

    masthead = {**DEFAULT_MASTHEAD, "tagline": "News from everywhere", "share": ["email", "x"],
                "translations": {"fa": {"tagline": "خبر از همه‌جا", "sections": {"World": "جهان"}}}}
    room = Newsroom(tmp_path / "room", masthead=masthead)
    room.author("jane-doe", "Jane Doe")
    room.article("fa", title="کمیسیون مرزی", slug="commission-fa", lang="fa", summary="خلاصه.", body="متن.")
    room.article("en", title="Border commission", slug="commission", date="2026-11-21T09:00+01:00",
                 category="Europe")
    room.build()
    page = room.html("2026/11/commission-fa/index.html")
    menu = [(a.text_content(), a.get("lang")) for a in page.xpath("//nav[@class='site-nav']//a")]
    assert menu[:2] == [("جهان", None), ("Europe", "en")]  # no Persian name: marked English
    assert menu[2:] == [("نویسندگان", None), ("بایگانی", None)]  # the theme's words, from its catalog
    assert text(page.xpath("//p[@class='tagline']")[0]) == "خبر از همه‌جا"
    assert text(page.xpath("//p[@class='kicker']/a")[0]) == "جهان"
    assert [text(a) for a in page.xpath("//nav[@class='share']//a")] == ["ایمیل", "X"]
    about = page.xpath("//section[@class='about']")[0]  # no Persian about text: the English one, marked
    assert (about.get("lang"), about.get("dir"), text(about.xpath(".//h2")[0])) == ("en", "ltr", "About us")
    untranslated = [e for e in page.xpath("//body//*[not(ancestor-or-self::*[@lang][1][@lang!='fa'])]/text()")
                    if re.search(r"[A-Za-z]{4,}", e) and not e.getparent().xpath("ancestor::script")]
    assert not [str(e).strip() for e in untranslated if str(e).strip() not in ("Jane Doe", "The Test Gazette")]

    english = room.html("index.html")
    assert [a.text_content() for a in english.xpath("//nav[@class='site-nav']//a")][:2] == ["World", "Europe"]
    teaser = english.xpath("//article[@lang='fa']//p[@class='kicker']/a")[0]
    assert (teaser.text_content(), teaser.get("lang")) == ("جهان", None)  # a Persian teaser's section, in Persian


def test_a_build_leaves_the_collector_as_the_caller_had_it(newsroom):
    """A build pauses Python's collector while it reads the newsroom and freezes what it read; the
    process that called it (a long-running `masthead serve`, or a caller that turned the collector
    off) gets it back as it was, with nothing left frozen."""
    import gc

    newsroom.article("live", title="Live")
    newsroom.build()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        newsroom.article("live", title="Live, updated")
        assert not newsroom.build().unchanged
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()
