"""`masthead digest preview`: the message one subscriber would get now, written as .eml and .html."""

from __future__ import annotations

import json
import os
from datetime import datetime
from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path
from typing import Callable

from ..config import SiteConfig
from ..errors import MastheadError
from ..i18n import long_date
from ..outputs import MANIFEST_FILE
from ..subscribers.store import SubscriberStore
from ..themes import Theme
from .dkim_sign import DkimSigner
from .message import Sender, build_message
from .select import articles_from_manifest, edition_id, edition_path, period_of, select_for, window

DEFAULT_SUBJECT = "{site}: {stories}"


def digest_subject(config: SiteConfig, count: int, until: datetime, theme: Theme, lang: str) -> str:
    """The subject line, from MASTHEAD['digest']['subject']: {site}, {count}, {stories} ('1 new
    story', '3 new stories', in the reader's language and its plural forms) and {date} (the
    edition's day, as the reader's language writes it)."""
    return config.digest.get("subject", DEFAULT_SUBJECT).format(
        site=config.name, count=count, stories=theme.count("new_stories", count, lang),
        date=long_date(until.astimezone(config.timezone), lang, config.date_formats))


def read_manifest(output: Path, config: SiteConfig) -> dict:
    """The last build's manifest, refused when it was built for another site than these settings
    name: its links would send readers to a local build, or a local test to real readers."""
    path = Path(output) / MANIFEST_FILE
    if not path.is_file():
        raise MastheadError(f"{path} not found: build the site first (masthead build --production)")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    built_for = manifest.get("site", {}).get("url", "")
    if built_for != config.public_url:
        raise MastheadError(f"{output} was built for {built_for or 'another site'}, but these settings are for "
                            f"{config.public_url}: nothing was sent, since its links would not match. Build with the "
                            "same settings first (`masthead build --production` for publishconf.py), or pass the "
                            "settings it was built with (--settings pelicanconf.py for a local try)")
    return manifest


def sender_for(config: SiteConfig) -> Sender:
    options = config.digest
    host = config.public_url.split("//")[-1].split("/")[0].split(":")[0]
    address = options.get("from") or f"{config.name} <digest@{host}>"
    service = config.service_url
    return Sender(address=address, site_name=config.name, site_url=config.public_url, about=config.about,
                  unsubscribe_url=options.get("unsubscribe_url") or (service and f"{service}/unsubscribe"),
                  preferences_url=service and f"{service}/preferences")


def link_tokens(config: SiteConfig, environ=os.environ) -> Callable[[str], str]:
    """What goes in each reader's unsubscribe and preferences links: their stored token signed with
    the subscription service's secret, which the service checks. Without a service (mailto only),
    the stored token as it is."""
    sender = sender_for(config)
    if not (sender.unsubscribe_url or sender.preferences_url):
        return lambda token: token
    from ..subscriptions.secret import secret_from_environment
    from ..subscriptions.tokens import TokenSigner

    return TokenSigner(secret_from_environment(environ)).manage


def preview(email: str, frequency: str | None, now: datetime, output: Path, store: SubscriberStore,
            config: SiteConfig, theme: Theme, target: Path) -> tuple[Path, Path, int]:
    """Write digest.eml and digest.html for one subscriber; returns the paths and the story count."""
    subscriber = store.get(email)
    if subscriber is None:
        raise MastheadError(f"{email} is not a subscriber (masthead subscribers list)")
    frequency = frequency or subscriber.frequency
    articles = articles_from_manifest(read_manifest(output, config))
    since, until = window(frequency, now, None)
    selection = select_for(articles, since, until, subscriber.sections, subscriber.authors, subscriber.language)
    if selection.is_empty:
        raise MastheadError(f"nothing new for {subscriber.email} since {since:%Y-%m-%d %H:%M}: nobody gets an "
                            "empty digest")
    edition = edition_id(frequency, until, [a.id for a in articles if since < a.published <= until])
    lang = subscriber.language or config.default_lang
    subject = digest_subject(config, len(selection.articles), until, theme, lang)
    message = build_message(selection, edition=edition, subject=subject, to=(subscriber.email, subscriber.name),
                            token=link_tokens(config)(subscriber.token), sender=sender_for(config),
                            lang=lang, when=now, theme=theme,
                            web_url=f"{config.public_url}/{edition_path(period_of(frequency, now, config.timezone))}")
    signer = DkimSigner.from_settings(config.digest.get("dkim") or {})
    if signer:
        message = signer.sign(message)
    target.mkdir(parents=True, exist_ok=True)
    eml, html = target / "digest.eml", target / "digest.html"
    eml.write_bytes(message)
    parsed = message_from_bytes(message, policy=email_policy.default)
    html.write_text(parsed.get_body(("html",)).get_content(), encoding="utf-8")
    return eml, html, len(selection.articles)
