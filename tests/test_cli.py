"""The `masthead` command as an editor runs it, in a newsroom folder, on real files."""

from __future__ import annotations

import re

from masthead.cli import main

from conftest import REPO


def test_check_reports_counts_and_scheduled_articles(newsroom, run):
    newsroom.article("live", title="Live")
    newsroom.article("later", title="Later", date="2099-01-01T07:00+01:00")
    result = run("check", "--now", "2026-11-27T12:00Z")
    assert result.exit_code == 0, result.output
    assert "content/articles/later.md: scheduled for 2099-01-01 07:00 CET" in result.output
    assert "OK: 1 published, 1 scheduled, 0 drafts, 0 expired, 1 author, 0 pages; 0 errors, 0 warnings" in result.output


def test_check_prints_one_line_per_problem_and_exits_1(newsroom, run):
    newsroom.article("bad", title=["a", "list"], date="yesterday")
    result = run("check")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("content/articles/bad.md:2: title: expected text, found a list of 2 items")
    assert lines[1].startswith("content/articles/bad.md:5: date: expected an ISO 8601 date")
    assert lines[-1] == "2 problems found; nothing was written."


def test_check_rejects_unknown_masthead_settings_with_a_suggestion(newsroom, run):
    settings = newsroom.settings_file.read_text().replace("'about':", "'abuot':")
    newsroom.settings_file.write_text(settings)
    result = run("check")
    assert result.exit_code == 1
    assert "pelicanconf.py: MASTHEAD['abuot']: expected one of" in result.output
    assert "found 'abuot' (did you mean 'about'?)" in result.output


def test_build_writes_output_and_says_what_it_held_back(newsroom, run):
    newsroom.article("live", title="Live")
    newsroom.article("draft", title="Draft", status="draft", date="2026-11-01")
    result = run("build", "--now", "2026-11-27T12:00Z")
    assert result.exit_code == 0, result.output
    assert re.match(r"Built 1 article and 0 pages into output/ \(\d+ files, [\d.]+ s\); "
                    r"held back: 0 scheduled, 1 draft\.", result.output)
    assert "Processed" not in result.output  # Pelican's own closing line counts what Pelican read: nothing
    assert (newsroom.output / "2026/11/live/index.html").is_file()


def test_build_with_bad_content_exits_1_and_leaves_output_alone(newsroom, run):
    newsroom.article("live", title="Live")
    assert run("build").exit_code == 0
    index = (newsroom.output / "index.html").read_bytes()
    newsroom.raw_article("broken", "no front matter here\n")
    result = run("build")
    assert result.exit_code == 1
    assert "content/articles/broken.md:1: front matter: expected a block that opens with a '---' line" in result.output
    assert (newsroom.output / "index.html").read_bytes() == index


def test_missing_settings_file_is_one_line(newsroom, run):
    result = run("build", "--production")
    assert result.exit_code == 1
    assert result.output.strip() == ("error: publishconf.py: settings file not found (run masthead from the "
                                     "newsroom's folder, or pass --settings FILE)")


def test_new_writes_a_draft_that_passes_check_and_refuses_to_overwrite(newsroom, run):
    result = run("new", "Talks resume in Doha: what’s on the table", "--author", "jane-doe", "--section", "World")
    assert result.exit_code == 0, result.output
    path = re.search(r"Wrote (\S+)", result.output).group(1)
    assert re.fullmatch(r"content/articles/\d{4}/talks-resume-in-doha-whats-on-the-table\.md", path)
    written = (newsroom.root / path).read_text()
    assert 'title: "Talks resume in Doha: what’s on the table"' in written
    assert re.search(r"^id: [0-9a-f-]{36}$", written, re.M)
    checked = run("check")
    assert checked.exit_code == 0, checked.output
    assert "0 published, 0 scheduled, 1 draft," in checked.output

    again = run("new", "Talks resume in Doha: what’s on the table", "--author", "jane-doe", "--section", "World")
    assert again.exit_code == 1
    assert f"error: {path} already exists" in again.output
    assert (newsroom.root / path).read_text() == written


def test_new_names_an_unknown_author_or_section(newsroom, run):
    result = run("new", "Headline", "--author", "jane-do", "--section", "World")
    assert result.exit_code == 2
    assert "no author file content/authors/jane-do.md (did you mean 'jane-doe'?)" in result.output
    result = run("new", "Headline", "--author", "jane-doe", "--section", "Wrld")
    assert result.exit_code == 2
    assert "'Wrld' is not one of World, Europe, Opinion (did you mean 'World'?)" in result.output


def test_every_command_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text()
    for name in main.commands:
        assert f"masthead {name}" in readme, name


def test_check_rejects_unknown_card_layout_keys(newsroom, run):
    newsroom.settings_file.write_text(newsroom.settings_file.read_text().replace(
        "'about':", "'cards': {'backgrund': '#000'}, 'about':"))
    result = run("check")
    assert result.exit_code == 1
    assert "pelicanconf.py: MASTHEAD['cards']['backgrund']: expected one of width, height" in result.output
    assert "found 'backgrund' (did you mean 'background'?)" in result.output


def test_a_broken_settings_file_is_one_line(newsroom, run):
    newsroom.settings_file.write_text(newsroom.settings_file.read_text().replace(
        "THEME = ", "THEME = 'no-such-theme' #"))
    result = run("check")
    assert result.exit_code == 1
    assert result.output.strip() == ("error: pelicanconf.py: Could not find the theme no-such-theme "
                                     "(fix the settings file)")
    newsroom.settings_file.write_text("SITENAME = \n")
    result = run("build")
    assert result.exit_code == 1 and result.output.startswith("error: pelicanconf.py: SyntaxError:")


def test_every_setting_and_deploy_flag_is_documented_in_the_readme():
    from masthead.config import DEPLOY_KEYS, DIGEST_KEYS, MASTHEAD_KEYS, SUBSCRIPTION_KEYS

    readme = (REPO / "README.md").read_text()
    for key in [*MASTHEAD_KEYS, *DEPLOY_KEYS, *DIGEST_KEYS, *SUBSCRIPTION_KEYS]:
        assert f"`{key}`" in readme or f'MASTHEAD["{key}"]' in readme or f'["{key}"]' in readme, key
    deploy = next(c for name, c in main.commands.items() if name == "deploy")
    for option in deploy.params:
        for flag in getattr(option, "opts", []):
            assert flag in readme, flag


def test_every_command_says_which_settings_it_reads_by_one_rule():
    """What reaches readers or the live site reads publishconf.py; everything else pelicanconf.py."""
    from click.testing import CliRunner

    reaching_readers = {("publish",), ("deploy",), ("digest", "preview"), ("digest", "send")}
    commands = [(name,) if not hasattr(command, "commands") else (name, sub)
                for name, command in main.commands.items()
                for sub in (getattr(command, "commands", None) or {None: None})]
    checked = 0
    for path in commands:
        args = [part for part in path if part] + ["--help"]
        shown = CliRunner().invoke(main, args, terminal_width=200).output
        if "--settings" not in shown:
            continue
        text = " ".join(shown.split())
        default = "publishconf.py" if tuple(p for p in path if p) in reaching_readers else "pelicanconf.py"
        assert f"(default: {default}" in text, (path, text)
        checked += 1
    assert checked >= 10
