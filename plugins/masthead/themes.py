"""Which theme files a newsroom's site, emails and service pages are made from.

An installed masthead carries its theme (`masthead/theme/`: templates, static files, fonts). A
newsroom changes its look by putting files in its own `theme/` folder beside its settings:
any template, partial, email or service template, static file or label there wins over the
packaged one, and everything else comes from the package, so an upgrade of masthead brings the
newer theme without a merge. A newsroom that names a whole theme with THEME (one that has
`templates/base.html`, as The Meridian's `theme/`) uses that theme alone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from .catalogs import Words, known_words, read_words
from .errors import MastheadError, did_you_mean

logger = logging.getLogger(__name__)

PACKAGED_THEME = Path(__file__).resolve().parent / "theme"
THEME_KEY = "MASTHEAD_THEME"  # the Theme, in the settings load_settings returns
LABELS_FILE = "labels.yml"  # in a newsroom's theme/: {language: {label: text}}


@dataclass(frozen=True)
class Theme:
    """The theme folders in the order they are searched: the newsroom's overrides, then the base."""

    base: Path
    own: Path | None = None
    # (language, label, text) of the newsroom's labels.yml: hashable, so a Theme can key a cache
    own_labels: tuple[tuple[str, str, str], ...] = ()

    @cached_property
    def labels(self) -> dict[str, dict[str, str]]:
        table: dict[str, dict[str, str]] = {}
        for lang, key, text in self.own_labels:
            table.setdefault(lang, {})[key] = text
        return table

    @property
    def folders(self) -> tuple[Path, ...]:
        return (self.own, self.base) if self.own else (self.base,)

    def templates(self, kind: str = "") -> list[str]:
        """Template folders for a Jinja loader: the site's (kind ''), 'email' or 'service'."""
        found = [folder / "templates" / kind if kind else folder / "templates" for folder in self.folders]
        return [str(path) for path in found if path.is_dir()]

    @property
    def fonts(self) -> Path:
        """The folder cards take their fonts from: the newsroom's fonts/ if it has one."""
        return next((folder / "fonts" for folder in self.folders if (folder / "fonts").is_dir()), self.base / "fonts")

    @cached_property
    def _words(self) -> dict[str, Words]:
        return {}

    def words(self, lang: str = "en") -> Words:
        """A language's words from the theme's gettext catalogs (catalogs.py), read once."""
        if lang not in self._words:  # a whole theme of the newsroom's own without catalogs: masthead's words
            bases = () if (self.base / "locale").is_dir() else (PACKAGED_THEME,)
            self._words[lang] = read_words((*self.folders, *bases), lang)
        return self._words[lang]

    def label(self, key: str, lang: str = "en") -> str:
        """A word in a language: the newsroom's labels.yml first, then the catalogs (the
        newsroom's, then the theme's), then English."""
        language = lang.split("-")[0].lower()
        own = self.labels.get(language, {}).get(key) or self.labels.get("en", {}).get(key)
        return own or self.words(lang).word(key)

    def install_i18n(self, env, default_lang: str = "en") -> None:
        """Jinja's i18n extension over the catalogs, in the language of the page being rendered
        (its `lang`): `_()`/`gettext` for a newsroom's own words (messages without a context),
        `pgettext(name, English)` and `npgettext` for the theme's, and `{% trans %}`."""
        from jinja2 import pass_context

        def words(context) -> Words:
            return self.words(context.get("lang") or default_lang)

        @pass_context
        def gettext(context, message: str) -> str:
            return words(context).plain.get(message, message)

        @pass_context
        def ngettext(context, singular: str, plural: str, number: int) -> str:
            return gettext(context, singular) if number == 1 else gettext(context, plural)

        @pass_context
        def pgettext(context, name: str, message: str) -> str:
            return words(context).singular.get(name, message)

        @pass_context
        def npgettext(context, name: str, singular: str, plural: str, number: int) -> str:
            found = words(context)
            if name in found.plural:
                return found.count(name, number)
            return (singular if number == 1 else plural).replace("{count}", str(number))

        env.add_extension("jinja2.ext.i18n")
        env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext)

    def count(self, key: str, number: int, lang: str = "en") -> str:
        """'1 new story', '3 new stories', in the language's plural form and digits."""
        from .i18n import number as in_digits

        return self.words(lang).count(key, number, in_digits(number, lang))

    def stale_overrides(self) -> list[str]:
        """Templates in the newsroom's theme/ that override nothing the base theme has (renamed
        or removed in a newer masthead): they would never be used."""
        if self.own is None or not (self.own / "templates").is_dir():
            return []
        base = self.base / "templates"
        return sorted(str(path.relative_to(self.own))
                      for path in (self.own / "templates").rglob("*") if path.is_file()
                      and not (base / path.relative_to(self.own / "templates")).is_file())


def use_theme(settings: dict, theme: Theme) -> None:
    """Give Pelican the theme: its base as THEME, the newsroom's templates first and its static
    files last (copied after the base's, so they replace them)."""
    settings["THEME"] = str(theme.base)
    settings[THEME_KEY] = theme
    if theme.own is not None:
        if (theme.own / "templates").is_dir():
            settings["THEME_TEMPLATES_OVERRIDES"] = [str(theme.own / "templates"),
                                                     *settings.get("THEME_TEMPLATES_OVERRIDES", [])]
        if (theme.own / "static").is_dir():
            settings["THEME_STATIC_PATHS"] = [*settings.get("THEME_STATIC_PATHS", ["static"]),
                                              str(theme.own / "static")]
        for stale in theme.stale_overrides():
            logger.warning("%s: overrides no template of masthead's theme (renamed or removed?); it is not used",
                           theme.own / stale)


def theme_of(settings: dict) -> Theme:
    """The Theme load_settings chose (a THEME folder alone when the settings came another way)."""
    return settings.get(THEME_KEY) or Theme(Path(settings["THEME"]))


def resolve_theme(named: str | None, settings_file: Path) -> Theme:
    """The theme a settings file asks for: `named` (its THEME, when it sets one) is a whole theme
    when it has templates/base.html, else the newsroom's overrides over the packaged theme; with
    no THEME, the `theme/` folder beside the settings file is the overrides, when there is one."""
    folder = Path(settings_file).resolve().parent
    if named:
        chosen = (folder / named).resolve()
        if not chosen.is_dir():
            raise MastheadError(f"{settings_file}: THEME: no folder {chosen} (remove THEME to use masthead's theme, "
                                "or create the folder)")
        if (chosen / "templates" / "base.html").is_file():
            return Theme(chosen)
        own: Path | None = chosen
    else:
        own = folder / "theme" if (folder / "theme").is_dir() else None
    return Theme(PACKAGED_THEME, own, read_labels(own) if own else ())


def read_labels(own: Path) -> tuple[tuple[str, str, str], ...]:
    """The newsroom's labels.yml: each language's words that replace the theme's."""
    path = own / LABELS_FILE
    if not path.is_file():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MastheadError(f"{path}: expected YAML such as 'en: {{subscribe: Get the briefing}}' ({exc})") from None
    known = set(known_words(PACKAGED_THEME))
    if not isinstance(data, dict) or not all(isinstance(words, dict) for words in data.values()):
        raise MastheadError(f"{path}: expected a language code, then its labels, such as "
                            "'en: {subscribe: Get the briefing}'")
    labels = []
    for lang, words in data.items():
        for key, text in words.items():
            if key not in known:
                raise MastheadError(f"{path}: {lang}: {key!r} is not one of the theme's labels"
                                    f"{did_you_mean(str(key), known)}")
            labels.append((str(lang).lower(), str(key), str(text)))
    return tuple(labels)
