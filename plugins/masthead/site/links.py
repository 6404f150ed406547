"""Links between content files, written as Pelican's documentation teaches: `{filename}other.md`,
`{static}/images/map.png`, `{tag}elections`, `{category}World`, `{author}Ana Ruiz`, `{index}`.

Each becomes the address of what it names, in href, src and the other URL attributes, as Pelican
resolves them (the same INTRASITE_LINK_REGEX setting). A link to nothing that is built is left as
written and reported, so the editor finds it.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable

DEFAULT_PATTERN = "[{|](?P<what>.*?)[|}]"


@dataclass
class LinkTargets:
    """What a link may name: content files by their path under content/ (articles, pages, static
    files), and sections, tags and authors by name."""

    files: dict[str, str]  # "pages/about.md" -> "about/"
    sections: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    authors: dict[str, str] = field(default_factory=dict)
    index: str = ""


def may_link(html: str) -> bool:
    """Whether `html` could hold a link to resolve: most bodies have neither mark a pattern starts with."""
    return "{" in html or "|" in html


def link_resolver(targets: LinkTargets, site_url: str, pattern: str = DEFAULT_PATTERN
                  ) -> Callable[[str, str], tuple[str, list[str]]]:
    """resolve(html, source) -> (html with its links resolved, the links that name nothing)."""
    regex = re.compile(rf"""
        (?P<markup><[^>]+(?:href|src|poster|data|cite|formaction|action|content)\s*=\s*)
        (?P<quote>["'])
        (?P<path>{pattern}(?P<value>.*?))
        (?P=quote)""", re.X)
    named = {"tag": targets.tags, "category": targets.sections, "author": targets.authors}

    def resolve(html: str, source: str) -> tuple[str, list[str]]:
        if not may_link(html):
            return html, []
        missing: list[str] = []
        folder = posixpath.dirname(source)

        def replace(match: re.Match) -> str:
            what, value = match.group("what"), match.group("value")
            cut = min((value.find(mark) for mark in "?#" if mark in value), default=len(value))
            path, suffix = value[:cut], value[cut:]
            url = None
            if what in ("filename", "static", "attach"):
                wanted = path[1:] if path.startswith("/") else posixpath.normpath(posixpath.join(folder, path))
                url = targets.files.get(wanted.replace("%20", " "))
            elif what in named:
                url = named[what].get(path)
            elif what == "index":
                url = targets.index
            else:
                return match.group(0)  # not one of ours: leave it
            if url is None:
                missing.append(match.group("path"))
                return match.group(0)
            return f"{match.group('markup')}{match.group('quote')}{site_url}/{url}{suffix}{match.group('quote')}"

        return regex.sub(replace, html), missing

    return resolve
