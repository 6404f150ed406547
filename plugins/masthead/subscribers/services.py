"""Subscriber lists exported from other mailing services, read as masthead's own rows.

Each service's export names its columns and statuses its own way; `service_rows` maps them to
masthead's fields (email, name, status). A reader who left at the old service (unsubscribed,
bounced, cleaned, complained) keeps that status here, so the move never mails them. Pure: text in,
rows out.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Callable

from ..errors import ContentError, Problem


@dataclass(frozen=True)
class Service:
    label: str
    email_columns: tuple[str, ...]  # the first one the file has holds the address
    status: Callable[[dict], str | None]  # masthead's status for a row; None: not a reader to import
    name: Callable[[dict], str]
    statuses_seen: str  # how the export tells statuses, for messages


def _value(row: dict, *names: str) -> str:
    for name in names:
        if row.get(name):
            return str(row[name]).strip()
    return ""


def _true(text: str) -> bool:
    return text.strip().lower() in ("true", "yes", "1", "t")


MAILCHIMP_STATUSES = {"subscribed": "active", "pending": "pending", "unsubscribed": "unsubscribed",
                      "cleaned": "bounced", "transactional": None, "archived": None}


def _mailchimp_status(row: dict) -> str | None:
    """An audience export comes as one file per status (subscribed, unsubscribed, cleaned): the
    file's own columns tell which; an export with a Status column says it outright."""
    stated = _value(row, "Status", "status", "STATUS").lower()
    if stated:
        if stated not in MAILCHIMP_STATUSES:
            raise ValueError(f"a Mailchimp status ({', '.join(MAILCHIMP_STATUSES)}), found {stated!r}")
        return MAILCHIMP_STATUSES[stated]
    if _value(row, "CLEAN_TIME", "CLEAN_CAMPAIGN_TITLE"):
        return "bounced"
    if _value(row, "UNSUB_TIME", "UNSUB_REASON"):
        return "unsubscribed"
    return "active"


def _substack_status(row: dict) -> str | None:
    return "unsubscribed" if _true(_value(row, "email_disabled")) else "active"


def _ghost_status(row: dict) -> str | None:
    if _value(row, "deleted_at"):
        return None
    if _true(_value(row, "email_disabled")) or _value(row, "email_suppression"):
        return "bounced"  # Ghost stops mail to an address that bounced or complained
    subscribed = _value(row, "subscribed_to_emails", "subscribed")
    return "active" if not subscribed or _true(subscribed) else "unsubscribed"


BUTTONDOWN_STATUSES = {
    "regular": "active", "premium": "active", "gifted": "active", "churning": "active", "trialed": "active",
    "past_due": "active", "paused": "active", "unactivated": "pending", "unsubscribed": "unsubscribed",
    "removed": "unsubscribed", "complained": "unsubscribed", "spammy": "unsubscribed", "undeliverable": "bounced",
}


def _buttondown_status(row: dict) -> str | None:
    kind = _value(row, "subscriber_type", "type").lower() or "regular"
    if kind not in BUTTONDOWN_STATUSES:
        raise ValueError(f"a Buttondown subscriber type ({', '.join(BUTTONDOWN_STATUSES)}), found {kind!r}")
    return BUTTONDOWN_STATUSES[kind]


SERVICES = {
    "mailchimp": Service("a Mailchimp audience export", ("Email Address", "email_address", "Email"),
                         _mailchimp_status,
                         lambda row: " ".join(filter(None, (_value(row, "First Name", "FNAME"),
                                                            _value(row, "Last Name", "LNAME")))),
                         "one file per status, or a Status column"),
    "substack": Service("a Substack subscriber export", ("email", "Email"), _substack_status,
                        lambda row: _value(row, "name", "Name"), "email_disabled"),
    "ghost": Service("a Ghost members export", ("email",), _ghost_status, lambda row: _value(row, "name"),
                     "subscribed_to_emails, email_disabled"),
    "buttondown": Service("a Buttondown subscriber export", ("email", "email_address"), _buttondown_status,
                          lambda row: _value(row, "name"),
                          "subscriber_type"),
}


@dataclass
class ServiceRows:
    rows: list[tuple[int, dict]]  # (line, masthead's fields)
    skipped: list[Problem]  # rows that are not readers to import (Mailchimp transactional, Ghost deleted)
    problems: list[Problem]


def service_rows(service: str, text: str, source: str) -> ServiceRows:
    """The export's readers as masthead's rows; a file of another kind is refused by its header."""
    kind = SERVICES[service]
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = reader.fieldnames or []
    email_column = next((c for c in kind.email_columns if c in columns), None)
    if email_column is None:
        raise ContentError([Problem(source, 1, "header", f"{kind.label} (a column {kind.email_columns[0]!r})",
                                    "columns " + repr(",".join(columns)[:200]))])
    found = ServiceRows([], [], [])
    for row in reader:
        line = reader.line_num
        try:
            status = kind.status(row)
        except ValueError as exc:
            found.problems.append(Problem(source, line, "status", str(exc).split(", found ")[0],
                                          str(exc).rsplit(", found ", 1)[-1]))
            continue
        if status is None:
            found.skipped.append(Problem(source, line, "status", "a reader to import",
                                         f"{row.get(email_column, '')!r}, not a subscriber there"))
            continue
        found.rows.append((line, {"email": row.get(email_column, ""), "name": kind.name(row), "status": status}))
    return found
