"""One subscriber's digest as an email: headers, an HTML part with inlined CSS, a plain-text part.

Templates live in the theme (theme/templates/email/), so the emails share the site's look.
Header values are single lines of text: a newline or a control character in a headline can
never become a header of its own.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from urllib.parse import quote

import css_inline
import jinja2

from ..content.model import text_direction
from ..labels import label
from .select import Selection

GMAIL_CLIP = 100_000  # Gmail clips messages at about 102 KB: stay under it
TOKEN_MARKER = "masthead-reader-token-5b1f0c"  # stands in for each reader's token in shared bodies
MESSAGE_POLICY = SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class Sender:
    """Who the digest comes from, and where readers unsubscribe."""

    address: str  # "The Meridian <digest@meridian.example>"
    site_name: str
    site_url: str
    about: str = ""
    unsubscribe_url: str = ""  # the subscription service's /unsubscribe
    list_id: str = ""

    @property
    def domain(self) -> str:
        return parseaddr(self.address)[1].rpartition("@")[2] or "localhost"


def one_line(text: str) -> str:
    """Header-safe text: control characters dropped, all white space folded to single spaces."""
    return " ".join("".join(ch if unicodedata.category(ch) != "Cc" else " " for ch in text).split())


@functools.lru_cache(maxsize=8)
def _templates(theme: Path) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(theme / "templates" / "email")),
                             autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.globals.update(direction=text_direction, t=label)
    return env


def _context(selection: Selection, sender: Sender, subject: str, unsubscribe: str, lang: str,
             max_stories: int, total: int) -> dict:
    shown, sections = 0, []
    for name, stories in selection.sections:
        room = max(0, max_stories - shown)
        if room:
            sections.append((name, stories[:room]))
            shown += len(stories[:room])
    return dict(site={"name": sender.site_name, "url": sender.site_url, "about": sender.about},
                subject=one_line(subject), heading=one_line(subject), sections=sections,
                corrections=selection.corrections, unsubscribe_url=unsubscribe, preferences_url="", lang=lang,
                more=f"{total - shown} more stories on the site" if total > shown else "")


def render_bodies(selection: Selection, *, subject: str, sender: Sender, lang: str, theme: Path,
                  max_stories: int = 30) -> tuple[str, str]:
    """The text and HTML of a digest, with TOKEN_MARKER where the reader's token goes.

    Readers who follow the same things get the same bodies: render once, fill in each token.
    The HTML stays under Gmail's clipping size by showing fewer stories and linking the rest.
    """
    env = _templates(theme)
    unsubscribe = f"{sender.unsubscribe_url}?token={TOKEN_MARKER}" if sender.unsubscribe_url else f"{sender.site_url}/"
    total = len(selection.articles)
    while True:
        context = _context(selection, sender, subject, unsubscribe, lang, max_stories, total)
        html = css_inline.inline(env.get_template("digest.html").render(**context))
        if len(html.encode()) <= GMAIL_CLIP or max_stories <= 1:
            break
        max_stories //= 2  # too long for Gmail: fewer stories, and a link to the rest
    return env.get_template("digest.txt").render(**context), html


def build_message(selection: Selection, *, edition: str, subject: str, to: tuple[str, str], token: str,
                  sender: Sender, lang: str, when, theme: Path, bodies: tuple[str, str] | None = None) -> EmailMessage:
    """The message for one reader; `bodies` from render_bodies when readers share them."""
    text, html = bodies or render_bodies(selection, subject=subject, sender=sender, lang=lang, theme=theme)
    text, html = text.replace(TOKEN_MARKER, quote(token)), html.replace(TOKEN_MARKER, quote(token))
    unsubscribe = f"{sender.unsubscribe_url}?token={quote(token)}"

    # RFC 5322 allows 998 characters a line: a long List-Unsubscribe URL must stay one literal word.
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["From"] = sender.address
    message["To"] = formataddr((one_line(to[1]), to[0]))
    message["Subject"] = one_line(subject)
    message["Date"] = format_datetime(when)
    recipient = hashlib.sha256(to[0].lower().encode()).hexdigest()[:16]
    message["Message-ID"] = f"<{edition}.{recipient}@{sender.domain}>"  # the same on a resend: clients dedupe
    message["List-Id"] = f"{one_line(sender.site_name)} digest <{sender.list_id or 'digest.' + sender.domain}>"
    mailto = f"<mailto:unsubscribe@{sender.domain}?subject=unsubscribe-{quote(token)}>"
    if sender.unsubscribe_url:  # one click (RFC 8058) needs the https link of the subscription service
        message["List-Unsubscribe"] = f"<{unsubscribe}>, {mailto}"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    else:
        message["List-Unsubscribe"] = mailto
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message
