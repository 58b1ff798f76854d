"""The command line: parse arguments, call the assistant, print."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from assistant.errors import AssistantError
from assistant.retrieval.ranker import Mode, VoiceFilter
from assistant.schemas import AskRequest, AskResponse, PassageOut
from assistant.settings import Settings

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


def render(passage: PassageOut) -> Text:
    """The passage text with its key sentence emphasised."""
    text = Text(passage.text)
    if passage.highlight:
        text.stylize("bold underline", passage.highlight.start - passage.start, passage.highlight.end - passage.start)
    return text


def print_answer(response: AskResponse) -> None:
    console.print(Text(response.message, style="bold" if response.answered else "yellow"))
    for n, passage in enumerate(response.passages, 1):
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
) -> None:
    """Answer QUESTION with the best passages of the articles."""
    try:
        request = AskRequest(question=question, k=k, mode=mode, voice=voice, speaker=speaker)
    except ValueError as err:
        errors.print(f"[red]error:[/red] {err}")
        raise typer.Exit(2) from err
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
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    from assistant.api import create_app

    if host not in ("127.0.0.1", "localhost", "::1"):
        errors.print(f"[yellow]warning:[/yellow] binding to {host} exposes the assistant beyond this machine")
    uvicorn.run(create_app(_assistant()), host=host, port=port, log_level="info")


@app.command()
def chat() -> None:
    """Ask questions one after another in the terminal (empty line or Ctrl-D to leave)."""
    assistant = _assistant()
    while True:
        try:
            question = console.input("[bold green]? [/bold green]").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not question or question in ("quit", "exit"):
            break
        print_answer(assistant.ask(AskRequest(question=question[:2000])))
        console.print()


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
