"""The subscriber store: an SQLite file outside content/ and output/ (never deployed), or a
PostgreSQL database shared by every machine that publishes or serves (database.py).

Every change is one transaction. An unsubscribe is never lost: `remove` keeps the row as
unsubscribed, and `erase` deletes the personal data but keeps a hash of the address, so no
import can bring the reader back. The schema has a version: a new database gets the current
one, an older one is brought up to date by `masthead subscribers migrate` (or `migrate=True`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from ..errors import ContentError, MastheadError, Problem
from .database import Database, open_database, shown
from .database import StoreUnavailable as StoreUnavailable  # raised by every method; importable from here
from .model import CSV_FIELDS, Interests, Subscriber, address_key, subscriber_from, suppression_hash

SCHEMA = [
    """CREATE TABLE subscribers (
        key TEXT PRIMARY KEY,            -- the address in lower case: one reader, however written
        email TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'unsubscribed', 'bounced')),
        frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
        sections TEXT NOT NULL DEFAULT '[]',
        authors TEXT NOT NULL DEFAULT '[]',
        language TEXT NOT NULL DEFAULT '',
        token TEXT NOT NULL UNIQUE,
        bounces INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        unsubscribed TEXT
    )""",
    "CREATE TABLE suppressed (hash TEXT PRIMARY KEY, since TEXT NOT NULL)",
]
# Version 2: sign-ups waiting for their confirmation link to be followed. The subscribers table is
# changed only when it is: a stranger's sign-up can neither alter a reader nor undo an unsubscribe.
SIGNUPS_SCHEMA = [
    """CREATE TABLE signups (
        key TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        frequency TEXT NOT NULL,
        sections TEXT NOT NULL DEFAULT '[]',
        authors TEXT NOT NULL DEFAULT '[]',
        language TEXT NOT NULL DEFAULT '',
        nonce TEXT NOT NULL UNIQUE,      -- what the confirmation link carries, signed; used once
        requested TEXT NOT NULL
    )""",
]
# The delivery journal (digest/journal.py): editions, and each reader's delivery of each.
JOURNAL_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS editions (
        edition TEXT PRIMARY KEY,
        frequency TEXT NOT NULL,
        period TEXT NOT NULL,          -- '2026-11-27' (daily) or '2026-W48' (weekly), in the site's zone
        until TEXT NOT NULL,
        UNIQUE (frequency, period)
    )""",
    """CREATE TABLE IF NOT EXISTS deliveries (
        edition TEXT NOT NULL REFERENCES editions(edition),
        key TEXT NOT NULL,             -- the subscriber's address in lower case
        state TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'deferred', 'failed')),
        message_id TEXT NOT NULL,
        articles TEXT NOT NULL,        -- JSON list of the article ids the message carried
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT NOT NULL DEFAULT '',
        updated TEXT NOT NULL,
        claimed_by TEXT NOT NULL DEFAULT '',  -- the sender that holds a 'sending' row (PostgreSQL: its session)
        PRIMARY KEY (edition, key)
    )""",
    "CREATE INDEX IF NOT EXISTS deliveries_by_reader ON deliveries (key, state)",
]
# Version 3: the subscription service's rate limits, shared by every process on the database. Keys
# are digests (a client's address or a reader's never stored as such); `at` is in milliseconds.
RATE_SCHEMA = [
    "CREATE TABLE rate_hits (key TEXT NOT NULL, at BIGINT NOT NULL)",
    "CREATE INDEX rate_hits_by_key ON rate_hits (key, at)",
]
# Version 4: the bounce and complaint reports read from the bounce mailbox, each counted once.
REPORTS_SCHEMA = [
    """CREATE TABLE reports (
        report TEXT PRIMARY KEY,       -- the report's Message-ID (or a digest of its bytes)
        key TEXT NOT NULL,             -- the reader it is about
        kind TEXT NOT NULL CHECK (kind IN ('permanent', 'transient', 'complaint')),
        edition TEXT NOT NULL DEFAULT '',
        received TEXT NOT NULL
    )""",
    "CREATE INDEX reports_by_edition ON reports (edition, kind)",
]
SCHEMA_VERSION = 4
MIGRATIONS_FROM = {0: SCHEMA + SIGNUPS_SCHEMA + RATE_SCHEMA + REPORTS_SCHEMA,
                   1: SIGNUPS_SCHEMA + RATE_SCHEMA + REPORTS_SCHEMA, 2: RATE_SCHEMA + REPORTS_SCHEMA,
                   3: REPORTS_SCHEMA}


@dataclass(frozen=True)
class Signup:
    """A sign-up waiting for its confirmation link."""
    email: str
    name: str
    frequency: str
    sections: tuple[str, ...]
    authors: tuple[str, ...]
    language: str
    nonce: str
    requested: str


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_unsubscribed: int = 0
    left: int = 0  # readers who left at the service a list came from: recorded as unsubscribed or bounced
    skipped: list[Problem] = field(default_factory=list)  # rows that are no reader (say, transactional contacts)
    problems: list[Problem] = field(default_factory=list)


class SubscriberStore:
    def __init__(self, path: Path | str, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 any_thread: bool = False, wait: float = 30, migrate: bool = False):
        """`path`: a file, or a postgresql:// URL. `any_thread`: the connection may be closed by
        another thread than the one using it. `wait`: seconds a write waits for another writer's
        lock before StoreUnavailable. `migrate`: bring an older schema up to date (else it is an
        error that says so)."""
        self.path = path if isinstance(path, str) and "://" in path else Path(path)
        self.clock = clock
        self.db: Database = open_database(self.path, wait=wait, any_thread=any_thread)
        self.migrated_from: int | None = None  # the schema version this store brought up to date, if it did
        try:
            self._migrate(migrate)
        except BaseException:
            self.db.close()
            raise

    @property
    def engine(self) -> str:
        return self.db.engine

    def close(self) -> None:
        self.db.close()

    def check_writable(self) -> None:
        """Raise StoreUnavailable unless a write could start now (for health checks)."""
        with self._transaction():
            self._prove_writable()

    def _prove_writable(self) -> None:
        """A write that changes nothing: a read-only database fails here, whatever follows."""
        self.db.set_schema_version(SCHEMA_VERSION)

    def schema_version(self) -> int:
        return self.db.schema_version()

    def _migrate(self, migrate: bool) -> None:
        version = self.db.schema_version()
        if version > SCHEMA_VERSION:
            raise MastheadError(f"{shown(self.path)} was written by a newer masthead (schema {version}); "
                                "upgrade masthead")
        if version == SCHEMA_VERSION:
            return
        if version and not migrate:
            raise MastheadError(f"{shown(self.path)} has schema {version}; this masthead needs {SCHEMA_VERSION}: "
                                "run `masthead subscribers migrate` (keep a backup first)")
        with self._transaction():
            lock = getattr(self.db, "lock_for_migration", None)
            if lock:
                lock()
            # Read again under the write lock: another process may have migrated meanwhile.
            version = self.db.schema_version()
            if version >= SCHEMA_VERSION:
                return
            for statement in MIGRATIONS_FROM[version]:
                self.db.execute(statement)
            self._journal_tables()
            self.db.set_schema_version(SCHEMA_VERSION)
            self.migrated_from = version

    def _transaction(self):
        return self.db.transaction()

    def _journal_tables(self) -> None:
        """The journal's tables (once made on first use, outside the schema versions), with the
        column that says which sender holds a delivery."""
        for statement in JOURNAL_SCHEMA:
            self.db.execute(statement)
        columns = [column[0] for column in self.db.execute("SELECT * FROM deliveries LIMIT 0").description]
        if "claimed_by" not in columns:
            self.db.execute("ALTER TABLE deliveries ADD COLUMN claimed_by TEXT NOT NULL DEFAULT ''")

    def _now(self) -> str:
        return self.clock().isoformat()

    # -- reading
    def get(self, email: str) -> Subscriber | None:
        row = self.db.execute("SELECT * FROM subscribers WHERE key = ?", (address_key(email),)).fetchone()
        return _subscriber(row) if row else None

    def all(self, status: str | None = None) -> Iterator[Subscriber]:
        query, args = "SELECT * FROM subscribers", ()
        if status:
            query, args = query + " WHERE status = ?", (status,)
        for row in self.db.execute(query + " ORDER BY key", args):
            yield _subscriber(row)

    def counts(self) -> dict[tuple[str, str], int]:
        rows = self.db.execute("SELECT status, frequency, COUNT(*) FROM subscribers GROUP BY status, frequency")
        return {(row[0], row[1]): row[2] for row in rows}

    def is_suppressed(self, email: str) -> bool:
        found = self.db.execute("SELECT 1 FROM suppressed WHERE hash = ?", (suppression_hash(email),)).fetchone()
        return found is not None

    # -- changing
    def add(self, subscriber: Subscriber) -> Subscriber:
        """Add a reader; an address already known (in any case) or erased is refused."""
        if self.is_suppressed(subscriber.email):
            raise MastheadError(f"{subscriber.email} was erased at the reader's request and cannot be added again")
        existing = self.get(subscriber.email)
        if existing:
            raise MastheadError(f"{existing.email} is already a subscriber ({existing.status})")
        now = self._now()
        with self._transaction():
            self._insert(subscriber, now)
        return self.get(subscriber.email)

    def _insert(self, subscriber: Subscriber, now: str) -> None:
        """A new row, with a fresh secret token (inside the caller's transaction)."""
        self.db.execute(
            "INSERT INTO subscribers (key, email, name, status, frequency, sections, authors, language, token,"
            " created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (subscriber.key, subscriber.email, subscriber.name, subscriber.status, subscriber.frequency,
             json.dumps(list(subscriber.sections)), json.dumps(list(subscriber.authors)), subscriber.language,
             secrets.token_urlsafe(32), now, now))

    def unsubscribe(self, email: str) -> Subscriber:
        found = self.get(email)
        if not found:
            raise MastheadError(f"{email} is not a subscriber")
        if found.status != "unsubscribed":
            now = self._now()
            with self._transaction():
                self.db.execute("UPDATE subscribers SET status = 'unsubscribed', unsubscribed = ?, updated = ? "
                                "WHERE key = ?", (now, now, found.key))
        return self.get(email)

    def erase(self, email: str) -> None:
        """Delete everything about a reader but a hash that keeps them from being added again."""
        found = self.get(email)
        if not found and not self.is_suppressed(email):
            raise MastheadError(f"{email} is not a subscriber")
        with self._transaction():
            self.db.execute("DELETE FROM subscribers WHERE key = ?", (address_key(email),))
            self.db.execute("INSERT INTO suppressed (hash, since) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING",
                            (suppression_hash(email), self._now()))

    def active_batches(self, frequency: str, batch: int = 1000) -> Iterator[list[Subscriber]]:
        """Active readers of a frequency, a batch at a time: memory stays flat at any list size."""
        last = ""
        while True:
            rows = self.db.execute("SELECT * FROM subscribers WHERE status = 'active' AND frequency = ? AND key > ? "
                                   "ORDER BY key LIMIT ?", (frequency, last, batch)).fetchall()
            if not rows:
                return
            yield [_subscriber(row) for row in rows]
            last = rows[-1]["key"]

    def apply_report(self, report_id: str, email: str, kind: str, original_id: str, limit: int) -> str:
        """A bounce or complaint report, applied once: 'stranger' (it is about no digest this
        database sent that reader: left alone), 'again' (already counted), else what it did:
        'counted' (a transient failure, or a permanent one under the limit), 'bounced' or
        'unsubscribed' (a complaint, at once)."""
        key = address_key(email)
        with self._transaction():
            sent = self.db.execute("SELECT edition FROM deliveries WHERE key = ? AND message_id = ? AND state = 'sent'",
                                   (key, original_id)).fetchone() if original_id else None
            if sent is None:
                return "stranger"
            now = self._now()
            if self.db.execute("INSERT INTO reports (report, key, kind, edition, received) VALUES (?, ?, ?, ?, ?) "
                               "ON CONFLICT (report) DO NOTHING", (report_id, key, kind, sent["edition"], now)
                               ).rowcount == 0:
                return "again"
            if kind == "complaint":
                self.db.execute("UPDATE subscribers SET status = 'unsubscribed', unsubscribed = ?, updated = ? "
                                "WHERE key = ? AND status != 'unsubscribed'", (now, now, key))
                return "unsubscribed"
            if kind == "permanent":
                self.db.execute("UPDATE subscribers SET bounces = bounces + 1, updated = ?, status = CASE "
                                "WHEN bounces + 1 >= ? AND status = 'active' THEN 'bounced' ELSE status END "
                                "WHERE key = ?", (now, limit, key))
                row = self.db.execute("SELECT status FROM subscribers WHERE key = ?", (key,)).fetchone()
                return "bounced" if row is not None and row["status"] == "bounced" else "counted"
            return "counted"

    def edition_counts(self, since: str, edition: str = "") -> list[dict]:
        """Per edition (one, or every edition since `since`, an ISO time): sent; permanent and
        transient failures (at sending time, and reported later); complaints. Newest first."""
        where, params = ("e.edition = ?", (edition,)) if edition else ("e.until >= ?", (since,))
        rows = self.db.execute(
            "SELECT e.edition, e.frequency, e.period, e.until, "
            "(SELECT COUNT(*) FROM deliveries d WHERE d.edition = e.edition AND d.state = 'sent') AS sent, "
            "(SELECT COUNT(*) FROM deliveries d WHERE d.edition = e.edition AND d.state = 'failed' "
            " AND d.error LIKE '5%') AS refused, "
            "(SELECT COUNT(*) FROM deliveries d WHERE d.edition = e.edition AND d.state = 'deferred') AS deferred, "
            "(SELECT COUNT(*) FROM reports r WHERE r.edition = e.edition AND r.kind = 'permanent') AS permanent, "
            "(SELECT COUNT(*) FROM reports r WHERE r.edition = e.edition AND r.kind = 'transient') AS transient, "
            "(SELECT COUNT(*) FROM reports r WHERE r.edition = e.edition AND r.kind = 'complaint') AS complaints "
            f"FROM editions e WHERE {where} ORDER BY e.until DESC", params).fetchall()
        return [{"edition": r["edition"], "frequency": r["frequency"], "period": r["period"], "sent": r["sent"],
                 "permanent": r["refused"] + r["permanent"], "transient": r["deferred"] + r["transient"],
                 "complaints": r["complaints"]} for r in rows]

    def unsubscribed_since(self, since: str) -> int:
        found = self.db.execute("SELECT COUNT(*) AS n FROM subscribers WHERE unsubscribed >= ?", (since,)).fetchone()
        return int(found["n"])

    def bounce(self, email: str, limit: int) -> Subscriber:
        """Count a permanent refusal; at `limit` refusals the reader is marked bounced."""
        now = self._now()
        with self._transaction():
            self.db.execute("UPDATE subscribers SET bounces = bounces + 1, updated = ?, status = CASE "
                            "WHEN bounces + 1 >= ? THEN 'bounced' ELSE status END WHERE key = ?",
                            (now, limit, address_key(email)))
        return self.get(email)

    def import_csv(self, text: str, source: str, interests: Interests) -> ImportReport:
        """Add new readers and update known ones; report bad rows by line; never re-subscribe."""
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        missing = [name for name in ("email",) if name not in (reader.fieldnames or [])]
        if missing:
            raise ContentError([Problem(source, 1, "header", "a first line naming the columns, among them email: "
                                        + ",".join(CSV_FIELDS), repr(",".join(reader.fieldnames or [])))])
        unknown = [name for name in reader.fieldnames if name not in CSV_FIELDS]
        if unknown:
            raise ContentError([Problem(source, 1, "header", "columns among " + ", ".join(CSV_FIELDS),
                                        f"unknown column {unknown[0]!r}")])
        return self.import_rows(((reader.line_num, row) for row in reader), source, interests)

    def import_rows(self, rows, source: str, interests: Interests, statuses: tuple[str, ...] = ("pending", "active"),
                    preferences: bool = True) -> ImportReport:
        """Import (line, fields) rows in one transaction. `statuses`: what a row may say; a list
        from another service also brings readers who left it, recorded as such and never mailed.
        `preferences`: the rows carry frequency, sections, authors and language (masthead's own
        CSV); a list from another service does not, and leaves a known reader's as they are."""
        report = ImportReport()
        seen: set[str] = set()
        with self._transaction():
            for line, row in rows:
                try:
                    subscriber = subscriber_from(row, interests, source, line, statuses)
                except ContentError as exc:
                    report.problems.extend(exc.problems)
                    continue
                if subscriber.key in seen:
                    report.problems.append(Problem(source, line, "email", "each address once in the file",
                                                   f"{subscriber.email!r} again"))
                    continue
                seen.add(subscriber.key)
                if self.is_suppressed(subscriber.email):
                    report.kept_unsubscribed += 1
                    continue
                self._import_one(subscriber, report, preferences)
        return report

    def _import_one(self, subscriber: Subscriber, report: ImportReport, preferences: bool = True) -> None:
        existing = self.get(subscriber.email)
        now = self._now()
        left = subscriber.status in ("unsubscribed", "bounced")  # left the list at another service
        if existing is None:
            self._insert(subscriber, now)
            if left:
                self.db.execute("UPDATE subscribers SET unsubscribed = ? WHERE key = ?", (now, subscriber.key))
                report.left += 1
            else:
                report.added += 1
            return
        if existing.status in ("unsubscribed", "bounced"):
            report.kept_unsubscribed += 1  # an import never overrides a reader's own choice
            return
        if left:  # they left there after they were added here: they are never mailed again
            self.db.execute("UPDATE subscribers SET status = ?, unsubscribed = ?, updated = ? WHERE key = ?",
                            (subscriber.status, now, now, existing.key))
            report.left += 1
            return
        if preferences:
            wanted = replace(existing, name=subscriber.name or existing.name, frequency=subscriber.frequency,
                             sections=subscriber.sections, authors=subscriber.authors,
                             language=subscriber.language)
        else:
            wanted = replace(existing, name=existing.name or subscriber.name)
        if wanted == existing:
            report.unchanged += 1
            return
        self.db.execute("UPDATE subscribers SET name = ?, frequency = ?, sections = ?, authors = ?, language = ?,"
                        " updated = ? WHERE key = ?",
                        (wanted.name, wanted.frequency, json.dumps(list(wanted.sections)),
                         json.dumps(list(wanted.authors)), wanted.language, now, existing.key))
        report.updated += 1

    # -- the subscription service
    def by_token(self, token: str) -> Subscriber | None:
        row = self.db.execute("SELECT * FROM subscribers WHERE token = ?", (token,)).fetchone() if token else None
        return _subscriber(row) if row else None

    def sign_up(self, subscriber: Subscriber) -> Signup | None:
        """Record a sign-up to be confirmed; None when the reader is already active (nothing changes).

        A new address also gets a pending row (so editors see it); a known one is left as it is
        until the link is followed. Asking again replaces the earlier request and its link.
        """
        now = self._now()
        signup = Signup(subscriber.email, subscriber.name, subscriber.frequency, subscriber.sections,
                        subscriber.authors, subscriber.language, secrets.token_urlsafe(24), now)
        # The write lock is taken for a known reader too: under a locked or read-only database,
        # known and unknown addresses wait as long and fail alike (no enumeration by faults).
        with self._transaction():
            self._prove_writable()
            existing = self.get(subscriber.email)
            if existing and existing.status == "active":
                return None
            self.db.execute(
                "INSERT INTO signups (key, email, name, frequency, sections, authors, language, nonce, requested) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET email = excluded.email, "
                "name = excluded.name, frequency = excluded.frequency, sections = excluded.sections, "
                "authors = excluded.authors, language = excluded.language, nonce = excluded.nonce, "
                "requested = excluded.requested",
                (subscriber.key, signup.email, signup.name, signup.frequency, json.dumps(list(signup.sections)),
                 json.dumps(list(signup.authors)), signup.language, signup.nonce, now))
            if existing is None and not self.is_suppressed(subscriber.email):
                self._insert(replace(subscriber, status="pending"), now)
        return signup

    def confirm(self, nonce: str, requested: str) -> Subscriber | None:
        """Follow a confirmation link: the reader becomes active with what they asked for.
        None when that request is not the pending one (used already, replaced, or purged)."""
        row = self.db.execute("SELECT * FROM signups WHERE nonce = ? AND requested = ?", (nonce, requested)).fetchone()
        if row is None:
            return None
        now = self._now()
        with self._transaction():
            existing = self.get(row["email"])
            if existing is None:
                self._insert(Subscriber(email=row["email"]), now)
            self.db.execute(
                "UPDATE subscribers SET email = ?, name = ?, status = 'active', frequency = ?, sections = ?, "
                "authors = ?, language = ?, bounces = 0, unsubscribed = NULL, updated = ? WHERE key = ?",
                (row["email"], row["name"], row["frequency"], row["sections"], row["authors"], row["language"], now,
                 row["key"]))
            self.db.execute("DELETE FROM signups WHERE key = ?", (row["key"],))
            self.db.execute("DELETE FROM suppressed WHERE hash = ?", (suppression_hash(row["email"]),))
        return self.get(row["email"])

    def purge_signups(self, before: datetime) -> int:
        """Forget sign-ups never confirmed, and the pending rows they made (personal data kept no longer
        than the link is good for)."""
        cutoff = before.isoformat()
        with self._transaction():
            self.db.execute("DELETE FROM subscribers WHERE status = 'pending' AND key IN "
                            "(SELECT key FROM signups WHERE requested < ?)", (cutoff,))
            return self.db.execute("DELETE FROM signups WHERE requested < ?", (cutoff,)).rowcount

    def set_preferences(self, email: str, frequency: str, sections: tuple[str, ...], authors: tuple[str, ...],
                        language: str) -> Subscriber:
        now = self._now()
        with self._transaction():
            self.db.execute("UPDATE subscribers SET frequency = ?, sections = ?, authors = ?, language = ?, updated = ?"
                            " WHERE key = ?", (frequency, json.dumps(list(sections)), json.dumps(list(authors)),
                                               language, now, address_key(email)))
        return self.get(email)

    # -- rate limits shared by every process of the subscription service
    def rate_hit(self, name: str, key: str, limit: int, window: float, now: float) -> float:
        """Count a request against `limit` per `window` seconds for `key`: 0 when it may go ahead
        (and counts), else the seconds until it may. Every process on this database counts in the
        same table; requests for one key take their turn (`lock_key`)."""
        hashed = hashlib.sha256(f"{name}\0{key}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
        now_ms, window_ms = int(now * 1000), int(window * 1000)
        with self._transaction():
            self.db.lock_key(hashed)
            self.db.execute("DELETE FROM rate_hits WHERE key = ? AND at <= ?", (hashed, now_ms - window_ms))
            count, first = self.db.execute("SELECT COUNT(*), MIN(at) FROM rate_hits WHERE key = ?",
                                           (hashed,)).fetchone()
            if count >= limit:
                return max((first + window_ms - now_ms) / 1000, 0.001)
            self.db.execute("INSERT INTO rate_hits (key, at) VALUES (?, ?)", (hashed, now_ms))
        return 0.0

    def forget_rate_hits(self, before: float) -> int:
        """Drop hits older than `before` (seconds, the limits' clock): keys nobody uses any more."""
        with self._transaction():
            return self.db.execute("DELETE FROM rate_hits WHERE at <= ?", (int(before * 1000),)).rowcount

    def export_csv(self) -> str:
        """Every subscriber as CSV (no tokens: they are secrets), importable again."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_FIELDS)
        for s in self.all():
            writer.writerow([s.email, s.name, s.status, s.frequency, ";".join(s.sections), ";".join(s.authors),
                             s.language])
        return out.getvalue()


def _subscriber(data) -> Subscriber:
    def when(value):
        return datetime.fromisoformat(value) if value else None

    return Subscriber(email=data["email"], name=data["name"], status=data["status"], frequency=data["frequency"],
                      sections=tuple(json.loads(data["sections"])), authors=tuple(json.loads(data["authors"])),
                      language=data["language"], token=data["token"], created=when(data["created"]),
                      updated=when(data["updated"]), unsubscribed=when(data["unsubscribed"]), bounces=data["bounces"])
