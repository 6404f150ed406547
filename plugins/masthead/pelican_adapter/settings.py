"""The Pelican settings masthead relies on, and the hand-over that leaves Pelican no page to write.

masthead's defaults for Pelican's URL settings (ARTICLE_URL, TAG_SAVE_AS, ...) give the site its
layout; a newsroom may still change any of them in pelicanconf.py (a key whose value differs from
Pelican's own default is left as the newsroom set it). `hand_over` takes the layout from them and
then switches Pelican's own page types off, by settings only: no reader for Markdown (Pelican reads
no content, so it has no articles, pages, sections, tags, authors or archives to write), no direct
templates and no feeds. masthead's generator renders all of them from the site plan.
"""

from __future__ import annotations

import copy
import uuid
from pathlib import Path

from pelican import __file__ as pelican_file
from pelican.paginator import PaginationRule
from pelican.settings import DEFAULT_CONFIG

from ..config import SiteConfig
from ..content import Newsroom
from ..render.environment import TemplateKit
from ..render.helpers import template_helpers
from ..site.layout import Layout, layout_from_settings
from ..themes import Theme

FEED_SETTINGS = (
    "FEED_ATOM", "FEED_RSS", "FEED_ALL_ATOM", "FEED_ALL_RSS", "CATEGORY_FEED_ATOM",
    "CATEGORY_FEED_RSS", "AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS", "TAG_FEED_ATOM", "TAG_FEED_RSS",
    "TRANSLATION_FEED_ATOM", "TRANSLATION_FEED_RSS",
)
_PAGED = "{base_name}/page/{number}/"

PELICAN_SETTINGS = {
    "ARTICLE_PATHS": ["articles"],
    "PAGE_PATHS": ["pages"],
    "STATIC_PATHS": ["images"],
    "ARTICLE_URL": "{date:%Y}/{date:%m}/{slug}/",
    "ARTICLE_SAVE_AS": "{date:%Y}/{date:%m}/{slug}/index.html",
    "ARTICLE_LANG_URL": "{date:%Y}/{date:%m}/{slug}/",
    "ARTICLE_LANG_SAVE_AS": "{date:%Y}/{date:%m}/{slug}/index.html",
    "PAGE_URL": "{slug}/",
    "PAGE_SAVE_AS": "{slug}/index.html",
    "PAGE_LANG_URL": "{slug}/",
    "PAGE_LANG_SAVE_AS": "{slug}/index.html",
    "AUTHOR_URL": "authors/{slug}/",
    "AUTHOR_SAVE_AS": "authors/{slug}/index.html",
    "AUTHORS_SAVE_AS": "authors/index.html",
    "CATEGORY_URL": "sections/{slug}/",
    "CATEGORY_SAVE_AS": "sections/{slug}/index.html",
    "CATEGORIES_SAVE_AS": "sections/index.html",
    "TAG_URL": "tags/{slug}/",
    "TAG_SAVE_AS": "tags/{slug}/index.html",
    "TAGS_SAVE_AS": "tags/index.html",
    "ARCHIVES_SAVE_AS": "archives/index.html",
    "YEAR_ARCHIVE_URL": "archives/{date:%Y}/",
    "YEAR_ARCHIVE_SAVE_AS": "archives/{date:%Y}/index.html",
    "MONTH_ARCHIVE_URL": "archives/{date:%Y}/{date:%m}/",
    "MONTH_ARCHIVE_SAVE_AS": "archives/{date:%Y}/{date:%m}/index.html",
    "DIRECT_TEMPLATES": ["index", "authors", "categories", "tags", "archives", "404"],
    # The front page shows the lead and each section's newest: it is one page, never paginated.
    "PAGINATED_TEMPLATES": {"tag": 20, "category": 20, "author": 20},
    "DEFAULT_PAGINATION": 20,
    "PAGINATION_PATTERNS": [
        PaginationRule(1, "{url}", "{save_as}"),
        PaginationRule(2, _PAGED, _PAGED + "index.html"),
    ],
    "DEFAULT_DATE_FORMAT": "%-d %B %Y",
    "RELATIVE_URLS": False,
    # Every value from front matter is escaped unless a template marks it safe.
    # auto_reload off: a build makes a new environment, and a template looked up again (a partial
    # included for every story of a listing) is then not stat()ed each time.
    "JINJA_ENVIRONMENT": {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True, "extensions": [],
                          "auto_reload": False},
    # Pelican's own feeds are off: masthead's feeds are built with feedgen.
    **{key: None for key in FEED_SETTINGS},
}


# Pelican's readers, all off: content is read by masthead (sources.py, content/), and an .rst or
# .html file must never bypass the schema.
NO_READERS = {extension: None for extension in ("md", "markdown", "mkd", "mdown", "rst", "html", "htm")}


def hand_over(settings: dict) -> Layout:
    """masthead's defaults in, the layout out, Pelican's own page types off."""
    apply_pelican_settings(settings)
    layout = layout_from_settings(settings)
    settings["READERS"] = {**settings.get("READERS", {}), **NO_READERS}
    settings["DIRECT_TEMPLATES"] = []
    # masthead reads content/ itself: Pelican's generators need not walk every article file only
    # to find no reader for it (a second or more at 50,000 articles)
    settings["ARTICLE_PATHS"] = settings["PAGE_PATHS"] = []
    return layout


def template_kit(settings: dict, config: SiteConfig, newsroom: Newsroom, theme: Theme) -> TemplateKit:
    """What masthead's template environment is made from: the theme and the JINJA_* settings.
    masthead's helpers also go into Pelican's JINJA_FILTERS and JINJA_GLOBALS: Pelican's own
    generators compile some of the theme's templates (and find nothing to render with them)."""
    logo = newsroom.images.get(f"images/{config.logo}") if config.logo else None
    kit = TemplateKit(token=uuid.uuid4().hex, overrides=tuple(map(str, settings["THEME_TEMPLATES_OVERRIDES"])),
                      theme_templates=str(Path(settings["THEME"]) / "templates"),
                      simple_templates=str(Path(pelican_file).parent / "themes" / "simple" / "templates"),
                      options=dict(settings["JINJA_ENVIRONMENT"]), config=config, authors=dict(newsroom.authors),
                      logo=logo, theme=theme, plugins=tuple(map(str, settings.get("PLUGINS") or ())),
                      filters=dict(settings.get("JINJA_FILTERS") or {}),
                      globals=dict(settings.get("JINJA_GLOBALS") or {}), tests=dict(settings.get("JINJA_TESTS") or {}))
    filters, globals_ = template_helpers(config, newsroom.authors, logo, theme)
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), **filters}
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), **globals_}
    return kit


def apply_pelican_settings(settings: dict) -> None:
    """Set each of masthead's Pelican settings the newsroom left at Pelican's default."""
    for key, value in PELICAN_SETTINGS.items():
        if key not in settings or settings[key] == DEFAULT_CONFIG.get(key, _UNSET):
            settings[key] = copy.deepcopy(value)


_UNSET = object()
