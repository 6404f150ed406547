"""The site as a plan: from the newsroom, the settings and the clock to every page masthead renders.

`plan_site` is pure. It decides which stories are built and listed, their addresses, the
sections, tags and authors with their stories, and `units()` turns that into output units: a
file, a template and the exact context the template gets. The Pelican adapter renders each unit
whose context key changed (pelican_adapter/generator.py); nothing else reaches a template but the
site-wide values every unit shares (`shared`, the settings, the theme's helpers).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from typing import MutableMapping

from ..config import SiteConfig
from ..content import Article, Newsroom
from ..digest.select import edition_path, period_of
from ..i18n import long_date
from .layout import Layout
from .links import LinkTargets, link_resolver, may_link
from .views import Byline, Edition, Neighbour, PageView, Paging, Section, Story, Tag, Teaser, Version

GRANULARITIES = ("YEAR", "MONTH", "DAY")


@dataclass(frozen=True)
class Unit:
    """One page to render: `path` under output/, `template` (a name without .html) and the whole
    context its template gets beyond the site-wide values."""

    path: str
    template: str
    context: dict = field(hash=False)


@dataclass
class SitePlan:
    layout: Layout
    stories: tuple[Story, ...]  # published and listed, newest first
    hidden: tuple[Story, ...]  # expired, kept with a notice: built, listed nowhere
    listed: tuple[Teaser, ...]  # `stories` as listings show them
    sections: tuple[tuple[Section, tuple[Teaser, ...]], ...]  # in MASTHEAD["sections"] order
    tags: tuple[tuple[Tag, tuple[Teaser, ...]], ...]
    authors: tuple[tuple[Byline, tuple[Teaser, ...]], ...]
    pages: tuple[PageView, ...]  # published pages (the footer lists them)
    hidden_pages: tuple[PageView, ...]
    editions: tuple[Edition, ...]
    unresolved: tuple[tuple[str, str], ...] = ()  # (file, link) of links to content that is not built

    @property
    def built(self) -> tuple[Story, ...]:
        """Every story with a page: listed ones and expired ones kept with a notice."""
        return self.stories + self.hidden

    @property
    def shared(self) -> dict:
        """What every page shows: the section menu and the footer's pages."""
        return {"sections": tuple(section for section, _ in self.sections), "pages": self.pages}

    def units(self) -> list[Unit]:
        layout, found = self.layout, []
        for story in self.built:
            found.append(Unit(story.save_as, "article", {"article": story, "category": story.category}))
        for page in self.pages + self.hidden_pages:
            found.append(Unit(page.save_as, "page", {"page": page}))
        whole = {"articles": self.listed, "dates": self.listed, "categories": self.sections, "tags": self.tags,
                 "authors": self.authors}
        for template, save_as in layout.direct:
            found += _paged(layout, template, save_as, _folder(save_as), self.listed, {**whole, "page_name": template})
        for kind, template, groups in (("CATEGORY", "category", self.sections), ("TAG", "tag", self.tags),
                                       ("AUTHOR", "author", self.authors)):
            if not layout.save_as.get(kind):
                continue
            for owner, teasers in groups:
                if owner.slug:  # as Pelican: a name without a slug has no page
                    found += _paged(layout, template, owner.save_as, owner.url, teasers,
                                    {template: owner, "articles": teasers, "dates": teasers})
        found += self._period_archives()
        for edition in self.editions:
            found.append(Unit(edition.path + "index.html", "edition", {"edition": edition}))
        found.append(Unit("digests/index.html", "editions", {"editions": self.editions}))
        return found

    def _period_archives(self) -> list[Unit]:
        layout, found = self.layout, []
        for depth, granularity in enumerate(GRANULARITIES, start=1):
            save_as, url = layout.save_as.get(f"{granularity}_ARCHIVE"), layout.urls.get(f"{granularity}_ARCHIVE", "")
            if not save_as:
                continue
            periods: dict[tuple, list[Teaser]] = {}
            for teaser in self.listed:
                moment = teaser.date
                periods.setdefault((moment.year, moment.month, moment.day)[:depth], []).append(teaser)
            for period, teasers in periods.items():
                first = teasers[0].date
                shown = (period[0],) if depth == 1 else (period[0], calendar.month_name[period[1]], *period[2:])
                listed = tuple(teasers)
                found.append(Unit(save_as.format(date=first), "period_archives",
                                  {"articles": listed, "dates": listed, "period": shown, "period_num": period,
                                   "url": url.format(date=first)}))
        return found


def _folder(save_as: str) -> str:
    return save_as[: -len("index.html")] if save_as.endswith("index.html") else save_as


def _paged(layout: Layout, template: str, save_as: str, url: str, teasers: tuple, context: dict) -> list[Unit]:
    """A listing's units: one, or one per page when the template is paginated (PAGINATED_TEMPLATES)."""
    pages = layout.pages(template, save_as, url, len(teasers))
    if len(pages) == 1 and not layout.per_page.get(template):
        return [Unit(save_as, template, context)]
    units = []
    for number, (page_file, page_url, first, last) in enumerate(pages, start=1):
        previous = Neighbour(pages[number - 2][1], number - 1) if number > 1 else None
        following = Neighbour(pages[number][1], number + 1) if number < len(pages) else None
        paging = Paging(teasers[first:last], number, len(pages), page_url, page_file,
                        previous.url if previous else "", following.url if following else "")
        paged = {"articles_paginator": paging, "articles_page": paging, "articles_previous_page": previous,
                 "articles_next_page": following, "dates_paginator": paging, "dates_page": paging,
                 "dates_previous_page": previous, "dates_next_page": following}
        units.append(Unit(page_file, template, {**context, **paged}))
    return units


def plan_site(newsroom: Newsroom, config: SiteConfig, layout: Layout,
              places: MutableMapping[str, tuple[str, str, str]] | None = None) -> SitePlan:
    """Which stories and pages are built, where, and what every listing holds. `places` keeps
    each story's (url, file, date as shown) by its record's digest between builds, for this
    layout (masthead.placecache): a large site's stories are mostly where they were."""
    return Placement(newsroom, config, layout, places).plan()


class Placement:
    """Where everything of the site is and what links resolve to: each built story's place, the
    sections, tags and bylines, the language versions. `plan()` makes the whole site plan from it;
    `story()` one story's view, for a build that makes only a few stories again (render/edits.py)."""

    def __init__(self, newsroom: Newsroom, config: SiteConfig, layout: Layout,
                 places: MutableMapping[str, tuple[str, str, str]] | None = None) -> None:
        self.newsroom, self.config, self.layout, self.places = newsroom, config, layout, places
        now = newsroom.now
        listed_records: list[Article] = []
        hidden_records: list[Article] = []
        self.states: list[tuple[Article, str]] = []  # every article by its file, with its state now
        for article in sorted(newsroom.articles, key=lambda a: a.rel):
            state = article.state(now)
            self.states.append((article, state))
            if state == "published":
                listed_records.append(article)
            elif state == "expired" and config.expired == "notice":
                hidden_records.append(article)
        listed_records.sort(key=lambda a: a.date, reverse=True)  # stable: same date, by file name
        hidden_records.sort(key=lambda a: a.date, reverse=True)
        self.listed_records, self.hidden_records = listed_records, hidden_records
        self.sections: dict[str, Section] = {}
        self.tags: dict[str, Tag] = {}
        self.bylines: dict[str, Byline] = {}
        self._places: dict[int, tuple[str, str, str]] = {}  # by id(article): each is placed when asked
        self.page_places = {}
        for page in newsroom.pages:
            if page.status != "draft":
                kind = "PAGE" if page.lang == layout.default_lang else "PAGE_LANG"
                values = {"slug": page.slug, "lang": page.lang, "title": page.title, "path": page.rel}
                self.page_places[page.rel] = (layout.url(kind, **values), layout.file(kind, **values))
        self.unresolved: list[tuple[str, str]] = []

    @cached_property
    def versions(self) -> dict[str, tuple[Version, ...]]:
        """Each translation key's versions, when a story has more than one."""
        groups: dict[str, list[Article]] = {}
        for article in self.listed_records:
            if article.translation_key:
                groups.setdefault(article.translation_key, []).append(article)
        return {key: tuple(Version(a.lang, self.placed(a)[0]) for a in sorted(found, key=lambda a: a.lang))
                for key, found in groups.items() if len(found) > 1}

    @cached_property
    def resolve(self):
        """The link resolver: every built story and page by its file, the pictures; sections by
        name (an expired story's too: its page links to it), and the tags and authors with pages.
        Made from the records alone, whatever stories were made before it."""
        built = self.listed_records + self.hidden_records
        files = {a.rel: self.placed(a)[0] for a in built}
        sections = {a.category: self.section(a.category).url for a in built}
        tags = {name: self.tag(name).url for a in self.listed_records for name in a.tags}
        authors = {byline.name: byline.url for byline in
                   (self.byline(slug) for a in self.listed_records for slug in a.authors)}
        targets = LinkTargets(files={**files, **{rel: url for rel, (url, _) in self.page_places.items()},
                                     **{rel: rel for rel in self.newsroom.images}},
                              sections=sections, tags=tags, authors=authors, index="")
        return link_resolver(targets, self.config.site_url, self.layout.link_pattern)

    def _named(self, kind: str, made: dict, name: str):
        """One section or tag object per name, with its slug and addresses."""
        if name not in made:
            slug = self.layout.slug(kind, name)
            view = Section if kind == "CATEGORY" else Tag
            made[name] = view(name, slug, self.layout.url(kind, slug=slug, name=name),
                              self.layout.file(kind, slug=slug, name=name))
        return made[name]

    def section(self, name: str) -> Section:
        return self._named("CATEGORY", self.sections, name)

    def tag(self, name: str) -> Tag:
        return self._named("TAG", self.tags, name)

    def byline(self, slug: str) -> Byline:
        if slug not in self.bylines:
            profile, layout = self.newsroom.authors[slug], self.layout
            self.bylines[slug] = Byline(profile.name, slug, layout.url("AUTHOR", slug=slug, name=profile.name),
                                        layout.file("AUTHOR", slug=slug, name=profile.name), profile)
        return self.bylines[slug]

    def placed(self, article: Article) -> tuple[str, str, str]:
        """(url, file, date as shown): everything in it comes from the record and the layout."""
        found = self._places.get(id(article))
        if found is None:
            found = self._places[id(article)] = self._place(article)
        return found

    def _place(self, article: Article) -> tuple[str, str, str]:
        shelf = self.section(article.category)  # a section of expired stories only is named too (links to it)
        places, layout = self.places, self.layout
        found = places.get(article.digest) if places is not None else None
        if found is None:
            kind = "ARTICLE" if article.lang == layout.default_lang else "ARTICLE_LANG"
            values = {"slug": article.slug, "date": article.date, "lang": article.lang, "title": article.title,
                      "id": article.id, "path": article.rel, "category": shelf.slug,
                      "author": article.authors[0] if article.authors else ""}
            found = (layout.url(kind, **values), layout.file(kind, **values),
                     layout.locale_date(article.date, article.lang))
            if places is not None:
                places[article.digest] = found
        return found

    def _resolved(self, html: str, source: str, rel: str) -> str:
        if not may_link(html):  # most bodies: the resolver's targets are not even made
            return ""
        body, missing = self.resolve(html, rel)
        self.unresolved.extend((source, link) for link in missing)
        return body if body != html else ""

    def story(self, article: Article, expired: bool = False) -> Story:
        """A built story's view (a listed one, or with `expired` one kept with a notice)."""
        url, save_as, shown_date = self.placed(article)
        return Story(article, url, save_as, shown_date, self.section(article.category),
                     tuple(map(self.tag, article.tags)), tuple(map(self.byline, article.authors)),
                     self.versions.get(article.translation_key, ()) if article.translation_key else (), expired,
                     self._resolved(article.body_html, article.source, article.rel))

    def _menu_order(self):
        order = {name: n for n, name in enumerate(self.config.sections)}
        return lambda section: (order.get(section.name, len(order)), section.slug, section.name)

    def menu(self) -> tuple[Section, ...]:
        """The sections with listed stories, in the menu's order: SitePlan.sections without their stories."""
        names = {article.category for article in self.listed_records}
        return tuple(sorted((self.section(name) for name in names), key=self._menu_order()))

    def page_views(self) -> tuple[tuple[PageView, ...], tuple[PageView, ...]]:
        """The published pages (the footer lists them) and the hidden ones."""
        page_views: list[PageView] = []
        hidden_pages: list[PageView] = []
        for page in sorted(self.newsroom.pages, key=lambda p: (p.rel.rsplit("/", 1)[-1], p.rel)):
            if page.rel in self.page_places:
                view = PageView(page, *self.page_places[page.rel],
                                self._resolved(page.body_html, page.source, page.rel))
                (hidden_pages if page.status == "hidden" else page_views).append(view)
        return tuple(page_views), tuple(hidden_pages)

    def plan(self) -> SitePlan:
        config, layout = self.config, self.layout
        stories = tuple(self.story(a, False) for a in self.listed_records)
        hidden = tuple(self.story(a, True) for a in self.hidden_records)
        listed = tuple(s.teaser for s in stories)

        by_section: dict[Section, list[Teaser]] = {}
        by_tag: dict[Tag, list[Teaser]] = {}
        by_author: dict[Byline, list[Teaser]] = {}
        for teaser in listed:
            by_section.setdefault(teaser.category, []).append(teaser)
            for t in teaser.tags:
                by_tag.setdefault(t, []).append(teaser)
            for a in teaser.authors:
                by_author.setdefault(a, []).append(teaser)
        order = self._menu_order()
        section_list = tuple(sorted(((s, tuple(found)) for s, found in by_section.items()),
                                    key=lambda pair: order(pair[0])))
        tag_list = tuple(sorted(((t, tuple(found)) for t, found in by_tag.items()),
                                key=lambda p: (p[0].slug, p[0].name)))
        author_list = tuple(sorted(((a, tuple(found)) for a, found in by_author.items()),
                                   key=lambda p: (layout.slug("AUTHOR", p[0].name), p[0].slug)))

        page_views, hidden_pages = self.page_views()
        return SitePlan(layout=layout, stories=stories, hidden=hidden, listed=listed, sections=section_list,
                        tags=tag_list, authors=author_list, pages=page_views,
                        hidden_pages=hidden_pages, editions=editions(listed, config),
                        unresolved=tuple(self.unresolved))


def editions(listed: tuple[Teaser, ...], config: SiteConfig) -> tuple[Edition, ...]:
    """The digest editions on the site, newest first: a page per day and per ISO week with stories,
    named as `masthead digest send` names its periods."""
    found: dict[tuple[str, str], tuple[str, list[Teaser]]] = {}
    periods: dict[date, tuple[tuple[str, str], ...]] = {}  # by the local day: a day's stories share them
    for teaser in listed:  # newest first
        day = teaser.date.astimezone(config.timezone).date()
        if day not in periods:
            noon = datetime.combine(day, time(12), config.timezone)
            periods[day] = tuple((frequency, period_of(frequency, noon, config.timezone))
                                 for frequency in ("daily", "weekly"))
        for frequency, period in periods[day]:
            if (frequency, period) not in found:
                found[(frequency, period)] = (edition_title(frequency, period, teaser.date, config), [])
            found[(frequency, period)][1].append(teaser)
    made = [Edition(frequency, period, title, edition_path(period), tuple(teasers))
            for (frequency, period), (title, teasers) in found.items()]
    return tuple(sorted(made, key=lambda e: e.period, reverse=True))


def edition_title(frequency: str, period: str, moment: datetime, config: SiteConfig) -> str:
    """A daily edition's day as the site's language writes it; a weekly one's ISO week ('2026-W48'),
    which templates name in the page's language (the theme's `edition_name`)."""
    if frequency == "daily":
        return long_date(moment.astimezone(config.timezone), config.default_lang, config.date_formats)
    return period
