"""`masthead import substack`: an export folder as Substack writes it, imported, checked and built."""

from __future__ import annotations

import frontmatter
from click.testing import CliRunner

from masthead.cli import main

from conftest import NOW

POSTS_CSV = """post_id,post_date,is_published,email_sent_at,inbox_sent_at,type,audience,title,subtitle,podcast_url
139001.the-week-in-ports,2024-02-02T08:00:00.000Z,true,2024-02-02T08:00:05.000Z,,newsletter,everyone,The week in ports,Cranes and queues,
139002.unfinished-draft,2024-02-05T08:00:00.000Z,false,,,newsletter,everyone,Unfinished draft,,
139003.lost-file,2024-02-06T08:00:00.000Z,true,,,newsletter,everyone,Lost file,,
"""


def make_export(folder):
    (folder / "posts").mkdir(parents=True)
    (folder / "posts.csv").write_text(POSTS_CSV)
    (folder / "posts" / "139001.the-week-in-ports.html").write_text(
        "<p>Queues grew at <em>three</em> ports.</p><h3>Why</h3><p>Storms.</p>")
    (folder / "posts" / "139002.unfinished-draft.html").write_text("<p>Notes.</p>")


def test_a_substack_export_becomes_articles_under_the_section_it_is_given(newsroom, tmp_path, monkeypatch):
    monkeypatch.chdir(newsroom.root)
    make_export(tmp_path / "substack")
    args = ["import", "substack", str(tmp_path / "substack"), "--settings", str(newsroom.settings_file),
            "--author", "lena", "--author-name", "Lena Park", "--section-map", "Substack=Europe"]
    done = CliRunner().invoke(main, args, catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert "Articles: 1 draft, 1 published. Authors: 1 new." in done.output
    assert "Skipped: 1 posts without their HTML file." in done.output
    post = frontmatter.load(newsroom.content / "articles" / "2024" / "the-week-in-ports.md")
    assert (post["category"], post["authors"], post["summary"]) == ("Europe", ["lena"], "Cranes and queues")
    assert post["aliases"] == ["/p/the-week-in-ports/"] and "### Why" in post.content
    assert "Queues grew at *three* ports." in post.content
    assert "posts/139003.lost-file.html is missing" in (newsroom.root / "import-report.txt").read_text()
    checked = CliRunner().invoke(main, ["check", "--settings", str(newsroom.settings_file), "--now", NOW.isoformat()])
    assert checked.exit_code == 0, checked.output
    newsroom.build()
    assert 'http-equiv="refresh"' in (newsroom.output / "p" / "the-week-in-ports" / "index.html").read_text()
    again = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "Wrote 0 files (2 unchanged) and 0 images" in again.output  # the author file exists now


def test_a_folder_that_is_not_a_substack_export_is_one_line(newsroom, tmp_path, monkeypatch):
    monkeypatch.chdir(newsroom.root)
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["import", "substack", str(tmp_path / "empty"), "--settings",
                                       str(newsroom.settings_file)])
    assert result.exit_code == 1 and "not a Substack export (expected posts.csv and a posts/ folder" in result.output
