"""Importing a WordPress export of 10,000 posts: time and peak memory (target: under 60 s and
under 500 MB on the development machine). Prints a table.

    .venv/bin/python bench/import_wordpress.py            # 10,000 posts
    .venv/bin/python bench/import_wordpress.py 50000      # another size

The export is generated (about 8 KB of HTML per post, 200 categories and tags, 40 authors, a
featured image per post) and written as a stream; the import runs in its own process, timed from
start to exit, into a fresh newsroom made by `masthead init`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MASTHEAD = str(Path(sys.executable).with_name("masthead"))
PARAGRAPH = ("Negotiators returned to the table on Monday after a week of <strong>quiet</strong> contacts, "
             "and officials on both sides said a <a href=\"https://example.org/r\">framework</a> was close. ") * 6


def write_export(path: Path, posts: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
                  'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
                  'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
                  "<channel><title>Old</title><wp:wxr_version>1.2</wp:wxr_version>\n")
        for n in range(40):
            out.write(f"<wp:author><wp:author_login>writer{n}</wp:author_login>"
                      f"<wp:author_display_name>Writer {n}</wp:author_display_name></wp:author>\n")
        for n in range(posts):
            body = "\n\n".join([PARAGRAPH] * 8)
            out.write(
                f"<item><title>Story number {n}</title><link>https://old.example/news/story-{n}/</link>"
                f"<dc:creator>writer{n % 40}</dc:creator><guid>https://old.example/?p={n + 1}</guid>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                f"<excerpt:encoded><![CDATA[The summary of story {n}.]]></excerpt:encoded>"
                f"<wp:post_id>{n + 1}</wp:post_id>"
                f"<wp:post_date_gmt>20{10 + n % 16}-{1 + n % 12:02d}-{1 + n % 28:02d} 09:00:00</wp:post_date_gmt>"
                f"<wp:post_name>story-{n}</wp:post_name><wp:status>publish</wp:status>"
                f"<wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="c"><![CDATA[Section {n % 10}]]></category>'
                f'<category domain="post_tag" nicename="t"><![CDATA[Tag {n % 200}]]></category>'
                f"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
                f"<wp:meta_value>{posts + n + 1}</wp:meta_value></wp:postmeta></item>\n")
        for n in range(posts):
            out.write(f"<item><title>photo {n}</title><wp:post_id>{posts + n + 1}</wp:post_id>"
                      f"<wp:post_type>attachment</wp:post_type><wp:attachment_url>"
                      f"https://old.example/wp-content/uploads/2020/01/photo-{n}.jpg</wp:attachment_url>"
                      f"<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
                      f"<wp:meta_value>Photo {n}</wp:meta_value></wp:postmeta></item>\n")
        out.write("</channel></rss>\n")


def main(posts: int) -> None:
    from feeds_share import machine

    with tempfile.TemporaryDirectory(prefix="masthead-import-bench-") as tmp:
        root = Path(tmp)
        export = root / "export.xml"
        write_export(export, posts)
        subprocess.run([MASTHEAD, "init", "room", "--name", "Bench", "--url", "https://bench.example",
                        "--sections", ",".join(f"Section {n}" for n in range(10))], cwd=root, check=True,
                       capture_output=True)
        before = sum(1 for _ in (root / "room" / "content" / "articles").rglob("*.md"))
        os.sync()
        started = time.perf_counter()
        process = subprocess.Popen([MASTHEAD, "import", "wordpress", str(export)], cwd=root / "room",
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        output = process.stdout.read().decode() if process.stdout else ""
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(output)
        written = sum(1 for _ in (root / "room" / "content" / "articles").rglob("*.md")) - before
        print(f"machine: {machine()}")
        print(f"{'posts':>8} {'export MB':>10} {'seconds':>8} {'peak MB':>8} {'articles written':>17}")
        print(f"{posts:>8,} {export.stat().st_size / 1e6:>10.0f} {seconds:>8.1f} {usage.ru_maxrss / 1024:>8.0f} "
              f"{written:>17,}")
        print(output.strip().splitlines()[0])


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
