"""Who gets which articles: the build manifest and a subscriber in, a digest's contents out. Pure."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

SPANS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


@dataclass(frozen=True)
class DigestArticle:
    id: str
    url: str
    title: str
    summary: str
    lang: str
    section: str
    authors: tuple[str, ...]
    author_slugs: tuple[str, ...]
    published: datetime
    card: str = ""
    corrections: tuple[tuple[datetime, str], ...] = ()


@dataclass(frozen=True)
class Selection:
    """A subscriber's digest: sections in the order of their newest story, stories newest first."""

    sections: tuple[tuple[str, tuple[DigestArticle, ...]], ...]
    corrections: tuple[tuple[DigestArticle, datetime, str], ...] = ()

    @property
    def articles(self) -> tuple[DigestArticle, ...]:
        return tuple(a for _, items in self.sections for a in items)

    @property
    def is_empty(self) -> bool:
        return not self.sections and not self.corrections


def articles_from_manifest(manifest: dict) -> list[DigestArticle]:
    return [
        DigestArticle(
            id=entry["id"], url=entry["url"], title=entry["title"], summary=entry["summary"], lang=entry["lang"],
            section=entry["section"]["name"], authors=tuple(a["name"] for a in entry["authors"]),
            author_slugs=tuple(a["slug"] for a in entry["authors"]),
            published=datetime.fromisoformat(entry["published"]), card=entry.get("card") or "",
            corrections=tuple((datetime.fromisoformat(c["date"]), c["text"]) for c in entry.get("corrections", ())),
        )
        for entry in manifest.get("articles", [])
    ]


def period_of(frequency: str, moment: datetime, zone) -> str:
    """A daily edition is a calendar day, a weekly one an ISO week, in the site's timezone."""
    local = moment.astimezone(zone)
    if frequency == "weekly":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def edition_path(period: str) -> str:
    """Where an edition is published on the site ("view in browser")."""
    return f"digests/{period}/"


def window(frequency: str, until: datetime, last_until: datetime | None) -> tuple[datetime, datetime]:
    """Since the subscriber's last digest of this frequency, or one period back for a new reader."""
    return (last_until or until - SPANS[frequency]), until


def edition_id(frequency: str, until: datetime, article_ids: list[str]) -> str:
    """Derived from the period and the articles in it: the same run twice is the same edition."""
    material = "|".join([frequency, until.isoformat(), *sorted(article_ids)])
    return f"{frequency}-{until:%Y%m%d}-{hashlib.sha256(material.encode()).hexdigest()[:12]}"


def select_for(articles: list[DigestArticle], since: datetime, until: datetime, sections: tuple[str, ...] = (),
               authors: tuple[str, ...] = (), language: str = "", received: frozenset[str] = frozenset()) -> Selection:
    """What one subscriber gets: new stories they follow, and corrections to stories they received."""

    def follows(article: DigestArticle) -> bool:
        if language and article.lang.split("-")[0] != language.split("-")[0]:
            return False
        if not sections and not authors:
            return True
        return article.section in sections or any(slug in authors for slug in article.author_slugs)

    new = sorted((a for a in articles if since < a.published <= until and follows(a)),
                 key=lambda a: (a.published, a.id), reverse=True)
    grouped: dict[str, list[DigestArticle]] = {}
    for article in new:
        grouped.setdefault(article.section, []).append(article)
    corrections = tuple(sorted(
        ((a, when, text) for a in articles if a.id in received
         for when, text in a.corrections if since < when <= until),
        key=lambda c: c[1]))
    return Selection(tuple((name, tuple(items)) for name, items in grouped.items()), corrections)
