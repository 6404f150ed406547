"""Card layout as data, and the text layout in pixels: wrap, shrink to fit, then ellipsize.

Pure: the width of a piece of text is asked of an injected `measure(text, role, size)`, so the
same rules run against Pillow in builds and against anything in tests.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from typing import Callable

ELLIPSIS = "…"
# Bump when the drawing changes, so every cached card is redrawn (2: runs ordered by the full UAX #9;
# 3: photos decoded at scale, baseline JPEG, PNG at level 6; 4: photos turned by their EXIF orientation).
LAYOUT_VERSION = 4
# One CJK character (each may end a line), or a run of anything else.
_CJK = "\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_CJK_OR_RUN = re.compile(f"[{_CJK}]|[^{_CJK}]+")

# The card's layout: sizes in pixels on a 1200 × 630 card. MASTHEAD["cards"] overrides any key.
DEFAULT_LAYOUT: dict = {
    "width": 1200,
    "height": 630,
    "margin": 64,
    "background": "#1d1c1a",
    "text": "#ffffff",
    "accent": "#ff8a80",
    "muted": "#d8d4cc",
    "image_overlay": 0.72,
    "use_image": True,
    "label_size": 26,
    "label_top": 64,
    "headline_top": 118,
    "headline_bottom": 462,
    "headline_max_size": 72,
    "headline_min_size": 36,
    "line_height": 1.25,
    "line_heights": {"urdu": 1.8},  # Nastaliq climbs and falls far more than other scripts
    "footer_top": 494,
    "avatar_size": 72,
    "name_size": 28,
    "date_size": 24,
    "logo_size": 72,
    # Font chains by role ("headline", "label", "body") and writing system ("latin", "arabic",
    # "urdu", "hebrew", "cjk"): lists of file names in theme/fonts/ that replace the defaults.
    "fonts": {},
}

Measure = Callable[[str, str, int], float]


@dataclass(frozen=True)
class CardText:
    """Everything written on one card; `people` are (name, avatar file or '') pairs."""

    label: str
    headline: str
    lang: str
    direction: str
    people: tuple[tuple[str, str], ...] = ()
    date: str = ""
    image: str = ""


@dataclass(frozen=True)
class Line:
    text: str
    y: int
    size: int


@dataclass(frozen=True)
class HeadlineLayout:
    lines: tuple[Line, ...]
    size: int
    ellipsized: bool = False
    notes: tuple[str, ...] = field(default=())


def layout_settings(overrides: dict | None) -> dict:
    """The default layout with the newsroom's overrides; an unknown key is a KeyError."""
    layout = dict(DEFAULT_LAYOUT)
    for key, value in (overrides or {}).items():
        if key not in DEFAULT_LAYOUT:
            raise KeyError(key)
        layout[key] = value
    return layout


def plain_text(headline: str) -> str:
    """HTML entities and tags drawn as the text they stand for: '<em>A</em> &amp; B' -> 'A & B'."""
    without_tags = re.sub(r"<[^<>]*>", "", headline)
    return " ".join(html.unescape(without_tags).split())


def tokens(text: str) -> list[str]:
    """Break points: words, and each character of scripts written without spaces (CJK)."""
    found: list[str] = []
    for word in text.split(" "):
        if not word:
            continue
        if any(_is_cjk(ch) for ch in word):
            found.extend(_CJK_OR_RUN.findall(word))
        else:
            found.append(word)
    return found


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x3000 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF


def _join(parts: list[str]) -> str:
    text = ""
    for part in parts:
        if text and not (_is_cjk(text[-1]) and _is_cjk(part[0])):
            text += " "
        text += part
    return text


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Greedy wrapping by measured width; a token wider than the line is split by characters."""
    lines: list[list[str]] = []
    current: list[str] = []
    for token in tokens(text):
        if measure(token) <= width:
            if current and measure(_join(current + [token])) > width:
                lines.append(current)
                current = []
            current.append(token)
            continue
        if current:
            lines.append(current)
        piece = ""
        for ch in token:
            if piece and measure(piece + ch) > width:
                lines.append([piece])
                piece = ""
            piece += ch
        current = [piece]
    if current:
        lines.append(current)
    return [_join(line) for line in lines]


def ellipsize(text: str, width: float, measure: Callable[[str], float]) -> str:
    """Cut text at a break point so that it and an ellipsis fit the width."""
    if measure(text) <= width:
        return text
    parts = tokens(text)
    while parts:
        parts.pop()
        candidate = _join(parts) + ELLIPSIS
        if measure(candidate) <= width:
            return candidate
    return ELLIPSIS


def layout_headline(text: str, layout: dict, measure: Measure) -> HeadlineLayout:
    """The largest size at which the headline fits its box; at the floor, the last line is cut."""
    width = layout["width"] - 2 * layout["margin"] - 6  # draw.SAFETY on each side
    top, bottom = layout["headline_top"], layout["headline_bottom"]
    size = layout["headline_max_size"]
    while True:
        step = round(size * layout["line_height"])
        fits = max(1, (bottom - top) // step)
        lines = wrap(text, width, functools.partial(_measure_at, measure, size))
        if len(lines) <= fits or size <= layout["headline_min_size"]:
            break
        size -= 2
    ellipsized = False
    if len(lines) > fits:
        kept = lines[: fits - 1]
        rest = " ".join(lines[fits - 1:])
        lines = kept + [ellipsize(rest, width, lambda t: measure(t, "headline", size))]
        ellipsized = True
    block = len(lines) * step
    # Centre the block in its box: short headlines sit in the middle, not under the label.
    y = top + max(0, (bottom - top - block) // 2)
    return HeadlineLayout(tuple(Line(line, y + i * step, size) for i, line in enumerate(lines)), size, ellipsized)


def _measure_at(measure: Callable[[str, str, int], float], size: int, text: str) -> float:
    """A headline's width at one size (for wrap, which measures text alone)."""
    return measure(text, "headline", size)
