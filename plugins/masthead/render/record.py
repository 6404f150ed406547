"""Render only what changed: each output unit (a page of the site plan, a feed document, a card)
is rendered when the key of its inputs differs from the last build's; otherwise its files stay in
output/ as they are (masthead.build merges the rest in).

A unit's key is a digest of the site-wide inputs (masthead's code and theme, the settings, the
authors and pages: `site_key`) and of the exact context the unit is rendered from (see
masthead.site.keys). The record of keys and files lives in
output/.masthead/build.json, so it always describes the output it sits in; a missing or foreign
record means everything is rendered. tests/test_incremental.py compares the result of a series
of incremental builds with a clean build, file by file.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Callable

from .. import __version__
from ..freshness import RECORD_VERSION, read_record, settings_text
from ..outputs import BUILD_RECORD_FILE
from ..seo.sitemaps import NEWS_WINDOW

LIST_FROM = 64  # a folder with this many files to look for is listed, not stat'ed file by file


class RenderRecord:
    """The units of the previous build (read from its output) and of this one (written with it)."""

    def __init__(self, previous_output: Path | None, site_key: str, previous_record: dict | None = None):
        """`previous_record`: the record in previous_output, when the caller read it already."""
        self.previous_output = previous_output
        self.previous_root = f"{previous_output}/" if previous_output is not None else ""
        self.site_key = site_key
        self.previous: dict = {}
        self.previous_loose: list[str] = []
        self.units: dict[str, list] = {}
        self.loose: set[str] = set()  # files written on every build, outside any unit (sitemaps, static files)
        self.kept: set[str] = set()
        self.rendered = 0
        self.carried = 0
        if previous_output is not None:
            data = previous_record or read_record(previous_output)
            try:
                if data and data.get("site") == site_key:
                    self.previous, self.previous_loose = dict(data["units"]), list(data["loose"])
            except (KeyError, TypeError, ValueError):
                self.previous, self.previous_loose = {}, []

    def key(self, *parts: str) -> str:
        return self.keys_under()(*parts)

    def keys_under(self, *shared: str) -> Callable[..., str]:
        """key(*shared, *parts) for many units: what they share (a long description of the card
        layout, say) is digested once."""
        start = hashlib.sha256(self.site_key.encode())
        for part in shared:
            start.update(b"\0" + part.encode("utf-8", "surrogatepass"))

        def key(*parts: str) -> str:
            digest = start.copy()
            for part in parts:
                digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
            return digest.hexdigest()
        return key

    def same(self, unit: str, key: str) -> bool:
        """Whether the last build rendered this unit from the same inputs, and its files are still
        in the previous output."""
        before = self.previous.get(unit)
        if not before or before[0] != key:
            return False
        root, files = self.previous_root, before[1]
        if len(files) == 1:  # most units: a page, a card
            return os.path.isfile(root + files[0])
        return all(os.path.isfile(root + rel) for rel in files)

    def all_present(self, units) -> bool:
        """Whether every file of these units of the last build is still in its output. A folder
        holding many of them (the cards) is listed once, without a stat per file; the others are
        stat'ed one by one. (On a cold disk each stat can cost a read of its own.)"""
        by_folder: dict[str, list[str]] = {}
        for unit in units:
            for rel in self.previous[unit][1]:
                folder, _, name = rel.rpartition("/")
                by_folder.setdefault(folder, []).append(name)
        root = self.previous_root
        for folder, names in by_folder.items():
            base = f"{root}{folder}/" if folder else root
            if len(names) < LIST_FROM:
                if not all(os.path.isfile(base + name) for name in names):
                    return False
                continue
            try:
                with os.scandir(base) as entries:
                    present = {entry.name for entry in entries if entry.is_file()}  # the folder's own types
            except OSError:
                return False
            if not present.issuperset(names):
                return False
        return True

    def unchanged(self, unit: str, key: str, page: bool = True) -> bool:
        """Like same(), and then the unit's files are kept for the new output."""
        if not self.same(unit, key):
            return False
        self.keep(unit, page)
        return True

    def keep(self, unit: str, page: bool = True) -> None:
        """The last build's files of `unit` stay in the output, under its recorded key."""
        before = self.previous[unit]
        self.units[unit] = before
        self.kept.update(before[1])
        self.carried += page

    def rendered_unit(self, unit: str, key: str, files: list[str], page: bool = True) -> None:
        """`unit` was made afresh from inputs `key`; `page`: it counts as a page rendered."""
        self.units[unit] = [key, sorted(files)]
        self.rendered += page

    def files(self) -> set[str]:
        """The files of this build's units."""
        return {rel for _, files in self.units.values() for rel in files}

    def previous_files(self) -> set[str]:
        """Every file the last build made: what a merge may have to remove."""
        return {rel for _, files in self.previous.values() for rel in files} | set(self.previous_loose)

    def save(self, output: Path, build: dict) -> None:
        """Write the record; `build` says which inputs and clock the output holds (see unchanged_since)."""
        path = output / BUILD_RECORD_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"version": RECORD_VERSION, "site": self.site_key, "build": build,
                                    "units": self.units, "loose": sorted(self.loose)},
                                   separators=(",", ":"), sort_keys=True), encoding="utf-8")


def clock_horizon(newsroom) -> datetime | None:
    """The next moment the clock alone changes the site: a scheduled article's time, an expiry,
    or an article leaving the 48-hour news sitemap. None when nothing is waiting."""
    moments = []
    for article in newsroom.articles:
        if article.status == "draft":
            continue
        if article.date > newsroom.now:
            moments.append(article.date)
        elif article.date + NEWS_WINDOW >= newsroom.now:
            moments.append(article.date + NEWS_WINDOW)
        if article.expires and article.expires > newsroom.now:
            moments.append(article.expires)
    return min(moments) if moments else None


def site_key(settings: dict, config, newsroom, theme) -> str:
    """A digest of the inputs every page shares: code, theme, settings, authors and pages."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    words = [folder / "locale" for folder in theme.folders]  # the catalogs every page's words come from
    for folder in (package, *(Path(t) for t in theme.templates()), *words):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".pyc"):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(repr(theme.own_labels).encode())  # labels.yml
    for name in ("pelican", "jinja2", "markdown", "nh3"):
        digest.update(version(name).encode())
    digest.update(__version__.encode())  # an upgrade renders every page again: never old and new mixed
    digest.update(settings_text(settings))
    logo = newsroom.images.get(f"images/{config.logo}") if config.logo else None  # its size is in structured data
    digest.update(repr((config, sorted(newsroom.authors.items()), newsroom.pages, logo)).encode())
    return digest.hexdigest()
