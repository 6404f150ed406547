"""`masthead subscribers bounces`: the bounce mailbox read, and each report applied once.

A maildir folder or an mbox file holds what the bounce address received. Every delivery status
or complaint report about a digest this database sent (reports.py) is applied to its reader
through the store, once (by the report's Message-ID): a permanent failure counts toward the
bounce limit, a transient one is only counted, a complaint unsubscribes at once. A maildir
report, once applied, is marked seen; everything else is left as it was.
"""

from __future__ import annotations

import mailbox
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ..errors import MastheadError
from .reports import read_report
from .store import SubscriberStore

MAX_MESSAGE = 10 * 1024 * 1024  # a bigger message is no bounce report: left alone


@dataclass
class BounceSummary:
    messages: int = 0
    not_reports: int = 0  # out-of-office replies, spam, readers writing back: left alone
    outcomes: Counter = field(default_factory=Counter)  # (kind, outcome) -> reports

    def line(self) -> str:
        done = self.outcomes
        permanent = done[("permanent", "counted")] + done[("permanent", "bounced")]
        again = sum(n for (_, outcome), n in done.items() if outcome == "again")
        strangers = sum(n for (_, outcome), n in done.items() if outcome == "stranger")
        return (f"Read {self.messages} messages: {permanent} permanent failures ({done[('permanent', 'bounced')]} "
                f"readers now bounced), {done[('transient', 'counted')]} transient (counted, not acted on), "
                f"{done[('complaint', 'unsubscribed')]} complaints (unsubscribed at once); {again} already counted; "
                f"left alone: {strangers} about no digest sent to that reader, {self.not_reports} no reports.")


def mailbox_messages(maildir: Path | None = None, mbox: Path | None = None
                     ) -> Iterator[tuple[bytes, Callable[[], None]]]:
    """Each message's bytes, and how to mark it done (seen, in a maildir; nothing in an mbox)."""
    if (maildir is None) == (mbox is None):
        raise MastheadError("name one bounce mailbox: --maildir DIR or --mbox FILE")
    if maildir is not None:
        if not (maildir / "cur").is_dir() or not (maildir / "new").is_dir():
            raise MastheadError(f"{maildir} is not a maildir (it needs cur/ and new/ folders)")
        box = mailbox.Maildir(str(maildir), factory=None, create=False)
        for key in list(box.keys()):
            path = Path(maildir) / box._lookup(key)  # type: ignore[attr-defined]
            if path.stat().st_size > MAX_MESSAGE:
                yield b"", lambda: None
                continue

            def seen(key=key) -> None:
                message = box.get_message(key)
                message.set_subdir("cur")
                message.add_flag("S")
                box[key] = message

            yield path.read_bytes(), seen
        return
    assert mbox is not None
    if not mbox.is_file():
        raise MastheadError(f"{mbox} not found: the mbox file the bounce address receives")
    for message in mailbox.mbox(str(mbox), factory=None, create=False):
        data = message.as_bytes() if hasattr(message, "as_bytes") else bytes(message)
        yield (data if len(data) <= MAX_MESSAGE else b""), (lambda: None)


def apply_reports(messages: Iterator[tuple[bytes, Callable[[], None]]], store: SubscriberStore, limit: int,
                  verp: Callable[[str], str | None] = lambda address: None) -> BounceSummary:
    """`verp(address)`: the Message-ID of the digest a VERP return path was made for (None for
    any other address); it wins over the Message-ID a report quotes, which it may not."""
    summary = BounceSummary()
    for data, mark_done in messages:
        summary.messages += 1
        reports = read_report(data) if data else None
        if not reports:
            summary.not_reports += 1
            continue
        applied = False
        for report in reports:
            original = next((found for found in map(verp, report.sent_to) if found), None) or report.original_id
            outcome = store.apply_report(report.report_id + "/" + report.recipient, report.recipient, report.kind,
                                         original, limit)
            summary.outcomes[(report.kind, outcome)] += 1
            applied = applied or outcome != "stranger"
        if applied:
            mark_done()
    return summary
