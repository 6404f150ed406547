"""The delivery journal: which edition went to whom, recorded around each send, in the subscriber
store (SQLite or PostgreSQL). Before a message is built its reader is claimed (`claim`): on
PostgreSQL several senders of one edition split the readers that way.

Before a message is handed to the server its row says 'sending'; once the server has accepted
it, 'sent'. A run that dies is run again: 'sent' rows are skipped, everything else is sent. The
one window left is a message the server accepted just before the process died, before 'sent'
was written: it is sent again, with the same Message-ID, which mail systems use to drop the copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from ..subscribers.store import SubscriberStore


@dataclass(frozen=True)
class Edition:
    id: str
    frequency: str
    period: str
    until: datetime


class Journal:
    def __init__(self, store: SubscriberStore):
        """The journal's tables are part of the store's schema (subscribers/store.py)."""
        self.store, self.db = store, store.db

    def edition(self, frequency: str, period: str, until: datetime, make_id) -> Edition:
        """The edition of this period: created on the first run, the same one on every rerun."""
        row = self.db.execute("SELECT * FROM editions WHERE frequency = ? AND period = ?",
                              (frequency, period)).fetchone()
        if row is None:  # two senders starting at once: the first insert wins, both use it
            self.db.execute("INSERT INTO editions (edition, frequency, period, until) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT DO NOTHING", (make_id(until), frequency, period, until.isoformat()))
            row = self.db.execute("SELECT * FROM editions WHERE frequency = ? AND period = ?",
                                  (frequency, period)).fetchone()
        return Edition(row["edition"], row["frequency"], row["period"], datetime.fromisoformat(row["until"]))

    def history(self, edition: str, frequency: str,
                keys: list[str]) -> dict[str, tuple[str | None, datetime | None, frozenset]]:
        """For a batch of readers, in three queries: this edition's state, the end of their last
        edition of this frequency, and the articles they received."""
        marks = ",".join("?" * len(keys))
        states = dict(self.db.execute(f"SELECT key, state FROM deliveries WHERE edition = ? AND key IN ({marks})",
                                      (edition, *keys)).fetchall())
        last = dict(self.db.execute(
            f"SELECT d.key, MAX(e.until) FROM deliveries d JOIN editions e USING (edition) WHERE d.key IN ({marks}) "
            "AND e.frequency = ? AND d.state = 'sent' AND e.edition != ? GROUP BY d.key",
            (*keys, frequency, edition)).fetchall())
        received: dict[str, set] = {}
        for key, articles in self.db.execute(
                f"SELECT key, articles FROM deliveries WHERE state = 'sent' AND key IN ({marks})", keys):
            received.setdefault(key, set()).update(json.loads(articles))
        return {key: (states.get(key), datetime.fromisoformat(last[key]) if last.get(key) else None,
                      frozenset(received.get(key, ()))) for key in keys}

    def _write(self, edition: str, key: str, state: str, message_id: str, articles: list[str], error: str,
               when: datetime) -> None:
        try:
            self.db.execute(
                "INSERT INTO deliveries (edition, key, state, message_id, articles, attempts, error, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (edition, key) DO UPDATE SET state = excluded.state, "
                "attempts = deliveries.attempts + excluded.attempts, error = excluded.error, "
                "updated = excluded.updated",
                (edition, key, state, message_id, json.dumps(articles), 1 if state == "sending" else 0, error,
                 when.isoformat()))
        except self.db.errors as exc:  # the journal is the promise of exactly once: never go on without it
            raise RuntimeError(f"could not write the delivery journal: {exc}") from exc

    def claim(self, edition: str, key: str, message_id: str, articles: list[str], when: datetime,
              claimant: str) -> bool:
        """Take a reader's delivery of this edition for this sender, marked 'sending': True when it
        is this sender's to send (never tried, deferred, or left 'sending' by this same sender or
        by one that is gone); False when another sender holds it or it was settled. One statement: two senders
        claiming the same reader at once cannot both win."""
        try:
            row = self.db.execute(
                "INSERT INTO deliveries (edition, key, state, message_id, articles, attempts, error, updated, "
                "claimed_by) VALUES (?, ?, 'sending', ?, ?, 1, '', ?, ?) ON CONFLICT (edition, key) DO UPDATE SET "
                "state = 'sending', message_id = excluded.message_id, articles = excluded.articles, "
                "attempts = deliveries.attempts + 1, error = '', updated = excluded.updated, "
                "claimed_by = excluded.claimed_by WHERE deliveries.state = 'deferred' OR (deliveries.state = "
                f"'sending' AND (deliveries.claimed_by = excluded.claimed_by OR {self.db.HOLDER_GONE})) RETURNING key",
                (edition, key, message_id, json.dumps(articles), when.isoformat(), claimant)).fetchone()
        except self.db.errors as exc:
            raise RuntimeError(f"could not write the delivery journal: {exc}") from exc
        return row is not None

    def sent(self, edition, key, message_id, articles, when) -> None:
        self._write(edition, key, "sent", message_id, articles, "", when)

    def deferred(self, edition, key, message_id, articles, error, when) -> None:
        self._write(edition, key, "deferred", message_id, articles, error, when)

    def failed(self, edition, key, message_id, articles, error, when) -> None:
        self._write(edition, key, "failed", message_id, articles, error, when)
