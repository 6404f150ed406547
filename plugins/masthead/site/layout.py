"""Where each page of the site lives and how its dates read: the URL layout, as plain data.

The layout is taken once from the settings a newsroom already knows from Pelican's documentation
(ARTICLE_URL, TAG_SAVE_AS, PAGINATION_PATTERNS, DATE_FORMATS, ...), so a newsroom that moves its
pages does so with the settings it would use for Pelican. Nothing here imports Pelican.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from unidecode import unidecode

from ..i18n import long_date

# Pelican's own default slug rules for section, tag and author names: names keep the slugs (and
# so the addresses) they had when Pelican made these pages.
DEFAULT_SLUG_SUBSTITUTIONS = ((r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""), (r"[-\s]+", "-"))
KINDS = ("ARTICLE", "ARTICLE_LANG", "PAGE", "PAGE_LANG", "AUTHOR", "CATEGORY", "TAG",
         "YEAR_ARCHIVE", "MONTH_ARCHIVE", "DAY_ARCHIVE")


@dataclass(frozen=True)
class Layout:
    """URL and file-name patterns per kind of page ("{slug}/", "{slug}/index.html"), the listing
    pages (DIRECT_TEMPLATES and their file names), pagination and date formats."""

    urls: dict[str, str]
    save_as: dict[str, str]
    default_lang: str
    direct: tuple[tuple[str, str], ...] = (("index", "index.html"),)  # (template, file)
    per_page: dict[str, int] = field(default_factory=dict)  # template -> stories per page (0: all)
    orphans: int = 0
    pagination: tuple[tuple[int, str, str], ...] = ((1, "{url}", "{save_as}"),)
    date_formats: dict[str, str] = field(default_factory=dict)  # DATE_FORMATS: a language's own strftime
    slug_rules: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # CATEGORY, TAG
    slug_unicode: bool = False
    slug_case: bool = False
    link_pattern: str = "[{|](?P<what>.*?)[|}]"  # INTRASITE_LINK_REGEX: {filename}other.md

    def url(self, kind: str, **values) -> str:
        return self.urls.get(kind, "").format(**values)

    def file(self, kind: str, **values) -> str:
        return self.save_as.get(kind, "").format(**values)

    def locale_date(self, moment: datetime, lang: str) -> str:
        """A date as pages show it: DATE_FORMATS for the language, else the language's own (CLDR)."""
        return long_date(moment, lang, self.date_formats)

    def slug(self, kind: str, name: str) -> str:
        """A section's or tag's slug, by Pelican's rules for the same settings."""
        text = unicodedata.normalize("NFKC", name)
        if not self.slug_unicode:
            text = unidecode(text)
        for pattern, replacement in self.slug_rules.get(kind, DEFAULT_SLUG_SUBSTITUTIONS):
            text = re.sub(unicodedata.normalize("NFKC", pattern), unicodedata.normalize("NFKC", replacement),
                          text, flags=re.IGNORECASE)
        return (text if self.slug_case else text.lower()).strip()

    def pages(self, template: str, save_as: str, url: str, count: int) -> list[tuple[str, str, int, int]]:
        """A paginated listing's pages: (file, url, first, last) per page, as Pelican's paginator
        cuts and names them (PAGINATION_PATTERNS, DEFAULT_ORPHANS)."""
        size = self.per_page.get(template, 0)
        if not size:
            return [(save_as, url, 0, count)]
        total = max(1, -(-max(1, count - self.orphans) // size))
        name, extension = save_as.rsplit(".", 1) if "." in save_as.rsplit("/", 1)[-1] else (save_as, "")
        folder, _, base = save_as.rpartition("/")
        base_name = folder if base in ("index.htm", "index.html") else name
        found = []
        for number in range(1, total + 1):
            first = (number - 1) * size
            last = count if number == total else first + size
            rule = None
            for min_page, url_pattern, file_pattern in self.pagination:
                if min_page == -1:
                    if number == total:
                        rule = (url_pattern, file_pattern)
                        break
                elif min_page <= number:
                    rule = (url_pattern, file_pattern)
            values = {"save_as": save_as, "url": url, "name": name, "base_name": base_name,
                      "extension": f".{extension}" if extension else "", "number": number}
            page_url, page_file = (_one_slash(p.format(**values)) for p in rule) if rule else ("", "")
            found.append((page_file, page_url, first, last))
        return found


def _one_slash(path: str) -> str:
    """Pelican removes one leading slash from a pagination pattern's result (and only one)."""
    return path[1:] if path.startswith("/") else path


def layout_from_settings(settings: dict) -> Layout:
    """The layout from Pelican-style settings (a plain dict; Pelican's defaults already filled in)."""
    urls = {kind: str(settings.get(f"{kind}_URL") or "") for kind in KINDS}
    files = {kind: str(settings.get(f"{kind}_SAVE_AS") or "") for kind in KINDS}
    direct = []
    for name in settings.get("DIRECT_TEMPLATES", ()):
        saved = settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
        if saved:
            direct.append((name, str(saved)))
    default = int(settings.get("DEFAULT_PAGINATION") or 0)
    paginated = settings.get("PAGINATED_TEMPLATES") or {}
    per_page = {name: int(default if size is None else size or 0) for name, size in paginated.items()}
    rules = {kind: tuple(tuple(rule) for rule in settings.get(f"{kind}_REGEX_SUBSTITUTIONS",
                                                                 settings.get("SLUG_REGEX_SUBSTITUTIONS",
                                                                              DEFAULT_SLUG_SUBSTITUTIONS)))
             for kind in ("CATEGORY", "TAG")}
    return Layout(urls=urls, save_as=files, default_lang=str(settings.get("DEFAULT_LANG", "en")).lower(),
                  direct=tuple(direct), per_page=per_page, orphans=int(settings.get("DEFAULT_ORPHANS") or 0),
                  pagination=tuple((int(r[0]), str(r[1]), str(r[2])) for r in settings.get("PAGINATION_PATTERNS", ())),
                  date_formats=dict(settings.get("DATE_FORMATS") or {}), slug_rules=rules,
                  slug_unicode=bool(settings.get("SLUGIFY_USE_UNICODE")),
                  slug_case=bool(settings.get("SLUGIFY_PRESERVE_CASE")),
                  link_pattern=str(settings.get("INTRASITE_LINK_REGEX") or Layout.link_pattern))
