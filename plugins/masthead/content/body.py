"""Markdown bodies to HTML: one configured renderer, the dateline placed in the first paragraph."""

from __future__ import annotations

import html
import re

import markdown
from markdown.extensions import Extension
from markdown.extensions.smarty import SmartyExtension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString, Registry


class QuickSmarty(Extension):
    """python-markdown's `smarty` (typographic quotes, dashes and ellipses) in a quarter of the time.

    `smarty` runs its 18 patterns through python-markdown's general inline engine, which costs
    half of all the Markdown time of an article. Here the very same patterns (taken from
    python-markdown's own extension, in its order), replacements and placeholder rules are applied
    by one tight loop per text: the output is the same, byte for byte
    (tests/test_content_body.py compares them over the sample newsroom, generated stories and
    the hard cases)."""

    def extendMarkdown(self, md) -> None:
        reference = SmartyExtension()
        reference.inlinePatterns = Registry()
        reference.educateEllipses(md)
        reference.educateQuotes(md)
        reference.educateDashes(md)
        # What each pattern consumes, at least: a text without it is not searched.
        needs = {id(reference.inlinePatterns[name]): literal for name, literal in
                 (("smarty-em-dashes", ("--",)), ("smarty-en-dashes", ("--",)), ("smarty-ellipses", ("...",)))}
        patterns = [(pattern.compiled_re, pattern.replace, needs.get(id(pattern), ("'", '"')))
                    for pattern in reference.inlinePatterns]  # in priority order, as smarty applies them
        md.treeprocessors.register(_Educate(md, patterns), "smarty", 6)
        md.ESCAPED_CHARS.extend(['"', "'"])


# Placeholders shaped as python-markdown's inline ones (STX, letters and digits, ETX: the patterns
# only ever look at the STX and ETX), with a name of our own so no other placeholder is touched.
_TOKEN = "\x02qsmarty:{:04d}\x03"
_TOKEN_RE = re.compile("\x02qsmarty:([0-9]+)\x03")


class _Educate(Treeprocessor):
    def __init__(self, md, patterns) -> None:
        super().__init__(md)
        self.patterns = patterns

    def run(self, root) -> None:
        for element in root.iter():
            if element is not root and element.text and not isinstance(element.text, AtomicString):
                element.text = self.educate(element.text)
            if element is not root and element.tail and not isinstance(element.tail, AtomicString):
                element.tail = self.educate(element.tail)

    def educate(self, data: str) -> str:
        """As python-markdown's inline engine: each pattern in turn, each match replaced by a
        placeholder the later patterns see (and cannot match inside), then the placeholders by
        their text (the typographic characters as stashed HTML entities)."""
        stashed: list[str] = []
        for regex, replace, needs in self.patterns:
            if not any(literal in data for literal in needs):
                continue
            at = 0
            while (match := regex.search(data, at)) is not None:
                stashed.append("".join(match.group(part) if isinstance(part, int) else self.md.htmlStash.store(part)
                                       for part in replace))
                token = _TOKEN.format(len(stashed) - 1)
                data = data[:match.start()] + token + data[match.end():]
                at = match.start() + len(token)
        return _TOKEN_RE.sub(lambda m: stashed[int(m.group(1))], data) if stashed else data


EXTENSIONS = ["extra", "sane_lists", QuickSmarty(), "toc"]
EXTENSION_CONFIGS = {
    # Headings get ids for links; keep non-Latin headings' ids readable rather than empty.
    "toc": {"slugify": slugify_unicode, "permalink": False},
}


class BodyRenderer:
    """Renders article, page and bio bodies. Not thread-safe: one per build."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS,
                                     output_format="html")

    def render(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)

    def inline(self, text: str) -> str:
        """Markdown for one short passage (a correction): the HTML without its <p> wrapper."""
        rendered = self.render(text).strip()
        if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
            return rendered[3:-4]
        return rendered


def with_dateline(body_html: str, place: str, publication: str) -> str:
    """Open the first paragraph with 'Place (Publication)', as newspapers do."""
    if not place:
        return body_html
    label = f'<span class="dateline"><span class="dateline-place">{html.escape(place)}</span>'
    if publication:
        label += f" ({html.escape(publication)})"
    label += "</span> "
    if body_html.startswith("<p>"):
        return "<p>" + label + body_html[3:]
    return f"<p>{label.rstrip()}</p>\n{body_html}"
