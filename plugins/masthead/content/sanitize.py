"""Rendered Markdown made safe to publish: an allowlist of tags, attributes and URL schemes.

Bodies, bios and corrections are written by many hands, and a pasted snippet can carry a
`<script>`, an event handler or a `javascript:` link into every page, feed and digest. Every
rendered body goes through nh3 (the Rust `ammonia` sanitizer) with the allowlist below: what
Markdown itself makes, plus figures, captions, quotes, tables, media and `<iframe>` embeds from
the hosts a newsroom names (`MASTHEAD["embeds"]`). Anything else is removed, and `removals`
names each removed thing, with its line, for `masthead check`.

Pure: HTML text in, HTML text (or findings) out.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

from .model import Removal

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "iframe",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "s", "samp", "small", "source", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    "var", "wbr", "audio", "video", "track",
})
# Elements removed with everything inside them (the rest keep their text when their tag goes).
DROPPED_WHOLE = frozenset({"script", "style", "template", "noscript", "object", "embed", "applet", "frame",
                           "frameset", "svg", "math", "form", "button", "input", "select", "textarea", "title",
                           "meta", "link", "base"})
EVERYWHERE = frozenset({"id", "class", "title", "lang", "dir"})
ATTRIBUTES = {
    "*": EVERYWHERE,
    "a": {"href", "hreflang", "rel"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes"},
    "source": {"src", "srcset", "type", "media", "sizes"},
    "audio": {"src", "controls", "preload"},
    "video": {"src", "controls", "preload", "poster", "width", "height"},
    "track": {"src", "kind", "srclang", "label"},
    "iframe": {"src", "width", "height", "allow", "allowfullscreen", "loading", "referrerpolicy"},
    "blockquote": {"cite"}, "q": {"cite"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
    "time": {"datetime"}, "abbr": set(), "ol": {"start", "reversed", "type"}, "li": {"value"},
    "td": {"colspan", "rowspan", "align", "style"}, "th": {"colspan", "rowspan", "align", "scope", "style"},
    "col": {"span"}, "colgroup": {"span"}, "details": {"open"},
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "poster", "srcset"})
SCHEMES = frozenset({"http", "https", "mailto", "tel"})
STYLE_PROPERTIES = frozenset({"text-align"})  # python-markdown's table alignment


class HtmlPolicy:
    """The allowlist of one newsroom: the tags above, and embeds from its hosts."""

    def __init__(self, embed_hosts: tuple[str, ...] = ()):
        self.embed_hosts = frozenset(host.lower() for host in embed_hosts)
        self._attributes = {tag: set(names) for tag, names in ATTRIBUTES.items()}

    def clean(self, html: str) -> str:
        """The HTML with everything outside the allowlist removed."""
        cleaned = nh3.clean(html, tags=set(TAGS), clean_content_tags=set(DROPPED_WHOLE),
                            attributes=self._attributes, url_schemes=set(SCHEMES), link_rel=None,
                            strip_comments=True, attribute_filter=self._attribute,
                            filter_style_properties=set(STYLE_PROPERTIES))
        return _EMPTY_IFRAME.sub("", cleaned) if "<iframe" in cleaned else cleaned

    def _attribute(self, tag: str, name: str, value: str) -> str | None:
        if tag == "iframe" and name == "src" and not self.embeddable(value):
            return None  # and the iframe, left without a source, goes too (clean)
        return value

    def embeddable(self, url: str) -> bool:
        parts = urlsplit(url.strip())
        return parts.scheme == "https" and (parts.hostname or "") in self.embed_hosts

    def removals(self, html: str, source: str = "", first_line: int = 1) -> list[Removal]:
        """What clean() takes out of `html`, each with its line in `source` (the Markdown it came
        from, whose first line is `first_line`; without a source, every line is `first_line`)."""
        if not _may_remove(html):
            return []  # only what Markdown itself makes: nothing to take out
        finder = _Finder(self)
        finder.feed(html)
        finder.close()
        removals, at, last_tag, line = [], 0, -1, None
        lowered = source.lower()
        for what, markers, tag in finder.found:
            if tag != last_tag:  # the first thing found in a tag: look for the tag in the source
                found = next((n for n in (lowered.find(m.lower(), at) for m in markers) if n >= 0), -1)
                line = first_line + source.count("\n", 0, found) if found >= 0 else (None if source else first_line)
                at, last_tag = (found + 1 if found >= 0 else at), tag
            removals.append(Removal(line, what))
        return removals


# Rendered Markdown without raw HTML holds only these tags, no event handler, no style and no
# URL with a scheme of its own or an entity: only HTML with anything else is walked by the finder.
_MARKDOWN_TAGS = frozenset({"p", "a", "em", "strong", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
                            "li", "blockquote", "hr", "br", "img", "table", "thead", "tbody", "tr", "th", "td", "dl",
                            "dt", "dd", "sup", "div", "abbr"})
_SUSPECT = ("<!--", "&#", "script:", "data:", "style=")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*)>")


def _may_remove(html: str) -> bool:
    """Whether `html` holds anything but what Markdown itself makes (cheap: substring checks,
    then one pass over the tags); False means clean() will take nothing out."""
    lowered = html.lower()
    if any(marker in lowered for marker in _SUSPECT):
        return True
    for tag in _TAG.finditer(lowered):
        if tag.group(2) not in _MARKDOWN_TAGS or " on" in tag.group(3):
            return True
    return False


_EMPTY_IFRAME = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.S)


class _Finder(HTMLParser):
    """Walks HTML as the sanitizer would and notes each tag, attribute and URL it would remove,
    with a snippet to find it by in the Markdown source."""

    def __init__(self, policy: HtmlPolicy):
        super().__init__(convert_charrefs=True)
        self.policy = policy
        # what, snippets to find it by in the source (the tag as written first: raw HTML reaches the
        # rendered page as it was typed), and which tag it was found in
        self.found: list[tuple[str, tuple[str, ...], int]] = []
        self._tags = 0
        self._dropping: list[str] = []

    def _found(self, what: str, *markers: str, in_tag: bool = True) -> None:
        written = (self.get_starttag_text() or "") if in_tag else ""
        self.found.append((what, (written, *markers) if written else markers, self._tags))

    def handle_starttag(self, tag: str, attrs) -> None:
        self._tags += 1
        if self._dropping:
            return
        if tag in DROPPED_WHOLE:
            self._found(f"<{tag}> and its contents", f"<{tag}")
            if tag not in ("meta", "link", "base", "input"):
                self._dropping.append(tag)
            return
        if tag not in TAGS:
            self._found(f"<{tag}> (its text is kept)", f"<{tag}")
            return
        allowed = EVERYWHERE | ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            value = value or ""
            if name not in allowed:
                self._found(f"the {name} attribute of <{tag}>", name)
            elif tag == "iframe" and name == "src" and not self.policy.embeddable(value):
                self._found(f"an <iframe> from {urlsplit(value).hostname or repr(value)}, not a host in "
                            "MASTHEAD['embeds']", value, "<iframe")
            elif name in URL_ATTRIBUTES and not _url_allowed(value):
                self._found(f"the {name} of <{tag}> ({_scheme(value)}: links are not allowed)",
                            _scheme(value) + ":", "](")
            elif name == "style" and not _style_allowed(value):
                self._found(f"the style of <{tag}> (only text-align is kept)", "style=")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if self._dropping and tag == self._dropping[-1]:
            self._dropping.pop()

    def handle_comment(self, data: str) -> None:
        self._tags += 1
        if not self._dropping:
            self._found("an HTML comment", "<!--", in_tag=False)


def _scheme(url: str) -> str:
    """The scheme as a browser reads it: white space and control characters in it are ignored."""
    return "".join(c for c in url.split(":", 1)[0] if c.isprintable() and not c.isspace()).lower()


def _url_allowed(url: str) -> bool:
    if ":" not in url.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return True  # relative: a path, a query or a fragment of this site
    return _scheme(url) in SCHEMES


def _style_allowed(style: str) -> bool:
    return all(part.split(":", 1)[0].strip().lower() in STYLE_PROPERTIES
               for part in style.split(";") if part.strip())
