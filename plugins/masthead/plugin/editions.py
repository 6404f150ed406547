"""Digest editions on the site: one page per day and per ISO week that has stories, and an archive.

The digest emails link to these pages ("view in browser"): /digests/2026-11-27/ for a daily
edition, /digests/2026-W48/ for a weekly one, as `masthead digest send` names its periods.
"""

from __future__ import annotations

from dataclasses import dataclass

from pelican.generators import ArticlesGenerator

from ..config import SiteConfig
from ..digest.select import edition_path, period_of
from .incremental import fingerprints_for, page_renderer


@dataclass
class WebEdition:
    frequency: str
    period: str
    title: str
    articles: list

    @property
    def path(self) -> str:
        return edition_path(self.period)

    @property
    def sections(self) -> list:
        grouped: dict[str, list] = {}
        for article in self.articles:
            grouped.setdefault(article.category.name, []).append(article)
        return list(grouped.items())


def write_editions(generators) -> None:
    articles_generator = next(g for g in generators if isinstance(g, ArticlesGenerator))
    settings = articles_generator.settings
    config: SiteConfig = settings["MASTHEAD_CONFIG"]
    editions: dict[tuple[str, str], WebEdition] = {}
    for article in articles_generator.articles:  # newest first
        for frequency in ("daily", "weekly"):
            period = period_of(frequency, article.date, config.timezone)
            if (frequency, period) not in editions:
                local = article.date.astimezone(config.timezone)
                title = (f"{local:%-d %B %Y}" if frequency == "daily"
                         else f"Week {period.split('-W')[1]}, {period.split('-W')[0]}")
                editions[(frequency, period)] = WebEdition(frequency, period, title, [])
            editions[(frequency, period)].articles.append(article)
    ordered = sorted(editions.values(), key=lambda e: e.period, reverse=True)
    write = page_renderer(articles_generator)
    fingerprints = fingerprints_for(settings)
    for edition in ordered:
        write(edition.path + "index.html", "edition.html", [edition.title, fingerprints.of(edition.articles)],
              {"edition": edition})
    write("digests/index.html", "editions.html",
          [repr([(e.period, e.title, len(e.articles)) for e in ordered])], {"editions": ordered})
