"""Schema-driven fuzzing of every endpoint: no server error, no response outside its own schema,
no passage whose text differs from its source span (short form; benchmarks/fuzz.sh runs longer)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from assistant.api import create_app
from assistant.service import Assistant
from assistant.settings import Settings
from embeddings.encoder import Encoder

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


@pytest.fixture
def fuzzed(assistant: Assistant, encoder: Encoder, tmp_path: Path) -> Assistant:
    """An assistant of its own over a copy of the seed index (without the library's and the chat's
    databases): generated requests upload, correct and remove documents, which must not reach the
    corpus the other tests share."""
    shutil.copytree(assistant.settings.data_dir, tmp_path / "index", ignore=shutil.ignore_patterns("*.sqlite3*"))
    return Assistant(Settings(corpus_dir=assistant.settings.corpus_dir, data_dir=tmp_path / "index"), encoder)


def test_every_endpoint_survives_generated_requests(fuzzed: Assistant) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(fuzzed))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    cases = 0

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case) -> None:
            nonlocal cases
            cases += 1
            # "send a file or a text" is a rule the form's schema cannot state; refusing a form
            # with neither is right, so schema-valid data may be rejected with a 4xx
            response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
            assert response.status_code < 500
            try:
                body = response.json()
            except ValueError:  # the HTML page and other non-JSON routes
                return
            for passage in passages_of(body):
                text = fuzzed.store.documents[passage["document_id"]].text
                assert passage["text"] == text[passage["start"] : passage["end"]]

        check()
    assert cases >= len(operations) * 5
    print(f"fuzzed {cases} generated requests over {len(operations)} operations")
