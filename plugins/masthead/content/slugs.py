"""Slugs and permanent article ids: the parts of a URL and a feed id that must never drift."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import datetime, timezone

from unidecode import unidecode

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ARTICLE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{2,127}$")

# A fixed namespace: derived ids must come out the same on every machine and in every release.
_ID_NAMESPACE = uuid.UUID("6f1c3c1e-5d0b-4c55-9a55-2c1f0e5b7a11")


def slugify(text: str, max_length: int = 64) -> str:
    """ASCII slug of a headline: 'Ceasefire talks resume in Doha' -> 'ceasefire-talks-resume-in-doha'.

    Other scripts are transliterated; cut at a word boundary so URLs stay short.
    """
    ascii_text = unidecode(unicodedata.normalize("NFKC", text)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.replace("'", "")).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def derived_article_id(date_as_written: datetime, first_author: str) -> str:
    """The id of an article whose front matter has no `id`.

    It depends only on the publication date (wall-clock time as written, or the UTC instant
    when the date names its zone) and the first author's slug, so it survives changes to the
    slug, the title, the file name, SITEURL and TIMEZONE. `masthead new` writes an explicit id.
    """
    if date_as_written.tzinfo is not None:
        moment = date_as_written.astimezone(timezone.utc).replace(tzinfo=None).isoformat() + "Z"
    else:
        moment = date_as_written.isoformat()
    return str(uuid.uuid5(_ID_NAMESPACE, f"{moment}|{first_author}"))
