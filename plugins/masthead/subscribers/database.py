"""The subscriber database on either engine: an SQLite file (the default, for a newsroom on one
machine) or PostgreSQL (a `postgresql://` URL, for state shared by CI runners and several service
processes).

masthead's SQL is written once, with `?` placeholders and what both engines share (ON CONFLICT,
CHECK, no engine's own functions). `open_database` gives a `Database` that adapts the rest:
placeholders, rows readable by name and by position, a transaction that takes the write lock at
once, the schema version (SQLite's user_version, a one-row table in PostgreSQL), and faults of the
server (locked, read-only, full, unreachable) turned into StoreUnavailable.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

from ..errors import MastheadError

URL_SCHEMES = ("postgresql://", "postgres://")
ENVIRONMENT_URL = "MASTHEAD_DATABASE_URL"  # the password stays out of the settings (and out of git)


class StoreUnavailable(MastheadError):
    """The database cannot be written now (locked by another process, read-only, out of space,
    unreachable): nothing was changed; try again later."""


def is_url(target: str | Path) -> bool:
    return str(target).startswith(URL_SCHEMES)


def shown(target: str | Path) -> str:
    """The database as messages name it: a URL without its password."""
    if not is_url(target):
        return str(target)
    parts = urlsplit(str(target))
    host = parts.hostname or ""
    netloc = (f"{parts.username}@" if parts.username else "") + host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def database_target(configured: str, folder: Path) -> str | Path:
    """The database a newsroom uses: MASTHEAD_DATABASE_URL from the environment, else
    MASTHEAD["database"] (a URL, or a file relative to the settings' folder)."""
    found = os.environ.get(ENVIRONMENT_URL) or configured
    return found if is_url(found) else (folder / found)


class AlreadyRunning(MastheadError):
    """Another process holds the run lock (say, another `digest send` of the same edition)."""


class Row(tuple):
    """A row readable by position (row[0]) and by column name (row["email"])."""

    names: dict[str, int] = {}

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self.names)


class Database(ABC):
    """One connection to the subscriber database (SQLiteDatabase or PostgresDatabase)."""

    engine = ""
    errors: tuple[type[BaseException], ...] = ()
    # Whether several digest senders of one edition may run at once, each claiming readers as it
    # goes (PostgreSQL), or one at a time under run_lock (SQLite).
    splits_senders = False
    # An SQL condition on `deliveries.claimed_by`: the sender that claimed the row is gone.
    HOLDER_GONE = "1 = 1"

    def claimant(self) -> str:
        """Who this connection is, as a delivery's `claimed_by` names it."""
        return f"process {os.getpid()}"

    @abstractmethod
    def execute(self, sql: str, params: tuple | list = ()):
        """Run one statement written with `?` placeholders; a cursor (rows by name and position)."""

    @abstractmethod
    def transaction(self):
        """A context manager: one transaction that holds the write lock from its start."""

    @abstractmethod
    def schema_version(self) -> int:
        """The version of masthead's schema this database holds (0: none yet)."""

    @abstractmethod
    def lock_key(self, key: str) -> None:
        """Inside a transaction: others locking the same key wait until it ends."""

    @abstractmethod
    def run_lock(self, name: str):
        """A context manager held for a whole run (a digest send): a second process asking for the
        same name is refused at once (AlreadyRunning), and the lock dies with its process."""

    @abstractmethod
    def set_schema_version(self, version: int) -> None:
        """Record the schema version (inside the caller's transaction)."""

    @abstractmethod
    def close(self) -> None:
        """Give the connection back (closed, or to its pool)."""


class SQLiteDatabase(Database):
    engine = "sqlite"
    errors = (sqlite3.Error,)

    def __init__(self, path: Path, wait: float, any_thread: bool) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=not any_thread, timeout=wait)
        self.db.row_factory = sqlite3.Row
        self._use_wal(wait)
        # With WAL, NORMAL survives any crash of masthead itself; only a power cut can lose the last
        # commits, and for the delivery journal that means a resend, never a skip.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")

    def _use_wal(self, wait: float) -> None:
        """Write-ahead logging, set once per file. Switching a new file to it takes a lock that
        SQLite does not wait for (no busy timeout applies): processes that open a new database at
        the same moment try again for up to `wait` seconds."""
        deadline = time.monotonic() + wait
        while True:
            try:
                if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise StoreUnavailable(f"the subscriber database cannot be opened now ({exc})") from exc
                time.sleep(0.01)

    def execute(self, sql: str, params: tuple | list = ()):
        return self.db.execute(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE: the write lock at once, so two writers never both read, then both write."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(f"the subscriber database cannot be written now ({exc})") from exc
        try:
            yield
        except BaseException as error:
            if self.db.in_transaction:  # SQLite ends some failed transactions itself
                self.db.execute("ROLLBACK")
            if isinstance(error, sqlite3.OperationalError):  # read-only, locked, full: not the caller's bug
                raise StoreUnavailable(f"the subscriber database cannot be written now ({error})") from error
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise StoreUnavailable(f"the subscriber database cannot be written now ({exc})") from exc

    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def lock_key(self, key: str) -> None:
        """BEGIN IMMEDIATE already holds the only write lock there is."""

    @contextmanager
    def run_lock(self, name: str) -> Iterator[None]:
        """A lock file beside the database, held with flock: released by the kernel when the
        process ends, however it ends."""
        import fcntl
        import hashlib

        digest = hashlib.sha256(name.encode()).hexdigest()[:16]
        path = Path(f"{self.path}.{digest}.lock")
        with open(path, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise AlreadyRunning(f"{name} is already running on {self.path} ({holder}); wait for it to "
                                     "finish (a run that died leaves nothing to clear)") from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"process {os.getpid()}\n")
            handle.flush()
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def set_schema_version(self, version: int) -> None:
        self.db.execute(f"PRAGMA user_version = {int(version)}")

    def close(self) -> None:
        self.db.close()


_PLACEHOLDER = re.compile(r"\?")
_POOLS: dict[str, object] = {}  # one connection pool per database URL and process
_POOLS_LOCK = threading.Lock()
MIGRATION_LOCK = 0x6D617374  # "mast": the advisory lock migrations take in PostgreSQL


class PostgresDatabase(Database):
    """A connection taken from the process's pool for this URL (psycopg 3), given back on close."""

    engine = "postgresql"
    splits_senders = True
    # A claim is this connection's server session (pid and start time): the session is gone as soon
    # as its process is, however it ended. (A transaction pooler between masthead and PostgreSQL
    # would share sessions: senders need a direct connection.)
    SESSION = "pid::text || ':' || backend_start::text"
    HOLDER_GONE = ("deliveries.claimed_by = '' OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE "
                   "a.pid::text || ':' || a.backend_start::text = deliveries.claimed_by)")

    def __init__(self, url: str, wait: float) -> None:
        from ..extras import needs

        with needs("postgresql"):
            import psycopg
            from psycopg_pool import ConnectionPool, PoolTimeout

        self._psycopg = psycopg
        self.errors = (psycopg.Error,)
        with _POOLS_LOCK:
            pool = _POOLS.get(url)
            if pool is None:
                pool = _POOLS[url] = ConnectionPool(url, min_size=0, max_size=16, open=True,
                                                    kwargs={"autocommit": True}, name="masthead")
        self.pool = pool
        try:
            self.db = pool.getconn(timeout=max(wait, 0.5))
        except (PoolTimeout, psycopg.OperationalError) as exc:
            raise StoreUnavailable(f"the subscriber database {shown(url)} cannot be reached now "
                                   f"({_first_line(exc)})") from None
        self.db.row_factory = _row_factory
        self.db.execute(f"SET lock_timeout = '{int(wait * 1000)}ms'")
        self.db.execute("CREATE TABLE IF NOT EXISTS masthead_schema (version INTEGER NOT NULL)")

    def claimant(self) -> str:
        return self.db.execute(f"SELECT {self.SESSION} FROM pg_stat_activity WHERE pid = pg_backend_pid()"
                               ).fetchone()[0]

    def execute(self, sql: str, params: tuple | list = ()):
        try:
            return self.db.execute(_PLACEHOLDER.sub("%s", sql.replace("%", "%%")), tuple(params))
        except self._psycopg.OperationalError as exc:
            raise StoreUnavailable(f"the subscriber database cannot be used now ({_first_line(exc)})") from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        psycopg = self._psycopg
        try:
            with self.db.transaction():
                yield
        except (psycopg.OperationalError, psycopg.errors.ReadOnlySqlTransaction,
                psycopg.errors.LockNotAvailable) as exc:
            raise StoreUnavailable(f"the subscriber database cannot be written now ({_first_line(exc)})") from exc

    def lock_for_migration(self) -> None:
        """Inside a transaction: one process migrates, the others wait for it."""
        self.db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))

    def lock_key(self, key: str) -> None:
        self.db.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (key,))

    @contextmanager
    def run_lock(self, name: str) -> Iterator[None]:
        """A session advisory lock: the server frees it when the process's connection goes,
        however the process ends."""
        key = f"masthead run: {name}"
        if not self.db.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()[0]:
            raise AlreadyRunning(f"{name} is already running on this database (another process holds it); "
                                 "wait for it to finish (a run that died leaves nothing to clear)")
        try:
            yield
        finally:
            self.db.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))

    def schema_version(self) -> int:
        row = self.db.execute("SELECT version FROM masthead_schema").fetchone()
        return row[0] if row else 0

    def set_schema_version(self, version: int) -> None:
        if self.db.execute("UPDATE masthead_schema SET version = %s", (version,)).rowcount == 0:
            self.db.execute("INSERT INTO masthead_schema (version) VALUES (%s)", (version,))

    def close(self) -> None:
        if self.db is not None:
            self.pool.putconn(self.db)
            self.db = None


def _row_factory(cursor):
    names = {column.name: n for n, column in enumerate(cursor.description or ())}
    kind = type("Row", (Row,), {"names": names})
    return kind


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def open_database(target: str | Path, wait: float = 30, any_thread: bool = False) -> Database:
    """`target`: a file (SQLite) or a postgresql:// URL. `wait`: seconds a write waits for another
    writer's lock before StoreUnavailable. `any_thread`: the connection may be closed by another
    thread than the one using it (SQLite)."""
    if is_url(target):
        return PostgresDatabase(str(target), wait)
    return SQLiteDatabase(Path(target), wait, any_thread)
