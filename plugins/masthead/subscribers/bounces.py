"""`masthead subscribers bounces`: the bounce mailbox read, and each report applied once.

An IMAP mailbox, a maildir folder or an mbox file holds what the bounce address received. Every delivery status
or complaint report about a digest this database sent (reports.py) is applied to its reader
through the store, once (by the report's Message-ID): a permanent failure counts toward the
bounce limit, a transient one is only counted, a complaint unsubscribes at once. A report, once
applied, is marked seen (IMAP's \\Seen, a maildir's S flag); everything else is left as it was.
"""

from __future__ import annotations

import imaplib
import mailbox
import os
import re
import ssl
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Mapping
from urllib.parse import unquote, urlsplit

from ..errors import MastheadError
from ..i18n import plural
from .reports import read_report
from .store import SubscriberStore

MAX_MESSAGE = 10 * 1024 * 1024  # a bigger message is no bounce report: left alone
PASSWORD_VARIABLE = "MASTHEAD_IMAP_PASSWORD"


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
        return (f"Read {plural(self.messages, 'message', 'messages')}: "
                f"{plural(permanent, 'permanent failure', 'permanent failures')} "
                f"({plural(done[('permanent', 'bounced')], 'reader', 'readers')} now bounced), "
                f"{done[('transient', 'counted')]} transient (counted, not acted on), "
                f"{plural(done[('complaint', 'unsubscribed')], 'complaint', 'complaints')} (unsubscribed at once); "
                f"{again} already counted; left alone: {strangers} about no digest sent to that reader, "
                f"{plural(self.not_reports, 'message that is no report', 'messages that are no reports')}.")


Messages = Iterator[tuple[bytes, Callable[[], None]]]  # each message's bytes, and how to mark it done


def mailbox_messages(maildir: Path | None = None, mbox: Path | None = None, imap: str = "",
                     environ: Mapping[str, str] = os.environ) -> Messages:
    """The bounce mailbox named: exactly one of a maildir, an mbox file or an IMAP URL."""
    if sum(1 for given in (maildir, mbox, imap) if given) != 1:
        raise MastheadError("name one bounce mailbox: --imap imaps://USER@HOST/INBOX, --maildir DIR or --mbox FILE")
    if imap:
        return imap_messages(imap, environ.get(PASSWORD_VARIABLE, ""))
    return maildir_messages(maildir) if maildir is not None else mbox_messages(mbox)  # type: ignore[arg-type]


def maildir_messages(maildir: Path) -> Messages:
    """A maildir's messages; a report applied is marked seen (moved to cur/, flag S)."""
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


def mbox_messages(mbox: Path) -> Messages:
    """An mbox file's messages, read only (a report is counted once however often it is read)."""
    if not mbox.is_file():
        raise MastheadError(f"{mbox} not found: the mbox file the bounce address receives")
    for message in mailbox.mbox(str(mbox), factory=None, create=False):
        data = message.as_bytes() if hasattr(message, "as_bytes") else bytes(message)
        yield (data if len(data) <= MAX_MESSAGE else b""), (lambda: None)


def imap_messages(url: str, password: str, timeout: float = 30) -> Messages:
    """The unseen messages of an IMAP mailbox (`imaps://USER@HOST[:PORT]/MAILBOX`, or `imap://`
    with STARTTLS when the server offers it; a password in the clear only to this machine),
    read without marking them; a report applied is flagged \\Seen."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
        raise MastheadError(f"{url!r}: expected imaps://USER@HOST/MAILBOX (the password in {PASSWORD_VARIABLE})")
    if not password:
        raise MastheadError(f"{PASSWORD_VARIABLE} is empty: put the bounce mailbox's password there")
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    where = f"{parts.hostname}:{parts.port or (993 if parts.scheme == 'imaps' else 143)}"
    try:
        if parts.scheme == "imaps":
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(parts.hostname, parts.port or 993,
                                                      ssl_context=ssl.create_default_context(), timeout=timeout)
        else:
            client = imaplib.IMAP4(parts.hostname, parts.port or 143, timeout=timeout)
            if "STARTTLS" in client.capabilities:
                client.starttls(ssl_context=ssl.create_default_context())
            elif parts.hostname not in ("127.0.0.1", "::1", "localhost"):
                raise MastheadError(f"{where} offers no STARTTLS: use imaps:// (the password never goes in the "
                                    "clear to another machine)")
        client.login(unquote(parts.username), password)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MastheadError(f"the bounce mailbox at {where} cannot be read: {exc}") from None
    try:
        status, _ = client.select(_quoted_folder(folder))
        if status != "OK":
            raise MastheadError(f"{where} has no mailbox {folder!r}")
        _, found = client.uid("SEARCH", "UNSEEN")
        for uid in (found[0] or b"").split():
            _, sizes = client.uid("FETCH", uid, "(RFC822.SIZE)")
            size = re.search(rb"RFC822\.SIZE (\d+)", sizes[0] if isinstance(sizes[0], bytes) else b"")
            if size and int(size.group(1)) > MAX_MESSAGE:
                yield b"", lambda: None
                continue
            _, fetched = client.uid("FETCH", uid, "(BODY.PEEK[])")
            data = next((item[1] for item in fetched if isinstance(item, tuple)), b"")

            def seen(uid=uid) -> None:
                client.uid("STORE", uid, "+FLAGS", "(\\Seen)")

            yield data, seen
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MastheadError(f"the bounce mailbox at {where} stopped answering: {exc}") from None
    finally:
        try:
            client.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def _quoted_folder(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


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
