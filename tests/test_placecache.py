"""The places kept between builds (masthead.placecache): read only under the layout and code they
were made with, written only when something changed, never trusted when damaged."""

from __future__ import annotations

import logging
import pickle

from masthead.pelican_adapter.settings import PELICAN_SETTINGS
from masthead.placecache import PLACES_FILE, PlaceMemo, load_places, places_context, save_places
from masthead.site.layout import layout_from_settings

LAYOUT = layout_from_settings({**PELICAN_SETTINGS, "DEFAULT_LANG": "en"})
MOVED = layout_from_settings({**PELICAN_SETTINGS, "DEFAULT_LANG": "en", "ARTICLE_URL": "news/{slug}/"})


def test_places_are_read_back_under_the_same_layout_and_not_under_another(tmp_path):
    memo = load_places(tmp_path, LAYOUT)
    memo["a" * 32] = ("2026/11/x/", "2026/11/x/index.html", "28 November 2026")
    save_places(memo, tmp_path)
    assert dict(load_places(tmp_path, LAYOUT)) == {"a" * 32: ("2026/11/x/", "2026/11/x/index.html",
                                                               "28 November 2026")}
    other = load_places(tmp_path, MOVED)
    assert dict(other) == {} and other.stale and places_context(MOVED) != places_context(LAYOUT)
    save_places(other, tmp_path)  # stale: written afresh under the new layout, even empty
    with (tmp_path / PLACES_FILE).open("rb") as handle:
        assert pickle.load(handle) == {"context": places_context(MOVED)}


def test_only_the_places_a_build_used_are_kept_and_an_unchanged_memo_is_not_written(tmp_path):
    memo = load_places(tmp_path, LAYOUT)
    memo["old"], memo["kept"] = ("o/", "o.html", "d"), ("k/", "k.html", "d")
    save_places(memo, tmp_path)
    written = (tmp_path / PLACES_FILE).stat().st_mtime_ns
    again = load_places(tmp_path, LAYOUT)
    again.get("old"), again.get("kept")
    save_places(again, tmp_path)
    assert (tmp_path / PLACES_FILE).stat().st_mtime_ns == written  # nothing new, nothing dropped
    later = load_places(tmp_path, LAYOUT)
    later.get("kept")
    save_places(later, tmp_path)
    assert dict(load_places(tmp_path, LAYOUT)) == {"kept": ("k/", "k.html", "d")}


def test_a_damaged_file_costs_only_placing_again(tmp_path, caplog):
    (tmp_path / PLACES_FILE).write_bytes(b"\x80\x05not a pickle")
    with caplog.at_level(logging.WARNING):
        memo = load_places(tmp_path, LAYOUT)
    assert dict(memo) == {} and memo.stale and "placing every story again" in caplog.text
    assert isinstance(memo, PlaceMemo)
