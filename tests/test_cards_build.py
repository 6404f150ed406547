"""Cards from a real Pelican run: files, meta tags read from the built pages, and the cache."""

from __future__ import annotations

import shutil

from PIL import Image

from conftest import DEFAULT_MASTHEAD, REPO, Newsroom


def meta(page, key: str) -> list[str]:
    return page.xpath(f"//meta[@property='{key}' or @name='{key}']/@content")


def make_room(tmp_path, theme=None) -> Newsroom:
    masthead = {**DEFAULT_MASTHEAD, "twitter": "@gazette"}
    room = Newsroom(tmp_path / "cards", site_url="https://news.example", masthead=masthead)
    if theme:
        room.settings_file.write_text(room.settings_file.read_text().replace(repr(str(REPO / "theme")), repr(str(theme))))
    room.author("jane-doe", "Jane Doe", role="Correspondent", avatar="jane.jpg",
                links={"x": "https://x.com/janedoe"})
    room.image("jane.jpg", 300, 300)
    room.image("photo.jpg", 1600, 900)
    room.article("story", title="'\"Quotes\" & <b>tags</b> in a headline'", slug="story", tags=["Iran"],
                 card_title="'A shorter headline'", image="photo.jpg", image_alt="A photo")
    room.article("plain", title="A story without a photo", slug="plain", category="Europe",
                 date="2026-11-21T09:00+01:00")
    return room


def test_every_page_kind_has_a_card_and_its_meta_tags(tmp_path):
    room = make_room(tmp_path)
    report = room.build()
    assert report.counts["cards"] == 2 + 1 + 2 + 1  # articles, author, sections, front page
    expected = {
        "2026/11/story/index.html": ("article", "https://news.example/cards/articles/story.jpg"),
        "2026/11/plain/index.html": ("article", "https://news.example/cards/articles/plain.png"),
        "authors/jane-doe/index.html": ("profile", "https://news.example/cards/authors/jane-doe.png"),
        "sections/europe/index.html": ("website", "https://news.example/cards/sections/europe.png"),
        "index.html": ("website", "https://news.example/cards/site.png"),
    }
    for rel, (og_type, image_url) in expected.items():
        page = room.html(rel)
        assert meta(page, "og:type") == [og_type], rel
        assert meta(page, "og:image") == [image_url] and meta(page, "twitter:image") == [image_url], rel
        assert meta(page, "og:image:width") == ["1200"] and meta(page, "og:image:height") == ["630"], rel
        assert meta(page, "og:image:alt")[0] and meta(page, "twitter:card") == ["summary_large_image"], rel
        assert meta(page, "og:site_name") == ["The Test Gazette"] and meta(page, "twitter:site") == ["@gazette"], rel
        with Image.open(room.output / image_url.removeprefix("https://news.example/")) as card:
            assert card.size == (1200, 630)
            assert card.format == ("JPEG" if image_url.endswith(".jpg") else "PNG")

    story = room.html("2026/11/story/index.html")
    assert meta(story, "og:title") == ['"Quotes" & <b>tags</b> in a headline']
    assert not story.xpath("//head//b")
    assert meta(story, "og:url") == ["https://news.example/2026/11/story/"]
    assert meta(story, "og:locale") == ["en_US"]
    assert meta(story, "article:published_time") == ["2026-11-20T09:00:00+01:00"]
    assert meta(story, "article:author") == ["https://news.example/authors/jane-doe/"]
    assert meta(story, "article:section") == ["World"] and meta(story, "article:tag") == ["Iran"]
    assert meta(story, "twitter:creator") == ["@janedoe"]
    assert meta(story, "og:image:alt") == ["The Test Gazette: A shorter headline"]


def test_a_build_with_no_change_draws_no_card_and_a_change_redraws_only_its_card(tmp_path):
    room = make_room(tmp_path)
    assert room.build().counts["cards_drawn"] == 6
    before = (room.output / "cards/articles/plain.png").read_bytes()
    assert room.build().counts["cards_drawn"] == 0
    assert (room.output / "cards/articles/plain.png").read_bytes() == before
    room.article("plain", title="A story without a photo, retitled", slug="plain", category="Europe",
                 date="2026-11-21T09:00+01:00")
    assert room.build().counts["cards_drawn"] == 1
    assert (room.output / "cards/articles/plain.png").read_bytes() != before


def test_a_changed_font_file_redraws_every_card(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    room = make_room(tmp_path, theme)
    room.build()
    assert room.build().counts["cards_drawn"] == 0
    font = theme / "fonts" / "NotoSans-Bold.ttf"
    font.write_bytes(font.read_bytes() + b"\0")  # same name, same mtime order, other bytes
    assert room.build().counts["cards_drawn"] == 6


def test_a_fresh_checkout_of_the_same_files_makes_no_card_or_crop_again(tmp_path, monkeypatch):
    """A CI runner checks the newsroom out anew (every file a new inode, dated now) and installs
    masthead's fonts anew: cards and crops are keyed by the bytes they are made from, so with the
    caches restored none is looked at again; a photo whose bytes changed is."""
    import os

    import masthead.render.cards as cards
    import masthead.render.discovery as discovery

    looked_at = []  # cards whose inputs changed: a job made, its files hashed, the cache asked

    class Keys(cards.CardKeys):
        def __call__(self, job):
            looked_at.append(job.path)
            return super().__call__(job)

    cropped = []  # a photo's crops looked at: its size checked, then each crop made
    crop_size = discovery.crop_size
    monkeypatch.setattr(cards, "CardKeys", Keys)
    monkeypatch.setattr(discovery, "crop_size", lambda *args: cropped.append(args) or crop_size(*args))
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    room = make_room(tmp_path, theme)
    first = room.build()
    assert first.counts["cards_drawn"] == 6 and first.counts["photos_cropped"] == 1
    assert len(looked_at) == 6 and len(cropped) == 4
    looked_at.clear(), cropped.clear()
    for path in [*room.content.rglob("*"), *(theme / "fonts").rglob("*")]:
        if path.is_file():
            data = path.read_bytes()
            path.unlink()
            path.write_bytes(data)
            os.utime(path, ns=(path.stat().st_mtime_ns + 10**10,) * 2)  # later than the last build
    again = room.build()
    assert again.counts["cards_drawn"] == 0 and again.counts["photos_cropped"] == 0
    assert looked_at == [] and cropped == []
    photo = room.content / "images" / "photo.jpg"
    Image.new("RGB", (1600, 900), "darkred").save(photo)
    changed = room.build()
    assert changed.counts["cards_drawn"] == 1 and changed.counts["photos_cropped"] == 1
    assert looked_at == ["cards/articles/story.jpg"] and len(cropped) == 4


def test_brand_fonts_can_be_chosen_and_a_missing_one_is_named(tmp_path):
    import pytest

    from masthead.cards.draw import CardError

    room = make_room(tmp_path)
    room.build()
    default = (room.output / "cards/articles/plain.png").read_bytes()
    settings = room.settings_file.read_text()
    room.settings_file.write_text(settings.replace(
        "'twitter': '@gazette'", "'twitter': '@gazette', 'cards': {'fonts': {'headline': {'latin': ['NotoSans-Bold.ttf']}}}"))
    room.build()
    assert (room.output / "cards/articles/plain.png").read_bytes() != default
    room.settings_file.write_text(settings.replace(
        "'twitter': '@gazette'", "'twitter': '@gazette', 'cards': {'fonts': {'headline': {'latin': ['Brand.ttf']}}}"))
    with pytest.raises(CardError, match="Brand.ttf not found: put it in .*theme/fonts"):
        room.build()


def test_every_page_names_its_own_url(tmp_path):
    room = make_room(tmp_path)
    room.build()
    for rel in ("tags/iran/index.html", "archives/index.html", "authors/index.html"):
        page = room.html(rel)
        url = "https://news.example/" + rel.removesuffix("index.html")
        assert meta(page, "og:url") == [url] and page.xpath("//link[@rel='canonical']/@href") == [url], rel


def test_cached_cards_no_output_uses_are_removed_after_an_hour(tmp_path, monkeypatch):
    """A headline edited: its old card is linked by no output any more. The cache keeps it for
    an hour (a build running beside this one may be about to link it), then lets it go; cards
    the site shows stay. The cache is looked through at most once an hour. Where the file system
    refuses links nothing is removed."""
    import os
    import time

    room = make_room(tmp_path)
    room.build()
    cards = room.root / "cache" / "cards"
    before = {p.name for p in cards.iterdir()}
    room.article("plain", title="A story without a photo, retitled", slug="plain", category="Europe",
                 date="2026-11-21T09:00+01:00")
    assert "cache_pruned" not in room.build().counts  # the first build looked a moment ago
    (old,) = before - {p.name for p in cards.iterdir() if p.stat().st_nlink > 1}
    assert (cards / old).exists()  # unused, but drawn a moment ago
    hour_ago = time.time() - 3700
    for path in [*cards.iterdir(), room.root / "cache" / ".pruned"]:
        os.utime(path, (hour_ago, hour_ago))
    room.article("plain", title="A story without a photo, retitled again", slug="plain", category="Europe",
                 date="2026-11-21T09:00+01:00")
    refused = room.root / "refused"

    def no_links(*_args):
        raise OSError("links not allowed here")

    with monkeypatch.context() as patched:  # another output folder, on a file system without links
        patched.setattr(os, "link", no_links)
        from masthead.build import build_site
        report = build_site(room.settings_file, output=refused)
        assert report.counts["links_copied"] > 0 and "cache_pruned" not in report.counts
    assert (cards / old).exists()
    report = room.build()
    assert report.counts["cache_pruned"] >= 1 and not (cards / old).exists()
    for page in ("2026/11/story/index.html", "2026/11/plain/index.html"):
        card = room.html(page).xpath("//meta[@property='og:image']/@content")[0].split("news.example/")[1]
        assert (room.output / card).stat().st_nlink == 2  # still the cached file, still in the cache
