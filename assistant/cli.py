"""The command line: parse arguments, call the assistant, print.

Every error ends the command in :func:`main`, with one line and the exit code its type declares
(:mod:`assistant.errors`): 2 bad input, 3 configuration, 4 corpus or index, 5 model, 1 unexpected.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from assistant.errors import AssistantError, BadRequest, ConfigError, ModelError
from assistant.retrieval.options import Mode, VoiceFilter
from assistant.schemas import AskRequest, describe_errors
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.service import Assistant

app = typer.Typer(
    help="Debate preparation assistant: answers with the articles' own passages, verbatim, with references.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # main() reports errors, in one line each
)
console = Console()
errors = Console(stderr=True)

UNEXPECTED = 1
_SWITCH_SECONDS = 0.0005  # how long a thread holds the GIL while another waits for it (Python: 0.005)
# What to do about an error, by the type that says what went wrong; printed after its message.
HINTS: dict[type[AssistantError], str] = {
    ModelError: "set DEBATE_MODEL to a sentence-transformers model name or folder that is installed, "
    "or to 'default' (the embedded all-MiniLM-L6-v2); DEBATE_ENCODER__PARTNER likewise, or empty for none",
}


def settings() -> Settings:
    """The settings of the environment; a bad value is a :class:`ConfigError` naming its variable."""
    try:
        return Settings()
    except ValidationError as err:
        prefix = Settings.model_config.get("env_prefix", "")
        problems = [
            f"{prefix}{'__'.join(map(str, e['loc'])).upper()}={e.get('input')!r}: {e['msg']}" for e in err.errors()
        ]
        raise ConfigError("; ".join(problems)) from err


def _assistant(progress: bool = True) -> Assistant:
    config = settings()  # before the import below, which loads the ML libraries
    from assistant.service import Assistant

    return Assistant(config, progress=progress)


@app.command()
def index() -> None:
    """Build the index of the corpus folder, or refresh it if the folder changed."""
    health = _assistant().status()
    models = f"{health.model} and {health.partner}" if health.partner else health.model
    console.print(
        f"{health.documents} documents, {health.passages} passages indexed with {models}, searched by {health.engine}"
    )
    for skipped in health.skipped:
        errors.print(f"[yellow]skipped[/yellow] {escape(skipped.name)}: {escape(skipped.reason)}")


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
    host: Annotated[
        str | None,
        typer.Option(help="Where a running assistant is looked for (default: DEBATE_SERVER__HOST)."),
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Its port (default: DEBATE_SERVER__PORT, or 8000).")
    ] = None,
) -> None:
    """Answer QUESTION with the best passages of the articles.

    When an assistant is already serving the same corpus and model at --host and --port, it
    answers (in well under a second); otherwise the index is opened in this process."""
    from assistant.client import ask_running_server, server_url
    from assistant.terminal import print_answer

    try:
        request = AskRequest(question=question, k=k, mode=mode, voice=voice, speaker=speaker)
    except ValidationError as err:
        raise BadRequest(describe_errors(err.errors())) from err
    config = settings()
    response = None
    if not local:
        url = server_url(host or config.server.host, port or config.server.port)
        response = ask_running_server(url, config, request)
        if response is not None:
            errors.print(f"[dim]answered by the assistant serving at {escape(url)}[/dim]")
    if response is None:
        from assistant.chat import Chat
        from assistant.responses import ask_response

        response = ask_response(Chat(_assistant(progress=not as_json)).ask(request))
    if as_json:
        print(response.model_dump_json())
    else:
        print_answer(response)


@app.command()
def serve(
    host: Annotated[
        str | None,
        typer.Option(help="Address to bind (default: DEBATE_SERVER__HOST, 127.0.0.1: this machine)."),
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="TCP port (default: DEBATE_SERVER__PORT, or 8000).")
    ] = None,
) -> None:
    """Serve the chat page at / and the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    from assistant.api import create_app

    config = settings()
    host, port = host or config.server.host, port or config.server.port
    if host not in ("127.0.0.1", "localhost", "::1"):
        errors.print(f"[yellow]warning:[/yellow] binding to {host} exposes the assistant beyond this machine")
    _log_requests()
    # A thread back from the model waits for the GIL while another runs Python; by default it may
    # wait 5 ms, with a core idle. Measured at 8 questions at once: about 5% more answered a second.
    sys.setswitchinterval(_SWITCH_SECONDS)
    # uvicorn's own access lines would repeat the JSON ones, without the request id.
    uvicorn.run(create_app(_assistant()), host=host, port=port, log_level="info", access_log=False)


@app.command()
def chat(
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=50, help="Passages per answer.")] = 5,
    mode: Annotated[Mode, typer.Option(help="evidence, or rebuttal for an opponent's claim.")] = Mode.EVIDENCE,
    voice: Annotated[VoiceFilter, typer.Option(help="Whose words may answer.")] = VoiceFilter.ANY,
) -> None:
    """Converse in the terminal: follow-ups ("and Trotsky?", "more"), context, cards and a brief."""
    from assistant.chat import Chat
    from assistant.terminal import TerminalChat

    TerminalChat(Chat(_assistant()), mode, voice, k).run()


def _log_requests() -> None:
    """While serving, the access log's JSON lines go to stderr bare (one per request, nothing
    around them, so a tool can read them), and the server's own lines at INFO."""
    access = logging.getLogger("assistant.access")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    logging.getLogger("assistant").setLevel(logging.INFO)


def _report(err: BaseException) -> int:
    """Print one line about ``err`` and return the exit code its type declares."""
    if not isinstance(err, AssistantError):
        logging.getLogger(__name__).error("unexpected error", exc_info=err)
        return UNEXPECTED
    known = err
    message = " ".join(str(known).split())  # a message carried from a library may span lines
    hint = next((text for kind, text in HINTS.items() if isinstance(known, kind)), None)
    errors.print(f"[red]error:[/red] {escape(message)}" + (f" — {escape(hint)}" if hint else ""), soft_wrap=True)
    return known.exit_code


def main() -> None:
    """The ``debate-assistant`` and ``python -m assistant`` entry point: the one place errors end a command."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each index build at DEBUG
    # sentence-transformers warns on the way to failing on a missing model; the failure is reported.
    logging.getLogger("sentence_transformers").setLevel(logging.ERROR)
    try:
        app()
    except Exception as err:
        sys.exit(_report(err))
