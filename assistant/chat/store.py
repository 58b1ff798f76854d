"""The work store: what users make — conversations and their turns, briefs and their cards — in
one SQLite file under the data folder, so that a restart loses none of it.

WAL lets a second process (the command line beside the server) read while one writes; every
change is one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``), so a crash leaves the last committed
state. One connection serves every thread, one transaction at a time.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import IndexStateError

WORK_STORE = "work.sqlite3"
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS briefs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    next_number INTEGER NOT NULL DEFAULT 1,
    -- 1 while a conversation's brief holds nothing the user made: it goes with its conversation
    pristine INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cards (
    brief_id TEXT NOT NULL REFERENCES briefs(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    passage TEXT NOT NULL,  -- the passage as it was when the card was added (JSON)
    tag TEXT NOT NULL,
    highlight_start INTEGER,
    highlight_end INTEGER,
    short_cite TEXT NOT NULL,  -- the cites as they were, for a card whose document is gone
    full_cite TEXT NOT NULL,
    added REAL NOT NULL,
    PRIMARY KEY (brief_id, number)
);
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    client TEXT,
    brief_id TEXT REFERENCES briefs(id) ON DELETE SET NULL,
    created REAL NOT NULL,
    last_used REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_by_use ON conversations(last_used);
CREATE INDEX IF NOT EXISTS conversations_by_client ON conversations(client, last_used);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    asked TEXT NOT NULL,
    searched TEXT NOT NULL,  -- the AskRequest searched (JSON)
    page_offset INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, number)
);
"""


class WorkStore:
    """The SQLite file ``folder/work.sqlite3``, created with its tables on first use."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / WORK_STORE
        self._lock = threading.Lock()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA busy_timeout = 5000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise IndexStateError(f"{self.path} was written by a newer version (schema {version})")
            if version < SCHEMA_VERSION:
                self._db.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
        except (OSError, sqlite3.Error) as err:
            raise IndexStateError(f"the work store {self.path} cannot be opened: {err}") from err

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One atomic change, committed when the block ends and rolled back when it raises; with
        ``write=False``, a consistent read that leaves the write lock to others."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()
