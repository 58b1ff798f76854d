"""Conversations kept in memory: their turns and brief, bounded in number, length and age."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.chat.brief import Brief
from assistant.errors import NotFound
from assistant.schemas import AskRequest


@dataclass(frozen=True)
class Turn:
    """One answered question: what was typed, what was searched, and which page of it was shown."""

    asked: str
    searched: AskRequest
    offset: int


@dataclass
class Session:
    """One conversation: its last turns and the cards collected in it."""

    id: str
    turns: deque[Turn]
    brief: Brief
    last_used: float = field(default=0.0)

    @property
    def last_turn(self) -> Turn | None:
        return self.turns[-1] if self.turns else None


class SessionStore:
    """At most ``max_sessions`` conversations; one unused for ``ttl`` seconds is forgotten, and
    when the store is full the least recently used one goes."""

    def __init__(
        self,
        max_sessions: int,
        max_turns: int,
        ttl: float,
        max_cards: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._max_sessions = max_sessions
        self._max_turns = max_turns
        self._ttl = ttl
        self._max_cards = max_cards
        self._clock = clock
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def _expire(self, now: float) -> None:
        while self._sessions:
            oldest = next(iter(self._sessions.values()))
            if now - oldest.last_used < self._ttl:
                break
            del self._sessions[oldest.id]

    def create(self) -> Session:
        """A new, empty conversation with an unguessable id."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            while len(self._sessions) >= self._max_sessions:
                self._sessions.popitem(last=False)
            session = Session(secrets.token_urlsafe(16), deque(maxlen=self._max_turns), Brief(self._max_cards), now)
            self._sessions[session.id] = session
            return session

    def get(self, session_id: str) -> Session:
        """The conversation, marked as used; :class:`NotFound` once it has expired or was dropped."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            session = self._sessions.get(session_id)
            if session is None:
                raise NotFound(
                    f"no conversation with id '{session_id}' (it may have expired); start one with POST /sessions"
                )
            session.last_used = now
            self._sessions.move_to_end(session_id)
            return session
