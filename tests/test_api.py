"""The HTTP contract over the real app, model and index: answers, lookups and every error case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.settings import Settings
from tests.helpers import SEED_ID, seed_passage

QUESTIONS = Path(__file__).parent.parent / "benchmarks" / "data" / "questions.jsonl"
PASSAGE_FIELDS = {
    "id",
    "document_id",
    "document_title",
    "section",
    "paragraph",
    "start",
    "end",
    "text",
    "notes",
    "page",
    "section_path",
    "voice",
    "speaker",
    "citation",
    "score",
    "highlight",
}


def ask(client: TestClient, **body: object) -> dict:
    response = client.post("/ask", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_ask_returns_verbatim_passages_with_references(client: TestClient) -> None:
    body = ask(client, question="What does the author say about the ban on factions?")
    assert set(body) == {
        "question",
        "searched_for",
        "followup",
        "echo",
        "session_id",
        "offset",
        "answered",
        "message",
        "passages",
    }
    assert body["searched_for"] == body["question"] and body["followup"] == "new" and body["session_id"] is None
    assert body["answered"] is True and len(body["passages"]) == 5
    text = client.get(f"/documents/{SEED_ID}/text").json()["text"]
    for passage in body["passages"]:
        assert set(passage) == PASSAGE_FIELDS
        assert passage["text"] == text[passage["start"] : passage["end"]]
        assert passage["document_title"].startswith("The Red Jacobins")
    scores = [p["score"] for p in body["passages"]]
    assert scores == sorted(scores, reverse=True)


def test_verbatim_invariant_over_many_queries(client: TestClient) -> None:
    text = client.get(f"/documents/{SEED_ID}/text").json()["text"]
    queries = [json.loads(line)["query"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    checked = 0
    for query in queries[:80]:
        for passage in ask(client, question=query, k=8)["passages"]:
            assert passage["text"] == text[passage["start"] : passage["end"]]
            assert passage["start"] <= passage["highlight"]["start"] < passage["highlight"]["end"] <= passage["end"]
            checked += 1
    assert checked == 80 * 8


def test_k_and_document_filter(multi_client: TestClient) -> None:
    body = ask(
        multi_client, question="the spectre of communism", k=3, documents=["marx-engels-1848-communist-manifesto"]
    )
    assert len(body["passages"]) == 3
    assert {p["document_id"] for p in body["passages"]} == {"marx-engels-1848-communist-manifesto"}
    none = ask(multi_client, question="communism", documents=["no-such-document"])
    assert none["passages"] == [] and none["answered"] is False


def test_several_documents_are_served_with_their_own_offsets(multi_client: TestClient) -> None:
    documents = multi_client.get("/documents").json()
    assert len(documents) == 3
    texts = {d["id"]: multi_client.get(f"/documents/{d['id']}/text").json()["text"] for d in documents}
    for question in ["What did Goldman think of the Soviets?", "the history of class struggles", "Kronstadt"]:
        for passage in ask(multi_client, question=question, k=10)["passages"]:
            assert passage["text"] == texts[passage["document_id"]][passage["start"] : passage["end"]]


def test_health_and_documents(client: TestClient) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["documents"] == 1 and health["passages"] > 100
    assert health["engine"] == Settings().engine.value  # the engine the settings name serves
    assert health["model"] == "default" and health["partner"] == "bge-small-en"
    (document,) = client.get("/documents").json()
    assert document["id"] == SEED_ID and document["author"] == "Mark Hoskisson" and document["year"] == 2010
    assert [s["title"] for s in document["sections"]][:2] == ["Original PR Introduction", "The left critique"]


def test_passage_with_neighbours_in_its_section(client: TestClient) -> None:
    body = client.get(f"/passages/{seed_passage(10)}", params={"context": 2}).json()
    assert body["passage"]["id"] == seed_passage(10)
    # ¶8 closes the section before "The left critique": a neighbour across a heading is left out
    assert [p["id"] for p in body["before"]] == [seed_passage(9)]
    assert [p["id"] for p in body["after"]] == [seed_passage(11), seed_passage(12)]
    assert {p["section"] for p in body["before"] + body["after"]} == {body["passage"]["section"]}
    first = client.get(f"/passages/{seed_passage(1)}").json()
    assert first["before"] == [] and len(first["after"]) == 1


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"question": ""}, "question"),
        ({"question": "   "}, "only spaces"),
        ({"question": "x" * 2001}, "question"),
        ({"question": "ok", "k": 0}, "k"),
        ({"question": "ok", "k": 51}, "k"),
        ({"question": "ok", "k": "five"}, "k"),
        ({"question": 42}, "question"),
        ({"k": 5}, "question"),
        ({"question": "ok", "voice": "narrator"}, "voice"),
        ({"question": "ok", "mode": "attack"}, "mode"),
        ({"question": "ok", "unknown": 1}, "unknown"),
        ({"question": "ok", "documents": "red-jacobins"}, "documents"),
    ],
)
def test_bad_ask_requests_get_a_clear_4xx(client: TestClient, body: dict, fragment: str) -> None:
    response = client.post("/ask", json=body)
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_malformed_json_is_a_4xx(client: TestClient) -> None:
    response = client.post("/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "JSON" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [f"/passages/{SEED_ID}:99999", "/passages/nothing", "/documents/nothing/text", "/documents/..%2F..%2Fetc/text"],
)
def test_unknown_ids_are_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "no " in response.json()["detail"]


def test_context_out_of_range_is_a_4xx(client: TestClient) -> None:
    assert client.get(f"/passages/{seed_passage(3)}", params={"context": 99}).status_code == 422


def test_document_metadata_by_id(client: TestClient) -> None:
    body = client.get(f"/documents/{SEED_ID}").json()
    assert body["id"] == SEED_ID and body["author"] == "Mark Hoskisson"
    assert client.get("/documents/nothing").status_code == 404


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/ask" in client.get("/openapi.json").json()["paths"]
