"""POST /rebut over the real app, model and index: a case answered claim by claim in rebuttal mode."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.prompts import Prompts
from assistant.service import Assistant

CASE = [
    "Stalin was a foreign body in the party, nothing to do with Lenin.",
    "The ban on factions in 1921 was a temporary measure that did no harm.",
    "Kronstadt was a counter-revolution organised by the Whites.",
]
UNANSWERABLE = "The price of bananas in Peru doubled last winter."
MANIFESTO = "marx-engels-1848-communist-manifesto"


def rebut(client: TestClient, **body: object) -> list[dict]:
    response = client.post("/rebut", json=body)
    assert response.status_code == 200, response.text
    return response.json()["claims"]


@pytest.fixture(scope="module")
def prompts(assistant: Assistant) -> Prompts:
    return assistant.prompts


def test_each_claim_is_answered_in_order_as_rebuttal_mode_answers_it(
    client: TestClient, assistant: Assistant, prompts: Prompts
) -> None:
    claims = rebut(client, claims=CASE)
    assert [c["claim"] for c in claims] == CASE
    texts = {d.id: d.text for d in assistant.store.documents.values()}
    for claim in claims:
        assert set(claim) == {"claim", "answered", "message", "passages"}
        assert claim["answered"] is True and claim["message"] == prompts.say("ask", "rebuttal")
        assert len(claim["passages"]) == 3
        for passage in claim["passages"]:
            assert passage["text"] == texts[passage["document_id"]][passage["start"] : passage["end"]]
        asked = client.post("/ask", json={"question": claim["claim"], "k": 3, "mode": "rebuttal"}).json()
        assert [p["id"] for p in claim["passages"]] == [p["id"] for p in asked["passages"]]


def test_the_authors_own_words_come_first(client: TestClient) -> None:
    """With every passage asked for, the ones the author quotes follow all of the author's own."""
    for claim in rebut(client, claims=CASE[:2], k=50):
        voices = [p["voice"] for p in claim["passages"]]
        authored = [v == "author" for v in voices]
        assert authored == sorted(authored, reverse=True), voices
        evidence = client.post("/ask", json={"question": claim["claim"], "k": 50}).json()["passages"]
        assert any(p["voice"] != "author" for p in evidence)  # the order is rebuttal mode's, not the corpus's


def test_a_claim_the_articles_do_not_answer_says_so_beside_the_others(client: TestClient, prompts: Prompts) -> None:
    answered, unanswered = rebut(client, claims=[CASE[0], UNANSWERABLE], k=2)
    assert answered["answered"] is True
    assert unanswered["answered"] is False and unanswered["message"] == prompts.say("ask", "not_answered")
    assert len(unanswered["passages"]) == 2  # the nearest, for the debater to judge


def test_documents_filter_every_claim(multi_client: TestClient, prompts: Prompts) -> None:
    case = ["Communism abolishes all property.", CASE[2]]
    assert MANIFESTO not in {p["document_id"] for p in rebut(multi_client, claims=case, k=2)[1]["passages"]}
    within = rebut(multi_client, claims=case, k=2, documents=[MANIFESTO])
    assert {p["document_id"] for c in within for p in c["passages"]} == {MANIFESTO}
    (none,) = rebut(multi_client, claims=["Communism abolishes all property."], documents=["no-such-document"])
    assert none["passages"] == [] and none["message"] == prompts.say("ask", "no_passages")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, "claims"),
        ({"claims": []}, "claims"),
        ({"claims": "one claim as a string"}, "claims"),
        ({"claims": [""]}, "claims.0"),
        ({"claims": ["a claim", "   "]}, "only spaces"),
        ({"claims": ["x" * 2001]}, "claims.0"),
        ({"claims": ["a claim"] * 51}, "claims"),
        ({"claims": [42]}, "claims.0"),
        ({"claims": ["a claim"], "k": 0}, "k"),
        ({"claims": ["a claim"], "k": 51}, "k"),
        ({"claims": ["a claim"], "mode": "evidence"}, "mode"),
        ({"claims": ["a claim"], "documents": "red-jacobins"}, "documents"),
        ({"claims": ["a claim"], "collection": ""}, "collection"),
        ({"claims": ["a claim"], "collection": "\r"}, "collection"),  # as /ask refuses it, not a 500
    ],
)
def test_bad_cases_get_a_clear_4xx(client: TestClient, body: dict, fragment: str) -> None:
    response = client.post("/rebut", json=body)
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_a_case_larger_than_the_body_limit_is_refused(client: TestClient, assistant: Assistant) -> None:
    claim = "x" * 2000
    claims = [claim] * (assistant.settings.server.max_body_bytes // len(claim) + 1)
    assert len(claims) <= 50
    response = client.post("/rebut", json={"claims": claims})
    assert response.status_code == 413 and response.json()["detail"]


def test_a_collection_filters_every_claim(multi_client: TestClient) -> None:
    case = ["Communism abolishes all property.", CASE[2]]
    patched = multi_client.patch(f"/documents/{MANIFESTO}", json={"collections": ["manifestos"]})
    assert patched.status_code == 200, patched.text
    try:
        within = rebut(multi_client, claims=case, k=2, collection="manifestos")
        assert {p["document_id"] for c in within for p in c["passages"]} == {MANIFESTO}
    finally:
        multi_client.patch(f"/documents/{MANIFESTO}", json={"collections": []})
    missing = multi_client.post("/rebut", json={"claims": case, "collection": "manifestos"})
    assert missing.status_code == 404 and "collection" in missing.json()["detail"]
