"""Checks for single front-matter values: each returns the typed value or raises Invalid.

Invalid carries the 'expected' and 'found' halves of a message; the schema adds file, line, field.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, time
from typing import Mapping
from zoneinfo import ZoneInfo

from ..config import LANG_TAG
from ..errors import describe, did_you_mean
from .model import ImageFile, Picture
from .slugs import SLUG, slugify

IMAGES_DIR = "images/"


class Invalid(Exception):
    def __init__(self, expected: str, found: str):
        self.expected = expected
        self.found = found
        super().__init__(f"expected {expected}, found {found}")


def _clean(value: str) -> str:
    """Drop control characters and fold runs of white space (a title is one line)."""
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Cc" or ch in "\t\n")
    return " ".join(value.split())


def text(value: object) -> str:
    """One line of text; newlines fold to spaces so a title can never split a header."""
    if not isinstance(value, str):
        raise Invalid("text", describe(value))
    cleaned = _clean(value)
    if not cleaned:
        raise Invalid("text", "an empty value")
    return cleaned


def written_datetime(value: object) -> datetime:
    """An ISO 8601 date or date-time exactly as written: naive when it names no zone."""
    if not isinstance(value, str):
        raise Invalid("an ISO 8601 date such as '2026-11-20' or '2026-11-20T09:30+01:00'",
                      describe(value))
    raw = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return datetime.combine(datetime.fromisoformat(raw).date(), time())
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        parsed = None
    if parsed is None or not re.match(r"^\d{4}-\d{2}-\d{2}", raw):
        raise Invalid("an ISO 8601 date such as '2026-11-20' or '2026-11-20T09:30+01:00'",
                      describe(value))
    return parsed


def in_zone(moment: datetime, zone: ZoneInfo) -> datetime:
    """Give a zone-less date-time the site's TIMEZONE; keep an explicit zone as written."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def slug(value: object) -> str:
    cleaned = text(value)
    if not SLUG.match(cleaned):
        hint = slugify(cleaned)
        raise Invalid("lowercase letters, digits and hyphens",
                      repr(cleaned) + (f" (try '{hint}')" if hint else ""))
    return cleaned


def slug_list(value: object, what: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise Invalid(f"a list of {what} (one '- item' per line)", describe(value))
    if not value:
        raise Invalid(f"at least one {what.rstrip('s')}", "an empty list")
    return tuple(slug(item) for item in value)


def text_list(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise Invalid("a list (one '- item' per line)", describe(value))
    items = tuple(text(item) for item in value)
    seen = set()
    for item in items:
        if item.lower() in seen:
            raise Invalid("each item once", f"{item!r} twice")
        seen.add(item.lower())
    return items


def absolute_url(value: object) -> str:
    cleaned = text(value)
    if not re.match(r"^https?://[^\s/]+\.[^\s]*$", cleaned):
        raise Invalid("an absolute http(s) URL", repr(cleaned))
    return cleaned


def language(value: object) -> str:
    cleaned = text(value)
    if not LANG_TAG.match(cleaned):
        raise Invalid("a BCP 47 language tag such as 'en', 'fa' or 'pt-BR'", repr(cleaned))
    return cleaned


def choice(value: object, choices: tuple[str, ...]) -> str:
    cleaned = text(value)
    if cleaned not in choices:
        raise Invalid("one of " + ", ".join(choices), repr(cleaned) + did_you_mean(cleaned, choices))
    return cleaned


def picture(value: object, images: Mapping[str, ImageFile]) -> Picture:
    """An absolute URL, or a path under content/images that must exist."""
    cleaned = text(value)
    if cleaned.startswith(("http://", "https://")):
        return Picture(absolute_url(cleaned))
    rel = IMAGES_DIR + cleaned.lstrip("/")
    found = images.get(rel)
    if found is None:
        if cleaned in images:  # written with the images/ prefix the field does not take
            hint = f" (paths are relative to content/images: did you mean '{cleaned[len(IMAGES_DIR):]}'?)"
        else:
            hint = did_you_mean(rel, images).replace(IMAGES_DIR, "")
        raise Invalid("an image file under content/images or an http(s) URL",
                      f"no file content/{rel}{hint}")
    return Picture(rel, found.width, found.height, found.bytes)
