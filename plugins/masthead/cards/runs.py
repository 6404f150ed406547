"""Split one line into runs a single font can draw, in the order they appear on the card.

Pillow with raqm shapes and orders a run by itself; this module is needed only when a line holds
characters its first font lacks (a Latin name in a Persian headline, a Chinese word in an
English one). It resolves direction per character the way UAX #9 does for text with one level
of embedding (strong letters; numbers written left to right; neutrals take the direction around
them, else the line's), then reverses runs by level (rule L2).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Callable, Sequence


@dataclass(frozen=True)
class Run:
    text: str
    font: int  # index in the font chain
    rtl: bool


def _strong(ch: str) -> str | None:
    kind = unicodedata.bidirectional(ch)
    if kind in ("R", "AL"):
        return "R"
    if kind in ("L", "EN", "AN"):
        return "L"
    return None


def visual_runs(text: str, base_rtl: bool, font_for: Callable[[str], int]) -> list[Run]:
    """Runs of one font and one direction, left to right as drawn."""
    if not text:
        return []
    strong = [_strong(ch) for ch in text]
    resolved: list[str] = []
    for i, kind in enumerate(strong):
        if kind:
            resolved.append(kind)
            continue
        before = next((s for s in reversed(strong[:i]) if s), None)
        after = next((s for s in strong[i + 1:] if s), None)
        resolved.append(before if before and before == after else ("R" if base_rtl else "L"))
    base = 1 if base_rtl else 0
    levels = [base + (1 if (d == "L") == base_rtl else 0) for d in resolved]

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
