"""Starting a conversation reads what the index derived at build time: it costs the same number
of database queries at one document as at a thousand."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.index.tables import Database
from assistant.service import Assistant
from assistant.settings import Settings
from embeddings.encoder import Encoder


def _queries_per_session(folder: Path, documents: int, encoder: Encoder, monkeypatch: pytest.MonkeyPatch) -> int:
    folder.mkdir()
    for n in range(documents):
        (folder / f"article-{n}.txt").write_text(f"Article {n}\n\nHeading {n}\n\nA sentence about topic {n}.\n")
    assistant = Assistant(Settings(corpus_dir=folder, data_dir=folder.parent / f"index-{documents}"), encoder)
    client = TestClient(create_app(assistant))
    client.post("/sessions")  # anything cached on first use is cached now
    counted = {"queries": 0}
    real = Database.query

    def counting(self: Database, sql: str, parameters: tuple = ()) -> list[tuple]:
        counted["queries"] += 1
        return real(self, sql, parameters)

    with monkeypatch.context() as patch:
        patch.setattr(Database, "query", counting)
        body = client.post("/sessions").json()
    assert body["starters"] and len(body["starters"]) <= 24
    return counted["queries"]


def test_a_new_session_costs_the_same_at_one_and_a_thousand_documents(
    tmp_path: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = _queries_per_session(tmp_path / "one", 1, encoder, monkeypatch)
    thousand = _queries_per_session(tmp_path / "thousand", 1000, encoder, monkeypatch)
    assert one == thousand == 0
