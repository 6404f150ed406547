"""Render only what changed: each output unit (a Pelican page or paginated listing, a digest
edition page, a feed document) is rendered when the key of its inputs differs from the last
build's; otherwise its files stay in output/ as they are (masthead.build merges the rest in).

A unit's key is a digest of everything its template can show: the site-wide inputs (masthead's
code and theme, the settings, the authors, pages and section menu: `site_key`) and the
fingerprints of the articles and listings it was given. The record of keys and files lives in
output/.masthead/build.json, so it always describes the output it sits in; a missing or foreign
record means everything is rendered. tests/test_incremental.py compares the result of a series
of incremental builds with a clean build, file by file.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import fields
from datetime import date, datetime
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from pelican.contents import Content
from pelican.urlwrappers import URLWrapper
from pelican.writers import Writer

from .. import __version__
from ..content import Article
from ..freshness import RECORD_VERSION, settings_text
from ..outputs import BUILD_RECORD_FILE
from ..seo.sitemaps import NEWS_WINDOW
from .seo import INDEX_KEY

RECORD_KEY = "MASTHEAD_RECORD"  # this build's RenderRecord
PREVIOUS_KEY = "MASTHEAD_PREVIOUS_OUTPUT"  # the output/ a build replaces; set by masthead.build
FINGERPRINTS_KEY = "MASTHEAD_FINGERPRINTS"
# Templates that list the site's sections, tags or authors from Pelican's shared context.
CONTEXT_LISTINGS = ("categories", "tags", "authors")
IGNORED_ARGUMENTS = {"all_articles"}  # passed by Pelican to listings; masthead's theme never reads it
_SIMPLE = (str, int, float, bool, type(None))  # shown as they are


class RenderRecord:
    """The units of the previous build (read from its output) and of this one (written with it)."""

    def __init__(self, previous_output: Path | None, site_key: str):
        self.previous_output = previous_output
        self.previous_root = f"{previous_output}/" if previous_output is not None else ""
        self.site_key = site_key
        self.previous: dict = {}
        self.previous_loose: list[str] = []
        self.units: dict[str, list] = {}
        self.loose: set[str] = set()  # files written on every build, outside any unit (sitemaps, static files)
        self.kept: set[str] = set()
        self.journal: list[tuple[str, bool]] = []  # (unit, kept) in the order they were settled
        self.rendered = 0
        self.carried = 0
        if previous_output is not None:
            try:
                data = json.loads((previous_output / BUILD_RECORD_FILE).read_text(encoding="utf-8"))
                if data.get("version") == RECORD_VERSION and data.get("site") == site_key:
                    self.previous, self.previous_loose = data["units"], data["loose"]
            except (OSError, ValueError, KeyError, TypeError):
                self.previous = {}

    def key(self, *parts: str) -> str:
        digest = hashlib.sha256(self.site_key.encode())
        for part in parts:
            digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def same(self, unit: str, key: str) -> bool:
        """Whether the last build rendered this unit from the same inputs, and its files are still
        in the previous output."""
        before = self.previous.get(unit)
        if not before or before[0] != key:
            return False
        root = self.previous_root
        return all(os.path.isfile(root + rel) for rel in before[1])

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
        self.journal.append((unit, True))

    def rendered_unit(self, unit: str, key: str, files: list[str], page: bool = True) -> None:
        """`unit` was made afresh from inputs `key`; `page`: it counts as a page rendered."""
        self.units[unit] = [key, sorted(files)]
        self.rendered += page
        self.journal.append((unit, False))

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
    for folder in (package, *(Path(t) for t in theme.templates())):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".pyc"):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    for name in ("pelican", "jinja2", "markdown", "nh3"):
        digest.update(version(name).encode())
    digest.update(__version__.encode())  # an upgrade renders every page again: never old and new mixed
    digest.update(settings_text(settings))
    digest.update(repr((config, sorted(newsroom.authors.items()), newsroom.pages)).encode())
    return digest.hexdigest()


LONG_LIST = 64  # a list this long is digested once per build (the site's articles, a tag's)


class Fingerprints:
    """What a template can show of an article, page or listing, as a short digest per object.

    Long lists are digested once per build: the same lists (every article, each tag's) are handed
    to many pages, and Pelican never changes them once its generators are done."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.memo: dict = {}
        self.lists: dict[int, tuple] = {}  # id -> (the list, kept so its id is never reused; digest)
        self._menu: str | None = None

    def menu(self, context: dict) -> str:
        """The section menu every page shows (sections that have articles)."""
        if self._menu is None:
            self._menu = self.of([section for section, _ in context.get("categories", ())])
        return self._menu

    def of(self, value, whole: bool = False) -> str:
        """A digest of `value`; an article inside a list (a listing) counts without its body, which
        no listing shows (a theme's listing templates may show anything of an article but that)."""
        if isinstance(value, Content):
            key = (id(value), whole)
            found = self.memo.get(key)
            if found is None:
                found = self.memo[key] = self._content(value, whole)
            return found
        if isinstance(value, URLWrapper):
            found = self.memo.get(id(value))
            if found is None:
                found = self.memo[id(value)] = repr((type(value).__name__, value.name, value.slug, value.url))
            return found
        if isinstance(value, _SIMPLE):
            return repr(value)
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            if len(value) < LONG_LIST:
                return "[" + ",".join(self.of(item) for item in value) + "]"
            found = self.lists.get(id(value))
            if found is None:
                shown = ",".join(self.of(item) for item in value)
                digest = hashlib.sha256(shown.encode("utf-8", "surrogatepass")).hexdigest()
                found = self.lists[id(value)] = (value, digest)
            return f"[{len(value)}:{found[1]}]"
        if isinstance(value, dict):
            items = sorted(value.items(), key=lambda i: repr(i[0]))
            return "{" + ",".join(f"{k!r}:{self.of(v)}" for k, v in items) + "}"
        return f"<{type(value).__name__}:{id(value)}>"  # unknown: never equal across builds, so rendered

    def _content(self, item: Content, whole: bool) -> str:
        record = getattr(item, "record", None)
        if isinstance(record, Article):
            shown = record.digest if whole else record.listing_digest
        elif whole or not hasattr(record, "body_html"):
            shown = repr(record)
        else:
            shown = repr([getattr(record, name) for name in _listed_fields(type(record))])
        parts = [shown, item.url, item.save_as, getattr(item, "status", ""),
                 getattr(item, "locale_date", ""), getattr(item, "lang", "")]
        category = getattr(item, "category", None)
        if category is not None:
            parts.append(self.of(category))
        parts += [self.of(tag) for tag in getattr(item, "tags", None) or ()]
        parts += [self.of(author) for author in getattr(item, "authors", None) or ()]
        key = getattr(record, "translation_key", "")
        if key:
            group = self.settings[INDEX_KEY]["translations"].get(key, ())
            parts += [f"{version.lang}:{version.url}" for version in group]
        return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


@lru_cache(maxsize=None)
def _listed_fields(kind: type) -> tuple[str, ...]:
    """What a listing may show of a record: everything but the body."""
    return tuple(f.name for f in fields(kind) if f.name != "body_html")


class IncrementalWriter(Writer):
    """Pelican's writer, skipping a page (or a paginated listing) whose inputs are unchanged."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._opened: list[str] = []

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        record: RenderRecord | None = self.settings.get(RECORD_KEY)
        if not name or record is None:
            return super().write_file(name, template, context, relative_urls, paginated, template_name,
                                      override_output, url, **kwargs)
        fingerprints = fingerprints_for(self.settings)
        parts = [name, template.name, fingerprints.menu(context),
                 repr((relative_urls, template_name, override_output, url))]
        parts += [f"{key}={fingerprints.of(value, whole=True)}" for key, value in sorted(kwargs.items())
                  if key not in IGNORED_ARGUMENTS]
        if paginated is not None:
            parts.append(fingerprints.of(paginated))
        if template.name.removesuffix(".html") in self.settings.get("DIRECT_TEMPLATES", ()):
            parts += [fingerprints.of(context.get(listing, ())) for listing in CONTEXT_LISTINGS]
        key = record.key(*parts)
        if record.unchanged(name, key):
            return None
        self._opened = []
        super().write_file(name, template, context, relative_urls, paginated, template_name,
                           override_output, url, **kwargs)
        output = Path(self.output_path)
        record.rendered_unit(name, key, [Path(p).relative_to(output).as_posix() for p in self._opened])
        return None

    def _open_w(self, filename, encoding, override=False):
        self._opened.append(filename)
        return super()._open_w(filename, encoding, override=override)


def page_renderer(generator):
    """write(name, template, parts, values): render a page of masthead's own (an edition, an
    archive) into the output unless the last build rendered it from the same `parts`."""
    settings, context = generator.settings, generator.context
    record: RenderRecord = settings[RECORD_KEY]
    menu = fingerprints_for(settings).menu(context)
    output = Path(generator.output_path)

    def write(name: str, template: str, parts: list[str], values: dict) -> None:
        key = record.key(name, template, menu, *parts)
        if record.unchanged(name, key):
            return
        text = generator.env.get_template(template).render({**context, **values, "output_file": name})
        path = output / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        record.rendered_unit(name, key, [name])
    return write


def fingerprints_for(settings: dict) -> Fingerprints:
    return settings.setdefault(FINGERPRINTS_KEY, Fingerprints(settings))


def get_writer(pelican) -> type:
    return IncrementalWriter
