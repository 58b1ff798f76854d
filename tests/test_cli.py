"""The command line, run as a user runs it: a real process over a built index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import docx

from assistant.schemas import AskRequest, AskResponse
from assistant.service import Assistant
from tests.conftest import free_port


def run(
    assistant: Assistant, *args: str, stdin: str | None = None, server: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The command in a new process; ``server`` is the URL ``ask`` looks for a running assistant at
    (by default a port where nothing listens)."""
    env = {
        **os.environ,
        "DEBATE_CORPUS_DIR": str(assistant.settings.corpus_dir),
        "DEBATE_DATA_DIR": str(assistant.settings.data_dir),
        "DEBATE_PORT": server.rsplit(":", 1)[1] if server else str(free_port()),
    }
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_ask_json_prints_exactly_the_api_response(assistant: Assistant) -> None:
    question = "What does the author say about the ban on factions?"
    result = run(assistant, "ask", question, "--k", "3", "--json")
    assert result.returncode == 0, result.stderr
    body = AskResponse.model_validate(json.loads(result.stdout))
    assert body.question == question and len(body.passages) == 3
    text = assistant.document_text("red-jacobins").text
    assert all(p.text == text[p.start : p.end] for p in body.passages)
    expected = assistant.ask(AskRequest(question=question, k=3))
    assert [p.id for p in body.passages] == [p.id for p in expected.passages]


def test_ask_is_answered_by_a_running_server_of_the_same_corpus(assistant: Assistant, live_server: str) -> None:
    question = "Why did Trotsky think Thermidor could only come from outside the party?"
    served = run(assistant, "ask", question, "--json", server=live_server)
    assert served.returncode == 0, served.stderr
    assert f"answered by the assistant serving at {live_server}" in served.stderr
    local = run(assistant, "ask", question, "--json", "--local", server=live_server)
    assert "answered by" not in local.stderr
    assert json.loads(served.stdout) == json.loads(local.stdout)


def test_ask_ignores_a_server_of_another_corpus(multi_assistant: Assistant, live_server: str) -> None:
    result = run(multi_assistant, "ask", "What is the Markdown article about?", "--json", server=live_server)
    assert result.returncode == 0, result.stderr
    assert "answered by" not in result.stderr
    assert AskResponse.model_validate_json(result.stdout).passages


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


def test_terminal_chat_follows_up_expands_collects_and_exports(assistant: Assistant, tmp_path: Path) -> None:
    word, markdown = tmp_path / "brief.docx", tmp_path / "brief.md"
    lines = [
        "/card 1",
        "What did Lenin say about the Tenth Congress?",
        "and Trotsky?",
        "/more",
        "/context 4 1",
        "/card 4 Trotsky defended the ban",
        "/card 99",
        "/brief",
        f"/export {word}",
        f"/export {markdown}",
        "/export brief.pdf",
        "/nonsense",
        "/help",
    ]
    result = run(assistant, "chat", "--k", "3", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    prompts = assistant.prompts
    out = " ".join(result.stdout.split())  # rich wraps long lines at the terminal width
    trotsky = "What did Trotsky say about the Tenth Congress?"
    for sentence in [
        prompts.say("terminal", "welcome"),
        prompts.say("terminal", "no_answer_yet"),
        prompts.say("followup", "echo", question=trotsky),
        prompts.say("followup", "more", question=trotsky, first=4),
        prompts.say("terminal", "card_added", card=1, cite="Hoskisson 10"),
        prompts.say("terminal", "no_such_passage", number=99),
        prompts.say("terminal", "exported", path=word),
        prompts.say("terminal", "export_format"),
        prompts.say("terminal", "unknown_command"),
        prompts.say("terminal", "help_context"),
    ]:
        assert " ".join(sentence.split()) in out, sentence
    assert "[1] Trotsky defended the ban Hoskisson 10" in out
    tag, cite, body = docx.Document(str(word)).paragraphs[1:]
    assert (tag.style.name, tag.text) == ("Heading 4", "Trotsky defended the ban")
    (fourth,) = [p for p in assistant.store.passages if p.text == body.text]  # the card is verbatim
    assert cite.runs[0].text == "Hoskisson 10"
    context = assistant.passage(fourth.id, 1)
    for passage in [*context.before, context.passage, *context.after]:
        assert f"¶{passage.paragraph} {' '.join(passage.text.split())}" in out
    assert markdown.read_text(encoding="utf-8").startswith("# Brief\n\n#### Trotsky defended the ban\n")
