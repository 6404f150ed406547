"""The one exception family masthead raises, and the one format its problems are told in.

Core code raises these with the file, line and field they concern; the CLI is the only place
that turns them into text and an exit code (STYLE.md habit 9).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we know."""

    path: str
    line: int | None
    field: str
    expected: str
    found: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: expected {self.expected}, found {self.found}"


class MastheadError(Exception):
    """Base of every error masthead reports to a user (never a bug in masthead)."""


class ContentError(MastheadError):
    """One or more problems in the newsroom's content or settings; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line or 0, p.field))
        super().__init__("\n".join(str(p) for p in self.problems))


class ProblemError(MastheadError):
    """Carries one Problem out of a parser; the caller collects them into a ContentError."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


class BuildError(MastheadError):
    """The site generator reported errors; the previous output was kept."""


def did_you_mean(word: str, choices) -> str:
    """A ' (did you mean X?)' hint, or '' when nothing is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def describe(value: object) -> str:
    """How a YAML value is named in a message: its type in plain words, then the value."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a yes/no value ({str(value).lower()}; put text in quotes)"
    if isinstance(value, (int, float)):
        return f"a number ({value}; put text in quotes)"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return repr(shown)
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "a mapping of keys to values"
    return type(value).__name__
