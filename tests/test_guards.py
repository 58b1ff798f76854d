"""Limits, boundaries and the last check at the door, over the real app."""

from __future__ import annotations

import dataclasses
import logging
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.corpus.document import Passage
from assistant.schemas import AskRequest
from assistant.service import Assistant
from assistant.settings import ServerSettings, Settings
from embeddings.encoder import Encoder
from tests.helpers import SEED_ID, SEEDS, ask


def test_oversized_body_is_refused_with_413(client: TestClient) -> None:
    response = client.post(
        "/ask", content=b'{"question": "' + b"x" * 70_000 + b'"}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/documents/../../etc/passwd/text",
        "/passages/..%2F..%2Fetc%2Fpasswd",
        "/documents/%2e%2e%2fsecret/text",
        "/passages/red-jacobins:1%00",
    ],
)
def test_paths_cannot_reach_files_outside_the_corpus(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (404, 422)
    assert "root:" not in response.text


def test_cors_is_off_by_default(client: TestClient) -> None:
    response = client.options(
        "/ask", headers={"origin": "http://evil.example", "access-control-request-method": "POST"}
    )
    assert "access-control-allow-origin" not in response.headers


def test_each_request_is_logged_without_the_question(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="assistant"):
        response = client.post("/ask", json={"question": "a very private question about Kronstadt"})
    assert response.headers["x-request-id"]
    lines = [r.getMessage() for r in caplog.records if r.name == "assistant.access"]
    assert any(response.headers["x-request-id"] in line and '"status": 200' in line for line in lines)
    assert not any("private question" in r.getMessage() for r in caplog.records)


class _Rows(list):
    """Passages by row, as the store reads them, one of them altered."""

    def many(self, rows: Iterable[int]) -> list[Passage]:
        return [self[r] for r in rows]


def test_altered_span_is_withheld_at_the_door(assistant: Assistant, caplog: pytest.LogCaptureFixture) -> None:
    question = AskRequest(question="What did Pravda write about Stalin in 1936?", k=3)
    top = ask(assistant, question).passages[0]
    row = assistant.store.rows[top.id]
    original = assistant.store.passages
    altered = dataclasses.replace(original[row], text=original[row].text.replace("Stalin", "Lenin"))
    object.__setattr__(assistant.store, "passages", _Rows([*original[:row], altered, *original[row + 1 :]]))
    try:
        with caplog.at_level(logging.ERROR):
            served = ask(assistant, question).passages
        assert top.id not in [p.id for p in served]
        assert any("withheld passage" in r.getMessage() for r in caplog.records)
        assert TestClient(create_app(assistant)).get(f"/passages/{top.id}").status_code == 503
    finally:
        object.__setattr__(assistant.store, "passages", original)


def test_changed_article_is_picked_up_while_serving(tmp_path: Path, encoder: Encoder) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "index", server=ServerSettings(watch_seconds=0.2))
    with TestClient(create_app(Assistant(settings, encoder))) as client:
        article = corpus / "red-jacobins.txt"
        article.write_text(article.read_text(encoding="utf-8") + "\n\nA closing line added later.\n", encoding="utf-8")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            body = client.post("/ask", json={"question": "A closing line added later", "k": 1}).json()
            if body["passages"][0]["text"] == "A closing line added later.":
                break
            time.sleep(0.5)
        text = client.get(f"/documents/{SEED_ID}/text").json()["text"]
        passage = body["passages"][0]
        assert passage["text"] == "A closing line added later."
        assert text[passage["start"] : passage["end"]] == passage["text"]
