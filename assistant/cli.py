"""The command line: parse arguments, call the assistant, print."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from assistant.errors import AssistantError
from assistant.retrieval.options import Mode, VoiceFilter
from assistant.schemas import AskRequest, AskResponse, CardRequest, PassageOut, describe_errors
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.chat import Chat

app = typer.Typer(
    help="Debate preparation assistant: answers with the articles' own passages, verbatim, with references.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)


def _assistant(progress: bool = True):
    from assistant.service import Assistant

    try:
        return Assistant(Settings(), progress=progress)
    except AssistantError as err:
        errors.print(f"[red]error:[/red] {err}")
        raise typer.Exit(2) from err


def ask_server(settings: Settings, request: AskRequest) -> AskResponse | None:
    """The answer of a server on this machine that serves exactly this corpus and model, or
    None when there is none (nothing listening, another corpus, or an error)."""
    import httpx

    from assistant.corpus.library import fingerprint
    from assistant.corpus.passages import ChunkingSettings

    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    base = f"http://{host}:{settings.port}"
    try:
        health = httpx.get(f"{base}/health", timeout=httpx.Timeout(5, connect=0.25)).json()
        chunking = ChunkingSettings(settings.max_passage_chars, settings.max_lead_in_chars)
        if health.get("model") != settings.model or health.get("fingerprint") != fingerprint(
            settings.corpus_dir, chunking
        ):
            return None
        answer = httpx.post(f"{base}/ask", json=request.model_dump(mode="json"), timeout=60)
        if answer.status_code != 200:
            return None
        response = AskResponse.model_validate_json(answer.content)
    except (httpx.HTTPError, ValueError):
        return None
    errors.print(f"[dim]answered by the assistant serving at {base}[/dim]")
    return response


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


@app.command()
def index() -> None:
    """Build the index of the corpus folder, or refresh it if the folder changed."""
    assistant = _assistant()
    health = assistant.health()
    console.print(f"{health.documents} documents, {health.passages} passages indexed with model {health.model}")
    for skipped in health.skipped:
        errors.print(f"[yellow]skipped[/yellow] {skipped.name}: {skipped.reason}")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in plain words.")],
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=50, help="How many passages.")] = 5,
    mode: Annotated[Mode, typer.Option(help="evidence, or rebuttal for an opponent's claim.")] = Mode.EVIDENCE,
    voice: Annotated[VoiceFilter, typer.Option(help="Whose words may answer.")] = VoiceFilter.ANY,
    speaker: Annotated[str | None, typer.Option(help="Only passages quoting this person.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the /ask response body as JSON.")] = False,
    local: Annotated[
        bool, typer.Option("--local", help="Answer in this process even when a server is running.")
    ] = False,
) -> None:
    """Answer QUESTION with the best passages of the articles.

    When an assistant is already serving the same corpus and model on the configured host and
    port, it answers (in well under a second); otherwise the index is opened in this process."""
    try:
        request = AskRequest(question=question, k=k, mode=mode, voice=voice, speaker=speaker)
    except ValidationError as err:
        errors.print(f"[red]error:[/red] {describe_errors(err.errors())}")
        raise typer.Exit(2) from err
    response = None if local else ask_server(Settings(), request)
    if response is None:
        response = _assistant(progress=not as_json).ask(request)
    if as_json:
        print(response.model_dump_json())
    else:
        print_answer(response)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; loopback by default.")] = Settings().host,
    port: Annotated[int, typer.Option(help="TCP port.")] = Settings().port,
) -> None:
    """Serve the chat page at / and the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    from assistant.api import create_app

    if host not in ("127.0.0.1", "localhost", "::1"):
        errors.print(f"[yellow]warning:[/yellow] binding to {host} exposes the assistant beyond this machine")
    uvicorn.run(create_app(_assistant()), host=host, port=port, log_level="info")


class TerminalChat:
    """The terminal side of a conversation: questions go to :class:`Chat`, ``/commands`` act on
    the last answer's passages and on the brief."""

    def __init__(self, conversation: Chat, mode: Mode, voice: VoiceFilter, k: int) -> None:
        self.chat = conversation
        self.prompts = conversation.prompts
        self.session = conversation.start().session_id
        self.mode, self.voice, self.k = mode, voice, k
        self.last: AskResponse | None = None
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
        self.last = self.chat.ask(request)
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
        context = self.chat.context(passage.id, min(size, 20))
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
        self.say("exported", "green", path=path)

    def set_mode(self, args: list[str]) -> None:
        if args and args[0] in {m.value for m in Mode}:
            self.mode = Mode(args[0])
        self.say("settings", mode=self.mode.value, voice=self.voice.value)

    def set_voice(self, args: list[str]) -> None:
        if args and args[0] in {v.value for v in VoiceFilter}:
            self.voice = VoiceFilter(args[0])
        self.say("settings", mode=self.mode.value, voice=self.voice.value)

    def help(self) -> None:
        for key in self.prompts.group("terminal"):
            if key.startswith("help_"):
                self.say(key)


@app.command()
def chat(
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=50, help="Passages per answer.")] = 5,
    mode: Annotated[Mode, typer.Option(help="evidence, or rebuttal for an opponent's claim.")] = Mode.EVIDENCE,
    voice: Annotated[VoiceFilter, typer.Option(help="Whose words may answer.")] = VoiceFilter.ANY,
) -> None:
    """Converse in the terminal: follow-ups ("and Trotsky?", "more"), context, cards and a brief."""
    from assistant.chat import Chat

    terminal = TerminalChat(Chat(_assistant()), mode, voice, k)
    terminal.say("welcome", "bold")
    while True:
        try:
            line = console.input("[bold green]? [/bold green]").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not line or line.lower() in ("/quit", "/exit", "quit", "exit"):
            break
        terminal.handle(line)
        console.print()


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each index build at DEBUG
    app()
