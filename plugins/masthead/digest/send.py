"""`masthead digest send`: plan the edition, then send each message once, recorded in the journal.

Readers are read a batch at a time and each message is built just before it is sent, so memory
stays flat however long the list. Sending is paced by `rate` (messages per second).
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path
from typing import Callable

from ..config import SiteConfig
from ..errors import MastheadError
from ..subscribers.model import transport_address
from ..subscribers.store import SubscriberStore
from ..themes import Theme
from .dkim_sign import DkimSigner
from .journal import Journal
from .message import build_message, message_id, render_bodies
from .preview import digest_subject, link_tokens, read_manifest, sender_for
from .select import SPANS, Selection, articles_from_manifest, edition_id, edition_path, period_of, select_for
from .smtp import PermanentFailure, SenderUnusable, TemporaryFailure, Undeliverable
from .verp import verp_address

BODY_CACHE = 256  # distinct digests kept rendered: bounded, whatever the number of readers
BOUNCE_LIMIT = 3  # permanent refusals before an address is marked bounced (MASTHEAD["digest"]["bounces"])


@dataclass
class SendReport:
    edition: str
    recipients: int = 0
    sent: int = 0
    skipped_already_sent: int = 0
    nothing_new: int = 0
    deferred: int = 0
    bounced: int = 0
    undeliverable: int = 0  # readers this sender cannot reach at all (recorded as failed, never as bounces)
    taken: int = 0  # readers another sender of the same edition claimed first
    errors: list[str] = field(default_factory=list)
    stopped: str = ""  # why the run stopped early (the sender cannot send anything); empty when it did not


def send_digests(frequency: str, now: datetime, output: Path, store: SubscriberStore, config: SiteConfig,
                 theme: Theme, sender_factory: Callable, dry_run: bool = False, rate: float = 0.0, workers: int = 4,
                 say: Callable[[str], None] = print) -> SendReport:
    """Send the edition; `sender_factory()` makes one connection for each of `workers` senders."""
    articles = articles_from_manifest(read_manifest(output, config))
    journal = Journal(store)
    edition = journal.edition(frequency, period_of(frequency, now, config.timezone), now, lambda until: edition_id(
        frequency, until, [a.id for a in articles if until - SPANS[frequency] < a.published <= until]))
    report = SendReport(edition.id)
    mail_from = sender_for(config)
    envelope_from = parseaddr(mail_from.address)[1]
    return_path = str(config.digest.get("return_path", "")).strip()
    verp_secret = ""
    if return_path:  # VERP: each reader's bounces come back to an address that names them (verp.py)
        if not re.fullmatch(r"[^@\s+]+@[^@\s]+\.[^@\s]+", return_path):
            raise MastheadError(f"MASTHEAD['digest']['return_path'] is {return_path!r}: expected the bounce "
                                "address, such as 'bounces@news.example' (without a '+')")
        from ..subscriptions.secret import secret_from_environment

        verp_secret = secret_from_environment()
    limit = int(config.digest.get("bounces", BOUNCE_LIMIT))
    signer = DkimSigner.from_settings(config.digest.get("dkim") or {})

    selections: dict[tuple, Selection] = {}

    def plan():
        for batch in store.active_batches(frequency):
            history = journal.history(edition.id, frequency, [s.key for s in batch])
            for subscriber in batch:
                report.recipients += 1
                state, last_until, received = history[subscriber.key]
                if state in ("sent", "failed"):
                    report.skipped_already_sent += 1
                    continue
                since = last_until or edition.until - SPANS[frequency]
                interests = (since, subscriber.sections, subscriber.authors, subscriber.language, received)
                selection = selections.get(interests)
                if selection is None:  # readers who follow the same things since the same time share it
                    selection = select_for(articles, since, edition.until, *interests[1:])
                    if len(selections) < BODY_CACHE:
                        selections[interests] = selection
                if selection.is_empty:
                    report.nothing_new += 1
                    continue
                yield subscriber, selection

    if dry_run:
        messages = sum(1 for _ in plan())
        say(f"edition {edition.id} ({frequency}, {edition.period}): {report.recipients} active readers, "
            f"{messages} messages to send, {report.skipped_already_sent} already sent, "
            f"{report.nothing_new} with nothing new")
        return report

    # On PostgreSQL senders of one edition split the readers, each claiming a reader before it builds
    # the message; on SQLite one sender at a time: a second one is refused instead of racing.
    claimant = store.db.claimant()
    with nullcontext() if store.db.splits_senders else store.db.run_lock(f"digest send of {edition.id}"):
        link_token = link_tokens(config)  # needs the subscription service's secret: checked before anything is sent
        pause = 1.0 / rate if rate > 0 else 0.0
        bodies: OrderedDict[tuple, tuple[str, str]] = OrderedDict()  # readers with the same interests share them
        senders = queue.SimpleQueue()  # one connection per worker, reused for every message it sends
        for _ in range(workers):
            senders.put(sender_factory())

        local = threading.local()
        halted, halting = threading.Event(), threading.Lock()
        journals: list[SubscriberStore] = []

        def deliver(message: bytes, subscriber, msg_id: str, ids: list[str]) -> None:
            """Send, and record 'sent' in this worker's own connection the moment the server accepts."""
            if not hasattr(local, "journal"):
                own_store = SubscriberStore(store.path, any_thread=True)
                journals.append(own_store)
                local.journal = Journal(own_store)
            if halted.is_set():  # another worker found the sender unusable: do not try the messages queued behind
                raise SenderUnusable("not tried: sending stopped")
            own = senders.get()
            try:
                own.send(message, verp_address(return_path, msg_id, verp_secret) if return_path else envelope_from,
                         transport_address(subscriber.email))
            except SenderUnusable as exc:
                stop(str(exc))
                raise
            finally:
                senders.put(own)
            local.journal.sent(edition.id, subscriber.key, msg_id, ids, now)

        def stop(reason: str) -> None:
            with halting:
                report.stopped = report.stopped or reason
                halted.set()

        def settle(future, subscriber, msg_id, ids) -> None:
            """Count the result; failures (never accepted, so outside the window) are recorded here.
            An error nobody foresaw stops the run: its message stays 'sending', so the next run sends it."""
            try:
                future.result()
            except Undeliverable as exc:
                journal.failed(edition.id, subscriber.key, msg_id, ids, str(exc), now)
                report.undeliverable += 1
                report.errors.append(f"{subscriber.email}: {exc}")
                return
            except (TemporaryFailure, SenderUnusable) as exc:
                journal.deferred(edition.id, subscriber.key, msg_id, ids, str(exc), now)
                report.deferred += 1
                return
            except PermanentFailure as exc:
                journal.failed(edition.id, subscriber.key, msg_id, ids, str(exc), now)
                if store.bounce(subscriber.email, limit).status == "bounced":
                    report.bounced += 1
                report.errors.append(f"{subscriber.email}: {exc}")
                return
            except Exception as exc:  # noqa: BLE001 - told to the user below, with its type
                stop(f"unexpected error while sending to {subscriber.email}: {type(exc).__name__}: {exc}")
                return
            report.sent += 1
            if report.sent % 1000 == 0:
                say(f"sent {report.sent}")

        def queue_messages(pool, in_flight: deque) -> None:
            """Build each message just before it is sent, and hand it to a worker."""
            for subscriber, selection in plan():
                if halted.is_set():
                    break
                ids = [a.id for a in selection.articles]
                msg_id = message_id(edition.id, subscriber.email, mail_from)
                if not journal.claim(edition.id, subscriber.key, msg_id, ids, now, claimant):
                    report.taken += 1  # another sender of this edition has this reader
                    continue
                lang = subscriber.language or config.default_lang
                subject = digest_subject(config, len(selection.articles), edition.until, theme, lang)
                key = (tuple(a.id for a in selection.articles),
                       tuple((a.id, w) for a, w, _ in selection.corrections), subject, lang)
                if key not in bodies:
                    bodies[key] = render_bodies(selection, subject=subject, sender=mail_from, lang=lang, theme=theme,
                                                web_url=f"{config.public_url}/{edition_path(edition.period)}")
                    if len(bodies) > BODY_CACHE:
                        bodies.popitem(last=False)
                bodies.move_to_end(key)
                message = build_message(selection, edition=edition.id, subject=subject,
                                        to=(transport_address(subscriber.email), subscriber.name),
                                        token=link_token(subscriber.token), sender=mail_from, lang=lang, when=now,
                                        theme=theme, bodies=bodies[key])
                if signer:
                    message = signer.sign(message)
                in_flight.append((pool.submit(deliver, message, subscriber, msg_id, ids), subscriber, msg_id, ids))
                while len(in_flight) > 2 * workers:  # bounded: memory stays flat
                    settle(*in_flight.popleft())
                if pause:
                    time.sleep(pause)

        in_flight: deque = deque()
        try:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                try:
                    queue_messages(pool, in_flight)
                except Exception as exc:  # noqa: BLE001 - building one message went wrong: stop, say why
                    stop(f"unexpected error while preparing a message: {type(exc).__name__}: {exc}")
                while in_flight:  # every submitted message is settled: recorded, or left 'sending' for the next run
                    settle(*in_flight.popleft())
        finally:  # only once every worker is done: a worker waiting for a sender would wait for ever
            while not senders.empty():
                senders.get().close()
        for own_store in journals:
            own_store.close()
        if report.stopped:
            say(f"stopped: {report.stopped}")
        say(f"edition {edition.id}: {report.sent} sent, {report.skipped_already_sent} already sent, "
            f"{report.deferred} deferred (sent on the next run), {report.bounced} bounced, "
            + (f"{report.undeliverable} undeliverable, " if report.undeliverable else "")
            + (f"{report.taken} taken by another sender, " if report.taken else "")
            + f"{report.nothing_new} with nothing new")
        return report
