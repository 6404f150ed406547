"""Any site with an RSS or Atom feed: its entries read (feedparser) as the posts the WordPress
pipeline turns into articles (wordpress.plan_posts).

A feed holds what the site chose to put in it: the full body where it carries one (content:encoded,
Atom content), else the summary (listed in the report); its categories (the first as the section,
the others as tags), authors, dates, and the entry's own address, which becomes the alias. A URL is
fetched once, bounded in size and time.
"""

from __future__ import annotations

import calendar
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from ..content.slugs import slugify
from .wordpress import Attachment, Destination, Export, ImportError_, ImportPlan, Post, Report, plan_posts

MAX_BYTES = 50 * 1024 * 1024  # a feed larger than this is not a feed
TIMEOUT = 30


def fetch(source: str) -> bytes:
    """The feed's bytes: a local file, or an http(s) URL fetched once."""
    if source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(urllib.request.Request(source, headers={"User-Agent": "masthead-import"}),
                                        timeout=TIMEOUT) as answer:
                data = answer.read(MAX_BYTES + 1)
        except OSError as exc:
            raise ImportError_(f"{source}: could not be fetched ({exc}); try again, or save the feed and give "
                               "its file") from None
        if len(data) > MAX_BYTES:
            raise ImportError_(f"{source}: larger than {MAX_BYTES // 1024 // 1024} MB; not imported")
        return data
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise ImportError_(f"{source}: cannot be read ({exc.strerror})") from None


def _moment(parsed) -> datetime | None:
    return datetime.fromtimestamp(calendar.timegm(parsed), timezone.utc) if parsed else None


def feed_posts(data: bytes, source: str, export: Export, report: Report) -> Iterator[Post]:
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise ImportError_(f"{source}: not an RSS or Atom feed ({parsed.bozo_exception})")
    for n, entry in enumerate(parsed.entries, start=1):
        # dict.get: feedparser's own get() maps a missing 'updated' to 'published', with a warning
        updated = _moment(dict.get(entry, "updated_parsed"))
        date = _moment(dict.get(entry, "published_parsed")) or updated
        if date is None:
            report.skipped["entries without a date"] = report.skipped.get("entries without a date", 0) + 1
            continue
        content = entry.get("content") or []
        body = content[0].get("value", "") if content else ""
        where = f"entry {n} ({entry.get('title', 'untitled')})"
        if not body:
            body = entry.get("summary", "")
            report.review.append(f"{where}: the feed carries only a summary; the article holds that much")
        names = [tag.get("term", "").strip() for tag in entry.get("tags", []) if tag.get("term", "").strip()]
        author = entry.get("author", "") or "editor"
        login = slugify(author) or "editor"
        export.authors.setdefault(login, (author if author != "editor" else "Editor", ""))
        thumbnail = ""
        for media in entry.get("media_content", []) + [e for e in entry.get("enclosures", [])
                                                       if e.get("type", "").startswith("image/")]:
            url = media.get("url") or media.get("href")
            if url:
                thumbnail = f"feed-{n}"
                export.attachments[thumbnail] = Attachment(url)
                break
        link = entry.get("link", "")
        yield Post(id=str(n), guid=entry.get("id") or link or f"{source}#{n}", title=entry.get("title", ""),
                   slug=slugify(entry.get("title", "")) or f"entry-{n}", link=link, author=login, date=date,
                   modified=updated, status="publish", body_html=body,
                   excerpt=entry.get("summary", "") if content else "", sections=names[:1], tags=names[1:],
                   thumbnail=thumbnail, comments=0)


def plan_feed(source: str, destination: Destination, media: Path | None = None, workers=None) -> ImportPlan:
    """Every file a feed import writes, and the report; writes nothing."""
    data = fetch(source)
    report = Report()
    export = Export(Path(source), {}, {}, media_marker="/", system="Feed")
    found = list(feed_posts(data, source, export, report))  # a feed is small: read whole, then planned
    return plan_posts(export, iter(found), report, destination, media, workers)
