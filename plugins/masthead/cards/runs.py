"""Split one line into runs a single font can draw, in the order they appear on the card.

Pillow with raqm shapes and orders a run by itself; this module is needed only when a line holds
characters its first font lacks (a Latin name in a Persian headline, a Chinese word in an
English one). Each character's embedding level comes from the complete Unicode Bidirectional
Algorithm (UAX #9) of python-bidi, which wraps the Rust `unicode-bidi` crate: nested directions
(an English name in a Persian quote in an English headline) resolve as in a browser. Runs of one
level and one font are then put in drawing order by rule L2.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Sequence

from bidi import get_display


@dataclass(frozen=True)
class Run:
    text: str
    font: int  # index in the font chain
    rtl: bool


_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


def embedding_levels(text: str, base_rtl: bool) -> list[int]:
    """Each character's embedding level (even: left to right, odd: right to left) in a paragraph
    of the given direction, by UAX #9. python-bidi gives the levels only in its debug report (one
    per UTF-8 byte; a character takes its first byte's)."""
    report = str(get_display(text, base_dir="R" if base_rtl else "L", debug=True))
    block = report.split("levels: [", 1)[-1].split("paragraphs:", 1)[0]
    per_byte = [int(level) for level in _LEVEL.findall(block)]
    if len(per_byte) != len(text.encode("utf-8", "surrogatepass")):
        raise RuntimeError(f"python-bidi reported {len(per_byte)} levels for {len(text)} characters: "
                           "an unsupported python-bidi version (masthead needs >=0.6,<0.7)")
    levels, at = [], 0
    for ch in text:
        levels.append(per_byte[at])
        at += len(ch.encode("utf-8", "surrogatepass"))
    return levels


def _strong(ch: str) -> bool:
    """A character with a direction of its own (a letter or a digit), whose font counts."""
    return unicodedata.bidirectional(ch) in ("R", "AL", "L", "EN", "AN")


def visual_runs(text: str, base_rtl: bool, font_for: Callable[[str], int]) -> list[Run]:
    """Runs of one font and one direction, left to right as drawn."""
    if not text:
        return []
    levels = embedding_levels(text, base_rtl)
    strong = [_strong(ch) for ch in text]

    # Neutral characters (spaces, punctuation) draw with the font of the text around them.
    fonts: list[int] = []
    for i, ch in enumerate(text):
        fonts.append(font_for(ch) if strong[i] or not fonts else fonts[-1])
    runs: list[tuple[int, int, str]] = []  # (level, font, text)
    for ch, level, font in zip(text, levels, fonts):
        if runs and runs[-1][0] == level and runs[-1][1] == font:
            runs[-1] = (level, font, runs[-1][2] + ch)
        else:
            runs.append((level, font, ch))
    ordered = _reorder(runs)
    return [Run(t, f, level % 2 == 1) for level, f, t in ordered]


def _reorder(runs: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """UAX #9 rule L2 on runs: from the highest level down, reverse each stretch at or above it."""
    result = list(runs)
    if not result:
        return result
    highest = max(r[0] for r in result)
    lowest_odd = min((r[0] for r in result if r[0] % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(result):
            if result[i][0] >= level:
                j = i
                while j < len(result) and result[j][0] >= level:
                    j += 1
                result[i:j] = reversed(result[i:j])
                i = j
            else:
                i += 1
    return result
