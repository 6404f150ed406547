"""A Substack export (Settings > Exports: a folder with posts.csv and posts/<post_id>.html) read as
the posts the WordPress pipeline turns into articles (wordpress.plan_posts).

Substack has no sections and one author per publication: every post is filed under the section
`--section-map Substack=SECTION` names (else the site's first, and listed) and bylined to the author
given. A post lived at `/p/<slug>`, which becomes its alias.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from .wordpress import Destination, Export, ImportError_, ImportPlan, Post, Report, plan_posts

COLUMNS = ("post_id", "post_date", "is_published", "title")


def _when(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def substack_posts(folder: Path, author: str, report: Report) -> Iterator[Post]:
    index = folder / "posts.csv"
    try:
        text = index.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise ImportError_(f"{folder}: not a Substack export (expected posts.csv and a posts/ folder, as in the "
                           "zip of Settings > Exports)") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportError_(f"{index}: not Substack's posts.csv (no column {missing[0]!r})")
    posts_dir = (folder / "posts").resolve()
    for row in reader:
        post_id = (row.get("post_id") or "").strip()
        slug = post_id.split(".", 1)[1] if "." in post_id else post_id
        date = _when(row.get("post_date") or "")
        page = (posts_dir / f"{post_id}.html").resolve()
        if not post_id or date is None or not page.is_relative_to(posts_dir):
            report.skipped["rows without a post id or date"] = report.skipped.get("rows without a post id or date",
                                                                                  0) + 1
            continue
        if not page.is_file():
            report.review.append(f"{index}:{reader.line_num}: posts/{post_id}.html is missing; the post is left out")
            report.skipped["posts without their HTML file"] = report.skipped.get("posts without their HTML file", 0) + 1
            continue
        published = (row.get("is_published") or "").strip().lower() == "true"
        yield Post(id=post_id, guid=f"substack:{post_id}", title=(row.get("title") or "").strip(), slug=slug,
                   link=f"/p/{slug}/", author=author, date=date, modified=None,
                   status="publish" if published else "draft", body_html=page.read_text(encoding="utf-8"),
                   excerpt=(row.get("subtitle") or "").strip(), sections=["Substack"], tags=[], thumbnail="",
                   comments=0)


def plan_substack(folder: Path, destination: Destination, media: Path | None = None, author: str = "editor",
                  author_name: str = "", workers=None) -> ImportPlan:
    """Every file a Substack import writes, and the report; writes nothing."""
    report = Report()
    export = Export(folder, {author: (author_name or author, "")}, {}, media_marker="/images/", system="Substack")
    return plan_posts(export, substack_posts(folder, author, report), report, destination, media, workers)
