"""The subscription service as a WSGI application (Werkzeug), sharing the digest's subscriber store.

    POST /subscribe            form or JSON -> a sign-up to confirm, and a confirmation email
    GET  /confirm?token=       -> active
    GET  /unsubscribe?token=   -> a page with a button (never unsubscribes by itself)
    POST /unsubscribe          RFC 8058 one-click (List-Unsubscribe=One-Click) or the button
    GET|POST /preferences?token=
    GET  /healthz

Any WSGI server can run it (`masthead subscriptions serve` uses waitress). Everything a visitor
may learn is the same whether or not an address is known; links carry signed tokens.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.request
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import jinja2
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from ..content.model import text_direction
from ..digest.message import Sender
from ..errors import ContentError
from ..subscribers.model import Interests, Subscriber, address_key, subscriber_from, transport_address
from ..subscribers.store import StoreUnavailable, SubscriberStore
from ..themes import Theme
from . import service_log
from .limits import SharedRateLimit
from .mail import Mailer, masked, notice
from .tokens import ExpiredToken, InvalidToken, TokenSigner

log = service_log()

MAX_BODY = 16 * 1024  # a sign-up is a few hundred bytes
HONEYPOT = "website"  # hidden from people by the theme; bots fill it
STORE_WAIT = 2.0  # seconds a request waits for another writer before the database counts as unavailable
RETRY_AFTER = 30  # seconds a client is asked to wait when the database is unavailable
ONE_CLICK = "List-Unsubscribe=One-Click"


@dataclass(frozen=True)
class ServiceSettings:
    sender: Sender  # the site's name, address and about, and the From of the emails
    service_url: str  # this service's public address, for the links in emails
    theme: Theme
    default_lang: str = "en"
    tagline: str = ""
    logo: str = ""
    sections: tuple[str, ...] = ()
    authors: tuple[tuple[str, str], ...] = ()  # (slug, name) from the last build's manifest
    languages: tuple[str, ...] = ()
    confirm_for: timedelta = timedelta(hours=48)
    trusted_proxies: int = 0
    per_client_per_minute: int = 10
    per_address_per_hour: int = 3
    unicode_local_parts: bool = True  # False when mail goes through Amazon SES
    ses_topic: str = ""  # the SNS topic SES reports bounces and complaints to ('' : no /notifications/ses)
    ses_certificate_host: str = ""  # where its signing certificates come from (default: the topic region's SNS)
    bounce_limit: int = 3  # MASTHEAD['digest']['bounces']

    @property
    def site_origin(self) -> str:
        parts = urlsplit(self.sender.site_url)
        return f"{parts.scheme}://{parts.netloc}"


@dataclass
class _Answer:
    status: int
    heading: str
    lead: str = ""
    problems: list[str] = field(default_factory=list)
    state: str = "ok"


class SubscriptionService:
    def __init__(self, store_path: Path, settings: ServiceSettings, signer: TokenSigner, mailer: Mailer,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 monotonic: Callable[[], float] = time.time):
        self.store_path, self.settings, self.signer = store_path, settings, signer
        self.mailer, self.clock = mailer, clock
        self.monotonic = monotonic
        # Counted in the database: every process of the service shares them (a wall clock, which
        # processes share, unlike each one's monotonic clock).
        self.per_client = SharedRateLimit("client", settings.per_client_per_minute, 60, lambda: self.store,
                                          monotonic)
        self.per_address = SharedRateLimit("address", settings.per_address_per_hour, 3600, lambda: self.store,
                                           monotonic)
        self.t = settings.theme.label  # the theme's words, the newsroom's own first
        self.interests = Interests(settings.sections, tuple(slug for slug, _ in settings.authors),
                                   settings.unicode_local_parts)
        self._local = threading.local()
        self._pages = jinja2.Environment(loader=jinja2.FileSystemLoader(settings.theme.templates("service")),
                                         autoescape=True, undefined=jinja2.StrictUndefined)
        self._pages.globals.update(direction=text_direction, t=settings.theme.label)
        settings.theme.install_i18n(self._pages)
        self.routes = Map([Rule("/subscribe", endpoint="subscribe", methods=["POST", "OPTIONS"]),
                           Rule("/confirm", endpoint="confirm", methods=["GET"]),
                           Rule("/unsubscribe", endpoint="unsubscribe", methods=["GET", "POST"]),
                           Rule("/preferences", endpoint="preferences", methods=["GET", "POST"]),
                           Rule("/notifications/ses", endpoint="ses_notification", methods=["POST"]),
                           Rule("/healthz", endpoint="health", methods=["GET"])])
        self._certificates: dict[str, bytes] = {}  # SNS signing certificates, by URL: fetched once
        self.wsgi = self._dispatch
        if settings.trusted_proxies:  # the client's address from X-Forwarded-For, set by that many proxies
            self.wsgi = ProxyFix(self._dispatch, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies,
                                 x_host=settings.trusted_proxies)
        self._last_purge = float("-inf")

    def __call__(self, environ, start_response):
        return self.wsgi(environ, start_response)

    # -- plumbing
    @property
    def store(self) -> SubscriberStore:
        """One database connection per server thread; a write waits STORE_WAIT for another's lock."""
        if not hasattr(self._local, "store"):
            self._local.store = SubscriberStore(self.store_path, clock=self.clock, wait=STORE_WAIT)
        return self._local.store

    def _dispatch(self, environ, start_response):
        request = Request(environ)
        request.max_content_length = MAX_BODY
        request.max_form_memory_size = MAX_BODY
        started = time.perf_counter()
        try:
            endpoint, _ = self.routes.bind_to_environ(environ).match()
            response = getattr(self, f"on_{endpoint}")(request)
        except RequestEntityTooLarge:
            response = self._answer(request, _Answer(413, self.t("form_problem", self._lang(request)),
                                                     "The request is too large.", state="error"))
        except MethodNotAllowed as exc:
            response = Response("method not allowed\n", 405, {"Allow": ", ".join(exc.valid_methods or [])},
                                mimetype="text/plain")
        except NotFound:
            response = Response("not found\n", 404, mimetype="text/plain")
        except HTTPException as exc:
            response = Response(f"{exc.code} {exc.name}\n", exc.code or 400, mimetype="text/plain")
        except StoreUnavailable as exc:
            # Locked by another process, read-only, full: the same answer for every request, after
            # the same bounded wait, and nothing half-written (each change is one transaction).
            log.error("%s %s: database unavailable: %s", request.method, request.path, exc)
            lang = self._lang(request)
            response = self._answer(request, _Answer(503, self.t("busy", lang), state="error"), lang)
            response.headers["Retry-After"] = str(RETRY_AFTER)
        except Exception:  # noqa: BLE001 - a bug: logged with its traceback, answered like every other page
            log.exception("%s %s failed", request.method, request.path)
            lang = self._lang(request)
            response = self._answer(request, _Answer(500, self.t("server_error", lang), state="error"), lang)
        self._secure(request, response)
        # The path only: query strings hold tokens, and no address is ever logged whole.
        log.info("%s %s %s %.0fms", request.method, request.path, response.status_code,
                 (time.perf_counter() - started) * 1000)
        return response(environ, start_response)

    def _secure(self, request: Request, response: Response) -> None:
        origin = self.settings.site_origin
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"  # tokens in our URLs must not travel further
        response.headers["Content-Security-Policy"] = (
            f"default-src 'none'; style-src {origin}; img-src {origin}; form-action 'self'; frame-ancestors 'none'; "
            "base-uri 'none'")
        if request.headers.get("Origin") == origin and request.path == "/subscribe":
            response.headers["Access-Control-Allow-Origin"] = origin
        response.headers.add("Vary", "Origin")

    def _lang(self, request: Request, wanted: str = "") -> str:
        lang = wanted or request.args.get("lang", "")
        offered = self.settings.languages or (self.settings.default_lang,)
        return lang if lang in offered else self.settings.default_lang

    def _page(self, status: int, lang: str, **context) -> Response:
        s = self.settings
        site = {"name": s.sender.site_name, "url": s.sender.site_url, "tagline": s.tagline, "logo": s.logo}
        context.setdefault("lead", "")
        context.setdefault("problems", [])
        context.setdefault("form", "")
        body = self._pages.get_template("page.html").render(site=site, lang=lang, **context)
        return Response(body, status, mimetype="text/html")

    def _answer(self, request: Request, answer: _Answer, lang: str = "") -> Response:
        """JSON for the site's script, a page for a plain form post: the same words."""
        if request.is_json or "application/json" in request.headers.get("Accept", ""):
            body = {"state": answer.state, "heading": answer.heading, "message": answer.lead,
                    "problems": answer.problems}
            return Response(json.dumps(body, ensure_ascii=False), answer.status, mimetype="application/json")
        return self._page(answer.status, lang or self._lang(request), heading=answer.heading, lead=answer.lead,
                          problems=answer.problems)

    def _client(self, request: Request) -> str:
        return request.remote_addr or "unknown"

    def _manage_url(self, path: str, reader: Subscriber) -> str:
        return f"{self.settings.service_url}/{path}?token={self.signer.manage(reader.token)}"

    # -- endpoints
    def on_health(self, request: Request) -> Response:
        """ok only when a sign-up could be written now (a load balancer stops sending otherwise)."""
        try:
            self.store.check_writable()
        except StoreUnavailable as exc:
            log.error("health: database not writable: %s", exc)
            return Response("database not writable\n", 503, {"Retry-After": str(RETRY_AFTER)}, mimetype="text/plain")
        return Response("ok\n", mimetype="text/plain")

    def on_subscribe(self, request: Request) -> Response:
        if request.method == "OPTIONS":  # CORS preflight, for the site's origin only
            response = Response(status=204)
            if request.headers.get("Origin") == self.settings.site_origin:
                response.headers.update({"Access-Control-Allow-Methods": "POST",
                                         "Access-Control-Allow-Headers": "Content-Type, Accept",
                                         "Access-Control-Max-Age": "86400"})
            return response
        fields = self._fields(request)
        lang = self._lang(request, str((fields or {}).get("language") or ""))
        if fields is None:
            return self._answer(request, _Answer(400, self.t("form_problem", lang),
                                                 "Send a form or a JSON object.", state="error"), lang)
        wait = self.per_client.allow(self._client(request))
        if wait:
            response = self._answer(request, _Answer(429, self.t("too_many", lang), state="error"), lang)
            response.headers["Retry-After"] = str(int(wait) + 1)
            return response
        checking_in = _Answer(200, self.t("inbox_heading", lang), self.t("inbox_lead", lang))
        if fields.get(HONEYPOT):
            log.info("sign-up dropped: the hidden field was filled")
            return self._answer(request, checking_in, lang)
        try:
            wanted = subscriber_from({**fields, "status": "pending"}, self.interests, "form")
        except ContentError as exc:
            problems = [f"{p.field}: expected {p.expected}" for p in exc.problems]
            return self._answer(request, _Answer(400, self.t("form_problem", lang), problems=problems, state="error"),
                                lang)
        if wanted.language and self.settings.languages and wanted.language not in self.settings.languages:
            wanted = replace(wanted, language="")  # a language the site does not publish in: every language
        if self.per_address.allow(hashlib.sha256(address_key(wanted.email).encode()).hexdigest()):
            log.info("sign-up for %s not mailed: too many for that address this hour", masked(wanted.email))
            return self._answer(request, checking_in, lang)  # the same answer: nothing to learn, nothing to bomb
        self._purge()
        signup = self.store.sign_up(wanted)
        sender, now, address = self.settings.sender, self.clock(), transport_address(wanted.email)
        if signup is not None:
            link = f"{self.settings.service_url}/confirm?token={self.signer.confirm(signup.nonce, signup.requested)}"
            message = notice("confirm", to=(address, wanted.name), action_url=link, sender=sender, lang=lang,
                             when=now, theme=self.settings.theme,
                             confirm_hours=int(self.settings.confirm_for.total_seconds() // 3600))
        else:
            reader = self.store.get(wanted.email)
            message = notice("known", to=(address, reader.name), action_url=self._manage_url("preferences", reader),
                             sender=sender, lang=reader.language or lang, when=now, theme=self.settings.theme)
        self.mailer.submit(message, address)
        log.info("sign-up for %s: %s", masked(wanted.email), "confirmation queued" if signup else "already active")
        return self._answer(request, checking_in, lang)

    def _fields(self, request: Request) -> dict | None:
        if request.is_json:
            try:
                data = request.get_json(silent=True)
            except RecursionError:  # nested deeper than the parser goes: no form is shaped like that
                return None
            if not isinstance(data, dict):
                return None
            return {key: value for key, value in data.items() if isinstance(value, (str, list))
                    and (isinstance(value, str) or all(isinstance(item, str) for item in value))}
        form = request.form
        return {"email": form.get("email", ""), "name": form.get("name", ""), "frequency": form.get("frequency", ""),
                "sections": form.getlist("sections"), "authors": form.getlist("authors"),
                "language": form.get("language", ""), HONEYPOT: form.get(HONEYPOT, "")}

    def _purge(self) -> None:
        """Forget unconfirmed sign-ups once their links have expired, and rate-limit hits older than
        the longest window (at most once a minute)."""
        if self.monotonic() - self._last_purge > 60:
            self._last_purge = self.monotonic()
            self.store.purge_signups(self.clock() - self.settings.confirm_for)
            self.store.forget_rate_hits(self.monotonic() - self.per_address.window)

    def on_confirm(self, request: Request) -> Response:
        lang = self._lang(request)
        try:
            confirmation = self.signer.read_confirm(request.args.get("token", ""), self.clock(),
                                                    self.settings.confirm_for)
        except ExpiredToken:
            return self._page(410, lang, heading=self.t("invalid_heading", lang), lead=self.t("expired_lead", lang))
        except InvalidToken:
            return self._page(400, lang, heading=self.t("invalid_heading", lang), lead=self.t("invalid_lead", lang))
        reader = self.store.confirm(confirmation.token, confirmation.requested)
        if reader is None:
            return self._page(409, lang, heading=self.t("invalid_heading", lang), lead=self.t("used_lead", lang))
        log.info("confirmed %s", masked(reader.email))
        lang = reader.language or lang  # the page in the language the reader chose, as its words
        return self._page(200, lang, heading=self.t("confirmed_heading", lang), lead=self.t("confirmed_lead", lang))

    def on_ses_notification(self, request: Request) -> Response:
        """An SNS message about the SES configuration set: believed only once its signature checks
        (sns.py); a subscription is confirmed, a bounce or complaint applied once per reader."""
        from . import sns

        def refuse(status: int, reason: str) -> Response:
            log.warning("SES notification refused: %s", reason)  # never the addresses
            return Response(f"refused: {reason}\n", status, mimetype="text/plain")

        if not self.settings.ses_topic:
            return Response("not found\n", 404, mimetype="text/plain")
        host = self.settings.ses_certificate_host or sns.certificate_host(self.settings.ses_topic)
        request.max_content_length = sns.MAX_BYTES
        try:
            message = json.loads(request.get_data(cache=False))
        except ValueError:
            return refuse(400, "not JSON")
        if not isinstance(message, dict):
            return refuse(400, "not a JSON object")
        url = str(message.get("SigningCertURL", ""))
        if not sns.trusted_url(url, host):
            return refuse(403, f"a signing certificate from somewhere other than {host}")
        try:
            sns.check(message, self.settings.ses_topic, host, self._certificate(url), self.clock())
        except sns.Refused as exc:
            return refuse(403, str(exc))
        except OSError as exc:
            return refuse(503, f"the signing certificate could not be fetched ({exc})")
        if message.get("Type") == "SubscriptionConfirmation":
            confirm = str(message.get("SubscribeURL", ""))
            if not sns.trusted_url(confirm, host):
                return refuse(403, "a SubscribeURL elsewhere than SNS")
            with urllib.request.urlopen(confirm, timeout=10) as answer:  # noqa: S310 - a trusted https URL
                answer.read(64 * 1024)
            log.info("SES notifications: subscription to %s confirmed", self.settings.ses_topic)
            return Response("subscribed\n", 200, mimetype="text/plain")
        outcomes: dict[str, int] = {}
        for event in sns.ses_events(message):
            outcome = self.store.apply_report(f"sns:{event.notification}/{event.address}", event.address,
                                              event.kind, event.original_id, self.settings.bounce_limit)
            outcomes[f"{event.kind} {outcome}"] = outcomes.get(f"{event.kind} {outcome}", 0) + 1
        log.info("SES notification %s: %s", message.get("MessageId", ""),
                 ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items())) or "nothing to apply")
        return Response("ok\n", 200, mimetype="text/plain")

    def _certificate(self, url: str) -> bytes:
        if url not in self._certificates:
            with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - checked by trusted_url
                self._certificates[url] = answer.read(64 * 1024)
        return self._certificates[url]

    def _reader(self, request: Request) -> tuple[Subscriber | None, str]:
        """The reader a manage token names, and the token; query string first (one-click), then form."""
        token = request.args.get("token") or (request.form.get("token", "") if request.method == "POST" else "")
        try:
            stored = self.signer.read_manage(token)
        except InvalidToken:
            return None, ""
        return self.store.by_token(stored), token

    def on_unsubscribe(self, request: Request) -> Response:
        lang = self._lang(request)
        reader, token = self._reader(request)
        if reader is None:
            if request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click":
                return Response("invalid token\n", 400 if not token else 404, mimetype="text/plain")
            return self._page(400 if not token else 404, lang, heading=self.t("invalid_heading", lang),
                              lead=self.t("invalid_lead" if not token else "gone_lead", lang))
        lang = reader.language or lang
        if request.method == "GET":  # mail scanners follow links: only a POST unsubscribes
            return self._page(200, lang, heading=self.t("unsubscribe_heading", lang),
                              lead=self.t("unsubscribe_lead", lang).format(site=self.settings.sender.site_name,
                                                                         email=reader.email),
                              form="unsubscribe", token=token, action=f"{self.settings.service_url}/unsubscribe")
        self.store.unsubscribe(reader.email)
        log.info("unsubscribed %s (%s)", masked(reader.email),
                 "one-click" if request.form.get("List-Unsubscribe") == "One-Click" else "page")
        if request.form.get("List-Unsubscribe") == "One-Click":  # RFC 8058: a plain 200, no redirect, no page
            return Response("unsubscribed\n", 200, mimetype="text/plain")
        return self._page(200, lang, heading=self.t("unsubscribed_heading", lang),
                          lead=self.t("unsubscribed_lead", lang).format(email=reader.email))

    def on_preferences(self, request: Request) -> Response:
        lang = self._lang(request)
        reader, token = self._reader(request)
        if reader is None or reader.status in ("unsubscribed", "bounced"):
            return self._page(404 if token else 400, lang, heading=self.t("invalid_heading", lang),
                              lead=self.t("gone_lead" if token else "invalid_lead", lang))
        lang = reader.language or lang
        lead, problems, status = "", [], 200
        if request.method == "POST":
            form = request.form
            wanted, problems = None, []
            try:
                wanted = subscriber_from(
                    {"email": reader.email, "frequency": form.get("frequency", reader.frequency),
                     "sections": form.getlist("sections"), "authors": form.getlist("authors"),
                     "language": form.get("language", "")},
                    self.interests, "form")
            except ContentError as exc:
                problems = [f"{p.field}: expected {p.expected}" for p in exc.problems]
            if wanted and wanted.language and wanted.language not in self.settings.languages:
                problems = [f"language: expected one of {', '.join(self.settings.languages)}"]
            if problems:
                status = 400
            else:
                reader = self.store.set_preferences(reader.email, wanted.frequency, wanted.sections, wanted.authors,
                                                    wanted.language)
                lead = self.t("preferences_saved", lang)
                log.info("preferences of %s changed", masked(reader.email))
        return self._page(status, lang, heading=self.t("preferences_heading", lang), lead=lead or reader.email,
                          problems=problems, form="preferences", reader=reader, sections=self.settings.sections,
                          authors=self.settings.authors, languages=self.settings.languages,
                          action=self._manage_url("preferences", reader),
                          unsubscribe_url=self._manage_url("unsubscribe", reader))
