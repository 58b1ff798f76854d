"""The work store: one SQLite file in WAL mode, changes atomic under concurrent requests, and an
unreadable file reported, never replaced."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.chat.brief import Briefs
from assistant.chat.cards import make_card
from assistant.chat.store import WORK_STORE, WorkStore
from assistant.errors import IndexStateError
from assistant.service import Assistant
from assistant.settings import SessionSettings
from tests.helpers import seed_passage


def test_concurrent_additions_get_distinct_numbers(tmp_path: Path, assistant: Assistant) -> None:
    briefs = Briefs(WorkStore(tmp_path), SessionSettings(max_brief_cards=100))
    brief = briefs.create("busy")
    passage, document = assistant.lookup(seed_passage(20))
    card = make_card(passage, document, "t", None, assistant.prompts)
    with ThreadPoolExecutor(8) as pool:
        numbers = list(pool.map(lambda _: briefs.add(brief, card), range(80)))
    assert sorted(numbers) == list(range(1, 81))
    assert [c.number for c in briefs.get(brief).cards] == list(range(1, 81))
    mode = sqlite3.connect(tmp_path / WORK_STORE).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_a_failed_change_leaves_nothing_behind(tmp_path: Path) -> None:
    store = WorkStore(tmp_path)
    with pytest.raises(RuntimeError), store.transaction() as db:
        db.execute("INSERT INTO briefs (id, name, created, updated) VALUES ('b', 'half-made', 0, 0)")
        raise RuntimeError("interrupted")
    assert Briefs(store, SessionSettings()).entries() == []


def test_an_unreadable_store_is_reported_and_kept(tmp_path: Path) -> None:
    (tmp_path / WORK_STORE).write_bytes(b"not a database" * 100)
    with pytest.raises(IndexStateError, match=r"work store .* cannot be opened"):
        WorkStore(tmp_path)
    assert (tmp_path / WORK_STORE).read_bytes() == b"not a database" * 100
