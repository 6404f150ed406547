"""A Ghost export (Settings > Labs > Export your content: one JSON file) read as the posts the
WordPress pipeline turns into articles (wordpress.plan_posts): the same files, report and rules.

Ghost keeps posts, users, tags and their links in tables; a post's primary tag (the first) is its
section, its other tags are tags, its first author its byline. Authors come with their bios
and profile images.
Images under `__GHOST_URL__/content/images/` are copied from `--media` (a copy of that folder).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from .wordpress import Attachment, Destination, Export, ImportError_, ImportPlan, Post, Report, plan_posts

STATUSES = {"published": "publish", "scheduled": "future", "draft": "draft", "sent": "publish"}
MEDIA = "/content/images/"


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def read_ghost(path: Path, site_url: str = "") -> tuple[Export, list[dict], dict]:
    """The export's tables; a file that is not a Ghost export is one line."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        tables = data["db"][0]["data"]
        assert isinstance(tables["posts"], list)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, IndexError, TypeError, AssertionError):
        raise ImportError_(f"{path}: not a Ghost export (expected the JSON file of Settings > Labs > Export "
                           "your content)") from None
    users = {u["id"]: u for u in tables.get("users", [])}
    export = Export(path, {u.get("slug") or u["id"]: (u.get("name") or u.get("slug") or "", u.get("email") or "")
                           for u in users.values()}, {},
                    bios={u.get("slug") or u["id"]: u.get("bio") or "" for u in users.values()},
                    avatars={u.get("slug") or u["id"]: (u.get("profile_image") or "").replace(
                        "__GHOST_URL__", site_url.rstrip("/")) for u in users.values()},
                    media_marker=MEDIA, system="Ghost")
    return export, tables["posts"], tables


def ghost_posts(export: Export, rows: list[dict], tables: dict, report: Report, site_url: str) -> Iterator[Post]:
    users = {u["id"]: u for u in tables.get("users", [])}
    tags = {t["id"]: t for t in tables.get("tags", [])}
    meta = {m["post_id"]: m for m in tables.get("posts_meta", [])}

    def linked(table: str, key: str) -> dict[str, list[str]]:
        found: dict[str, list[tuple[int, str]]] = {}
        for row in tables.get(table, []):
            found.setdefault(row["post_id"], []).append((row.get("sort_order") or 0, row[key]))
        return {post: [value for _, value in sorted(values)] for post, values in found.items()}

    post_tags, post_authors = linked("posts_tags", "tag_id"), linked("posts_authors", "author_id")

    def absolute(url: str | None) -> str:
        return (url or "").replace("__GHOST_URL__", site_url.rstrip("/"))

    for row in rows:
        if row.get("type", "post") != "post":
            report.skipped[f"{row.get('type')}s (not posts)"] = report.skipped.get(f"{row.get('type')}s (not posts)",
                                                                                   0) + 1
            continue
        status = STATUSES.get(row.get("status", ""))
        date = _when(row.get("published_at")) or _when(row.get("created_at"))
        if status is None or date is None:
            report.skipped["posts without a status or date masthead knows"] = \
                report.skipped.get("posts without a status or date masthead knows", 0) + 1
            continue
        names = [tags[t]["name"] for t in post_tags.get(row["id"], []) if t in tags
                 and not tags[t]["name"].startswith("#")]  # '#' tags are Ghost's internal ones
        authors = [users[a].get("slug") or a for a in post_authors.get(row["id"], []) if a in users]
        author = authors[0] if authors else (users.get(row.get("author_id", ""), {}).get("slug") or "editor")
        extra = meta.get(row["id"], {})
        thumbnail = ""
        if row.get("feature_image"):
            thumbnail = f"ghost-{row['id']}"
            export.attachments[thumbnail] = Attachment(
                absolute(row["feature_image"]), extra.get("feature_image_alt") or row.get("feature_image_alt") or "",
                extra.get("feature_image_caption") or row.get("feature_image_caption") or "")
        yield Post(id=str(row["id"]), guid=f"ghost:{row.get('uuid') or row['id']}", title=row.get("title") or "",
                   slug=row.get("slug") or "", link=f"{site_url.rstrip('/')}/{row.get('slug')}/" if row.get("slug")
                   else "", author=author, date=date, modified=_when(row.get("updated_at")), status=status,
                   body_html=absolute(row.get("html")), excerpt=row.get("custom_excerpt") or "",
                   sections=names[:1], tags=names[1:], thumbnail=thumbnail, comments=0)


def plan_ghost(path: Path, destination: Destination, media: Path | None = None, site_url: str = "",
               workers=None) -> ImportPlan:
    """Every file a Ghost import writes, and the report; writes nothing. `site_url`: the Ghost
    site's address (its posts lived at `site_url/slug/`)."""
    export, rows, tables = read_ghost(path, site_url)
    report = Report()
    return plan_posts(export, ghost_posts(export, rows, tables, report, site_url), report, destination, media,
                      workers)
