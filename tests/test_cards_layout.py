"""Card text layout and direction on their own: injected measurements, no Pillow."""

from __future__ import annotations

import pytest

from masthead.cards.layout import (
    DEFAULT_LAYOUT,
    ELLIPSIS,
    ellipsize,
    layout_headline,
    layout_settings,
    plain_text,
    wrap,
)
from masthead.cards.runs import visual_runs


def width(text: str, size: int = 10) -> float:
    """A monospaced stand-in: every character is half the font size wide."""
    return len(text) * size * 0.5


def test_wrap_breaks_between_words_by_measured_width():
    assert wrap("one two three four", 40, width) == ["one two", "three", "four"]


def test_wrap_breaks_cjk_between_characters_and_splits_overlong_words():
    assert wrap("伊朗和巴基斯坦", 20, width) == ["伊朗和巴", "基斯坦"]
    assert wrap("Extraordinarily", 30, width) == ["Extrao", "rdinar", "ily"]


def test_headline_shrinks_to_fit_before_it_is_cut():
    layout = layout_settings({"headline_max_size": 60, "headline_min_size": 30})
    short = layout_headline("Talks resume", layout, lambda t, _r, s: width(t, s))
    assert (short.size, short.ellipsized) == (60, False)
    longer = layout_headline("word " * 60, layout, lambda t, _r, s: width(t, s))
    assert 30 <= longer.size < 60


def test_headline_at_the_floor_is_ellipsized_and_stays_in_its_box():
    layout = layout_settings({})
    result = layout_headline("word " * 400, layout, lambda t, _r, s: width(t, s))
    assert result.size == layout["headline_min_size"] and result.ellipsized
    assert result.lines[-1].text.endswith(ELLIPSIS)
    inner = layout["width"] - 2 * layout["margin"]
    for line in result.lines:
        assert width(line.text, line.size) <= inner
        assert layout["headline_top"] <= line.y
        assert line.y + line.size * layout["line_height"] <= layout["headline_bottom"] + 1


def test_ellipsize_cuts_at_a_word():
    assert ellipsize("Amira Haddad, Tomas Lindqvist", 70, width) == "Amira Haddad," + ELLIPSIS
    assert ellipsize("short", 60, width) == "short"


def test_html_in_a_headline_is_drawn_as_the_text_it_stands_for():
    assert plain_text("<em>Talks</em> &amp; trade &lt;3 &quot;now&quot;") == 'Talks & trade <3 "now"'


def test_unknown_layout_keys_are_refused():
    with pytest.raises(KeyError):
        layout_settings({"backgrund": "#000"})
    assert set(layout_settings({})) == set(DEFAULT_LAYOUT)


def latin_or_arabic(ch: str) -> int:
    return 1 if ch.isascii() and ch.isalnum() else 0


def test_rtl_line_with_an_english_phrase_places_it_in_reading_order():
    runs = visual_runs("سلام Hello World دنیا", True, latin_or_arabic)
    assert [(r.text.strip(), r.rtl) for r in runs if r.text.strip()] == [
        ("دنیا", True), ("Hello World", False), ("سلام", True)]


def test_numbers_in_rtl_text_read_left_to_right():
    runs = visual_runs("سال 2026 آغاز", True, lambda ch: 0)
    texts = [r.text.strip() for r in runs]
    assert texts.index("2026") == 1 and texts[0] == "آغاز" and texts[2] == "سال"


def test_ltr_line_with_an_arabic_name_keeps_the_name_whole():
    runs = visual_runs("Minister حمید فراهانی said", False, latin_or_arabic)
    assert [r.text.strip() for r in runs if r.text.strip()] == ["Minister", "حمید فراهانی", "said"]
    assert [r.rtl for r in runs if r.text.strip()] == [False, True, False]


NESTED = [
    ("Minister: سال 2026 آغاز شد", False),  # a number inside Persian inside English
    ("وزیر گفت «Bob Smith از BBC» دیروز", True),  # English names inside a Persian headline's quote
    ("Envoy: «توافق با Reuters نهایی است» 12 hours", False),  # an English name in a Persian quote in English
    ("\u2067سال 2026 «BBC News»\u2069 reports", False),  # an explicit right-to-left isolate (RLI ... PDI)
]


@pytest.mark.parametrize("text,rtl", NESTED)
def test_nested_directions_are_ordered_as_the_unicode_bidirectional_algorithm_orders_them(text, rtl):
    """Drawn left to right, the runs (each right-to-left one reversed) read exactly as python-bidi's
    complete UAX #9 lays the line out."""
    from bidi import get_display

    runs = visual_runs(text, rtl, latin_or_arabic)
    drawn = "".join(run.text[::-1] if run.rtl else run.text for run in runs)
    assert drawn == get_display(text, base_dir="R" if rtl else "L")
    assert "".join(sorted(drawn)) == "".join(sorted(text))  # every character drawn once


def test_a_number_inside_a_persian_phrase_stays_inside_it():
    runs = [(r.text.strip(), r.rtl) for r in visual_runs("Minister: سال 2026 آغاز شد", False, latin_or_arabic)]
    assert [text for text, _ in runs if text] == ["Minister:", "آغاز شد", "2026", "سال"]


def test_card_keys_are_the_hash_of_one_json_document_of_every_input():
    """CardKeys serializes the shared parts once; the key must stay the SHA-256 of the whole
    document, or every cached card of every newsroom would be drawn again."""
    import hashlib
    import json
    from dataclasses import asdict

    from masthead.cards.layout import LAYOUT_VERSION, CardText
    from masthead.cards.plan import CardJob, CardKeys

    def file_hash(path: str) -> str:
        return f"hash-of-{path}"

    layout = layout_settings({})
    jobs = [CardJob("cards/articles/talks.jpg", CardText("World", "Talks «resume» in 伊朗", "fa", "rtl",
                                                         (("Hamid", "a.png"), ("Yael", "")), "27 Nov", "p.jpg")),
            CardJob("cards/site.png", CardText("Gazette", "News", "en", "ltr"))]
    keys = CardKeys(layout, file_hash, ["f1.ttf", "f2.ttf"], "logo.png", {"pillow": "12", "raqm": "0.10"})
    for job in jobs:
        card = asdict(job.text)
        card["image"] = file_hash(job.text.image) if job.text.image else ""
        card["people"] = [[name, file_hash(avatar) if avatar else ""] for name, avatar in job.text.people]
        material = {"layout_version": LAYOUT_VERSION, "layout": layout, "format": job.fmt, "card": card,
                    "fonts": ["hash-of-f1.ttf", "hash-of-f2.ttf"], "logo": "hash-of-logo.png",
                    "versions": {"pillow": "12", "raqm": "0.10"}}
        expected = hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        assert keys(job) == expected
