"""The skeleton of a new article: front matter an editor fills in, with a permanent id."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from .content.slugs import slugify


def article_skeleton(title: str, authors: tuple[str, ...], section: str, date: datetime,
                     article_id: str | None = None) -> str:
    """Markdown text of a new draft; values are JSON-quoted, which YAML reads as plain strings."""
    q = json.dumps  # a JSON string is a valid YAML double-quoted scalar, whatever the title holds
    return (
        "---\n"
        f"title: {q(title, ensure_ascii=False)}\n"
        f"id: {article_id or uuid.uuid4()}\n"
        f"date: {date.isoformat(timespec='minutes')}\n"
        "authors:\n" + "".join(f"  - {author}\n" for author in authors) +
        f"category: {q(section, ensure_ascii=False)}\n"
        "summary: \"One or two sentences that tell the reader what happened and why it matters.\"\n"
        "status: draft\n"
        "tags: []\n"
        "# image: photo.jpg          # a file under content/images, at least 1200 px wide\n"
        "# image_alt: \"What the photo shows, for readers who cannot see it\"\n"
        "# image_caption: \"\"\n"
        "# image_credit: \"\"\n"
        "# dateline: \"City\"\n"
        "---\n\n"
        "Write the first paragraph here. Set `status: published` when the story is ready; a\n"
        "published story with a future `date` waits until that moment.\n"
    )


def article_filename(title: str, date: datetime) -> str:
    """'articles/2026/some-headline.md', relative to the content folder."""
    return f"articles/{date:%Y}/{slugify(title) or 'untitled'}.md"
