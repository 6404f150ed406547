"""`masthead import feed`: an RSS feed (from a file and over HTTP) and an Atom feed, imported and built."""

from __future__ import annotations

import http.server
import threading

import frontmatter
from click.testing import CliRunner

from masthead.cli import main

from conftest import NOW

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Old Times</title><link>https://old.example/</link><description>Old</description>
<item>
  <title>Bridges reopen</title><link>https://old.example/2023/05/bridges-reopen/</link>
  <guid isPermaLink="false">old-times-4411</guid><pubDate>Tue, 02 May 2023 08:00:00 GMT</pubDate>
  <dc:creator>Rosa Vidal</dc:creator><category>World</category><category>Transport</category>
  <description>Traffic flows again.</description>
  <content:encoded><![CDATA[<p>Traffic flows <strong>again</strong>.</p><p>Two bridges reopened.</p>]]></content:encoded>
  <media:content url="https://old.example/img/bridge.jpg" medium="image" type="image/jpeg"/>
</item>
<item>
  <title>Summary only</title><link>https://old.example/2023/05/summary-only/</link>
  <pubDate>Wed, 03 May 2023 08:00:00 GMT</pubDate><description>Just a summary here.</description>
</item>
</channel></rss>
"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Old Atom</title><id>urn:old</id><updated>2023-06-01T00:00:00Z</updated>
<entry><title>Atom story</title><id>urn:old:1</id><link href="https://old.example/atom-story.html"/>
  <published>2023-06-01T09:00:00Z</published><updated>2023-06-02T09:00:00Z</updated>
  <author><name>Ana Ruiz</name></author><category term="Europe"/>
  <content type="html">&lt;p&gt;From an Atom feed.&lt;/p&gt;</content></entry>
</feed>
"""


def run(room, *args):
    return CliRunner().invoke(main, ["import", "feed", *args, "--settings", str(room.settings_file)],
                              catch_exceptions=False)


def test_an_rss_feed_over_http_becomes_articles_with_their_old_addresses(newsroom, tmp_path, monkeypatch):
    monkeypatch.chdir(newsroom.root)
    (tmp_path / "feed.xml").write_text(RSS, encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = run(newsroom, f"http://127.0.0.1:{server.server_port}/feed.xml")
    finally:
        server.shutdown()
    assert done.exit_code == 0, done.output
    assert "Articles: 2 published. Authors: 2 new. Featured images: 0 found, 1 from the old site." in done.output
    post = frontmatter.load(newsroom.content / "articles" / "2023" / "bridges-reopen.md")
    assert (post["category"], post["tags"], post["authors"]) == ("World", ["Transport"], ["rosa-vidal"])
    assert post["summary"] == "Traffic flows again."
    assert "aliases" not in post  # the same address on this site: nothing to redirect
    assert post["image"] == "https://old.example/img/bridge.jpg"
    assert "Traffic flows **again**." in post.content and "Two bridges reopened." in post.content
    assert "carries only a summary" in (newsroom.root / "import-report.txt").read_text()
    checked = CliRunner().invoke(main, ["check", "--settings", str(newsroom.settings_file), "--now", NOW.isoformat()])
    assert checked.exit_code == 0, checked.output
    newsroom.build()
    assert "Bridges reopen" in (newsroom.output / "2023" / "05" / "bridges-reopen" / "index.html").read_text()


def test_an_atom_feed_from_a_file_and_again_changes_nothing(newsroom, tmp_path, monkeypatch):
    monkeypatch.chdir(newsroom.root)
    (tmp_path / "atom.xml").write_text(ATOM, encoding="utf-8")
    first = run(newsroom, str(tmp_path / "atom.xml"))
    assert first.exit_code == 0, first.output
    post = frontmatter.load(newsroom.content / "articles" / "2023" / "atom-story.md")
    assert post["category"] == "Europe" and post["aliases"] == ["/atom-story.html"]
    assert post["updated"] == "2023-06-02T09:00+00:00" and "From an Atom feed." in post.content
    again = run(newsroom, str(tmp_path / "atom.xml"))
    assert "Wrote 0 files (1 unchanged)" in again.output


def test_something_that_is_not_a_feed_is_one_line(newsroom, tmp_path, monkeypatch):
    monkeypatch.chdir(newsroom.root)
    (tmp_path / "page.html").write_text("<html><body>not a feed", encoding="utf-8")
    result = run(newsroom, str(tmp_path / "page.html"))
    assert result.exit_code == 1 and "page.html: not an RSS or Atom feed" in result.output
