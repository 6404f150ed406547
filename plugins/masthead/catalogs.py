"""The theme's words in every language: gettext message catalogs, read with Babel.

`theme/locale/messages.pot` holds every word the theme prints, in English, each under a context
that names it (`by`, `subscribe_button`, `new_stories`); `theme/locale/LANG/LC_MESSAGES/messages.po`
holds a language's translation, with the plural forms CLDR gives it. A newsroom's own
`theme/locale/` comes first, message by message: it rewords English or adds a language with the
translators' usual tools (Poedit, Weblate, msgmerge) and no code. A word a catalog lacks is the
English one.
"""

from __future__ import annotations

import gettext as gnu_gettext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import MastheadError

TEMPLATE = "locale/messages.pot"
DOMAIN = "messages"


def _english_plural(count: int) -> int:
    return 0 if count == 1 else 1


@dataclass(frozen=True)
class Words:
    """One language's words, merged from every catalog that has them."""

    lang: str
    singular: dict[str, str] = field(default_factory=dict)  # context -> text
    plural: dict[str, tuple[tuple[str, ...], Callable[[int], int]]] = field(default_factory=dict)
    plain: dict[str, str] = field(default_factory=dict)  # a message without context (a newsroom's `_()`) -> text

    def word(self, key: str) -> str:
        try:
            return self.singular[key]
        except KeyError:
            raise KeyError(f"{key!r} is not a word of the theme's catalogs (theme/locale/messages.pot)") from None

    def count(self, key: str, number: int, shown: str | None = None) -> str:
        """The form of `key` the language's plural rule picks for `number`, with {count} filled."""
        forms, rule = self.plural[key]
        index = rule(number)
        return forms[min(index, len(forms) - 1)].format(count=shown if shown is not None else number)


def _codes(lang: str) -> list[str]:
    """Catalog folder names for a language, most specific first: 'pt-BR' -> ['pt_BR', 'pt']."""
    code = (lang or "en").replace("-", "_")
    parts = code.split("_")
    return [code, parts[0].lower()] if len(parts) > 1 else [code.lower()]


def _read(path: Path):
    from babel.messages.pofile import PoFileError, read_po

    try:
        with open(path, "rb") as handle:
            return read_po(handle, abort_invalid=True)
    except (PoFileError, OSError, UnicodeDecodeError, ValueError) as exc:
        raise MastheadError(f"{path}: not a readable gettext catalog ({exc}); check it with `msgfmt -c` or "
                            "Poedit") from None


def read_words(folders: tuple[Path, ...], lang: str) -> Words:
    """A language's words from the theme folders (the newsroom's first): the base theme's English
    template, then each catalog of the language from the base up, so the newsroom's wins."""
    ordered = tuple(reversed(folders))  # the base first, then the newsroom's
    singular: dict[str, str] = {}
    plural: dict[str, tuple[tuple[str, ...], Callable[[int], int]]] = {}
    plain: dict[str, str] = {}
    for folder in ordered:
        if (folder / TEMPLATE).is_file():
            for message in _read(folder / TEMPLATE):
                if not message.id or not message.context:
                    continue
                if message.pluralizable:
                    plural[message.context] = (tuple(message.id), _english_plural)
                else:
                    singular[message.context] = str(message.id)
    codes = _codes(lang)
    for folder in ordered:
        for code in reversed(codes):  # 'pt', then 'pt_BR' over it
            for name in (code, code.lower()) if code != code.lower() else (code,):
                path = folder / "locale" / name / "LC_MESSAGES" / f"{DOMAIN}.po"
                if path.is_file():
                    _merge(_read(path), singular, plural, plain)
                    break
    return Words(lang, singular, plural, plain)


def _merge(catalog, singular, plural, plain) -> None:
    rule = gnu_gettext.c2py(catalog.plural_expr) if catalog.plural_expr else _english_plural
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if message.pluralizable:
            forms = tuple(message.string) if isinstance(message.string, (tuple, list)) else ()
            if forms and all(forms) and message.context:
                plural[message.context] = (forms, rule)
            continue
        if not message.string:
            continue
        if message.context:
            singular[message.context] = str(message.string)
        else:
            plain[str(message.id)] = str(message.string)


def known_words(base: Path) -> frozenset[str]:
    """Every word's name (context) in the base theme's template."""
    return frozenset(message.context for message in _read(base / TEMPLATE) if message.id and message.context)
