"""Conversations are bounded without evicting anyone's work: a full store refuses new ones, only
a conversation idle past its expiry goes, and its brief stays when it holds cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.chat.brief import Briefs
from assistant.chat.cards import make_card
from assistant.chat.sessions import SessionStore, Turn
from assistant.chat.store import WorkStore
from assistant.errors import NotFound, TooMany
from assistant.schemas import AskRequest
from assistant.service import Assistant
from assistant.settings import SessionSettings
from tests.helpers import seed_passage


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def stores(folder: Path, clock: Clock, **limits: float) -> tuple[SessionStore, Briefs]:
    settings = SessionSettings(**{"max_sessions": 3, "max_turns": 2, "ttl_seconds": 60.0, **limits})  # type: ignore[arg-type]
    work = WorkStore(folder)
    return SessionStore(work, settings, "Brief", clock), Briefs(work, settings, clock)


def test_ids_are_distinct_and_unguessable(tmp_path: Path) -> None:
    sessions, _ = stores(tmp_path, Clock(), max_sessions=100, max_sessions_per_client=100)
    made = [sessions.create() for _ in range(50)]
    assert len({s.id for s in made}) == 50 and all(len(s.id) >= 20 for s in made)
    assert len({s.brief_id for s in made}) == 50


def test_a_full_store_refuses_new_conversations_and_evicts_none(tmp_path: Path) -> None:
    clock = Clock()
    sessions, _ = stores(tmp_path, clock)
    first, second, third = (sessions.create() for _ in range(3))
    clock.now += 30
    sessions.get(first.id)
    with pytest.raises(TooMany, match=r"3 conversations are open.*in 1 minute") as refused:
        sessions.create()
    assert refused.value.http_status == 429
    assert {sessions.get(s.id).id for s in (first, second, third)} == {first.id, second.id, third.id}
    clock.now += 61  # all three idle past their expiry now
    fourth = sessions.create()
    assert len(sessions) == 1 and sessions.get(fourth.id).id == fourth.id


def test_one_client_cannot_take_the_whole_store(tmp_path: Path) -> None:
    sessions, _ = stores(tmp_path, Clock(), max_sessions=4, max_sessions_per_client=2)
    sessions.create("192.0.2.1"), sessions.create("192.0.2.1")
    with pytest.raises(TooMany, match=r"this client \(192.0.2.1\) has 2 conversations open"):
        sessions.create("192.0.2.1")
    sessions.create("192.0.2.2")
    sessions.create()  # a local surface counts only against the whole store
    assert len(sessions) == 4


def test_an_idle_conversation_expires_and_its_brief_stays_when_it_holds_cards(
    tmp_path: Path, assistant: Assistant
) -> None:
    clock = Clock()
    sessions, briefs = stores(tmp_path, clock)
    kept, worked, dropped = sessions.create(), sessions.create(), sessions.create()
    passage, document = assistant.lookup(seed_passage(20))
    briefs.add(worked.brief_id, make_card(passage, document, "mine", None, assistant.prompts))
    clock.now += 59
    sessions.get(kept.id)
    clock.now += 2
    sessions.get(kept.id)
    for gone in (worked, dropped):
        with pytest.raises(NotFound, match="expired"):
            sessions.get(gone.id)
    sessions.create()  # expiry runs: the idle ones go
    assert len(sessions) == 2
    assert [c.tag for c in briefs.get(worked.brief_id).cards] == ["mine"]
    with pytest.raises(NotFound, match="no brief"):
        briefs.get(dropped.brief_id)  # it held nothing
    assert [e.id for e in briefs.entries()] == [worked.brief_id]


def test_only_the_last_turns_are_kept(tmp_path: Path) -> None:
    sessions, _ = stores(tmp_path, Clock(), max_turns=2)
    session = sessions.create()
    for n in range(5):
        sessions.record(session.id, Turn(f"q{n}", AskRequest(question=f"q{n}", k=n + 1), n))
    turns = sessions.get(session.id).turns
    assert [(t.asked, t.searched.k, t.offset) for t in turns] == [("q3", 4, 3), ("q4", 5, 4)]
    assert sessions.get(session.id).last_turn == turns[-1]


def test_opening_a_brief_and_deleting_the_current_one(tmp_path: Path) -> None:
    sessions, briefs = stores(tmp_path, Clock())
    session = sessions.create()
    named = briefs.create("Kronstadt")
    sessions.open(session.id, named)
    assert sessions.get(session.id).brief_id == named
    with pytest.raises(NotFound, match="no brief"):
        briefs.get(session.brief_id)  # the empty brief it replaced
    with pytest.raises(NotFound, match="no brief with id 'nope'"):
        sessions.open(session.id, "nope")
    briefs.delete(named)
    fresh = sessions.get(session.id).brief_id
    assert fresh != named and briefs.get(fresh).cards == ()


def test_the_store_outlives_its_objects(tmp_path: Path) -> None:
    clock = Clock()
    sessions, briefs = stores(tmp_path, clock)
    session = sessions.create()
    sessions.record(session.id, Turn("q", AskRequest(question="q"), 0))
    briefs.rename(session.brief_id, "Renamed")
    again, briefs_again = stores(tmp_path, clock)
    assert again.get(session.id).last_turn == Turn("q", AskRequest(question="q"), 0)
    assert briefs_again.get(session.brief_id).name == "Renamed"
