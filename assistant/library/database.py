"""The library's SQLite file under the data directory: what was uploaded, hidden, corrected and
grouped, and the indexing jobs. Kept apart from the index, which is rebuilt; this is not."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

FILE = "library.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    document_id TEXT PRIMARY KEY, stored TEXT NOT NULL, filename TEXT NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS hidden (document_id TEXT PRIMARY KEY, hidden REAL NOT NULL);
CREATE TABLE IF NOT EXISTS corrections (document_id TEXT PRIMARY KEY, fields TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS collections (
    document_id TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (document_id, name)
);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, progress REAL NOT NULL,
    document_id TEXT, filename TEXT, error TEXT, created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, created);
"""


class LibraryDatabase:
    """One connection that the request threads and the job worker share, one statement at a time;
    WAL, so that a crash loses at most the transaction it interrupted."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / FILE
        self._connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._connection.executescript("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;" + _SCHEMA)
        self._lock = threading.RLock()

    def query(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple]:
        with self._lock:
            return self._connection.execute(sql, parameters).fetchall()

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> int:
        """Run one statement in a transaction of its own; the number of rows it changed."""
        with self.transaction():
            return self._connection.execute(sql, parameters).rowcount

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Statements that change the library together or not at all (nested: the outer one decides)."""
        with self._lock:
            if self._connection.in_transaction:
                yield
                return
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._connection.close()
