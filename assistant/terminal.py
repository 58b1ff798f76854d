"""The terminal: how an answer looks there, and the conversation held there (``assistant chat``)."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from assistant.errors import AssistantError
from assistant.retrieval.options import Mode, VoiceFilter
from assistant.schemas import AskRequest, AskResponse, CardRequest, PassageOut, describe_errors

console = Console()
errors = Console(stderr=True)

LEAVE = ("/quit", "/exit", "quit", "exit")
YES = ("y", "yes")

E = TypeVar("E", bound=Enum)

if TYPE_CHECKING:
    from assistant.chat import Chat


def render(passage: PassageOut) -> Text:
    """The passage text with its key sentence emphasised."""
    text = Text(passage.text)
    if passage.highlight:
        text.stylize("bold underline", passage.highlight.start - passage.start, passage.highlight.end - passage.start)
    return text


def print_answer(response: AskResponse) -> None:
    """The echo of a follow-up, the message, then each passage numbered from the first shown."""
    if response.echo:
        console.print(Text(response.echo, style="italic cyan"))
    console.print(Text(response.message, style="bold" if response.answered else "yellow"))
    for n, passage in enumerate(response.passages, response.offset + 1):
        who = passage.voice.value + (f": {passage.speaker}" if passage.speaker else "")
        notes = f"  notes {', '.join(map(str, passage.notes))}" if passage.notes else ""
        console.print()
        console.print(Text(f"[{n}] {passage.citation}", style="cyan"))
        console.print(
            Text(f"    {who}  offsets {passage.start}-{passage.end}  score {passage.score:.3f}{notes}", "dim")
        )
        console.print(render(passage))


class TerminalChat:
    """The terminal side of a conversation: questions go to :class:`Chat`, ``/commands`` act on
    the last answer's passages and on the brief."""

    def __init__(self, conversation: Chat, mode: Mode, voice: VoiceFilter, k: int) -> None:
        self.chat = conversation
        self.prompts = conversation.prompts
        self.session = conversation.start().session_id
        self.mode, self.voice, self.k = mode, voice, k
        self.last: AskResponse | None = None
        self.unsaved = False  # the brief changed since it was last exported
        self.commands: dict[str, Callable[[list[str]], None]] = {
            "/more": lambda args: self.ask("more"),
            "/context": self.context,
            "/card": self.card,
            "/brief": lambda args: self.brief(),
            "/remove": self.remove,
            "/export": self.export,
            "/mode": self.set_mode,
            "/voice": self.set_voice,
            "/help": lambda args: self.help(),
        }

    def say(self, key: str, style: str = "", **values: object) -> None:
        console.print(Text(self.prompts.say("terminal", key, **values), style=style))

    def run(self) -> None:
        """Read lines until the user leaves; an empty line only prompts again."""
        self.say("welcome", "bold")
        while True:
            try:
                line = console.input("[bold green]? [/bold green]").strip()
            except (EOFError, KeyboardInterrupt):
                console.print()
                line = "/quit"
            if not line:
                continue
            if line.lower() in LEAVE:
                if self.may_leave():
                    return
                continue
            self.handle(line)
            console.print()

    def may_leave(self) -> bool:
        """True unless the brief holds cards not yet exported and the user does not confirm leaving
        (a second Ctrl-D confirms: the input has ended)."""
        if not self.unsaved or not self.chat.brief(self.session).cards:
            return True
        try:
            answer = console.input(self.prompts.say("terminal", "unsaved_brief") + " ")
        except (EOFError, KeyboardInterrupt):
            console.print()
            return True
        return answer.strip().lower() in YES

    def handle(self, line: str) -> None:
        """A question, or a command with its arguments."""
        if not line.startswith("/"):
            self.ask(line)
            return
        name, *args = line.split()
        command = self.commands.get(name.lower())
        if command is None:
            self.say("unknown_command", "yellow")
            return
        try:
            command(args)
        except AssistantError as err:
            errors.print(f"[red]error:[/red] {err}")

    def ask(self, question: str) -> None:
        try:
            request = AskRequest(question=question, k=self.k, mode=self.mode, voice=self.voice, session_id=self.session)
        except ValidationError as err:
            errors.print(f"[red]error:[/red] {describe_errors(err.errors())}")
            return
        from assistant.responses import ask_response  # here: printing an answer needs none of the service

        self.last = ask_response(self.chat.ask(request))
        print_answer(self.last)

    def _passage(self, args: list[str]) -> PassageOut | None:
        """The passage numbered ``args[0]`` in the last answer, as it was printed."""
        if self.last is None:
            self.say("no_answer_yet", "yellow")
            return None
        number = args[0] if args else ""
        index = int(number) - self.last.offset - 1 if number.isdigit() else -1
        if not 0 <= index < len(self.last.passages):
            self.say("no_such_passage", "yellow", number=number)
            return None
        return self.last.passages[index]

    def context(self, args: list[str]) -> None:
        passage = self._passage(args)
        if passage is None:
            return
        size = int(args[1]) if len(args) > 1 and args[1].isdigit() else 1
        from assistant.responses import context_out

        context = context_out(self.chat.context(passage.id, min(size, 20)))
        for neighbour in context.before:
            console.print(Text(f"¶{neighbour.paragraph}  {neighbour.text}", style="dim"))
        console.print(Text(f"¶{passage.paragraph}  ", style="cyan") + render(passage))
        for neighbour in context.after:
            console.print(Text(f"¶{neighbour.paragraph}  {neighbour.text}", style="dim"))

    def card(self, args: list[str]) -> None:
        passage = self._passage(args)
        if passage is None:
            return
        request = CardRequest(passage_id=passage.id, tag=" ".join(args[1:]), highlight=passage.highlight)
        brief = self.chat.add_card(self.session, request)
        self.unsaved = True
        added = brief.cards[-1]
        self.say("card_added", "green", card=added.id, cite=added.short_cite)

    def brief(self) -> None:
        brief = self.chat.brief(self.session)
        if not brief.cards:
            console.print(Text(self.prompts.say("brief", "empty"), style="yellow"))
        for card in brief.cards:
            console.print(Text(f"[{card.id}] ", style="cyan") + Text(card.tag, style="bold") + f"  {card.short_cite}")

    def remove(self, args: list[str]) -> None:
        number = args[0] if args else ""
        if not number.isdigit():
            self.say("unknown_command", "yellow")
            return
        console.print(self.chat.remove_card(self.session, int(number)).message)
        self.unsaved = True

    def export(self, args: list[str]) -> None:
        path = Path(" ".join(args)).expanduser()
        if path.suffix.lower() not in (".docx", ".md"):
            self.say("export_format", "yellow")
            return
        if path.suffix.lower() == ".docx":
            content = self.chat.export_docx(self.session)
        else:
            content = self.chat.export_markdown(self.session).encode()
        try:
            path.write_bytes(content)
        except OSError as err:
            self.say("export_failed", "red", path=path, reason=err.strerror or err)
            return
        self.unsaved = False
        self.say("exported", "green", path=path)

    def _choose(self, word: str, kind: type[E], unknown: str) -> E | None:
        """The value of ``kind`` named ``word``, or None after saying which values there are."""
        try:
            return kind(word.lower())
        except ValueError:
            self.say(unknown, "yellow", value=word, choices=", ".join(member.value for member in kind))
            return None

    def set_mode(self, args: list[str]) -> None:
        if args:
            mode = self._choose(args[0], Mode, "unknown_mode")
            if mode is None:
                return
            self.mode = mode
        self.say("settings", mode=self.mode.value, voice=self.voice.value)

    def set_voice(self, args: list[str]) -> None:
        if args:
            voice = self._choose(args[0], VoiceFilter, "unknown_voice")
            if voice is None:
                return
            self.voice = voice
        self.say("settings", mode=self.mode.value, voice=self.voice.value)

    def help(self) -> None:
        for key in self.prompts.group("terminal"):
            if key.startswith("help_"):
                self.say(key)
