"""One subscriber's digest as an email: headers, an HTML part with inlined CSS, a plain-text part.

Templates live in the theme (theme/templates/email/), so the emails share the site's look.
Header values are single lines of text: a newline or a control character in a headline can
never become a header of its own.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from email.header import Header
from email.utils import format_datetime, parseaddr
from urllib.parse import quote

import css_inline
import jinja2

from ..content.model import text_direction
from ..themes import Theme
from .select import Selection

GMAIL_CLIP = 100_000  # Gmail clips messages at about 102 KB: stay under it
TOKEN_MARKER = "masthead-reader-token-5b1f0c"  # stands in for each reader's token in shared bodies


@dataclass(frozen=True)
class Sender:
    """Who the digest comes from, and where readers unsubscribe."""

    address: str  # "The Meridian <digest@meridian.example>"
    site_name: str
    site_url: str
    about: str = ""
    unsubscribe_url: str = ""  # the subscription service's /unsubscribe
    preferences_url: str = ""  # the subscription service's /preferences
    list_id: str = ""

    @functools.cached_property
    def domain(self) -> str:
        return parseaddr(self.address)[1].rpartition("@")[2] or "localhost"


def one_line(text: str) -> str:
    """Header-safe text: control characters dropped, all white space folded to single spaces."""
    return " ".join("".join(ch if unicodedata.category(ch) != "Cc" else " " for ch in text).split())


@functools.lru_cache(maxsize=8)
def email_templates(theme: Theme) -> jinja2.Environment:
    """The theme's email templates (a newsroom's own first), with its labels."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(theme.templates("email")),
                             autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.globals.update(direction=text_direction, t=theme.label)
    theme.install_i18n(env)
    return env


def _context(selection: Selection, sender: Sender, subject: str, unsubscribe: str, lang: str,
             max_stories: int, total: int, web_url: str, theme: Theme) -> dict:
    shown, sections = 0, []
    for name, stories in selection.sections:
        room = max(0, max_stories - shown)
        if room:
            sections.append((name, stories[:room]))
            shown += len(stories[:room])
    return dict(site={"name": sender.site_name, "url": sender.site_url, "about": sender.about},
                subject=one_line(subject), heading=one_line(subject), sections=sections,
                corrections=selection.corrections, unsubscribe_url=unsubscribe, lang=lang,
                preferences_url=f"{sender.preferences_url}?token={TOKEN_MARKER}" if sender.preferences_url else "",
                more=theme.count("more_stories", total - shown, lang) if total > shown else "", web_url=web_url)


def render_bodies(selection: Selection, *, subject: str, sender: Sender, lang: str, theme: Theme,
                  max_stories: int = 30, web_url: str = "") -> tuple[str, str]:
    """The text and HTML of a digest, with TOKEN_MARKER where the reader's token goes.

    Readers who follow the same things get the same bodies: render once, fill in each token.
    The HTML stays under Gmail's clipping size by showing fewer stories and linking the rest.
    """
    env = email_templates(theme)
    unsubscribe = f"{sender.unsubscribe_url}?token={TOKEN_MARKER}" if sender.unsubscribe_url else f"{sender.site_url}/"
    total = len(selection.articles)
    while True:
        context = _context(selection, sender, subject, unsubscribe, lang, max_stories, total, web_url, theme)
        html = css_inline.inline(env.get_template("digest.html").render(**context))
        if len(html.encode()) <= GMAIL_CLIP or max_stories <= 1:
            break
        max_stories //= 2  # too long for Gmail: fewer stories, and a link to the rest
    return env.get_template("digest.txt").render(**context), html


def message_id(edition: str, address: str, sender: Sender) -> str:
    """The same for every send of one edition to one reader, so a resent copy can be recognised."""
    return f"<{edition}.{hashlib.sha256(address.lower().encode()).hexdigest()[:16]}@{sender.domain}>"


@functools.lru_cache(maxsize=256)
def header_text(value: str) -> str:
    """A header value on one line: as it is when ASCII, else RFC 2047 encoded words."""
    value = one_line(value)
    if value.isascii() and max(map(len, value.split(" "))) <= LONGEST_WORD:
        return value
    # Encoded words short enough that the longest header name and one still fit in FOLD_AT.
    return Header(value, "utf-8", maxlinelen=FOLD_AT - len("List-Unsubscribe: ")).encode(linesep="\r\n")


@functools.lru_cache(maxsize=16)
def date_header(when) -> str:
    return format_datetime(when)


_ASCII = bytes(range(128))
FOLD_AT = 78  # RFC 5322's recommended line length; 998 is its limit
LONGEST_WORD = 200  # a longer unbroken word in a header is sent as encoded words, which fold
NAME_LIMIT = 200  # characters of a reader's name shown in To
_SPECIALS = re.compile(r'[][\\()<>@,:;".]')  # RFC 5322 specials: a name holding one is quoted


def mime_part(content_type: str, text: str) -> bytes:
    """One body part, in whichever 7-bit encoding is shorter: quoted-printable for mostly-Latin
    text (about its own size), base64 for mostly-non-Latin (4/3). Fewer bytes and lines cost
    every relay and mailbox on the way less; both encoders are binascii's C code."""
    data = text.replace("\r\n", "\n").encode("utf-8")
    non_ascii = len(data.translate(None, _ASCII))
    if (len(data) - non_ascii) + 3 * non_ascii <= len(data) * 4 // 3:
        encoding, body = "quoted-printable", binascii.b2a_qp(data, istext=True)
        if not body.endswith(b"\n"):
            body += b"\n"
    else:
        encoding, body = "base64", base64.encodebytes(data)
    return (f'Content-Type: {content_type}; charset="utf-8"\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n'
            .encode() + body.replace(b"\n", b"\r\n"))


def build_message(selection: Selection, *, edition: str, subject: str, to: tuple[str, str], token: str,
                  sender: Sender, lang: str, when, theme: Theme, bodies: tuple[str, str] | None = None,
                  web_url: str = "") -> bytes:
    """The message for one reader, as the bytes an SMTP server receives (CRLF line endings).

    Written directly rather than through email.message: at a hundred thousand readers the object
    model's header parsing cost more than sending. Every header is ASCII or RFC 2047-encoded,
    one line each; tests parse the result back with the email package.
    """
    text, html = bodies or render_bodies(selection, subject=subject, sender=sender, lang=lang, theme=theme,
                                         web_url=web_url)
    token_text = quote(token)
    text, html = text.replace(TOKEN_MARKER, token_text), html.replace(TOKEN_MARKER, token_text)
    mailto = f"<mailto:unsubscribe@{sender.domain}?subject=unsubscribe-{token_text}>"
    headers = [
        ("From", address_header(*parseaddr(sender.address))),
        ("To", address_header(to[1], to[0])),
        ("Subject", header_text(subject)),
        ("Date", date_header(when)),
        ("Message-ID", message_id(edition, to[0], sender)),
        ("List-Id", f"{header_text(sender.site_name + ' digest')} <{sender.list_id or 'digest.' + sender.domain}>"),
    ]
    if sender.unsubscribe_url:  # one click (RFC 8058) needs the https link of the subscription service
        headers.append(("List-Unsubscribe", f"<{sender.unsubscribe_url}?token={token_text}>, {mailto}"))
        headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    else:
        headers.append(("List-Unsubscribe", mailto))
    boundary = "masthead-" + hashlib.sha256(f"{edition}{to[0]}".encode()).hexdigest()[:24]
    return assemble(headers, text, html, boundary)


def address_header(name: str, address: str) -> str:
    """'Name <address>' for a To or From header. An address with a non-ASCII local part stays
    UTF-8 (RFC 6532: only sent to servers that offer SMTPUTF8). The name is cut to NAME_LIMIT
    characters (a greeting, not a place for a letter), quoted when it holds specials, and sent as
    encoded words of RFC 2047's length when it is not ASCII."""
    name = one_line(name)[:NAME_LIMIT].strip()
    if not name:
        return address
    if not name.isascii():
        shown = header_text(name)
    elif _SPECIALS.search(name):
        shown = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    else:
        shown = name
    return f"{shown} <{address}>"


def folded(name: str, value: str) -> str:
    """One header as lines of at most FOLD_AT characters where the value has spaces to fold at
    (RFC 5322 2.2.3: a CRLF before white space); never a line over 998, as every word in a value
    built here is short (header_text encodes long ones, names are cut)."""
    line = f"{name}: {value}"
    if len(line) <= FOLD_AT and "\r\n" not in line:
        return line + "\r\n"
    lines, current = [], f"{name}:"
    for word in value.replace("\r\n ", " ").split(" "):
        if len(current) + 1 + len(word) > FOLD_AT and current.strip() != f"{name}:":
            lines.append(current)
            current = ""
        current += " " + word
    lines.append(current)
    return "\r\n".join(lines) + "\r\n"


def assemble(headers: list[tuple[str, str]], text: str, html: str, boundary: str) -> bytes:
    """Header lines (already one-line, ASCII or RFC 2047; UTF-8 only in an internationalized
    address) and the two parts as multipart/alternative."""
    headers = headers + [("MIME-Version", "1.0"), ("Content-Type", f'multipart/alternative; boundary="{boundary}"')]
    head = "".join(folded(name, value) for name, value in headers).encode("utf-8")
    marker = f"--{boundary}\r\n".encode()
    return (head + b"\r\n" + marker + mime_part("text/plain", text) + marker + mime_part("text/html", html)
            + f"--{boundary}--\r\n".encode())
