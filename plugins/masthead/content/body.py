"""Markdown bodies to HTML: one configured renderer, the dateline placed in the first paragraph."""

from __future__ import annotations

import html

import markdown
from markdown.extensions.toc import slugify_unicode

EXTENSIONS = ["extra", "sane_lists", "smarty", "toc"]
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
