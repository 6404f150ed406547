"""Subscribers as plain data, and the checks a row must pass before it reaches the store.

Pure: a CSV row or a command's arguments in, a Subscriber or a Problem out. Addresses are
compared case-insensitively ('Jane@Example.org' and 'jane@example.org' are one reader).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

import idna
from email_validator import EmailNotValidError, validate_email

from ..errors import ContentError, Problem, did_you_mean

STATUSES = ("pending", "active", "unsubscribed", "bounced")
FREQUENCIES = ("daily", "weekly")
CSV_FIELDS = ("email", "name", "status", "frequency", "sections", "authors", "language")


@dataclass(frozen=True)
class Subscriber:
    email: str
    name: str = ""
    status: str = "active"
    frequency: str = "daily"
    sections: tuple[str, ...] = ()  # empty: every section
    authors: tuple[str, ...] = ()  # empty: every author
    language: str = ""  # empty: every language
    token: str = ""
    created: datetime | None = None
    updated: datetime | None = None
    unsubscribed: datetime | None = None
    bounces: int = field(default=0, compare=False)

    @property
    def key(self) -> str:
        return address_key(self.email)


def address_key(email: str) -> str:
    return email.strip().lower()


def suppression_hash(email: str) -> str:
    """What is kept of an erased address: enough to never re-add it, nothing to read it back."""
    return hashlib.sha256(address_key(email).encode()).hexdigest()


def transport_address(email: str) -> str:
    """The address as a mail server is given it: ASCII whenever the part before the @ is (an
    internationalized domain in Punycode, which every server takes); otherwise as stored, which
    only a server offering SMTPUTF8 (RFC 6531) accepts."""
    if email.isascii():
        return email
    local, _, domain = email.rpartition("@")
    if not local.isascii():
        return email
    try:
        return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except idna.IDNAError:
        return email


@dataclass(frozen=True)
class Interests:
    """What the newsroom takes from a subscriber: the sections and authors they may follow (its
    own; empty: any), and whether an address may have non-ASCII letters before the @ (RFC 6531;
    not when mail goes through Amazon SES, which never delivers to them)."""

    sections: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    unicode_local_parts: bool = True


def normalize_email(value: str) -> str:
    """The address as it will be stored; raises ValueError with a reader-facing reason."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


def _list(value: str | tuple | list | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.split(";") if isinstance(value, str) else value
    return tuple(dict.fromkeys(item.strip() for item in items if item and item.strip()))


def subscriber_from(fields: dict, interests: Interests, where: str, line: int | None = None,
                    statuses: tuple[str, ...] = ("pending", "active")) -> Subscriber:
    """A Subscriber from a CSV row or command arguments; raises ContentError naming each bad field.
    `statuses`: the ones the row may carry (a list moved from another service also brings readers
    who left it: unsubscribed, bounced)."""
    problems: list[Problem] = []

    def bad(name: str, expected: str, found: str) -> None:
        problems.append(Problem(where, line, name, expected, found))

    email = ""
    try:
        email = normalize_email(str(fields.get("email") or ""))
    except ValueError as exc:
        bad("email", "an email address such as reader@example.org", f"{fields.get('email')!r} ({exc})")
    if email and not interests.unicode_local_parts and not email.rpartition("@")[0].isascii():
        bad("email", "an address with only ASCII letters before the @ (this newsroom's mail goes through "
            "Amazon SES, which delivers to no other)", repr(email))
    status = (fields.get("status") or "active").strip()
    if status not in statuses:
        bad("status", " or ".join(statuses) + " (unsubscribes and bounces are recorded by masthead)",
            repr(status) + did_you_mean(status, STATUSES))
    frequency = (fields.get("frequency") or "daily").strip()
    if frequency not in FREQUENCIES:
        bad("frequency", "daily or weekly", repr(frequency) + did_you_mean(frequency, FREQUENCIES))
    sections = _list(fields.get("sections"))
    for section in sections:
        if interests.sections and section not in interests.sections:
            bad("sections", "sections of the site: " + ", ".join(interests.sections),
                repr(section) + did_you_mean(section, interests.sections))
    authors = _list(fields.get("authors"))
    for author in authors:
        if interests.authors and author not in interests.authors:
            bad("authors", "author slugs (files in content/authors)",
                repr(author) + did_you_mean(author, interests.authors))
    language = (fields.get("language") or "").strip()
    if problems:
        raise ContentError(problems)
    return Subscriber(email=email, name=" ".join(str(fields.get("name") or "").split()), status=status,
                      frequency=frequency, sections=sections, authors=authors, language=language)
