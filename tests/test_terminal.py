"""The terminal chat, driven line by line in this process over the shared index."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from assistant import terminal
from assistant.chat import Chat
from assistant.retrieval.options import Mode, VoiceFilter
from assistant.service import Assistant
from assistant.terminal import TerminalChat

QUESTION = "What did Lenin say about the Tenth Congress?"


class Typist:
    """Types ``lines`` at the chat's prompts, then Ctrl-D; records every prompt shown."""

    def __init__(self, lines: list[str], screen: io.StringIO) -> None:
        self.lines: Iterator[str] = iter(lines)
        self.screen = screen
        self.prompts: list[str] = []

    def __call__(self, prompt: str = "", **_: object) -> str:
        self.prompts.append(prompt)
        self.screen.write(prompt)
        try:
            line = next(self.lines)
        except StopIteration:
            raise EOFError from None
        self.screen.write(line + "\n")
        return line


@pytest.fixture
def screen(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """What the chat prints, unwrapped."""
    output = io.StringIO()
    monkeypatch.setattr(terminal, "console", Console(file=output, width=500, color_system=None))
    return output


def converse(assistant: Assistant, screen: io.StringIO, lines: list[str], monkeypatch: pytest.MonkeyPatch) -> Typist:
    typist = Typist(lines, screen)
    monkeypatch.setattr(terminal.console, "input", typist)
    chat = TerminalChat(Chat(assistant), Mode.EVIDENCE, VoiceFilter.ANY, 3)
    chat.run()
    return typist


def unsaved(assistant: Assistant) -> str:
    return assistant.prompts.say("terminal", "unsaved_brief")


def test_an_empty_line_does_not_end_the_chat(
    assistant: Assistant, screen: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    typist = converse(assistant, screen, ["", "   ", QUESTION], monkeypatch)
    assert "[1] " in screen.getvalue()  # the question after the empty lines was answered
    assert len(typist.prompts) == 4  # three lines, then Ctrl-D


def test_leaving_with_cards_not_exported_asks_first(
    assistant: Assistant, screen: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [QUESTION, "/card 1 kept", "/quit", "n", "/brief", "/quit", "y", "never read"]
    typist = converse(assistant, screen, lines, monkeypatch)
    assert [p for p in typist.prompts if unsaved(assistant) in p] == [unsaved(assistant) + " "] * 2
    assert "[1] kept" in screen.getvalue()  # the brief was still there after answering "n"
    assert typist.prompts[-1].startswith(unsaved(assistant))  # "y" left: the last line was never asked for


def test_ctrl_d_with_cards_not_exported_asks_and_a_second_ctrl_d_leaves(
    assistant: Assistant, screen: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    typist = converse(assistant, screen, [QUESTION, "/card 1"], monkeypatch)
    assert sum(unsaved(assistant) in p for p in typist.prompts) == 1


def test_an_exported_brief_is_left_without_a_question(
    assistant: Assistant, screen: io.StringIO, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "brief.md"
    typist = converse(assistant, screen, [QUESTION, "/card 1", f"/export {target}", "/quit"], monkeypatch)
    assert target.exists()
    assert not any(unsaved(assistant) in p for p in typist.prompts)


def test_an_unknown_mode_or_voice_is_refused_with_the_valid_values(
    assistant: Assistant, screen: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    converse(assistant, screen, ["/mode foo", "/voice bar", "/mode Rebuttal", "/voice author"], monkeypatch)
    out = screen.getvalue()
    modes = ", ".join(m.value for m in Mode)
    voices = ", ".join(v.value for v in VoiceFilter)
    assert assistant.prompts.say("terminal", "unknown_mode", value="foo", choices=modes) in out
    assert assistant.prompts.say("terminal", "unknown_voice", value="bar", choices=voices) in out
    settings = [line for line in out.splitlines() if line.startswith("Mode ")]
    assert settings == [
        assistant.prompts.say("terminal", "settings", mode="rebuttal", voice="any"),
        assistant.prompts.say("terminal", "settings", mode="rebuttal", voice="author"),
    ]
