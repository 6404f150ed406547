"""`masthead digest send`: plan the edition, then send each message once, recorded in the journal.

Readers are read a batch at a time and each message is built just before it is sent, so memory
stays flat however long the list. Sending is paced by `rate` (messages per second).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from ..config import SiteConfig
from ..subscribers.store import SubscriberStore
from .journal import Journal
from .message import build_message, render_bodies
from .preview import DEFAULT_SUBJECT, read_manifest, sender_for
from .select import SPANS, articles_from_manifest, edition_id, select_for
from .smtp import PermanentFailure, TemporaryFailure

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
    errors: list[str] = field(default_factory=list)


def period_of(frequency: str, moment: datetime, zone) -> str:
    local = moment.astimezone(zone)
    if frequency == "weekly":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def send_digests(frequency: str, now: datetime, output: Path, store: SubscriberStore, config: SiteConfig,
                 theme: Path, sender, dry_run: bool = False, rate: float = 0.0,
                 say: Callable[[str], None] = print) -> SendReport:
    articles = articles_from_manifest(read_manifest(output))
    journal = Journal(store)
    edition = journal.edition(frequency, period_of(frequency, now, config.timezone), now, lambda until: edition_id(
        frequency, until, [a.id for a in articles if until - SPANS[frequency] < a.published <= until]))
    report = SendReport(edition.id)
    mail_from = sender_for(config)
    limit = int(config.digest.get("bounces", BOUNCE_LIMIT))
    subject_template = config.digest.get("subject", DEFAULT_SUBJECT)

    def plan():
        for key in store.active_keys(frequency):
            report.recipients += 1
            if journal.state(edition.id, key) in ("sent", "failed"):
                report.skipped_already_sent += 1
                continue
            subscriber = store.get(key)
            since = journal.last_until(key, frequency, edition.id) or edition.until - SPANS[frequency]
            selection = select_for(articles, since, edition.until, subscriber.sections, subscriber.authors,
                                   subscriber.language, journal.received(key))
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

    pause = 1.0 / rate if rate > 0 else 0.0
    bodies: OrderedDict[tuple, tuple[str, str]] = OrderedDict()  # readers with the same interests share them
    for subscriber, selection in plan():
        subject = subject_template.format(site=config.name, count=len(selection.articles),
                                          date=edition.until.astimezone(config.timezone).strftime("%-d %B %Y"))
        lang = subscriber.language or config.default_lang
        key = (tuple(a.id for a in selection.articles), tuple((a.id, w) for a, w, _ in selection.corrections), subject, lang)
        if key not in bodies:
            bodies[key] = render_bodies(selection, subject=subject, sender=mail_from, lang=lang, theme=theme)
            if len(bodies) > BODY_CACHE:
                bodies.popitem(last=False)
        bodies.move_to_end(key)
        message = build_message(selection, edition=edition.id, subject=subject, to=(subscriber.email, subscriber.name),
                                token=subscriber.token, sender=mail_from, lang=lang, when=now, theme=theme,
                                bodies=bodies[key])
        ids = [a.id for a in selection.articles]
        journal.sending(edition.id, subscriber.key, message["Message-ID"], ids, now)
        try:
            sender.send(message, subscriber.email)
        except TemporaryFailure as exc:
            journal.deferred(edition.id, subscriber.key, message["Message-ID"], ids, str(exc), now)
            report.deferred += 1
            continue
        except PermanentFailure as exc:
            journal.failed(edition.id, subscriber.key, message["Message-ID"], ids, str(exc), now)
            if store.bounce(subscriber.email, limit).status == "bounced":
                report.bounced += 1
            report.errors.append(f"{subscriber.email}: {exc}")
            continue
        journal.sent(edition.id, subscriber.key, message["Message-ID"], ids, now)
        report.sent += 1
        if report.sent % 500 == 0:
            say(f"sent {report.sent}")
        if pause:
            time.sleep(pause)
    say(f"edition {edition.id}: {report.sent} sent, {report.skipped_already_sent} already sent, "
        f"{report.deferred} deferred (sent on the next run), {report.bounced} bounced, "
        f"{report.nothing_new} with nothing new")
    return report
