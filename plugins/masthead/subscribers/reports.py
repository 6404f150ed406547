"""Delivery status reports (RFC 3464) and complaint reports (ARF, RFC 5965), read from a bounce
mailbox: which reader, what happened, and whether the report is about a digest masthead sent.

Pure: a message's bytes in, what it reports out. A bounce arrives long after the SMTP
conversation, from the receiving side's mail server (Postfix, Exim, Gmail, Microsoft all write
RFC 3464), and a complaint from a mailbox provider's feedback loop (ARF). Anything else in the
mailbox (an out-of-office reply, spam, a reader writing back) is no report and is left alone. A
report is acted on only when it quotes the Message-ID of a digest: `digest_message` gives it,
and the caller checks it against the delivery journal, so a forged report cannot bounce or
unsubscribe a reader masthead never mailed with that message.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Literal

Kind = Literal["permanent", "transient", "complaint"]
_STATUS = re.compile(r"^\s*([245])\.\d{1,3}\.\d{1,3}")
_MESSAGE_ID = re.compile(r"<[^<>\s]+@[^<>\s]+>")
_DELIVERED_TO = ("X-Original-To", "Delivered-To", "Envelope-To", "To")  # most precise first


@dataclass(frozen=True)
class MailReport:
    kind: Kind
    recipient: str  # the reader's address, as the report names it
    report_id: str  # the report's own Message-ID (or a digest of its bytes): counted once, however often read
    detail: str  # the status code (5.1.1) or the feedback type (abuse), for the summary
    original_id: str  # the Message-ID of the message it is about ('' when it quotes none)
    sent_to: tuple[str, ...] = ()  # where the report itself was delivered (a VERP address names the digest)


def read_report(data: bytes) -> list[MailReport] | None:
    """What a message reports, one entry per recipient; None when it is no delivery status or
    complaint report (it is then left alone)."""
    message = message_from_bytes(data, policy=email_policy.default)
    if message.get_content_type() != "multipart/report":
        return None
    report_type = str(message.get_param("report-type", "")).lower()
    report_id = (_MESSAGE_ID.search(str(message.get("Message-ID", ""))) or None)
    identity = report_id.group(0) if report_id else "sha256:" + hashlib.sha256(data).hexdigest()[:32]
    original = _original_id(message)
    found = (_delivery_status(message, identity, original) if report_type == "delivery-status"
             else _feedback(message, identity, original) if report_type == "feedback-report" else None)
    if not found:
        return None
    sent_to = tuple(dict.fromkeys(parseaddr(str(value))[1].lower() for name in _DELIVERED_TO
                                  for value in message.get_all(name, []) if parseaddr(str(value))[1]))
    return [replace(report, sent_to=sent_to) for report in found]


def _parts(message: EmailMessage) -> list[EmailMessage]:
    return [part for part in message.walk() if isinstance(part, EmailMessage)]


def _fields(text: str) -> list[dict[str, str]]:
    """A delivery-status or feedback-report body: groups of 'Name: value' lines, blank-line separated."""
    groups: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if current:
                groups.append(current)
            current, last = {}, ""
        elif line[:1] in (" ", "\t") and last:
            current[last] += " " + line.strip()
        elif ":" in line:
            name, _, value = line.partition(":")
            last = name.strip().lower()
            current[last] = value.strip()
    if current:
        groups.append(current)
    return groups


def _part_text(part: EmailMessage) -> str:
    """The text of a message/delivery-status or feedback-report part, however the parser holds it."""
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package parses message/delivery-status as header blocks
        return "\n\n".join(str(block).strip() for block in payload)
    raw = part.get_payload(decode=True)
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(payload)


def _address(value: str) -> str:
    """'rfc822; reader@example.org' -> 'reader@example.org'."""
    kind, _, address = value.partition(";")
    return parseaddr((address if address else kind).strip())[1].strip().lower()


def _delivery_status(message: EmailMessage, identity: str, original: str) -> list[MailReport] | None:
    status_part = next((p for p in _parts(message) if p.get_content_type() == "message/delivery-status"), None)
    if status_part is None:
        return None
    found = []
    for group in _fields(_part_text(status_part))[1:] or _fields(_part_text(status_part)):
        recipient = _address(group.get("final-recipient", "") or group.get("original-recipient", ""))
        action = group.get("action", "").lower()
        status = _STATUS.match(group.get("status", ""))
        if not recipient or action in ("delivered", "relayed", "expanded") or not (status or action):
            continue
        if action == "failed" and status and status.group(1) == "5":
            kind: Kind = "permanent"
        elif action in ("delayed", "failed") or (status and status.group(1) == "4"):
            kind = "transient"  # a 4.x.x, or a failure with no permanent code: counted, never acted on alone
        else:
            continue
        found.append(MailReport(kind, recipient, identity, group.get("status", action).split()[0], original))
    return found or None


def _feedback(message: EmailMessage, identity: str, original: str) -> list[MailReport] | None:
    part = next((p for p in _parts(message) if p.get_content_type() == "message/feedback-report"), None)
    if part is None:
        return None
    fields: dict[str, str] = {}
    for group in _fields(_part_text(part)):
        fields.update(group)
    recipient = _address(fields.get("original-rcpt-to", ""))
    if not recipient:  # else the quoted message's own To
        quoted = _quoted(message)
        recipient = parseaddr(str(quoted.get("To", "")))[1].lower() if quoted is not None else ""
    if not recipient:
        return None
    return [MailReport("complaint", recipient, identity, fields.get("feedback-type", "abuse").lower(), original)]


def _quoted(message: EmailMessage) -> EmailMessage | None:
    """The original message (or its headers) a report carries."""
    for part in _parts(message):
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], EmailMessage):
                return inner[0]
        if kind == "text/rfc822-headers":
            raw = part.get_payload(decode=True)
            if isinstance(raw, bytes):
                quoted = message_from_bytes(raw.lstrip(b"\r\n") + b"\r\n\r\n", policy=email_policy.default)
                return quoted if isinstance(quoted, EmailMessage) else None
    return None


def _original_id(message: EmailMessage) -> str:
    quoted = _quoted(message)
    found = _MESSAGE_ID.search(str(quoted.get("Message-ID", ""))) if quoted is not None else None
    return found.group(0) if found else ""


def digest_edition(original_id: str) -> str:
    """The edition a digest's Message-ID names (digest/message.py: '<EDITION.HASH@DOMAIN>')."""
    local = original_id.strip("<>").split("@", 1)[0]
    edition, dot, digest = local.rpartition(".")
    return edition if dot and len(digest) == 16 else ""
