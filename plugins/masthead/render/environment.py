"""The template environment pages are rendered with, made the same way in the build's process and
in a worker process rendering its share of the pages.

It is the environment Pelican's documentation describes for themes (so a theme written for Pelican
works unchanged): the newsroom's THEME_TEMPLATES_OVERRIDES, then the theme's templates, then
Pelican's "simple" theme; `!theme/` and `!simple/` name a template of those two explicitly;
JINJA_ENVIRONMENT, JINJA_FILTERS, JINJA_GLOBALS, JINJA_TESTS and the `strftime` filter; and
masthead's helpers (helpers.py). `TemplateKit` holds everything it is made from, as plain data a
worker can be handed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader

from ..config import SiteConfig
from ..content import Author
from ..content.model import ImageFile
from ..themes import Theme
from .helpers import template_helpers


@dataclass
class TemplateKit:
    token: str  # one per build: a worker makes the environment once per build
    overrides: tuple[str, ...]  # THEME_TEMPLATES_OVERRIDES
    theme_templates: str
    simple_templates: str  # Pelican's "simple" theme, which themes may extend
    options: dict  # JINJA_ENVIRONMENT
    config: SiteConfig
    authors: Mapping[str, Author]
    logo: ImageFile | None
    theme: Theme
    plugins: tuple[str, ...] = ()
    filters: dict = field(default_factory=dict)  # the newsroom's own JINJA_FILTERS
    globals: dict = field(default_factory=dict)
    tests: dict = field(default_factory=dict)


def strftime(moment: date, fmt: str) -> str:
    """A date in a strftime format; '%-d' (no leading zero) is understood everywhere Python runs."""
    return moment.strftime(fmt)


def environment(kit: TemplateKit) -> Environment:
    simple = FileSystemLoader(kit.simple_templates)
    # No bytecode cache between builds: Jinja computes a filter of a constant (`'' | absolute`)
    # when it compiles, so compiled code holds one build's site address.
    env = Environment(loader=ChoiceLoader([FileSystemLoader([*kit.overrides, kit.theme_templates]), simple,
                                           PrefixLoader({"!simple": simple,
                                                         "!theme": FileSystemLoader(kit.theme_templates)})]),
                      **kit.options)
    filters, globals_ = template_helpers(kit.config, kit.authors, kit.logo, kit.theme)
    env.filters.update({"strftime": strftime, **kit.filters, **filters})
    env.globals.update({**kit.globals, **globals_})
    kit.theme.install_i18n(env, kit.config.default_lang)
    plugins = set(kit.plugins)
    env.tests.update({"plugin_enabled": lambda name: name in plugins, **kit.tests})
    return env


_MADE: dict[str, Environment] = {}  # in a worker: the environment of the build it works for


def environment_for(kit: TemplateKit) -> Environment:
    if kit.token not in _MADE:
        _MADE.clear()
        _MADE[kit.token] = environment(kit)
    return _MADE[kit.token]
