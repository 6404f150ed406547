"""Dates, digits and plural forms from CLDR (Babel), compared with Babel's own output."""

from __future__ import annotations

from datetime import date, datetime, timezone

from babel.dates import format_date

from masthead.i18n import long_date, month_and_year, native_digits, plural

DAY = date(2026, 12, 4)


def test_each_language_writes_a_date_its_own_way():
    assert long_date(DAY, "en") == format_date(DAY, "long", locale="en") == "December 4, 2026"
    assert long_date(DAY, "en-GB") == "4 December 2026"
    assert long_date(DAY, "fa") == "۴ دسامبر ۲۰۲۶"  # CLDR: Persian's default digits are its own
    assert long_date(DAY, "ar-EG") == "٤ ديسمبر ٢٠٢٦"  # Egyptian Arabic: Arabic-Indic digits
    assert long_date(DAY, "ur") == format_date(DAY, "long", locale="ur")  # Urdu: Latin digits
    assert month_and_year(datetime(2026, 11, 3, tzinfo=timezone.utc), "fa") == "نوامبر ۲۰۲۶"
    assert long_date(DAY, "xx-unknown") == long_date(DAY, "en")  # a code CLDR lacks: English, never a crash
    assert long_date(DAY, "fa", {"fa": "%Y/%m/%d"}) == "2026/12/04"  # the newsroom's DATE_FORMATS wins
    assert long_date(DAY, "fa", {"fa": ("fa_IR", "%d.%m.%Y")}) == "04.12.2026"  # Pelican's (locale, format) form


def test_counts_take_the_plural_form_the_language_rule_picks():
    assert [plural(n, "new story", "new stories") for n in (0, 1, 2, 21)] == [
        "0 new stories", "1 new story", "2 new stories", "21 new stories"]
    assert plural(1, "warning", "warnings") == "1 warning"
    assert native_digits("12", "fa") == "۱۲" and native_digits("12", "en") == "12"
