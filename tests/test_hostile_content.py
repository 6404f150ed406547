"""Content and theme files as a careless or hostile contributor leaves them: links that leave the
newsroom, raw HTML and scripts in Markdown, control bytes in front matter. Each is refused or made
harmless with a message naming the file, and nothing of it is published."""

from __future__ import annotations

import os
import shutil

import pytest

from conftest import REPO

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
    assert "static/css/extra.css: link: expected a file inside" in result.output
    assert f"found a link to {secret / 'passwd'}" in result.output
    assert not newsroom.output.exists()


# -- raw HTML in Markdown ---------------------------------------------------------------------

HOSTILE_BODY = """First paragraph.

<script>document.cookie</script>

<p onclick="steal()">Click <a href="javascript:alert(1)">here</a> or
<a href="JaVa&#x09;ScRiPt:alert(2)">there</a>.</p>

<iframe src="https://evil.example/frame"></iframe>

<iframe src="https://www.youtube-nocookie.com/embed/abc" width="560" height="315" allowfullscreen></iframe>

<figure><img src="/images/photo.png" alt="A photo" onerror="alert(3)"><figcaption>Caption</figcaption></figure>

[markdown link](javascript:alert(4)) and <style>body{display:none}</style> end.
"""


def test_raw_html_is_sanitized_everywhere_and_check_names_each_removal(newsroom, run):
    newsroom.image("photo.png")
    newsroom.author("jane-doe", "Jane Doe", 'Jane <img src=x onerror="alert(5)">writes.')
    newsroom.article("raw", title="Raw", slug="raw", body=HOSTILE_BODY,
                     corrections=[{"date": "2026-11-21T09:00+01:00",
                                   "text": '"An <a href=\\"vbscript:x\\">error</a> fixed."'}])
    result = run("build")
    assert result.exit_code == 0, result.output
    published = b"\n".join(p.read_bytes() for p in newsroom.output.rglob("*")
                           if p.suffix in (".html", ".xml", ".json"))
    for live in (b"<script>document", b"onclick", b"onerror", b"javascript:", b"vbscript:", b"evil.example",
                 b"display:none", b"ScRiPt:"):
        assert live.lower() not in published.lower(), live
    page = newsroom.html("2026/11/raw/index.html")
    body = page.xpath("//div[contains(@class, 'article-body')]")[0] if page.xpath(
        "//div[contains(@class, 'article-body')]") else page
    assert body.xpath("//iframe/@src") == ["https://www.youtube-nocookie.com/embed/abc"]  # an allowed host stays
    assert page.xpath("//figure/figcaption/text()") == ["Caption"]
    assert "Click" in page.text_content() and "markdown link" in page.text_content()  # the text is kept

    checked = run("check", "--strict")
    assert checked.exit_code == 1  # warnings are fatal with --strict
    lines = [line for line in checked.output.splitlines() if ": html: " in line]
    tail = ": pages, feeds and emails carry only safe HTML (README: Raw HTML)"
    article = "content/articles/raw.md"
    first = 14  # the body's first line in the file the fixture writes
    assert lines == sorted([
        f"{article}:{first + 2}: warning: html: removed <script> and its contents{tail}",
        f"{article}:{first + 4}: warning: html: removed the onclick attribute of <p>{tail}",
        f"{article}:{first + 4}: warning: html: removed the href of <a> (javascript: links are not allowed){tail}",
        f"{article}:{first + 5}: warning: html: removed the href of <a> (javascript: links are not allowed){tail}",
        (f"{article}:{first + 7}: warning: html: removed an <iframe> from evil.example, not a host in "
         f"MASTHEAD['embeds']{tail}"),
        f"{article}:{first + 11}: warning: html: removed the onerror attribute of <img>{tail}",
        f"{article}:{first + 13}: warning: html: removed the href of <a> (javascript: links are not allowed){tail}",
        f"{article}:{first + 13}: warning: html: removed <style> and its contents{tail}",
        (f"{article}:9: warning: html: removed the href of <a> (vbscript: links are not allowed) (in a correction)"
         f"{tail}"),
        f"content/authors/jane-doe.md:4: warning: html: removed the onerror attribute of <img>{tail}",
    ], key=lambda line: (line.split(":")[0], int(line.split(":")[1]), line)), checked.output
    assert run("check").exit_code == 0  # without --strict, the build and the check go on


def test_embeds_follow_the_newsroom_setting(newsroom, run):
    settings = newsroom.settings_file.read_text().replace("'about':", "'embeds': ['media.example.org'], 'about':")
    newsroom.settings_file.write_text(settings)
    newsroom.article("embeds", title="Embeds", slug="embeds", body=(
        '<iframe src="https://media.example.org/v/1"></iframe>\n\n'
        '<iframe src="https://www.youtube.com/embed/x"></iframe>\n\n'
        '<iframe src="http://media.example.org/v/2"></iframe>\n'))
    assert run("build").exit_code == 0
    assert newsroom.html("2026/11/embeds/index.html").xpath("//iframe/@src") == ["https://media.example.org/v/1"]


def test_what_markdown_makes_passes_unchanged():
    from masthead.content.body import BodyRenderer
    from masthead.content.sanitize import HtmlPolicy

    text = ("## A heading\n\nText with *emphasis*, **strong**, `code`, a [link](https://example.org/a?b=1#c \"t\") "
            "and a [relative](/about/) one.\n\n> A quote\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n"
            "Footnote[^1].\n\n[^1]: The note.\n\n![alt](/images/x.png)\n")
    rendered = BodyRenderer().render(text)
    policy = HtmlPolicy()
    assert policy.removals(rendered, text) == []
    from lxml import html as lxml_html

    def shape(markup):
        tree = lxml_html.fragment_fromstring(markup, create_parent="div")
        def value(name, text):  # a style as the browser reads it
            return text.replace(" ", "").rstrip(";") if name == "style" else text
        return [(e.tag, sorted((k, value(k, v)) for k, v in e.attrib.items()), (e.text or "").strip())
                for e in tree.iter()]

    assert shape(policy.clean(rendered)) == shape(rendered)


# -- odd bytes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("where, data, line, found", [
    ("NUL in a value", b"---\ntitle: Odd\x00 bytes\ndate: 2026-11-20T09:00+01:00\n---\nText.\n", 2,
     "U+0000 (NUL) at column 11"),
    ("ESC in a value", b"---\ntitle: Odd\ndate: 2026-11-20T09:00+01:00\nsummary: \x1b[31mred\n---\nText.\n", 4,
     "U+001B (ESC) at column 10"),
    ("ESC in the body", b"---\ntitle: Odd\n---\n\nText \x1b]0;title\x07 here.\n", 5, "U+001B (ESC) at column 6"),
    ("a C1 control", "---\ntitle: Odd\u0085ok\u009b\n---\nText.\n".encode(), 2, "U+009B (a control character) at column 14"),
])
def test_control_characters_are_one_line_with_path_and_line_in_build_and_check(newsroom, run, where, data,
                                                                                line, found):
    newsroom.article("live", title="Live")
    assert run("build").exit_code == 0
    before = published_bytes(newsroom.output)
    newsroom.raw_article("odd", data)
    expected = (f"content/articles/odd.md:{line}: file: expected text without control characters (remove it; it "
                f"often comes with text pasted from a terminal or a PDF), found {found}")
    for command in ("check", "build"):
        result = run(command)
        assert result.exit_code == 1, (command, result.output)
        assert "Traceback" not in result.output
        assert result.output.splitlines()[0] == expected, (command, result.output)
    assert published_bytes(newsroom.output) == before
