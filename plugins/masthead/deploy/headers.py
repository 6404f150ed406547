"""HTTP headers for each published file: Content-Type by extension, Cache-Control by ordered rules.

A rule is (pattern, cache-control); the first pattern that matches a file's path wins. The
newsroom may replace the rules in MASTHEAD["deploy"]["cache_rules"].
"""

from __future__ import annotations

import fnmatch
import gzip
import mimetypes

from .plan import Headers

SHORT = "public, max-age=60, must-revalidate"  # pages, feeds, sitemaps: news changes by the minute
DEFAULT_CACHE_RULES: tuple[tuple[str, str], ...] = (
    ("*.html", SHORT),
    ("feeds/*", SHORT),
    ("sitemap.xml", SHORT),
    ("sitemaps/*", SHORT),
    ("news-sitemap*.xml", SHORT),
    ("robots.txt", SHORT),
    # Paths with a content hash in their name never change: cache them for a year.
    ("*.[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].*", "public, max-age=31536000, immutable"),
    ("images/*", "public, max-age=86400"),
    ("cards/*", "public, max-age=3600"),
    ("theme/*", "public, max-age=3600"),
    ("*", "public, max-age=300"),
)
TYPES = {
    ".atom.xml": "application/atom+xml",
    ".rss.xml": "application/rss+xml",
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
}
_TEXT = ("text/", "application/xml", "application/atom+xml", "application/rss+xml", "application/json",
         "application/feed+json", "image/svg+xml", "text/javascript")


def content_type(key: str) -> str:
    """The type a browser needs, with charset=utf-8 for text; files without an extension are text."""
    name = key.rsplit("/", 1)[-1]
    if key.startswith("feeds/") and name.endswith(".json"):
        found = "application/feed+json"
    else:
        known = next((t for suffix, t in TYPES.items() if name.endswith(suffix)), None)
        if known is not None:
            found = known
        else:
            found = "text/plain" if "." not in name else (mimetypes.guess_type(name)[0] or "application/octet-stream")
    return f"{found}; charset=utf-8" if found.startswith(_TEXT) else found


def cache_control(key: str, rules=DEFAULT_CACHE_RULES) -> str:
    for pattern, value in rules:
        if fnmatch.fnmatchcase(key, pattern):
            return value
    return "public, max-age=300"


def compressible(media_type: str) -> bool:
    return media_type.startswith(_TEXT)


def prepare(key: str, data: bytes, rules=DEFAULT_CACHE_RULES, precompress: str = "",
            redirect: str = "") -> tuple[bytes, Headers]:
    """The bytes to upload and their headers; gzip with mtime 0 so the same file gives the same bytes."""
    media_type = content_type(key)
    encoding = ""
    if precompress == "gzip" and compressible(media_type):
        data = gzip.compress(data, compresslevel=9, mtime=0)
        encoding = "gzip"
    return data, Headers(media_type, cache_control(key, rules), encoding, redirect)
