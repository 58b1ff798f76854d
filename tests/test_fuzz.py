"""Schema-driven fuzzing of every endpoint: no server error, no response outside its own schema,
no passage whose text differs from its source span (short form; benchmarks/fuzz.sh runs longer)."""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, given, settings

from assistant.api import create_app
from assistant.service import Assistant

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))


def passages_of(body: object) -> list[dict]:
    """Every passage object in a response body (answers, a passage and its neighbours)."""
    if isinstance(body, list):
        return [p for item in body for p in passages_of(item)]
    if not isinstance(body, dict):
        return []
    if {"text", "start", "end", "document_id"} <= body.keys():
        return [body]
    return [p for value in body.values() for p in passages_of(value)]


def test_every_endpoint_survives_generated_requests(assistant: Assistant) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(assistant))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    cases = 0

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case) -> None:
            nonlocal cases
            cases += 1
            response = case.call_and_validate()
            assert response.status_code < 500
            try:
                body = response.json()
            except ValueError:  # the HTML page and other non-JSON routes
                return
            for passage in passages_of(body):
                text = assistant.store.documents[passage["document_id"]].text
                assert passage["text"] == text[passage["start"] : passage["end"]]

        check()
    assert cases >= len(operations) * 5
    print(f"fuzzed {cases} generated requests over {len(operations)} operations")
