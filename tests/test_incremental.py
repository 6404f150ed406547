"""Incremental builds: after any series of edits, additions and deletions, the output is byte for
byte what a clean full build makes, and unchanged pages are not rendered again."""

from __future__ import annotations

import json
import marshal
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from masthead.build import build_site
from masthead.errors import ContentError

from conftest import NOW, Newsroom, settle

LATER = datetime.fromisoformat("2026-12-02T12:00+00:00")


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def assert_same_as_clean_build(room: Newsroom, now: datetime, tmp_path: Path):
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build_site(room.settings_file, now=now, output=clean)
    built, expected = files(room.output), files(clean)
    assert sorted(built) == sorted(expected), "files differ: " + repr(set(built) ^ set(expected))
    # the build record says how each build went; the units it vouches for must agree
    record, clean_record = (json.loads(found.pop(".masthead/build.json")) for found in (built, expected))
    assert (record["site"], record["units"]) == (clean_record["site"], clean_record["units"])
    different = [name for name in expected if built[name] != expected[name]]
    assert different == [], different


@pytest.fixture
def room(tmp_path) -> Newsroom:
    room = Newsroom(tmp_path / "room", site_url="https://news.example")
    room.author("jane-doe", "Jane Doe", "Jane covers the world.", role="Correspondent")
    room.author("omar-said", "Omar Said", "Omar covers Europe.")
    room.image("one.jpg")
    room.image("two.jpg", 1300, 800)
    for n in range(8):
        room.article(f"story-{n}", title=f"Story {n}", slug=f"story-{n}", date=f"2026-11-{10 + n}T09:00+01:00",
                     category=("World", "Europe")[n % 2], tags=[f"Tag {n % 3}", "Common"],
                     authors=[("jane-doe", "omar-said")[n % 2]],
                     **({"image": "one.jpg", "image_alt": "A photo"} if n % 3 == 0 else {}))
    room.article("fa", title="'خبر فارسی'", slug="story-fa", lang="fa", translation_key="story-1",
                 date="2026-11-11T10:00+01:00", category="World")
    room.article("later", title="Scheduled story", slug="later", date="2026-12-01T07:00+01:00")
    room.article("going", title="Going story", slug="going", date="2026-11-19T07:00+01:00",
                 expires="2026-11-30T07:00+01:00")
    room.page("about", title="About")
    return room


def test_a_series_of_incremental_builds_matches_a_clean_build_at_every_step(room, tmp_path):
    first = room.build()
    assert first.counts["pages_kept"] == 0
    assert not room.build().unchanged  # files saved a moment ago are looked at again
    settle(room)
    room.build()
    again = room.build()
    assert again.unchanged and again.counts["pages_rendered"] == 0 and again.files == first.files
    # a file saved again (a new modification time, same bytes): everything is looked at, nothing rendered
    os.utime(room.content / "articles" / "story-1.md")
    touched = room.build()
    assert not touched.unchanged
    assert touched.counts["pages_rendered"] == 0 and touched.counts["feeds_written"] == 0
    assert touched.counts["files_removed"] == 0
    assert_same_as_clean_build(room, NOW, tmp_path)

    # a typo fixed in one article's body: its page and its feeds, not the listings' other pages
    path = room.content / "articles" / "story-2.md"
    path.write_text(path.read_text().replace("Second paragraph.", "Second paragraph, corrected."))
    edited = room.build()
    assert 0 < edited.counts["pages_rendered"] < first.counts["pages_rendered"] / 2
    assert_same_as_clean_build(room, NOW, tmp_path)

    steps = [
        lambda: room.article("new", title="Breaking story", slug="breaking", date="2026-11-27T08:00+01:00",
                             tags=["Tag 1"], category="Europe"),
        lambda: room.article("story-3", title="Story 3, retitled", slug="story-3", date="2026-11-13T09:00+01:00",
                             category="World", tags=["Tag 0"], authors=["omar-said"]),
        lambda: (room.content / "articles" / "story-5.md").unlink(),
        lambda: room.article("opinion", title="A first opinion", slug="opinion", category="Opinion",
                             date="2026-11-26T08:00+01:00"),  # a new section: every page's menu changes
        lambda: room.author("omar-said", "Omar Said", "Omar now covers the Middle East."),
        lambda: room.image("two.jpg", 1400, 800),
        lambda: room.article("story-4", title="Story 4", slug="story-4", date="2026-11-14T09:00+01:00",
                             category="Europe", image="two.jpg", image_alt="Another photo",
                             corrections=[{"date": "2026-11-20", "text": "An earlier version misspelt a name."}]),
        lambda: (room.content / "articles" / "fa.md").unlink(),
    ]
    for step in steps:
        step()
        room.build()
        assert_same_as_clean_build(room, NOW, tmp_path)

    # the clock moves: the scheduled story goes live and the expiring one leaves the listings
    report = room.build(now=LATER)
    assert report.published == 10 and report.expired == 1
    assert_same_as_clean_build(room, LATER, tmp_path)



def edit_body(room: Newsroom, name: str, old: str, new: str) -> None:
    path = room.content / "articles" / f"{name}.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_an_edit_of_bodies_only_makes_just_what_it_changed(room, tmp_path, caplog, monkeypatch):
    """A typo fixed leaves every listing, card, crop and sitemap as it was: the build makes the
    story's page, the feed documents that hold it and its manifest line, without planning the
    whole site (render/edits.py), and the output is a clean build's, whatever the story."""
    import masthead.site.plan as plan
    from masthead.outputs import OUTLINE_FILE

    room.article("story-7", title="Story 7", slug="story-7", date="2026-11-17T09:00+01:00", category="Europe",
                 tags=["Tag 1", "Common"], authors=["omar-said"], aliases=["old/story-7/"])  # a redirect to keep
    first = room.build()
    planned = []
    original = plan.Placement.plan
    monkeypatch.setattr(plan.Placement, "plan", lambda self: planned.append(1) or original(self))

    def build(now=NOW) -> bool:
        """Build; whether the whole site was planned."""
        planned.clear()
        room.build(now=now)
        return bool(planned)

    edit_body(room, "story-2", "Second paragraph.", "Second paragraph, corrected.")
    planned.clear()
    edited = room.build()
    assert "edits" in edited.timings and planned == []
    assert edited.counts["pages_rendered"] == 1 + edited.counts["feeds_written"]
    assert edited.counts["cards"] == first.counts["cards"] and edited.counts["cards_drawn"] == 0
    assert b"Second paragraph, corrected." in (room.output / "2026/11/story-2/index.html").read_bytes()
    assert b"Second paragraph, corrected." in (room.output / "feeds/all.atom.xml").read_bytes()
    assert b"2026/11/story-7/" in (room.output / "old/story-7/index.html").read_bytes()
    assert_same_as_clean_build(room, NOW, tmp_path)

    # links to other content resolved, and one to nothing reported again on every build
    edit_body(room, "story-4", "First paragraph.",
              "First paragraph, [see]({filename}story-1.md) and [gone]({filename}nowhere.md).")
    edit_body(room, "fa", "Second paragraph.", "Second paragraph, translated.")  # one of two versions
    caplog.clear()
    assert not build()
    reported = [r.getMessage() for r in caplog.records if "names nothing" in r.getMessage()]
    assert len(reported) == 1 and reported[0].endswith(
        "content/articles/story-4.md: the link {filename}nowhere.md names nothing on the site; it is left as written")
    assert b'href="https://news.example/2026/11/story-1/"' in (room.output / "2026/11/story-4/index.html").read_bytes()
    assert_same_as_clean_build(room, NOW, tmp_path)
    edit_body(room, "story-6", "First paragraph.", "First paragraph, revised.")
    assert not build()  # story-4's link is still reported (Pelican's log filter drops repeats in one process)
    unresolved = marshal.loads((room.output / OUTLINE_FILE).read_bytes())[6]
    assert [(Path(source).name, links) for source, links in unresolved.items()] == [
        ("story-4.md", ["{filename}nowhere.md"])]
    assert_same_as_clean_build(room, NOW, tmp_path)

    # a story kept with a notice after it expired
    assert build(LATER)  # the clock changed what listings show
    edit_body(room, "going", "First paragraph.", "First paragraph, after it expired.")
    assert not build(LATER)
    assert b"after it expired" in (room.output / "2026/11/going/index.html").read_bytes()
    assert_same_as_clean_build(room, LATER, tmp_path)

    # a page of the last build removed by hand: the whole site is built, and the page comes back
    (room.output / "tags/common/index.html").unlink()
    edit_body(room, "story-2", "corrected.", "corrected twice.")
    assert build(LATER) and (room.output / "tags/common/index.html").is_file()
    assert_same_as_clean_build(room, LATER, tmp_path)

    # what listings show changed with the body (the title): the whole site is planned
    edit_body(room, "story-3", "title: Story 3", "title: Story 3, retitled")
    edit_body(room, "story-3", "First paragraph.", "First paragraph, rewritten.")
    assert build(LATER)
    assert_same_as_clean_build(room, LATER, tmp_path)


@pytest.mark.parametrize("damage", [b"", b"\x00not marshal", "other site", "wrong shape", "bad links", "missing",
                                    "record changed"])
def test_a_damaged_outline_costs_only_a_whole_build(room, tmp_path, damage):
    """The outline is a file in output/ anyone can touch, beside a record anyone can touch:
    anything but what a build of this site wrote there makes the next build plan the whole site,
    never a wrong or a missing page."""
    from masthead.outputs import BUILD_RECORD_FILE, OUTLINE_FILE

    room.build()
    memo = room.output / OUTLINE_FILE
    found = marshal.loads(memo.read_bytes())
    if damage == "other site":
        damage = marshal.dumps((found[0], "another site key", *found[2:]))
    elif damage == "wrong shape":
        damage = marshal.dumps((*found[:4], {}, [("x",)], {}))
    elif damage == "bad links":
        damage = marshal.dumps((*found[:6], {"content/articles/story-1.md": "not a list"}))
    if damage == "missing":
        memo.unlink()
    elif damage == "record changed":  # a unit of the record taken out by hand: its page would be lost
        record = json.loads((room.output / BUILD_RECORD_FILE).read_text())
        del record["units"]["tags/common/index.html"]
        (room.output / BUILD_RECORD_FILE).write_text(json.dumps(record))
    else:
        memo.write_bytes(damage)
    edit_body(room, "story-2", "Second paragraph.", "Second paragraph, corrected.")
    rebuilt = room.build()
    assert "edits" not in rebuilt.timings and "plan" in rebuilt.timings
    assert (room.output / "tags/common/index.html").is_file()
    assert_same_as_clean_build(room, NOW, tmp_path)


def test_the_manifest_makes_again_only_the_lines_of_stories_that_changed(room, tmp_path, monkeypatch):
    """Each line of the manifest is kept with the key of the story it was made from; a line whose
    story is the same is taken from the last build's manifest, unless that file was changed since."""
    import masthead.render.manifest as manifest

    made = []
    entry = manifest.article_entry
    monkeypatch.setattr(manifest, "article_entry", lambda story, public: made.append(story.slug) or entry(story, public))
    room.build()
    assert len(made) == 10
    made.clear()
    path = room.content / "articles" / "story-2.md"
    path.write_text(path.read_text().replace("Second paragraph.", "Second paragraph, corrected."))
    room.build()
    assert made == ["story-2"]
    assert_same_as_clean_build(room, NOW, tmp_path)

    # someone edits the manifest in output/: no line of it is trusted again
    written = room.output / ".masthead/manifest.json"
    written.write_text(written.read_text().replace('"Story 4"', '"Story four"'))
    made.clear()
    room.article("new", title="Breaking story", slug="breaking", date="2026-11-27T08:00+01:00")
    room.build()
    assert len(made) == 11
    assert "Story four" not in written.read_text()
    assert_same_as_clean_build(room, NOW, tmp_path)


def test_a_failed_incremental_build_leaves_the_output_as_it_was(room):
    room.build()
    before = files(room.output)
    room.article("broken", title="Broken", slug="broken", category="Nowhere at all", authors=["nobody"])
    with pytest.raises(ContentError, match="content/articles/broken.md"):
        room.build()
    assert files(room.output) == before


def test_a_changed_template_renders_every_page_again(room, tmp_path, monkeypatch):
    theme = tmp_path / "theme"
    shutil.copytree(Path(room.settings_file.read_text().split("THEME = ")[1].split("\n")[0].strip("'\"")), theme)
    room.settings_file.write_text(room.settings_file.read_text().replace(
        room.settings_file.read_text().split("THEME = ")[1].split("\n")[0], repr(str(theme))))
    first = room.build()
    template = theme / "templates" / "partials" / "about.html"
    template.write_text(template.read_text() + "<!-- a theme change -->\n")
    changed = room.build()
    assert changed.counts["pages_rendered"] >= first.counts["pages_rendered"] - 2  # all but the feeds' notes
    assert b"a theme change" in (room.output / "2026/11/story-1/index.html").read_bytes()
    assert_same_as_clean_build(room, NOW, tmp_path)


def test_a_build_for_another_address_never_shows_the_last_one(room, tmp_path):
    """The same templates built for two site addresses, one after the other, each with its own
    (a template's filter of a constant is computed when Jinja compiles it: compiled templates
    kept between builds once carried the first address into the second build)."""
    from masthead.build import build_site

    build_site(room.settings_file, now=NOW, site_url="http://127.0.0.1:8001")
    build_site(room.settings_file, now=NOW, site_url="https://preview.example")
    canonical = room.html("index.html").xpath("//link[@rel='canonical']/@href")
    assert canonical == ["https://preview.example/"]


def test_nothing_to_do_until_the_clock_changes_something(room, tmp_path):
    settle(room)
    room.build()
    # the next thing the clock changes: "going" expires on 30 November at 07:00 in Brussels
    assert room.build(now=datetime.fromisoformat("2026-11-30T05:59+00:00")).unchanged
    assert not room.build(now=datetime.fromisoformat("2026-11-30T06:00+00:00")).unchanged
    assert b"Going story" not in (room.output / "index.html").read_bytes()
    # a build "in the past" (a preview at another --now) is never taken for an up-to-date one
    assert not room.build(now=NOW).unchanged
    assert b"Going story" in (room.output / "index.html").read_bytes()
    assert_same_as_clean_build(room, NOW, tmp_path)


def test_nothing_changed_is_known_without_starting_pelican_and_a_setting_is_never_missed(room, monkeypatch):
    """The check before a build runs the settings file itself; it answers "nothing changed" only
    for the very settings the last build recorded, including values read from the environment."""
    import subprocess
    import sys

    with room.settings_file.open("a") as settings:
        settings.write("import os\nSITESUBTITLE = os.environ.get('GAZETTE_SUBTITLE', 'Daily')\n")
    settle(room)
    room.build()
    probe = ("import sys; from datetime import datetime; from masthead.build import build_site; "
             f"r = build_site({str(room.settings_file)!r}, now=datetime.fromisoformat({NOW.isoformat()!r})); "
             "print(r.unchanged, 'pelican' in sys.modules)")
    answer = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert answer.stdout.split() == ["True", "False"]

    monkeypatch.setenv("GAZETTE_SUBTITLE", "Weekly")  # the same file, another value
    assert not room.build().unchanged
    assert room.build().unchanged
    room.settings_file.write_text(room.settings_file.read_text().replace("The Test Gazette", "The Evening Gazette"))
    rebuilt = room.build()
    assert not rebuilt.unchanged
    assert b"The Evening Gazette" in (room.output / "index.html").read_bytes()


def test_a_template_that_reads_more_than_the_default_cannot_make_an_incremental_build_differ(room, tmp_path):
    """A page's key is its context: an override that shows "latest stories" on article pages, or
    bodies on tag pages, gets only what its unit is keyed by, so an edit can never leave it stale."""
    settings = room.settings_file.read_text()
    room.settings_file.write_text("\n".join(line for line in settings.splitlines() if not line.startswith("THEME")))
    overrides = room.root / "theme" / "templates"
    overrides.mkdir(parents=True)
    (overrides / "article.html").write_text(
        '{% extends "!theme/article.html" %}{% block content %}{{ super() }}<aside id="latest">'
        "{% for item in articles %}<p>{{ item.title }}</p>{% endfor %}"
        "{% for section, items in categories %}<p>{{ section }} {{ items | length }}</p>{% endfor %}"
        "</aside>{% endblock %}")
    (overrides / "tag.html").write_text(
        '{% extends "!theme/tag.html" %}{% block list_header %}{{ super() }}'
        '{% for item in articles %}<div class="leak">{{ item.record.body_html }}{{ item.content }}</div>'
        "{% endfor %}{% endblock %}")
    room.build()
    page = (room.output / "2026/11/story-1/index.html").read_text()
    assert '<aside id="latest"></aside>' in page  # an article page is given its story, not the site's lists
    tag_page = (room.output / "tags/common/index.html").read_text()
    assert tag_page.count('<div class="leak"></div>') == 8  # a listing's stories come without bodies
    assert "Second paragraph" not in tag_page

    room.article("new", title="Breaking story", slug="breaking", date="2026-11-27T08:00+01:00", tags=["Common"])
    path = room.content / "articles" / "story-2.md"
    path.write_text(path.read_text().replace("Second paragraph.", "Second paragraph, corrected."))
    room.build()
    assert_same_as_clean_build(room, NOW, tmp_path)


def test_the_files_of_the_last_build_are_looked_for_by_folder_listing_or_one_by_one(tmp_path):
    """A build after an edit keeps the last build's files only when all are there: a folder with
    many of them (the cards) is listed once, the others are stat'ed; a file gone either way, or a
    folder gone, is noticed."""
    from masthead.render.record import LIST_FROM, RenderRecord

    output = tmp_path / "output"
    units = {f"card:cards/articles/story-{n}.jpg": ["k", [f"cards/articles/story-{n}.jpg"]]
             for n in range(LIST_FROM + 6)}
    units["2026/11/story/index.html"] = ["k", ["2026/11/story/index.html"]]
    units["robots.txt"] = ["k", ["robots.txt"]]
    for _, (_, found) in units.items():
        (output / found[0]).parent.mkdir(parents=True, exist_ok=True)
        (output / found[0]).write_bytes(b"x")
    (output / "cards/articles/story-0.jpg.tmp").write_bytes(b"not a card")  # others around do not matter
    record = RenderRecord(output, "site", {"site": "site", "units": units, "loose": []})
    assert record.all_present(units)
    (output / "cards/articles/story-3.jpg").unlink()
    assert not record.all_present(units)
    assert record.all_present(u for u in units if u != "card:cards/articles/story-3.jpg")
    (output / "cards/articles/story-3.jpg").mkdir()  # a folder in its place is no card
    assert not record.all_present(units)
    (output / "2026/11/story/index.html").unlink()
    assert not record.all_present(u for u in units if not u.startswith("card:"))
    shutil.rmtree(output / "cards")
    assert not record.all_present(u for u in units if u.startswith("card:"))
