"""Conversations in the work store: their last turns and their current brief.

A conversation is never evicted to make room for another: only one unused for ``ttl_seconds``
goes (its pristine brief with it; a brief that holds cards stays). When the store holds
``max_sessions`` conversations, or one client address ``max_sessions_per_client``, a new one is
refused with :class:`TooMany` until one expires.
"""

from __future__ import annotations

import math
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from assistant.chat.brief import insert_brief
from assistant.chat.store import WorkStore
from assistant.errors import NotFound, TooMany
from assistant.schemas import AskRequest
from assistant.settings import SessionSettings


@dataclass(frozen=True)
class Turn:
    """One answered question: what was typed, what was searched, and which page of it was shown."""

    asked: str
    searched: AskRequest
    offset: int


@dataclass(frozen=True)
class Session:
    """One conversation: its last turns, oldest first, and the brief its cards go to."""

    id: str
    brief_id: str
    turns: tuple[Turn, ...]

    @property
    def last_turn(self) -> Turn | None:
        return self.turns[-1] if self.turns else None


def _wait(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


class SessionStore:
    """The conversations of the work store, bounded in number (in all and per client), turns and idle time."""

    def __init__(
        self,
        store: WorkStore,
        settings: SessionSettings,
        brief_name: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._settings = settings
        self._brief_name = brief_name
        self._clock = clock

    def __len__(self) -> int:
        """Conversations not yet expired."""
        with self._store.transaction(write=False) as db:
            cutoff = self._clock() - self._settings.ttl_seconds
            return int(db.execute("SELECT count(*) FROM conversations WHERE last_used > ?", (cutoff,)).fetchone()[0])

    def _expire(self, db: sqlite3.Connection, now: float) -> None:
        cutoff = now - self._settings.ttl_seconds
        db.execute(
            "DELETE FROM briefs WHERE pristine = 1 AND id IN (SELECT brief_id FROM conversations WHERE last_used <= ?)",
            (cutoff,),
        )
        db.execute("DELETE FROM conversations WHERE last_used <= ?", (cutoff,))

    def _refuse_when_full(self, db: sqlite3.Connection, now: float, client: str | None) -> None:
        s = self._settings
        count, oldest = db.execute("SELECT count(*), min(last_used) FROM conversations").fetchone()
        if count >= s.max_sessions:
            raise TooMany(
                f"{count} conversations are open, the limit; none is ended to make room: continue one, "
                f"or start a new one in {_wait(oldest + s.ttl_seconds - now)}, when the least recently used expires"
            )
        if client is None:
            return
        count, oldest = db.execute(
            "SELECT count(*), min(last_used) FROM conversations WHERE client = ?", (client,)
        ).fetchone()
        if count >= s.max_sessions_per_client:
            raise TooMany(
                f"this client ({client}) has {count} conversations open, the limit per client: continue one, "
                f"or start a new one in {_wait(oldest + s.ttl_seconds - now)}, when its least recently used expires"
            )

    def create(self, client: str | None = None) -> Session:
        """A new conversation with an unguessable id and a new brief; ``client`` is the address it
        counts against (``None``: a local surface, bounded only in all)."""
        with self._store.transaction() as db:
            now = self._clock()
            self._expire(db, now)
            self._refuse_when_full(db, now, client)
            brief_id = insert_brief(db, self._brief_name, now, self._settings.max_briefs, pristine=True)
            session_id = secrets.token_urlsafe(16)
            db.execute(
                "INSERT INTO conversations (id, client, brief_id, created, last_used) VALUES (?, ?, ?, ?, ?)",
                (session_id, client, brief_id, now, now),
            )
        return Session(session_id, brief_id, ())

    def get(self, session_id: str) -> Session:
        """The conversation, marked as used; :class:`NotFound` once it has expired. A conversation
        whose brief was deleted gets a new one."""
        with self._store.transaction() as db:
            now = self._clock()
            row = db.execute(
                "SELECT brief_id FROM conversations WHERE id = ? AND last_used > ?",
                (session_id, now - self._settings.ttl_seconds),
            ).fetchone()
            if row is not None:
                (brief_id,) = row
                if brief_id is None:
                    brief_id = insert_brief(db, self._brief_name, now, self._settings.max_briefs, pristine=True)
                db.execute(
                    "UPDATE conversations SET last_used = ?, brief_id = ? WHERE id = ?", (now, brief_id, session_id)
                )
                turns = db.execute(
                    "SELECT asked, searched, page_offset FROM turns WHERE conversation_id = ? ORDER BY number",
                    (session_id,),
                ).fetchall()
        if row is None:
            raise NotFound(
                f"no conversation with id '{session_id}' (it may have expired); start one with POST /sessions"
            )
        kept = tuple(Turn(asked, AskRequest.model_validate_json(searched), offset) for asked, searched, offset in turns)
        return Session(session_id, brief_id, kept)

    def record(self, session_id: str, turn: Turn) -> None:
        """Append ``turn`` to the conversation, keeping its last ``max_turns``."""
        with self._store.transaction() as db:
            (last,) = db.execute(
                "SELECT coalesce(max(number), 0) FROM turns WHERE conversation_id = ?", (session_id,)
            ).fetchone()
            db.execute(
                "INSERT INTO turns (conversation_id, number, asked, searched, page_offset) "
                "SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?)",
                (session_id, last + 1, turn.asked, turn.searched.model_dump_json(), turn.offset, session_id),
            )
            db.execute(
                "DELETE FROM turns WHERE conversation_id = ? AND number <= ?",
                (session_id, last + 1 - self._settings.max_turns),
            )

    def open(self, session_id: str, brief_id: str) -> None:
        """Make ``brief_id`` the conversation's current brief; the brief it replaces goes if it
        holds nothing."""
        current = self.get(session_id).brief_id
        with self._store.transaction() as db:
            if db.execute("SELECT 1 FROM briefs WHERE id = ?", (brief_id,)).fetchone() is None:
                raise NotFound(f"no brief with id '{brief_id}'; GET /briefs lists them")
            db.execute("UPDATE briefs SET pristine = 0 WHERE id = ?", (brief_id,))
            db.execute("UPDATE conversations SET brief_id = ? WHERE id = ?", (brief_id, session_id))
            if current != brief_id:
                db.execute("DELETE FROM briefs WHERE id = ? AND pristine = 1", (current,))
