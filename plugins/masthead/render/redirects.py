"""Redirects from an article's old addresses (front matter `aliases`) to where it lives now.

Each old address gets a small HTML page that sends readers and crawlers on (meta refresh and a
canonical link, for stores that ignore redirect headers), and the list goes to
.masthead/redirects.json, from which `masthead deploy` sets x-amz-website-redirect-location.
"""

from __future__ import annotations

import html
import json

from ..config import SiteConfig
from ..errors import MastheadError
from ..outputs import REDIRECTS_FILE
from .files import OutputFolder


def redirect_page(title: str, url: str, lang: str) -> str:
    target, name = html.escape(url, quote=True), html.escape(title)
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{name}</title>\n"
            f'<link rel="canonical" href="{target}">\n<meta http-equiv="refresh" content="0; url={target}">\n'
            f'<meta name="robots" content="noindex">\n</head>\n<body>\n'
            f'<p><a href="{target}">{name}</a></p>\n</body>\n</html>\n')


def write_redirects(stories, taken: set[str], config: SiteConfig, output: OutputFolder) -> list[str]:
    """A redirect page for each alias of a built story; `taken`: the files of the site's pages,
    which no alias may replace. Returns the files written."""
    redirects = {}
    for story in stories:
        url = f"{config.public_url}/{story.url}"
        for alias in story.record.aliases:
            key = alias + "index.html" if alias.endswith("/") else alias
            if key in taken or key in redirects or (output.root / key).exists():
                raise MastheadError(f"{story.record.source}: aliases: {alias!r} is the address of a page "
                                    "that exists; remove it from aliases")
            output.write_text(key, redirect_page(story.title, url, story.lang))
            redirects[key] = url
    if redirects:
        output.write_text(REDIRECTS_FILE, json.dumps(redirects, indent=1, sort_keys=True) + "\n")
        return [*redirects, REDIRECTS_FILE]
    return []
