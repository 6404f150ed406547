"""Content and theme files as a careless or hostile contributor leaves them: links that leave the
newsroom, raw HTML and scripts in Markdown, control bytes in front matter. Each is refused or made
harmless with a message naming the file, and nothing of it is published."""

from __future__ import annotations

import os
import shutil

import pytest
from click.testing import CliRunner

from masthead.cli import main

from conftest import REPO


@pytest.fixture
def run(newsroom, monkeypatch):
    monkeypatch.chdir(newsroom.root)

    def invoke(*args):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


SECRET = "root:x:0:0:secret-of-this-machine"


@pytest.fixture
def secret(tmp_path):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "passwd").write_text(SECRET + "\n")
    (outside / "notes.md").write_text("---\ntitle: private\n---\n" + SECRET + "\n")
    return outside


def published_bytes(output):
    return b"".join(p.read_bytes() for p in output.rglob("*") if p.is_file())


@pytest.mark.parametrize("where, target", [
    ("images/passwd.jpg", "passwd"),             # a file link, referred to by nothing
    ("images/stash", ""),                        # a folder link: Pelican would copy the whole folder
    ("images/.hidden/passwd", "passwd"),         # hidden folders are copied by Pelican too
    ("articles/leak.md", "notes.md"),            # an article that is a file elsewhere
], ids=["file", "folder", "hidden", "article"])
def test_a_link_out_of_the_content_folder_is_refused_by_build_and_check(newsroom, run, secret, where, target):
    newsroom.article("live", title="Live")
    assert run("build").exit_code == 0
    before = published_bytes(newsroom.output)
    link = newsroom.content / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(secret / target if target else secret)

    for command in ("build", "check"):
        result = run(command)
        assert result.exit_code == 1, result.output
        line = (f"content/{where}: link: expected a file inside content/ (a link that leaves it would publish "
                f"a file from elsewhere on this machine: copy the file in instead), found a link to "
                f"{os.path.realpath(link)}")
        assert line in result.output.splitlines(), result.output
        assert SECRET not in result.output
    assert published_bytes(newsroom.output) == before  # the last good site, as it was
    assert SECRET.encode() not in before


def test_links_that_stay_inside_the_content_folder_are_published(newsroom, run):
    newsroom.image("photos/lead.png")
    (newsroom.content / "images" / "latest.png").symlink_to(newsroom.content / "images" / "photos" / "lead.png")
    newsroom.article("live", title="Live")
    result = run("build")
    assert result.exit_code == 0, result.output
    assert (newsroom.output / "images" / "latest.png").read_bytes() == \
        (newsroom.content / "images" / "photos" / "lead.png").read_bytes()


def test_a_link_out_of_the_theme_is_refused(newsroom, run, secret, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    (theme / "static" / "css" / "extra.css").symlink_to(secret / "passwd")
    newsroom.settings_file.write_text(newsroom.settings_file.read_text().replace(repr(str(REPO / "theme")),
                                                                                  repr(str(theme))))
    newsroom.article("live", title="Live")
    result = run("build")
    assert result.exit_code == 1
    assert f"static/css/extra.css: link: expected a file inside" in result.output
    assert f"found a link to {secret / 'passwd'}" in result.output
    assert not newsroom.output.exists()
