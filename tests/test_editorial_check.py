"""`masthead check` as the editorial desk: what it says, in text and as GitHub annotations."""

from __future__ import annotations

import subprocess

from click.testing import CliRunner

from masthead.cli import main

from conftest import Newsroom


def git(root, *args):
    subprocess.run(["git", "-C", str(root), "-c", "user.name=Desk", "-c", "user.email=desk@news.example", *args],
                   check=True, capture_output=True)


def check(room, *args):
    """Run from the newsroom's folder, as an editor or CI does, so paths print as content/..."""
    import os

    here = os.getcwd()
    os.chdir(room.root)
    try:
        return CliRunner().invoke(main, ["check", "--settings", "pelicanconf.py", *args], catch_exceptions=False)
    finally:
        os.chdir(here)


def newsroom(tmp_path):
    room = Newsroom(tmp_path / "room")
    room.author("jane-doe", "Jane Doe")
    room.image("wide.jpg", 1600, 900)
    room.image("small.jpg", 800, 450)
    room.article("talks", title="Talks resume", slug="talks", id="talks-1", image="wide.jpg",
                 image_alt="Delegates at the table")
    return room


def test_what_builds_but_hurts_readers_is_reported_with_file_and_field(tmp_path):
    room = newsroom(tmp_path)
    room.article("long", slug="long", id="long-1", title="'" + "A very long headline " * 6 + "'",
                 summary="'" + "A summary that goes on. " * 8 + "'", image="small.jpg", image_alt="A photo",
                 body="See [the talks](/2026/11/talks/), [a lost page](/2026/11/gone/) and "
                      "[later](/2099/01/later/).\n\n![](/images/wide.jpg)")
    room.article("later", slug="later", id="later-1", date="2099-01-01T08:00+01:00")
    result = check(room)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    where = "content/articles/long.md"
    # every finding on its line: a key's own line, a link's or an image's line in the body
    assert f"{where}:14: error: body: broken internal link /2026/11/gone/: no article, page or listing has that address" in lines
    assert f"{where}:14: error: body: links to /2099/01/later/, a scheduled article that is not published yet" in lines
    assert any(line.startswith(f"{where}:16: error: body: the image /images/wide.jpg has no alt text") for line in lines)
    assert any(line.startswith(f"{where}:2: warning: title: 125 characters; search engines show 110") for line in lines)
    assert any(line.startswith(f"{where}:7: warning: summary: 191 characters") for line in lines)
    assert f"{where}:10: warning: image: images/small.jpg is 800 px wide; large previews (Google Discover, social cards) " \
           "need at least 1200 px" in lines
    assert not any("talks.md" in line for line in lines)
    assert "FAILED: 2 published, 1 scheduled" in result.stdout and "3 errors, 3 warnings" in result.stdout
    assert "content/articles/later.md: scheduled for 2099-01-01 08:00 CET" in result.stdout


def test_github_format_prints_annotations_and_strict_makes_warnings_fatal(tmp_path):
    room = newsroom(tmp_path)
    room.article("long", slug="long", id="long-1", summary="'" + "A summary that goes on. " * 8 + "'")
    result = check(room, "--format", "github")
    assert result.exit_code == 0
    assert "::warning file=content/articles/long.md,line=7,title=summary::191 characters; search results and link " \
           "previews show about 160" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1].startswith("OK: ")
    strict = check(room, "--strict")
    assert strict.exit_code == 1
    assert strict.stdout.splitlines()[-1].startswith("FAILED: ") and "0 errors, 1 warning " in strict.stdout
    # a schema problem is an annotation too, on its line
    room.raw_article("broken", "---\ntitle: Broken\ndate: not a date\nauthors: [jane-doe]\ncategory: World\n"
                               "summary: x\n---\nBody\n")
    result = check(room, "--format", "github")
    assert result.exit_code == 1
    assert any(line.startswith("::error file=content/articles/broken.md,line=3,title=date::expected")
               for line in result.stdout.splitlines())


def test_only_the_files_named_are_reported_as_pre_commit_passes_them(tmp_path):
    room = newsroom(tmp_path)
    room.article("long", slug="long", id="long-1", summary="'" + "A summary that goes on. " * 8 + "'")
    result = check(room, "--strict", "content/articles/talks.md")
    assert result.exit_code == 0 and "long.md" not in result.stderr


def test_ids_and_addresses_are_compared_with_main(tmp_path):
    room = newsroom(tmp_path)
    room.article("derived", title="Derived id", slug="derived")  # no id: it comes from the date and author
    git(room.root, "init", "-q", "-b", "main")
    git(room.root, "add", "-A")
    git(room.root, "commit", "-q", "-m", "first")
    git(room.root, "checkout", "-q", "-b", "edit")
    room.article("talks", title="Talks resume", slug="talks-resume", id="talks-2", image="wide.jpg",
                 image_alt="Delegates at the table")
    room.article("derived", title="Derived id", slug="derived", date="2026-11-20T10:00+01:00")
    result = check(room)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "content/articles/talks.md:9: error: id: changed from 'talks-1' to 'talks-2' on this branch: an id must " \
           "never change (feeds, deploys and digests track the article by it); put back 'id: talks-1'" in lines
    assert any(line.startswith("content/articles/derived.md:2: error: id: changed from") for line in lines)
    # the id put back, the new slug still needs an alias
    room.article("talks", title="Talks resume", slug="talks-resume", id="talks-1", image="wide.jpg",
                 image_alt="Delegates at the table")
    room.article("derived", title="Derived id", slug="derived")
    lines = check(room).stderr.splitlines()
    assert lines == ["content/articles/talks.md:8: error: slug: the address changed from /2026/11/talks/ to "
                     "/2026/11/talks-resume/ with no alias: add 'aliases: [/2026/11/talks/]' so old links keep working"]
    room.article("talks", title="Talks resume", slug="talks-resume", id="talks-1", image="wide.jpg",
                 image_alt="Delegates at the table", aliases=["/2026/11/talks/"])
    assert check(room).exit_code == 0
    result = check(room, "--base", "no-such-branch")
    assert result.exit_code == 1 and "no git ref 'no-such-branch'" in result.stderr
