"""Dates, numbers and plural forms in a language's own conventions, from CLDR through Babel.

Pure: a language code in (an article's `lang`, a reader's language), text out. Nothing here holds
a table of month names, digits or plural rules: CLDR says that Persian writes dates with Persian
digits and Urdu with Latin ones, and which plural form a count takes.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from functools import lru_cache
from typing import Mapping

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton

# The CLDR numbering systems whose digits Unicode names after them: the locale's default system
# (CLDR's choice) picks one, and the Unicode database gives its digits.
_DIGIT_NAMES = {"arab": "ARABIC-INDIC", "arabext": "EXTENDED ARABIC-INDIC", "beng": "BENGALI",
                "deva": "DEVANAGARI", "mymr": "MYANMAR", "thai": "THAI", "tibt": "TIBETAN"}


@lru_cache(maxsize=64)
def locale_of(lang: str) -> Locale:
    """The CLDR locale of a language code ('fa', 'pt-BR', 'en_GB'); English for one CLDR lacks."""
    try:
        return Locale.parse((lang or "en").replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse("en")


@lru_cache(maxsize=64)
def _digits(lang: str) -> dict[int, str]:
    """ASCII digit -> the digit the language writes by default (empty when it writes 0-9)."""
    system = locale_of(lang).default_numbering_system
    name = _DIGIT_NAMES.get(system)
    if not name:
        return {}
    zero = ord(unicodedata.lookup(f"{name} DIGIT ZERO"))
    return {ord("0") + n: chr(zero + n) for n in range(10)}


def native_digits(text: str, lang: str) -> str:
    """`text` with its digits in the language's default numbering system."""
    table = _digits(lang)
    return text.translate(table) if table else text


def long_date(moment: date | datetime, lang: str, formats: Mapping[str, object] | None = None) -> str:
    """'4 December 2026' as the language writes a date in running text (CLDR's long format), or
    in the newsroom's own strftime format for the language (Pelican's DATE_FORMATS) when it has one."""
    own = (formats or {}).get(lang)
    if own:
        return moment.strftime(str(own[-1] if isinstance(own, (tuple, list)) else own))  # Pelican's (locale, format)
    return _long_day(moment.date() if isinstance(moment, datetime) else moment, lang)


@lru_cache(maxsize=8192)
def _long_day(day: date, lang: str) -> str:
    """Babel takes about 15 µs a date; a site of 10,000 stories has a few hundred distinct days."""
    return native_digits(format_date(day, "long", locale=locale_of(lang)), lang)


def month_and_year(moment: date | datetime, lang: str) -> str:
    """'December 2026' in the language (an archive's month heading)."""
    return _month_of(moment.year, moment.month, lang)


@lru_cache(maxsize=1024)
def _month_of(year: int, month: int, lang: str) -> str:
    return native_digits(format_skeleton("yMMMM", date(year, month, 1), locale=locale_of(lang)), lang)


def number(value: int, lang: str) -> str:
    return native_digits(str(value), lang)


def plural(count: int, one: str, other: str, lang: str = "en") -> str:
    """'1 story', '2 stories': the form CLDR's plural rule of the language picks for `count`
    (`one` for its 'one' category, `other` for every other), with the count in its digits."""
    form = one if locale_of(lang).plural_form(count) == "one" else other
    return f"{number(count, lang)} {form}"
