"""`masthead import ghost`: a Ghost export as Ghost writes it, imported, checked and built."""

from __future__ import annotations

import json

import frontmatter
from click.testing import CliRunner
from PIL import Image

from masthead.cli import main

from conftest import NOW

EXPORT = {"db": [{"meta": {"exported_on": 1700000000000, "version": "5.80.0"}, "data": {
    "posts": [
        {"id": "p1", "uuid": "8d1c0b6e-0001-4b8e-9c44-0a1b2c3d4e5f", "title": "Ports reopen after the storm",
         "slug": "ports-reopen", "type": "post", "status": "published",
         "html": "<p>The harbour opened at dawn.</p><figure><img src=\"__GHOST_URL__/content/images/2024/01/port.jpg\" "
                 "alt=\"Cranes at dawn\"></figure><h2>What comes next</h2><ul><li>Repairs</li><li>Insurance</li></ul>",
         "feature_image": "__GHOST_URL__/content/images/2024/01/port.jpg", "custom_excerpt": "Ships move again.",
         "published_at": "2024-01-10T07:00:00.000Z", "updated_at": "2024-01-11T08:00:00.000Z",
         "created_at": "2024-01-09T07:00:00.000Z"},
        {"id": "p2", "uuid": "8d1c0b6e-0002-4b8e-9c44-0a1b2c3d4e5f", "title": "A draft", "slug": "a-draft",
         "type": "post", "status": "draft", "html": "<p>Not yet.</p>", "published_at": None,
         "created_at": "2024-01-12T07:00:00.000Z", "updated_at": "2024-01-12T07:00:00.000Z"},
        {"id": "p3", "uuid": "8d1c0b6e-0003-4b8e-9c44-0a1b2c3d4e5f", "title": "Tomorrow", "slug": "tomorrow",
         "type": "post", "status": "scheduled", "html": "<p>Soon.</p>", "published_at": "2030-01-01T07:00:00.000Z",
         "updated_at": "2024-01-12T07:00:00.000Z"},
        {"id": "p4", "title": "About", "slug": "about", "type": "page", "status": "published", "html": "<p>Us.</p>",
         "published_at": "2024-01-01T00:00:00.000Z"},
    ],
    "posts_meta": [{"post_id": "p1", "feature_image_alt": "Cranes at dawn", "feature_image_caption": "The port"}],
    "users": [{"id": "u1", "name": "Lena Park", "slug": "lena", "email": "lena@old.example",
               "bio": "Lena covers shipping.", "profile_image": "__GHOST_URL__/content/images/2023/02/lena.jpg"},
              {"id": "u2", "name": "Sam Ode", "slug": "sam", "email": "sam@old.example", "bio": None,
               "profile_image": "https://www.gravatar.com/avatar/abc?s=250&d=mm"}],
    "tags": [{"id": "t1", "name": "News", "slug": "news"}, {"id": "t2", "name": "Shipping", "slug": "shipping"},
             {"id": "t3", "name": "#internal", "slug": "hash-internal"}],
    "posts_tags": [{"post_id": "p1", "tag_id": "t1", "sort_order": 0}, {"post_id": "p1", "tag_id": "t2", "sort_order": 1},
                   {"post_id": "p1", "tag_id": "t3", "sort_order": 2}, {"post_id": "p2", "tag_id": "t2", "sort_order": 0}],
    "posts_authors": [{"post_id": "p1", "author_id": "u1", "sort_order": 0},
                      {"post_id": "p2", "author_id": "u2", "sort_order": 0},
                      {"post_id": "p3", "author_id": "u1", "sort_order": 0}],
}}]}


def run(room, *args):
    return CliRunner().invoke(main, ["import", "ghost", *args, "--settings", str(room.settings_file)],
                              catch_exceptions=False)


def test_a_ghost_export_becomes_articles_with_bios_sections_and_redirects(newsroom, tmp_path, monkeypatch):
    monkeypatch.chdir(newsroom.root)
    (tmp_path / "ghost.json").write_text(json.dumps(EXPORT), encoding="utf-8")
    media = tmp_path / "images"
    (media / "2024" / "01").mkdir(parents=True)
    Image.new("RGB", (1600, 900), "#246").save(media / "2024" / "01" / "port.jpg")
    (media / "2023" / "02").mkdir(parents=True)
    Image.new("RGB", (400, 400), "#864").save(media / "2023" / "02" / "lena.jpg")
    args = (str(tmp_path / "ghost.json"), "--url", "https://old.example", "--media", str(media),
            "--section-map", "News=World", "--section-map", "Shipping=Europe")
    done = run(newsroom, *args)
    assert done.exit_code == 0, done.output
    assert "Articles: 1 draft, 1 published, 1 scheduled. Authors: 2 new." in done.output
    assert "Skipped: 1 pages (not posts)." in done.output
    post = frontmatter.load(newsroom.content / "articles" / "2024" / "ports-reopen.md")
    assert (post["category"], post["tags"], post["authors"]) == ("World", ["Shipping"], ["lena"])
    assert post["summary"] == "Ships move again." and post["aliases"] == ["/ports-reopen/"]
    assert post["image"] == "ghost/2024/01/port.jpg" and post["image_alt"] == "Cranes at dawn"
    assert post["image_caption"] == "The port" and post["updated"] == "2024-01-11T08:00+00:00"
    assert "## What comes next" in post.content and "- Repairs" in post.content
    assert "![Cranes at dawn]({static}/images/ghost/2024/01/port.jpg)" in post.content
    lena = frontmatter.load(newsroom.content / "authors" / "lena.md")
    assert lena.content == "Lena covers shipping." and lena["avatar"] == "ghost/2023/02/lena.jpg"
    assert (newsroom.content / "images" / "ghost" / "2023" / "02" / "lena.jpg").is_file()
    sam = frontmatter.load(newsroom.content / "authors" / "sam.md")
    assert sam["avatar"] == "https://www.gravatar.com/avatar/abc?s=250&d=mm"  # not in the media copy: its address
    report = (newsroom.root / "import-report.txt").read_text()
    assert "content/authors/sam.md: a new author with a placeholder bio" in report  # Sam had none
    assert "the profile image https://www.gravatar.com/avatar/abc?s=250&d=mm is not in the media folder" in report
    assert frontmatter.load(newsroom.content / "articles" / "2024" / "a-draft.md")["status"] == "draft"

    checked = CliRunner().invoke(main, ["check", "--settings", str(newsroom.settings_file), "--now", NOW.isoformat()])
    assert checked.exit_code == 0, checked.output
    assert "content/authors/sam.md:5: warning: bio: still the placeholder" in checked.output
    assert "lena.md" not in checked.output
    newsroom.build()
    page = (newsroom.output / "2024/01/ports-reopen/index.html").read_text()
    assert "Ports reopen after the storm" in page and "lena.jpg" in page  # the author box shows her photo
    assert 'http-equiv="refresh"' in (newsroom.output / "ports-reopen" / "index.html").read_text()
    again = run(newsroom, *args)
    assert "Wrote 0 files (3 unchanged) and 0 images" in again.output  # the avatar too


def test_a_file_that_is_not_a_ghost_export_is_one_line(newsroom, tmp_path, monkeypatch):
    monkeypatch.chdir(newsroom.root)
    (tmp_path / "other.json").write_text('{"posts": []}', encoding="utf-8")
    result = run(newsroom, str(tmp_path / "other.json"))
    assert result.exit_code == 1
    assert "other.json: not a Ghost export (expected the JSON file of Settings > Labs > Export your content)" \
        in result.output
