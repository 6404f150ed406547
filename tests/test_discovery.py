"""Structured data, sitemaps, the news sitemap, robots.txt, canonical URLs, translations, git dates."""

from __future__ import annotations

import json
import logging
import os
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from lxml import etree, html

from masthead.seo.sitemaps import NewsEntry, PageEntry, news_files, sitemap_files
from masthead.seo.structured import script_json

from conftest import DEFAULT_MASTHEAD, REPO, Newsroom

SCHEMAS = REPO / "tests" / "schemas"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
IMAGE = "{http://www.google.com/schemas/sitemap-image/1.1}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def validate(data: bytes) -> etree._Element:
    """Check a sitemap against the sitemaps.org schema, and its extensions against theirs."""
    root = etree.fromstring(data)
    name = "siteindex.xsd" if root.tag == f"{SM}sitemapindex" else "sitemap.xsd"
    schema(name).assertValid(root)
    for extension, xsd in ((f"{NEWS}news", "news.xsd"), (f"{IMAGE}image", "image.xsd")):
        for element in root.iter(extension):
            schema(xsd).assertValid(etree.ElementTree(etree.fromstring(etree.tostring(element))))
    return root


def json_ld(page) -> list[dict]:
    found = []
    for script in page.xpath("//script[@type='application/ld+json']"):
        data = json.loads(script.text)
        found.extend(data if isinstance(data, list) else [data])
    return found


@pytest.fixture
def room(tmp_path):
    room = Newsroom(tmp_path / "seo", site_url="https://news.example", masthead=DEFAULT_MASTHEAD)
    room.author("jane-doe", "Jane Doe", role="Correspondent", avatar="jane.jpg",
                links={"website": "https://jane.example", "email": "jane@example.org"})
    room.image("jane.jpg", 300, 300)
    room.image("big.jpg", 2400, 1600)
    room.article("story", title="'</script><script>alert(1)</script> Talks resume'", slug="story",
                 image="big.jpg", image_alt="A photo", tags=["Diplomacy", "Iran"], translation_key="talks",
                 date="2026-11-26T09:00+01:00", corrections=[{"date": "2026-11-26T15:00+01:00", "text": "Fixed."}])
    room.article("story-fa", title="گفت‌وگوها از سر گرفته شد", slug="story-fa", lang="fa", translation_key="talks",
                 date="2026-11-26T10:00+01:00", summary="خلاصه")
    room.article("old", title="An older story", slug="old", date="2026-11-01T09:00+01:00",
                 canonical_url="https://partner.example/original")
    room.page("about", title="About us", slug="about")
    return room


def test_article_json_ld_carries_every_field(room):
    room.build()
    items = json_ld(room.html("2026/11/story/index.html"))
    article = next(i for i in items if i["@type"] == "NewsArticle")
    assert article["headline"] == "</script><script>alert(1)</script> Talks resume"
    assert article["description"] == "What happened."
    assert article["datePublished"] == "2026-11-26T09:00:00+01:00"
    assert article["dateModified"] == "2026-11-26T15:00:00+01:00"
    assert article["mainEntityOfPage"]["@id"] == "https://news.example/2026/11/story/"
    assert (article["inLanguage"], article["articleSection"], article["keywords"]) == ("en", "World", ["Diplomacy", "Iran"])
    author = article["author"][0]
    assert (author["@type"], author["name"], author["url"], author["image"]) == (
        "Person", "Jane Doe", "https://news.example/authors/jane-doe/", "https://news.example/images/jane.jpg")
    assert author["sameAs"] == ["https://jane.example"]
    publisher = article["publisher"]
    assert (publisher["@type"], publisher["name"], publisher["url"]) == (
        "NewsMediaOrganization", "The Test Gazette", "https://news.example/")
    assert publisher["logo"] == {"@type": "ImageObject", "url": "https://news.example/images/logo.png",
                                 "width": 64, "height": 64}
    images = {i["url"].rsplit("/", 1)[-1]: (i["width"], i["height"]) for i in article["image"]}
    assert images == {"story.jpg": (1200, 630), "big-16x9.jpg": (2000, 1125), "big-4x3.jpg": (2000, 1500),
                      "big-1x1.jpg": (1600, 1600)}
    for name, size in images.items():
        if name != "story.jpg":
            from PIL import Image
            with Image.open(room.output / "images/crops" / name) as crop:
                assert crop.size == size and crop.width >= 1200
    crumbs = next(i for i in items if i["@type"] == "BreadcrumbList")["itemListElement"]
    assert [c["item"] for c in crumbs] == ["https://news.example/", "https://news.example/sections/world/",
                                           "https://news.example/2026/11/story/"]


def test_a_photo_stored_on_its_side_is_sized_as_shown(room):
    """A phone photo stored 1600x1200 with EXIF orientation 6 is shown 1200x1600: the page's
    width and height, the structured data and the crop files all say so."""
    from PIL import Image

    sideways = Image.new("RGB", (1600, 1200), (30, 90, 160))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn a quarter clockwise to show
    sideways.save(room.content / "images" / "phone.jpg", exif=exif)
    room.article("phone", title="From a phone", slug="phone", image="phone.jpg", image_alt="A photo",
                 date="2026-11-26T11:00+01:00")
    room.build()
    page = room.html("2026/11/phone/index.html")
    figure = page.xpath("//img[contains(@src, 'phone.jpg')]")[0]
    assert (figure.get("width"), figure.get("height")) == ("1200", "1600")
    article = next(i for i in json_ld(page) if i["@type"] == "NewsArticle")
    images = {i["url"].rsplit("/", 1)[-1]: (i["width"], i["height"]) for i in article["image"]}
    assert images["phone-1x1.jpg"] == (1200, 1200) and images["phone-16x9.jpg"] == (1200, 675)
    for name, size in images.items():
        if name.startswith("phone-"):
            with Image.open(room.output / "images/crops" / name) as crop:
                assert crop.size == size


def test_crops_are_made_once_per_photo_and_again_when_it_is_replaced(room, monkeypatch):
    """A photo as the last build found it is not even read (a newsroom's photos are gigabytes)."""
    from pathlib import Path

    from PIL import Image

    read = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or original(self))
    first = room.build()
    assert first.counts["photos_cropped"] == 1  # big.jpg; jane.jpg is an avatar, not a featured image
    crop = room.output / "images/crops/big-16x9.jpg"
    before = crop.read_bytes()
    room.article("old", title="An older story, edited", slug="old", date="2026-11-01T09:00+01:00")
    read.clear()
    edited = room.build()
    assert edited.counts["photos_cropped"] == 0 and crop.read_bytes() == before and "big.jpg" not in read
    Image.new("RGB", (2400, 1600), (10, 120, 40)).save(room.content / "images" / "big.jpg")  # a new photo
    replaced = room.build()
    assert replaced.counts["photos_cropped"] == 1
    with Image.open(crop) as shown:
        assert shown.size == (2000, 1125) and shown.getpixel((1000, 560))[1] > 100  # the green one


def test_a_crop_that_is_the_whole_photo_is_the_photo_itself(room):
    """A 16:9 photo of at most 2000 px is its own 16:9 crop (no second encoding, no quality lost);
    its other crops are cut from it, and a photo stored on its side is always turned first."""
    from PIL import Image

    Image.new("RGB", (1600, 900), (30, 90, 160)).save(room.content / "images" / "wide.jpg", quality=90)
    sideways = Image.new("RGB", (900, 1600), (30, 90, 160))
    exif = Image.Exif()
    exif[0x0112] = 6  # shown 1600 wide, 900 high
    sideways.save(room.content / "images" / "turned.jpg", exif=exif)
    for hour, name in ((11, "wide"), (12, "turned")):
        room.article(name, title=name, slug=name, image=f"{name}.jpg", image_alt="A photo",
                     date=f"2026-11-26T{hour}:00+01:00")
    room.build()
    crops = room.output / "images/crops"
    assert (crops / "wide-16x9.jpg").read_bytes() == (room.content / "images/wide.jpg").read_bytes()
    assert (crops / "turned-16x9.jpg").read_bytes() != (room.content / "images/turned.jpg").read_bytes()
    for name, size in (("wide-4x3", (1200, 900)), ("turned-16x9", (1600, 900)), ("turned-1x1", (900, 900))):
        with Image.open(crops / f"{name}.jpg") as crop:
            assert crop.size == size and crop.getexif().get(0x0112, 1) == 1


def test_a_closing_script_tag_in_a_headline_cannot_break_out(room):
    room.build()
    page = room.html("2026/11/story/index.html")
    # one inline script, the JSON-LD; the other is the subscribe form's own file
    assert page.xpath("//script[not(@src)]/@type") == ["application/ld+json"]
    assert page.xpath("//script/@src") == ["https://news.example/theme/js/subscribe.js"]
    assert "</script>" not in script_json([{"headline": "</script>"}])


def test_author_and_front_pages_have_their_own_structured_data(room):
    room.build()
    profile = json_ld(room.html("authors/jane-doe/index.html"))[0]
    assert profile["@type"] == "ProfilePage" and profile["mainEntity"]["name"] == "Jane Doe"
    assert profile["mainEntity"]["jobTitle"] == "Correspondent"
    front = json_ld(room.html("index.html"))
    assert {i["@type"] for i in front} == {"WebSite", "NewsMediaOrganization"}


def test_sitemaps_are_valid_and_list_every_page_with_images_and_translations(room):
    room.build()
    index = validate((room.output / "sitemap.xml").read_bytes())
    parts = [loc.text for loc in index.iter(f"{SM}loc")]
    assert parts == ["https://news.example/sitemaps/pages-1.xml", "https://news.example/news-sitemap.xml"]
    urlset = validate((room.output / "sitemaps/pages-1.xml").read_bytes())
    urls = {u.findtext(f"{SM}loc"): u for u in urlset.iter(f"{SM}url")}
    for expected in ("https://news.example/", "https://news.example/2026/11/story/", "https://news.example/about/",
                     "https://news.example/authors/jane-doe/", "https://news.example/sections/world/",
                     "https://news.example/tags/iran/", "https://news.example/digests/",
                     "https://news.example/digests/2026-11-26/", "https://news.example/digests/2026-W48/"):
        assert expected in urls, expected
    assert urls["https://news.example/digests/2026-11-26/"].findtext(f"{SM}lastmod") == "2026-11-26T15:00:00+01:00"
    footer = room.html("2026/11/story/index.html").xpath("//footer//a[@href='https://news.example/digests/']")
    assert [a.text_content() for a in footer] == ["Digest editions"]  # every page leads to the editions
    story = urls["https://news.example/2026/11/story/"]
    assert story.findtext(f"{SM}lastmod") == "2026-11-26T15:00:00+01:00"
    assert [i.findtext(f"{IMAGE}loc") for i in story.iter(f"{IMAGE}image")] == ["https://news.example/images/big.jpg"]
    assert sorted((l.get("hreflang"), l.get("href")) for l in story.iter(f"{XHTML}link")) == [
        ("en", "https://news.example/2026/11/story/"), ("fa", "https://news.example/2026/11/story-fa/")]
    robots = (room.output / "robots.txt").read_text()
    assert "Sitemap: https://news.example/sitemap.xml" in robots
    assert "Sitemap: https://news.example/news-sitemap.xml" in robots


def test_sitemap_parts_hold_at_most_the_limit():
    pages = [PageEntry(f"https://news.example/{n}/") for n in range(5)]
    files = sitemap_files("https://news.example", pages, part_limit=2)
    assert sorted(files) == ["sitemap.xml", "sitemaps/pages-1.xml", "sitemaps/pages-2.xml", "sitemaps/pages-3.xml"]
    for data in files.values():
        validate(data)


def test_news_sitemap_holds_only_the_last_48_hours(room):
    room.build(now=datetime.fromisoformat("2026-11-27T12:00+01:00"))
    news = validate((room.output / "news-sitemap.xml").read_bytes())
    entries = {u.findtext(f"{SM}loc"): u for u in news.iter(f"{SM}url")}
    assert sorted(entries) == ["https://news.example/2026/11/story-fa/", "https://news.example/2026/11/story/"]
    persian = entries["https://news.example/2026/11/story-fa/"]
    assert persian.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}name") == "The Test Gazette"
    assert persian.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}language") == "fa"
    assert persian.findtext(f"{NEWS}news/{NEWS}publication_date") == "2026-11-26T10:00:00+01:00"
    assert persian.findtext(f"{NEWS}news/{NEWS}title") == "گفت‌وگوها از سر گرفته شد"


def test_news_window_and_limit_with_an_injected_clock():
    now = datetime(2026, 11, 27, 12, tzinfo=timezone.utc)
    entries = [NewsEntry(f"https://n.example/{h}/", f"Story {h}", now - timedelta(hours=h), "en")
               for h in (1, 2, 3, 47, 49)] + [NewsEntry("https://n.example/future/", "Later", now + timedelta(hours=1), "en")]
    files = news_files(entries, "Gazette", now, limit=2)
    assert sorted(files) == ["news-sitemap-2.xml", "news-sitemap.xml"]
    locs = [loc.text for data in files.values() for loc in etree.fromstring(data).iter(f"{SM}loc")]
    assert sorted(locs) == sorted(f"https://n.example/{h}/" for h in (1, 2, 3, 47))
    assert news_files(entries, "Gazette", now + timedelta(days=30)) == {}  # nothing recent: no news sitemap


def test_with_nothing_recent_the_news_sitemap_is_left_out_everywhere(room):
    from datetime import datetime as moment

    room.build(now=moment(2027, 3, 1, 12, tzinfo=timezone.utc))  # months after the last story
    assert not (room.output / "news-sitemap.xml").exists()
    index = validate((room.output / "sitemap.xml").read_bytes())
    assert [loc.text for loc in index.iter(f"{SM}loc")] == ["https://news.example/sitemaps/pages-1.xml"]
    assert "news-sitemap" not in (room.output / "robots.txt").read_text()
    for part in (room.output / "sitemaps").glob("*.xml"):
        validate(part.read_bytes())


def test_canonical_links_and_descriptions_on_every_page(room):
    room.build()
    old = room.html("2026/11/old/index.html")
    assert old.xpath("//link[@rel='canonical']/@href") == ["https://partner.example/original"]
    for path in room.output.rglob("*.html"):
        page = html.fromstring(path.read_bytes())
        canonical = page.xpath("//link[@rel='canonical']/@href")
        assert len(canonical) == 1 and canonical[0].startswith("https://"), path
        assert page.xpath("//meta[@name='description']/@content")[0].strip(), path
        assert page.get("lang") and page.get("dir") in ("ltr", "rtl"), path


def test_translations_link_to_each_other(room):
    room.build()
    english = room.html("2026/11/story/index.html")
    switch = english.xpath("//nav[@class='translations']//a")
    assert [(a.get("hreflang"), a.get("href"), a.text) for a in switch] == [("fa", "https://news.example/2026/11/story-fa/", "فارسی")]
    assert english.xpath("//nav[@class='translations']//*[@aria-current]/text()") == ["English"]
    alternates = english.xpath("//link[@rel='alternate'][@hreflang]")
    assert sorted((l.get("hreflang"), l.get("href")) for l in alternates) == [
        ("en", "https://news.example/2026/11/story/"), ("fa", "https://news.example/2026/11/story-fa/")]


def test_a_small_featured_image_warns_once_with_its_name(room, caplog):
    room.image("small.jpg", 800, 450)
    room.article("small", title="Small photo", slug="small", image="small.jpg", image_alt="Small",
                 date="2026-11-02T09:00+01:00")
    room.article("small-again", title="Same small photo", slug="small-again", image="small.jpg",
                 image_alt="Small", date="2026-11-03T09:00+01:00")
    with caplog.at_level(logging.WARNING):
        room.build()
    warnings = [r.getMessage() for r in caplog.records if "small.jpg" in r.getMessage()]
    assert warnings == ["content/images/small.jpg: 800×450 px is too small for 1200 px wide search crops; "
                        "the crops use what there is"]
    assert (room.output / "images/crops/small-1x1.jpg").is_file()


def git(root, *args, when=None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Desk", "GIT_AUTHOR_EMAIL": "desk@example.org",
           "GIT_COMMITTER_NAME": "Desk", "GIT_COMMITTER_EMAIL": "desk@example.org"}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_updated_dates_come_from_the_editor_and_from_git_only_when_asked_and_only_for_text(room):
    """An updated date tells readers the story changed: a commit that touched many files (tags, ids,
    spacing) must not say so; by default only `updated` and corrections move it."""
    git(room.root, "init", "-q")
    git(room.root, "add", "-A")
    git(room.root, "commit", "-q", "-m", "publish", when="2026-11-26T10:00:00+01:00")
    room.article("old", title="An older story, revised", slug="old", date="2026-11-01T09:00+01:00",
                 canonical_url="https://partner.example/original")
    room.article("story-fa", title="گفت‌وگوها از سر گرفته شد", slug="story-fa", lang="fa", translation_key="talks",
                 date="2026-11-26T10:00+01:00", summary="خلاصه", tags=["Iran"])  # a tag: nothing a reader reads
    git(room.root, "commit", "-q", "-am", "revise", when="2026-11-27T08:30:00+01:00")
    path = room.content / "articles" / "old.md"
    path.write_text(path.read_text().replace("\n\n", "\n\n\n") + "\n")  # spacing only
    git(room.root, "commit", "-q", "-am", "reformat everything", when="2026-11-28T09:00:00+01:00")

    room.build()
    for page in ("2026/11/old/index.html", "2026/11/story-fa/index.html"):
        assert not room.html(page).xpath("//span[@class='updated']"), page  # by default: the editor's dates only
    corrected = room.html("2026/11/story/index.html")  # a correction moves it
    assert corrected.xpath("//span[@class='updated']/time/@datetime") == ["2026-11-26T15:00:00+01:00"]

    room.settings_file.write_text(room.settings_file.read_text() + '\nMASTHEAD["updated_from_git"] = True\n')
    room.build()
    revised = room.html("2026/11/old/index.html")  # the headline changed on the 27th; the 28th was spacing
    assert revised.xpath("//span[@class='updated']/time/@datetime") == ["2026-11-27T08:30:00+01:00"]
    assert not room.html("2026/11/story-fa/index.html").xpath("//span[@class='updated']")  # a tag is not news


def test_outside_git_only_front_matter_dates_count(room):
    room.build()
    assert not room.html("2026/11/old/index.html").xpath("//span[@class='updated']")


def test_a_sitemap_part_is_the_xml_lxml_would_write_whatever_its_addresses_hold():
    """Parts are written as text (a tree of 250,000 elements took most of a large site's sitemap
    time): byte for byte what lxml's serializer makes of the same tree, escaping included."""
    from lxml import etree

    from masthead.seo.sitemaps import IMAGE_NS, SITEMAP_NS, XHTML_NS

    def with_lxml(pages):
        urlset = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "image": IMAGE_NS, "xhtml": XHTML_NS})
        for page in pages:
            url = etree.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
            etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = page.loc
            if page.lastmod:
                etree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = page.lastmod.isoformat()
            for lang, href in page.alternates:
                etree.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=lang, href=href)
            for image in page.images:
                etree.SubElement(etree.SubElement(url, f"{{{IMAGE_NS}}}image"), f"{{{IMAGE_NS}}}loc").text = image
        return etree.tostring(urlset, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    moment = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    hostile = "https://news.example/a?x=1&y=<2>\"'\t\n\r/شهر/"
    cases = [[], [PageEntry(hostile)],
             [PageEntry("https://news.example/é/", moment, (hostile, "https://cdn.example/p.jpg"),
                        (("fa", hostile), ("en", "https://news.example/")))],
             [PageEntry("https://news.example/1/", moment), PageEntry("https://news.example/2/", None, ("x", "y"))]]
    for pages in cases:
        assert sitemap_files("https://news.example", pages)["sitemaps/pages-1.xml"] == with_lxml(
            sorted(pages, key=lambda p: p.loc))
    with pytest.raises(ValueError, match="XML compatible"):
        sitemap_files("https://news.example", [PageEntry("https://news.example/\x01")])
