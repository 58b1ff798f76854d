"""Conversations are bounded: in number (least recently used goes), in turns, and in age."""

from __future__ import annotations

import pytest

from assistant.chat.sessions import SessionStore, Turn
from assistant.errors import NotFound
from assistant.schemas import AskRequest


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def store(clock: Clock, sessions: int = 3, turns: int = 2, ttl: float = 60.0) -> SessionStore:
    return SessionStore(max_sessions=sessions, max_turns=turns, ttl=ttl, max_cards=5, clock=clock)


def test_ids_are_distinct_and_unguessable() -> None:
    sessions = store(Clock(), sessions=100)
    ids = {sessions.create().id for _ in range(50)}
    assert len(ids) == 50 and all(len(i) >= 20 for i in ids)


def test_the_least_recently_used_conversation_goes_when_full() -> None:
    clock = Clock()
    sessions = store(clock)
    first, second, third = (sessions.create() for _ in range(3))
    clock.now += 1
    sessions.get(first.id)  # used again: now the second is the oldest
    fourth = sessions.create()
    assert len(sessions) == 3
    with pytest.raises(NotFound, match="expired"):
        sessions.get(second.id)
    assert {sessions.get(s.id).id for s in (first, third, fourth)} == {first.id, third.id, fourth.id}


def test_an_unused_conversation_expires() -> None:
    clock = Clock()
    sessions = store(clock, ttl=60)
    kept, dropped = sessions.create(), sessions.create()
    clock.now += 59
    sessions.get(kept.id)
    clock.now += 2
    sessions.get(kept.id)
    with pytest.raises(NotFound):
        sessions.get(dropped.id)
    assert len(sessions) == 1


def test_only_the_last_turns_are_kept() -> None:
    session = store(Clock(), turns=2).create()
    for n in range(5):
        session.turns.append(Turn(f"q{n}", AskRequest(question=f"q{n}"), 0))
    assert [t.asked for t in session.turns] == ["q3", "q4"]
    assert session.last_turn is not None and session.last_turn.asked == "q4"
