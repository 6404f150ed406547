"""`masthead subscribers copy --to URL`: one subscriber database into another, whole and idempotent.

Every table that holds a reader's choices or what they were sent moves over with its keys (a
reader keeps their secret token, so the links in mail already sent still work; the journal keeps
each delivery, so nobody gets an edition twice after the move). A row the target already has is
brought up to the source's values; running the copy again changes nothing. Rate-limit hits are
not copied: they only matter for the next hour.
"""

from __future__ import annotations

from ..digest.journal import Journal
from .store import SubscriberStore

# In an order that keeps references whole (a delivery names its edition), with each table's key.
TABLES = (("subscribers", ("key",)), ("suppressed", ("hash",)), ("signups", ("key",)),
          ("editions", ("edition",)), ("deliveries", ("edition", "key")))
BATCH = 500


def copy_database(source: SubscriberStore, target: SubscriberStore) -> dict[str, int]:
    """Copy every table into `target` (in one transaction); returns the rows copied per table."""
    Journal(source), Journal(target)  # both have the journal's tables, even if nothing was ever sent
    copied = {}
    with target.db.transaction():
        for table, keys in TABLES:
            cursor = source.db.execute(f"SELECT * FROM {table} ORDER BY {', '.join(keys)}")
            rows = cursor.fetchall()
            copied[table] = len(rows)
            if not rows:
                continue
            columns = list(rows[0].keys())
            updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
            statement = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
                         f"ON CONFLICT ({', '.join(keys)}) DO " + (f"UPDATE SET {updates}" if updates else "NOTHING"))
            for row in rows:
                target.db.execute(statement, tuple(row[c] for c in columns))
    return copied
