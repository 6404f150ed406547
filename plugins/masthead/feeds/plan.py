"""Which feeds exist, which entries each holds, in which order, and how their archives chain.

Every feed (site, section, author, tag, and language when there is more than one) is a
subscription document with the newest `items` entries, newest first, full content included.

The whole history is kept once, in RFC 5005 archives of the site feed: one document per month
that has entries. Archiving every section, author, tag and language feed as well would write
each article a dozen more times (at 10,000 articles, gigabytes and tens of thousands of files
per build) for entries that are all in the site archive already.
Archives link only backwards (prev-archive) and to their subscription feed (current), so a
closed month's archive never changes unless one of its articles does.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable
from zoneinfo import ZoneInfo

from ..i18n import month_and_year
from .model import FeedDocument, FeedEntry, FeedKind

ARCHIVE_ROOT = "feeds/archive"
ARCHIVED_KINDS = ("site",)


@dataclass(frozen=True)
class FeedSite:
    """The site-wide facts every feed repeats."""

    title: str
    subtitle: str
    url: str
    default_lang: str
    timezone: ZoneInfo
    items: int = 50
    logo: str = ""
    icon: str = ""
    hub: str = ""


def feed_path(kind: FeedKind, key: str = "") -> str:
    """The stable path of a subscription feed, without its format's extension."""
    return {
        "site": "feeds/all",
        "section": f"feeds/sections/{key}",
        "author": f"feeds/authors/{key}",
        "tag": f"feeds/tags/{key}",
        "language": f"feeds/languages/{key}",
    }[kind]


def plan_feeds(entries: Iterable[FeedEntry], site: FeedSite) -> list[FeedDocument]:
    """All feed documents for the published entries, in a stable order."""
    newest_first = sorted(entries, key=lambda e: (e.published, e.id), reverse=True)
    # One pass files every entry under each feed it belongs to, keeping newest-first order.
    groups: dict[tuple[FeedKind, str], list[FeedEntry]] = defaultdict(list)
    heads: dict[tuple[FeedKind, str], tuple[str, str]] = {}
    for entry in newest_first:
        keys: list[tuple[FeedKind, str, str, str]] = [("site", "", site.title, site.url + "/"),
                ("section", entry.section.slug, entry.section.term, entry.section.url)]
        keys += [("author", a.slug, a.name, a.url) for a in entry.authors]
        keys += [("tag", t.slug, t.term, t.url) for t in entry.tags]
        keys.append(("language", entry.lang, entry.lang, site.url + "/"))
        for kind, key, name, home_url in keys:
            groups[(kind, key)].append(entry)
            heads.setdefault((kind, key), (name, home_url))

    several_languages = sum(1 for kind, _ in groups if kind == "language") > 1
    documents: list[FeedDocument] = []
    kinds: tuple[FeedKind, ...] = ("site", "section", "author", "tag", "language")
    for kind in kinds:
        if kind == "language" and not several_languages:
            continue
        for key in sorted(k for found, k in groups if found == kind):
            name, home_url = heads[(kind, key)]
            title = {"site": site.title, "language": f"{site.title} ({key})"}.get(kind, f"{site.title}: {name}")
            lang = key if kind == "language" else site.default_lang
            chosen = tuple(groups[(kind, key)])
            if kind in ARCHIVED_KINDS:
                documents.extend(_with_archives(feed_path(kind, key), kind, title, home_url, lang, chosen, site))
            else:
                documents.append(FeedDocument(path=feed_path(kind, key), kind=kind, title=title,
                                              subtitle=site.subtitle, home_url=home_url, lang=lang,
                                              entries=chosen[: site.items]))
    return documents


def _with_archives(path: str, kind: FeedKind, title: str, home_url: str, lang: str,
                   entries: tuple[FeedEntry, ...], site: FeedSite) -> list[FeedDocument]:
    months: dict[str, list[FeedEntry]] = {}
    for entry in entries:
        months.setdefault(_month(entry.published, site.timezone), []).append(entry)
    ordered = sorted(months)  # oldest month first
    archive_base = ARCHIVE_ROOT + path.removeprefix("feeds")
    archives = [
        FeedDocument(
            path=f"{archive_base}/{month}", kind=kind, title=f"{title} ({_month_name(month, lang)})",
            subtitle=site.subtitle, home_url=home_url, lang=lang, entries=tuple(months[month]),
            archive_of=path, prev_archive=f"{archive_base}/{ordered[i - 1]}" if i else "",
        )
        for i, month in enumerate(ordered)
    ]
    current = FeedDocument(path=path, kind=kind, title=title, subtitle=site.subtitle, home_url=home_url,
                           lang=lang, entries=entries[: site.items], prev_archive=archives[-1].path)
    return [current, *archives]


def _month(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m")


def _month_name(month: str, lang: str) -> str:
    """'November 2026' in the feed's language."""
    return month_and_year(datetime.strptime(month, "%Y-%m"), lang)


