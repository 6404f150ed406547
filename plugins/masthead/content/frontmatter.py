"""Split a content file into its YAML front matter and Markdown body, keeping line numbers.

python-frontmatter finds the `---` block; PyYAML parses it with one change: timestamps stay
text, so `date: 2026-11-20 09:30` is never shifted to UTC or cut to a date by YAML itself.
The schema parses dates, with the site's timezone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import frontmatter
import yaml

from ..errors import Problem, ProblemError, describe

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


# libyaml's parser when PyYAML was built with it (the wheels are): the same nodes and line marks,
# several times faster than the pure-Python one on 10,000 files.
_BASE = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


class _FrontMatterLoader(_BASE):  # type: ignore[misc,valid-type]  # chosen at import: C or Python
    """SafeLoader that leaves timestamps as strings."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_YAML = frontmatter.YAMLHandler()


@dataclass(frozen=True)
class Document:
    """A file's front matter (with the line of each key) and its body."""

    meta: dict
    lines: dict[str, int]
    body: str
    body_line: int


def decode(data: bytes, display: str) -> str:
    """UTF-8 text with any byte-order mark removed and line endings made `\\n`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _problem(display, line, "file", "UTF-8 text (save the file as UTF-8)",
                       f"byte 0x{data[exc.start]:02x}, which is not UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - text.rfind("\n", 0, bad.start())
        code = ord(bad.group())
        name = _CONTROL_NAMES.get(code, "a control character")
        raise _problem(display, line, "file", "text without control characters (remove it; it often comes with "
                       "text pasted from a terminal or a PDF)", f"U+{code:04X} ({name}) at column {column}")
    return text


# What YAML refuses and no reader should see: C0 controls but tab and newline, DEL, C1 controls
# (but NEL) and the non-characters U+FFFE and U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BACKSPACE", 0x0B: "VERTICAL TAB", 0x0C: "FORM FEED",
                  0x1B: "ESC", 0x7F: "DEL"}


def parse(data: bytes, display: str) -> Document:
    """Split and parse one file; raises ProblemError naming the file and line."""
    text = decode(data, display)
    if not text.strip():
        raise _problem(display, 1, "file", "front matter between '---' lines, then the text",
                       "an empty file")
    if not _YAML.detect(text):
        raise _problem(display, 1, "front matter",
                       "a block that opens with a '---' line at the top of the file",
                       f"{describe(text.lstrip().splitlines()[0])} on the first line")
    try:
        _, fm, body = _YAML.FM_BOUNDARY.split(text, 2)
    except ValueError:
        raise _problem(display, 1, "front matter",
                       "a '---' line that closes the block opened on line 1", "none") from None
    text_body = body.lstrip("\n")
    body_line = text.count("\n", 0, len(text) - len(text_body)) + 1
    meta, lines = _load_yaml(fm, display)
    return Document(meta=meta, lines=lines, body=text_body, body_line=body_line)


def _load_yaml(fm: str, display: str) -> tuple[dict, dict[str, int]]:
    loader = _FrontMatterLoader(fm)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        if not isinstance(node, yaml.MappingNode):
            raise _problem(display, node.start_mark.line + 1, "front matter",
                           "'key: value' lines", "a single value or a list")
        lines: dict[str, int] = {}
        for key_node, _ in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in lines:
                raise _problem(display, line, key, "each key once",
                               f"it again (first on line {lines[key]})")
            lines[key] = line
        meta = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        fm_lines = fm.split("\n")
        if mark and mark.line < len(fm_lines) and "\t" in fm_lines[mark.line]:  # YAML's own words never say "tab"
            raise _problem(display, line, "front matter", "valid YAML, indented with spaces",
                           "a tab on this line (replace it with spaces)") from None
        raise _problem(display, line, "front matter", "valid YAML",
                       f"a syntax error ({exc.problem})") from None
    except yaml.YAMLError as exc:  # a reader error: a character YAML does not take (decode() refuses most)
        raise _problem(display, None, "front matter", "valid YAML", f"{exc}") from None
    finally:
        loader.dispose()
    return meta, lines


def _problem(display, line, field, expected, found) -> ProblemError:
    return ProblemError(Problem(display, line, field, expected, found))
