"""`masthead import wordpress`: a WXR export as WordPress writes it, imported, checked and built."""

from __future__ import annotations

import json

import frontmatter
from click.testing import CliRunner
from PIL import Image

from masthead.cli import main

from conftest import NOW

WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Old Gazette</title><link>https://old.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[ana]]></wp:author_login>
    <wp:author_email><![CDATA[ana@old.example]]></wp:author_email>
    <wp:author_display_name><![CDATA[Ana Ruiz]]></wp:author_display_name></wp:author>
  <wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[omar.said]]></wp:author_login>
    <wp:author_display_name><![CDATA[Omar Said]]></wp:author_display_name></wp:author>
  <item>
    <title>Talks resume in Doha</title>
    <link>https://old.example/news/talks-resume/</link>
    <dc:creator><![CDATA[ana]]></dc:creator>
    <guid isPermaLink="false">https://old.example/?p=11</guid>
    <content:encoded><![CDATA[Negotiators returned to the table on Monday.

[caption id="attachment_20" align="alignnone" width="1600"]<img src="https://old.example/wp-content/uploads/2024/03/doha.jpg" alt="The venue" /> The venue in Doha.[/caption]

<strong>Both sides</strong> said the talks were <a href="https://example.org/report">constructive</a>.

[embed]https://www.youtube.com/watch?v=abc123[/embed]]]></content:encoded>
    <excerpt:encoded><![CDATA[Negotiators are back.]]></excerpt:encoded>
    <wp:post_id>11</wp:post_id>
    <wp:post_date_gmt><![CDATA[2024-03-04 09:30:00]]></wp:post_date_gmt>
    <wp:post_modified_gmt><![CDATA[2024-03-05 10:00:00]]></wp:post_modified_gmt>
    <wp:post_name><![CDATA[talks-resume]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <category domain="category" nicename="news"><![CDATA[News]]></category>
    <category domain="post_tag" nicename="diplomacy"><![CDATA[Diplomacy]]></category>
    <wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[20]]></wp:meta_value></wp:postmeta>
    <wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content><![CDATA[Great]]></wp:comment_content></wp:comment>
    <wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_content><![CDATA[Agreed]]></wp:comment_content></wp:comment>
  </item>
  <item>
    <title>گفت‌وگوها از سر گرفته شد</title>
    <link>https://old.example/2024/03/talks-fa/</link>
    <dc:creator><![CDATA[omar.said]]></dc:creator>
    <guid isPermaLink="false">https://old.example/?p=12</guid>
    <content:encoded><![CDATA[<p>مذاکره‌کنندگان بازگشتند.</p>

[gallery ids="20,21"]

[contact-form-7 id="5"]]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_id>12</wp:post_id>
    <wp:post_date_gmt><![CDATA[2024-03-05 08:00:00]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[talks-fa]]></wp:post_name>
    <wp:status><![CDATA[draft]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <category domain="category" nicename="opinion"><![CDATA[Opinion]]></category>
  </item>
  <item>
    <title>Coming soon</title>
    <link>https://old.example/?p=13</link>
    <dc:creator><![CDATA[ana]]></dc:creator>
    <guid isPermaLink="false">https://old.example/?p=13</guid>
    <content:encoded><![CDATA[A story for later.]]></content:encoded>
    <wp:post_id>13</wp:post_id>
    <wp:post_date_gmt><![CDATA[2030-01-01 08:00:00]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[coming-soon]]></wp:post_name>
    <wp:status><![CDATA[future]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <category domain="category" nicename="world"><![CDATA[World]]></category>
  </item>
  <item>
    <title>About us</title>
    <wp:post_id>14</wp:post_id>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[page]]></wp:post_type>
  </item>
  <item>
    <title>doha</title>
    <wp:post_id>20</wp:post_id>
    <wp:post_type><![CDATA[attachment]]></wp:post_type>
    <wp:attachment_url><![CDATA[https://old.example/wp-content/uploads/2024/03/doha.jpg]]></wp:attachment_url>
    <excerpt:encoded><![CDATA[The venue in Doha.]]></excerpt:encoded>
    <wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key><wp:meta_value><![CDATA[The conference venue]]></wp:meta_value></wp:postmeta>
  </item>
</channel>
</rss>
"""


def run(room, *args):
    return CliRunner().invoke(main, ["import", "wordpress", *args, "--settings", str(room.settings_file)],
                              catch_exceptions=False)


def test_an_export_becomes_articles_that_check_and_build_with_every_old_address_kept(newsroom, tmp_path, monkeypatch):
    monkeypatch.chdir(newsroom.root)
    (tmp_path / "export.xml").write_text(WXR, encoding="utf-8")
    media = tmp_path / "uploads"
    (media / "2024" / "03").mkdir(parents=True)
    Image.new("RGB", (1600, 900), "#357").save(media / "2024" / "03" / "doha.jpg")

    dry = run(newsroom, str(tmp_path / "export.xml"), "--media", str(media), "--section-map", "News=World", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Articles: 1 draft, 1 published, 1 scheduled. Authors: 2 new." in dry.output
    assert "Comments left out: 2. Skipped: 1 page items (not posts)." in dry.output
    assert not (newsroom.content / "articles" / "2024").exists()  # a dry run writes nothing

    done = run(newsroom, str(tmp_path / "export.xml"), "--media", str(media), "--section-map", "News=World")
    assert done.exit_code == 0, done.output
    post = frontmatter.load(newsroom.content / "articles" / "2024" / "talks-resume.md")
    assert post["title"] == "Talks resume in Doha" and post["category"] == "World" and post["tags"] == ["Diplomacy"]
    assert post["date"] == "2024-03-04T09:30+00:00" and post["updated"] == "2024-03-05T10:00+00:00"
    assert post["summary"] == "Negotiators are back." and post["authors"] == ["ana"]
    assert post["image"] == "wp/2024/03/doha.jpg" and post["image_alt"] == "The conference venue"
    assert post["image_caption"] == "The venue in Doha." and post["aliases"] == ["/news/talks-resume/"]
    assert "**Both sides** said the talks were [constructive](https://example.org/report)." in post.content
    assert "The venue in Doha." in post.content  # the [caption] became a figure with its caption
    assert "![The venue]({static}/images/wp/2024/03/doha.jpg)" in post.content  # copied, shown from here
    assert "<https://www.youtube.com/watch?v=abc123>" in post.content  # the [embed], as a link
    assert (newsroom.content / "images" / "wp" / "2024" / "03" / "doha.jpg").is_file()
    draft = frontmatter.load(newsroom.content / "articles" / "2024" / "talks-fa.md")
    assert draft["status"] == "draft" and draft["category"] == "Opinion" and draft["summary"]
    assert "aliases" not in draft  # its old address is its new one: nothing to redirect
    assert "![The conference venue]({static}/images/wp/2024/03/doha.jpg)" in draft.content  # the [gallery]
    assert frontmatter.load(newsroom.content / "authors" / "omar-said.md")["name"] == "Omar Said"
    report = (newsroom.root / "import-report.txt").read_text()
    assert "shortcodes kept as text: [contact-form-7]" in report and "placeholder bio" in report
    assert "https://old.example/?p=13 is not a path masthead can redirect from" in report

    checked = CliRunner().invoke(main, ["check", "--settings", str(newsroom.settings_file), "--now", NOW.isoformat()])
    assert checked.exit_code == 0, checked.output
    assert "content/authors/omar-said.md:4: warning: bio: still the placeholder an import wrote: write a few " \
           "lines about Omar Said" in checked.output  # until an editor writes it
    assert "ana.md" in checked.output  # the export had no bio for Ana either
    newsroom.build()
    page = (newsroom.output / "2024" / "03" / "talks-resume" / "index.html").read_text()
    assert "Talks resume in Doha" in page and "Ana Ruiz" in page
    assert 'src="/images/wp/2024/03/doha.jpg"' in page  # the body's image, from this site
    old = (newsroom.output / "news" / "talks-resume" / "index.html").read_text()  # the old address redirects
    assert 'http-equiv="refresh"' in old and "2024/03/talks-resume/" in old
    assert "2024/03/talks-resume/" in json.loads((newsroom.output / ".masthead" / "manifest.json").read_text()
                                                 )["articles"][0]["url"]
    again = run(newsroom, str(tmp_path / "export.xml"), "--media", str(media), "--section-map", "News=World")
    assert "Authors: 0 new" in again.output and "Wrote 0 files (3 unchanged) and 0 images" in again.output


def test_a_truncated_export_writes_nothing_and_says_so(newsroom, tmp_path, monkeypatch):
    monkeypatch.chdir(newsroom.root)
    (tmp_path / "export.xml").write_text(WXR[: len(WXR) // 2], encoding="utf-8")
    before = sorted(p.relative_to(newsroom.root) for p in newsroom.root.rglob("*"))
    result = run(newsroom, str(tmp_path / "export.xml"))
    assert result.exit_code == 1
    assert "not a complete WordPress export" in result.output and "export it again from Tools > Export" in result.output
    assert sorted(p.relative_to(newsroom.root) for p in newsroom.root.rglob("*")) == before


def test_an_unknown_export_version_is_refused(newsroom, tmp_path, monkeypatch):
    monkeypatch.chdir(newsroom.root)
    (tmp_path / "export.xml").write_text(WXR.replace("<wp:wxr_version>1.2", "<wp:wxr_version>9.9"), encoding="utf-8")
    result = run(newsroom, str(tmp_path / "export.xml"))
    assert result.exit_code == 1 and "WXR version '9.9'; masthead reads WordPress exports of version 1.1 or 1.2" \
        in result.output


def test_an_attachment_path_that_leaves_the_media_folder_is_not_followed(newsroom, tmp_path, monkeypatch):
    monkeypatch.chdir(newsroom.root)
    hostile = WXR.replace("https://old.example/wp-content/uploads/2024/03/doha.jpg",
                          "https://old.example/wp-content/uploads/../../../etc/passwd")
    (tmp_path / "export.xml").write_text(hostile, encoding="utf-8")
    (tmp_path / "uploads").mkdir()
    result = run(newsroom, str(tmp_path / "export.xml"), "--media", str(tmp_path / "uploads"), "--section-map",
                 "News=World")
    assert result.exit_code == 0, result.output
    assert not (newsroom.content / "images" / "wp").exists()
    post = frontmatter.load(newsroom.content / "articles" / "2024" / "talks-resume.md")
    assert post["image"].startswith("https://old.example/")  # shown from the old address, never copied


def test_bodies_converted_by_the_workers_are_the_bodies_converted_here(tmp_path, monkeypatch):
    import masthead.importers.wordpress as wordpress
    from masthead.workers import Workers

    (tmp_path / "export.xml").write_text(WXR, encoding="utf-8")
    alone = wordpress.plan_import(tmp_path / "export.xml", wordpress.Destination())
    monkeypatch.setattr(wordpress, "BATCH", 2)
    with Workers(cores=2) as workers:
        shared = wordpress.plan_import(tmp_path / "export.xml", wordpress.Destination(), workers=workers)
    assert shared.files == alone.files and shared.report.review == alone.report.review


def test_download_fetches_missing_images_once_and_keeps_the_old_address_for_what_fails(newsroom, tmp_path,
                                                                                       monkeypatch):
    import http.server
    import threading

    monkeypatch.chdir(newsroom.root)
    served = tmp_path / "site"
    (served / "wp-content" / "uploads" / "2024" / "03").mkdir(parents=True)
    Image.new("RGB", (1600, 900), "#753").save(served / "wp-content" / "uploads" / "2024" / "03" / "doha.jpg")
    requests = []

    class Old(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(served), **kwargs)

        def log_request(self, *args):  # one per request, whatever its answer
            requests.append(self.path)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Old)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    export = WXR.replace("https://old.example/wp-content/uploads/2024/03/doha.jpg",
                         f"{base}/wp-content/uploads/2024/03/doha.jpg")
    export = export.replace("<p>مذاکره‌کنندگان بازگشتند.</p>",
                            f'<p>مذاکره‌کنندگان بازگشتند.</p><img src="{base}/wp-content/uploads/gone.jpg" alt="x">')
    (tmp_path / "export.xml").write_text(export, encoding="utf-8")
    try:
        first = run(newsroom, str(tmp_path / "export.xml"), "--download", "--section-map", "News=World")
        assert first.exit_code == 0, first.output
        fetched = len(requests)
        again = run(newsroom, str(tmp_path / "export.xml"), "--download", "--section-map", "News=World")
    finally:
        server.shutdown()
    assert (newsroom.content / "images" / "wp" / "2024" / "03" / "doha.jpg").is_file()
    post = frontmatter.load(newsroom.content / "articles" / "2024" / "talks-resume.md")
    assert post["image"] == "wp/2024/03/doha.jpg"
    draft = frontmatter.load(newsroom.content / "articles" / "2024" / "talks-fa.md")
    assert f"{base}/wp-content/uploads/gone.jpg" in draft.content  # a 404 keeps its old address
    assert fetched == 2, requests  # the image once, the missing one once (a 404 is not tried again)
    assert len(requests) == fetched + 1  # the second run: only what is still missing
    assert "Wrote 0 files" in again.output
    assert "gone.jpg is not in" in (newsroom.root / "import-report.txt").read_text()


def test_a_newer_export_with_a_changed_slug_updates_the_same_file(newsroom, tmp_path, monkeypatch):
    monkeypatch.chdir(newsroom.root)
    (tmp_path / "export.xml").write_text(WXR, encoding="utf-8")
    run(newsroom, str(tmp_path / "export.xml"), "--section-map", "News=World")
    newer = WXR.replace("<wp:post_name><![CDATA[talks-resume]]>", "<wp:post_name><![CDATA[doha-talks]]>")
    (tmp_path / "newer.xml").write_text(newer, encoding="utf-8")
    result = run(newsroom, str(tmp_path / "newer.xml"), "--section-map", "News=World")
    assert result.exit_code == 0, result.output
    assert not (newsroom.content / "articles" / "2024" / "doha-talks.md").exists()
    assert frontmatter.load(newsroom.content / "articles" / "2024" / "talks-resume.md")["slug"] == "doha-talks"
    checked = CliRunner().invoke(main, ["check", "--settings", str(newsroom.settings_file), "--now", NOW.isoformat()])
    assert "no other article uses" not in checked.output  # one file per id


def item(post_id: int, title: str, slug: str, categories: str = "", status: str = "publish", extra: str = "",
         day: str = "2024-04-01") -> str:
    return f"""  <item>
    <title><![CDATA[{title}]]></title>
    <link>https://old.example/{slug or post_id}/</link>
    <dc:creator><![CDATA[ana]]></dc:creator>
    <guid isPermaLink="false">https://old.example/?p={post_id}</guid>
    <content:encoded><![CDATA[Text of post {post_id}.]]></content:encoded>
    <wp:post_id>{post_id}</wp:post_id>
    <wp:post_date_gmt><![CDATA[{day} 08:00:00]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[{slug}]]></wp:post_name>
    <wp:status><![CDATA[{status}]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>{categories}{extra}
  </item>
"""


def category(nicename: str, name: str) -> str:
    return f'\n    <category domain="category" nicename="{nicename}"><![CDATA[{name}]]></category>'


NESTED = (
    '  <wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>world</wp:category_nicename>'
    '<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[World]]></wp:cat_name></wp:category>\n'
    '  <wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>middle-east</wp:category_nicename>'
    '<wp:category_parent>world</wp:category_parent><wp:cat_name><![CDATA[Middle East]]></wp:cat_name></wp:category>\n'
    '  <wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>gulf</wp:category_nicename>'
    '<wp:category_parent>middle-east</wp:category_parent><wp:cat_name><![CDATA[Gulf]]></wp:cat_name></wp:category>\n'
    '  <wp:category><wp:term_id>4</wp:term_id><wp:category_nicename>loop-a</wp:category_nicename>'
    '<wp:category_parent>loop-b</wp:category_parent><wp:cat_name><![CDATA[Loop A]]></wp:cat_name></wp:category>\n'
    '  <wp:category><wp:term_id>5</wp:term_id><wp:category_nicename>loop-b</wp:category_nicename>'
    '<wp:category_parent>loop-a</wp:category_parent><wp:cat_name><![CDATA[Loop B]]></wp:cat_name></wp:category>\n'
)
LONG_TITLE = "Ministers " + "and envoys from every neighbouring capital " * 6 + "met again"


def edge_export() -> str:
    head = WXR.split("  <item>", 1)[0].replace("  <wp:author>", NESTED + "  <wp:author>", 1)
    return head + "".join([
        item(31, "Gulf ports expand", "gulf-ports", category("gulf", "Gulf")),
        item(32, "A loop of categories", "loop", category("loop-a", "Loop A")),
        item(33, "Members only", "members-only", category("world", "World"),
             extra="\n    <wp:post_password><![CDATA[secret]]></wp:post_password>"),
        item(34, "Pinned explainer", "pinned", category("world", "World"),
             extra="\n    <wp:is_sticky>1</wp:is_sticky>"),
        item(35, LONG_TITLE, "", category("world", "World")),
        item(36, "Summit opens", "summit", category("world", "World"), day="2024-05-01"),
        item(37, "Summit opens, day two", "summit", category("world", "World"), day="2024-05-02"),
        item(38, "", "", category("world", "World"), extra="\n    <wp:postmeta><wp:meta_key>_thumbnail_id"
             "</wp:meta_key><wp:meta_value>38</wp:meta_value></wp:postmeta>"),  # its own featured image
    ]) + "</channel>\n</rss>\n"


def test_nested_categories_protected_sticky_long_and_duplicate_posts_each_land_safely(newsroom, tmp_path,
                                                                                     monkeypatch):
    monkeypatch.chdir(newsroom.root)
    mine = newsroom.content / "articles" / "2024" / "pinned.md"  # the newsroom's own story, no id line
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text("---\ntitle: Our own pinned story\ndate: 2024-04-01 09:00\nauthors: [ana]\n"
                    "category: World\nsummary: Ours.\n---\nOurs.\n", encoding="utf-8")
    (tmp_path / "export.xml").write_text(edge_export(), encoding="utf-8")
    done = run(newsroom, str(tmp_path / "export.xml"))
    assert done.exit_code == 0, done.output
    articles = newsroom.content / "articles" / "2024"

    gulf = frontmatter.load(articles / "gulf-ports.md")  # Gulf < Middle East < World: filed under World
    assert gulf["category"] == "World" and gulf["tags"] == ["Gulf"]
    loop = frontmatter.load(articles / "loop.md")  # a loop of parents ends; no section: the first one
    assert loop["category"] == "World" and loop["tags"] == ["Loop A"]
    protected = frontmatter.load(articles / "members-only.md")
    assert protected["status"] == "draft"  # its text was never public: it is not published now either
    assert mine.read_text().startswith("---\ntitle: Our own pinned story")  # the newsroom's file is kept
    pinned = frontmatter.load(articles / "pinned-2.md")
    assert pinned["title"] == "Pinned explainer" and pinned["aliases"] == ["/pinned/"]
    long = next(frontmatter.load(p) for p in articles.glob("ministers-*.md"))
    assert long["title"] == LONG_TITLE and len(long["slug"]) <= 64
    first, second = frontmatter.load(articles / "summit.md"), frontmatter.load(articles / "summit-2.md")
    assert (first["title"], second["title"]) == ("Summit opens", "Summit opens, day two")
    assert first["aliases"] == ["/summit/"] and "aliases" not in second and first["id"] != second["id"]
    untitled = frontmatter.load(articles / "untitled.md")
    assert untitled["title"] == "Untitled" and "image" not in untitled
    assert "Articles: 1 draft, 7 published." in done.output

    report = (newsroom.root / "import-report.txt").read_text()
    assert "post 33 (Members only): password-protected on WordPress; imported as a draft" in report
    assert "post 34 (Pinned explainer): sticky on WordPress" in report
    assert "post 37 (Summit opens, day two): another article of 2024 has the slug 'summit'; this one is " \
           "'summit-2'" in report
    assert "category 'Loop A' is not a section of the site; filed under 'World'" in report
    assert "post 37 (Summit opens, day two): its old address /summit/ was another post's too" in report
    assert "post 38 (untitled): no title; given 'Untitled', write one" in report
    assert "post 38 (untitled): its featured image (item 38) is no image file in the export" in report

    again = run(newsroom, str(tmp_path / "export.xml"))
    assert "Wrote 0 files (8 unchanged)" in again.output  # the numbered slugs are the same ones again
    checked = CliRunner().invoke(main, ["check", "--settings", str(newsroom.settings_file), "--now", NOW.isoformat()])
    assert checked.exit_code == 0, checked.output
    assert f"{len(LONG_TITLE)} characters; search engines show 110" in checked.output


def test_an_export_in_another_declared_encoding_is_read_and_a_broken_one_is_one_line(newsroom, tmp_path,
                                                                                    monkeypatch):
    monkeypatch.chdir(newsroom.root)
    latin = edge_export().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace(
        "Gulf ports expand", "Gulf ports expand: São Tomé too")
    latin = latin.replace("مذاکره‌کنندگان بازگشتند.", "&#1605;").replace("گفت‌وگوها از سر گرفته شد", "Talks")
    (tmp_path / "latin.xml").write_bytes(latin.encode("iso-8859-1"))
    done = run(newsroom, str(tmp_path / "latin.xml"))
    assert done.exit_code == 0, done.output
    assert frontmatter.load(newsroom.content / "articles" / "2024" / "gulf-ports.md")["title"] == \
        "Gulf ports expand: São Tomé too"

    before = sorted(p.relative_to(newsroom.root) for p in newsroom.root.rglob("*"))
    broken = edge_export().encode("utf-8").replace(b"Gulf ports expand", b"Gulf ports \xe9xpand")  # Latin-1 bytes
    (tmp_path / "broken.xml").write_bytes(broken)  # ... in a file that says it is UTF-8
    result = run(newsroom, str(tmp_path / "broken.xml"))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "broken.xml: line " in lines[0] and "is not text in the encoding the file " \
        "declares" in lines[0] and "iconv -f WINDOWS-1252 -t UTF-8" in lines[0]
    assert sorted(p.relative_to(newsroom.root) for p in newsroom.root.rglob("*")) == before
