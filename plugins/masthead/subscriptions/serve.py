"""`masthead subscriptions serve`: the service's settings from the site's, and waitress to run it.

waitress is a production WSGI server in pure Python (no compiler, runs anywhere Python does); it
sits behind a reverse proxy (set `trusted_proxies` so client addresses come from
X-Forwarded-For). Any other WSGI server or a function platform's WSGI adapter can run
`masthead.subscriptions.wsgi:application` instead.
"""

from __future__ import annotations

import json
import logging
import os
import signal
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

from ..config import SiteConfig
from ..digest.preview import sender_for
from ..digest.transports import sender_factory, takes_unicode_local_parts
from ..errors import MastheadError
from ..outputs import MANIFEST_FILE
from ..subscribers.store import SubscriberStore
from ..themes import Theme
from . import service_log
from .app import ServiceSettings, SubscriptionService
from .mail import Mailer
from .secret import secret_from_environment
from .tokens import TokenSigner


def service_settings(config: SiteConfig, output: Path, theme: Theme) -> ServiceSettings:
    """What the service offers readers: the sections of the settings, the authors and languages of the
    last build (its manifest), and the limits of MASTHEAD['subscriptions']."""
    if not config.service_url:
        raise MastheadError("set MASTHEAD['subscriptions'] = {'url': 'https://subscribe.example.org'}: the service's "
                            "public address, which its emails link to")
    authors, languages = {}, {config.default_lang}
    manifest = output / MANIFEST_FILE
    if manifest.is_file():
        for article in json.loads(manifest.read_text(encoding="utf-8")).get("articles", []):
            languages.add(article.get("lang") or config.default_lang)
            for author in article.get("authors", []):
                authors[author["slug"]] = author["name"]
    options = config.subscriptions
    return ServiceSettings(
        sender=sender_for(config), service_url=config.service_url, theme=theme, default_lang=config.default_lang,
        tagline=config.tagline, logo=config.logo, sections=config.sections,
        authors=tuple(sorted(authors.items(), key=lambda item: item[1])), languages=tuple(sorted(languages)),
        confirm_for=timedelta(hours=int(options.get("confirm_hours", 48))),
        trusted_proxies=int(options.get("trusted_proxies", 0)),
        per_client_per_minute=int(options.get("per_client_per_minute", 10)),
        per_address_per_hour=int(options.get("per_address_per_hour", 3)),
        unicode_local_parts=takes_unicode_local_parts(config.digest),
        ses_topic=str((options.get("ses_notifications") or {}).get("topic_arn", "")),
        ses_certificate_host=str((options.get("ses_notifications") or {}).get("certificate_host", "")),
        bounce_limit=int(config.digest.get("bounces", 3)))


def make_service(config: SiteConfig, output: Path, theme: Theme, store_path: Path,
                 environ=os.environ) -> SubscriptionService:
    settings = service_settings(config, output, theme)
    SubscriberStore(store_path).close()  # the schema created or migrated once, before any request races for it
    signer = TokenSigner(secret_from_environment(environ))
    mailer = Mailer(sender_factory(config.digest), parseaddr(settings.sender.address)[1])
    return SubscriptionService(store_path, settings, signer, mailer)


def create_server(service: SubscriptionService, host: str, port: int, threads: int = 8):
    """The waitress server, not yet running. Forwarded headers are left to the service (ProxyFix,
    applied only when `trusted_proxies` is set), so waitress must not drop them first."""
    from waitress.server import create_server as waitress_server

    return waitress_server(service, host=host, port=port, threads=threads, ident="masthead",
                           max_request_body_size=300 * 1024,  # an SES notification may be 256 KB
                           clear_untrusted_proxy_headers=False)


def serve(service: SubscriptionService, host: str, port: int, threads: int = 8) -> None:
    # A service logs each request (path and status, never a query string or a whole address).
    log = service_log()
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    server = create_server(service, host, port, threads)
    # Ctrl-C, and SIGTERM from a container runtime or systemd, stop the service cleanly (the
    # mail queue is handed over first), even when the parent started it with SIGINT ignored.
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, signal.default_int_handler)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        service.mailer.close()
