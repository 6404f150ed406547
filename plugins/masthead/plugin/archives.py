"""Year, month and day archive pages, written by masthead instead of Pelican.

Pelican works out each period's articles by asking, for every period, which of all the articles
are in it: about a second at 10,000 articles on every build. Here one pass groups them, and each
page is rendered only when its articles changed. The settings are Pelican's own
(YEAR_ARCHIVE_SAVE_AS, MONTH_ARCHIVE_URL, ...) and the template is the theme's
`period_archives.html`, with the same variables Pelican gives it.
"""

from __future__ import annotations

import calendar

from pelican.generators import ArticlesGenerator

from .incremental import fingerprints_for, page_renderer

SETTINGS_KEY = "MASTHEAD_PERIOD_ARCHIVES"  # granularity -> (save_as, url), taken from Pelican
GRANULARITIES = ("year", "month", "day")


def take_over_period_archives(settings: dict) -> None:
    """Keep the archive settings for masthead, and leave Pelican none to build."""
    settings[SETTINGS_KEY] = {granularity: (settings.get(f"{granularity.upper()}_ARCHIVE_SAVE_AS", ""),
                                            settings.get(f"{granularity.upper()}_ARCHIVE_URL", ""))
                              for granularity in GRANULARITIES}
    for granularity in GRANULARITIES:
        settings[f"{granularity.upper()}_ARCHIVE_SAVE_AS"] = ""


def write_period_archives(generators) -> None:
    articles_generator = next(g for g in generators if isinstance(g, ArticlesGenerator))
    settings = articles_generator.settings
    articles, dates = articles_generator.articles, articles_generator.dates
    position = {id(article): n for n, article in enumerate(articles)}
    write = page_renderer(articles_generator)
    fingerprints = fingerprints_for(settings)
    for granularity, (save_as, url) in settings[SETTINGS_KEY].items():
        if not save_as:
            continue
        periods: dict[tuple, list] = {}
        for article in dates:
            moment = article.date
            period = (moment.year, moment.month, moment.day)[:GRANULARITIES.index(granularity) + 1]
            periods.setdefault(period, []).append(article)
        for period, in_period in periods.items():
            first = in_period[0].date
            name = save_as.format(date=first)
            shown = (period[0],) if granularity == "year" else \
                (period[0], calendar.month_name[period[1]], *period[2:])
            values = {"articles": sorted(in_period, key=lambda a: position[id(a)]), "dates": in_period,
                      "period": shown, "period_num": period, "template_name": "period_archives",
                      "blog": True, "url": url.format(date=first), "all_articles": articles}
            write(name, "period_archives.html", [repr((shown, save_as, url)), fingerprints.of(in_period)], values)
