"""The command line, run as a user runs it: a real process over a built index."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from assistant.schemas import AskResponse
from assistant.service import Assistant


def run(assistant: Assistant, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DEBATE_CORPUS_DIR": str(assistant.settings.corpus_dir),
        "DEBATE_DATA_DIR": str(assistant.settings.data_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def test_ask_json_prints_exactly_the_api_response(assistant: Assistant) -> None:
    question = "What does the author say about the ban on factions?"
    result = run(assistant, "ask", question, "--k", "3", "--json")
    assert result.returncode == 0, result.stderr
    body = AskResponse.model_validate(json.loads(result.stdout))
    assert body.question == question and len(body.passages) == 3
    text = assistant.document_text("red-jacobins").text
    assert all(p.text == text[p.start : p.end] for p in body.passages)
    from assistant.schemas import AskRequest

    expected = assistant.ask(AskRequest(question=question, k=3))
    assert [p.id for p in body.passages] == [p.id for p in expected.passages]


def test_ask_human_readable_shows_citation_and_text(assistant: Assistant) -> None:
    result = run(assistant, "ask", "Victor Serge on centralisation", "--k", "2")
    assert result.returncode == 0, result.stderr
    assert "Mark Hoskisson" in result.stdout and "Centralisation" in result.stdout


def test_bad_input_is_a_clear_error_with_exit_code_2(assistant: Assistant) -> None:
    result = run(assistant, "ask", "   ")
    assert result.returncode == 2
    assert "only spaces" in result.stderr


def test_help_explains_every_command(assistant: Assistant) -> None:
    result = run(assistant, "--help")
    assert result.returncode == 0
    for command in ("index", "ask", "serve", "chat"):
        assert command in result.stdout
