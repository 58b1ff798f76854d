"""The shape of the code, measured: what one ``/ask`` costs in project calls and module-to-module
hops, what one ``POST /sessions`` costs in SQLite queries at 1 and at 1,000 documents, the import
graph between the package's parts (and any cycle), the longest functions, and mypy's count.

    python -m benchmarks.structure            # this checkout
    python -m benchmarks.structure --skip-sessions   # without the 1,000-document build

Run from another checkout's root to measure that one the same way: it only drives the public
``create_app``, ``Assistant`` and ``Settings``.
"""

from __future__ import annotations

import argparse
import ast
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path.cwd().resolve()
PACKAGES = ("assistant", "embeddings")
QUESTION = {"question": "What does the author say about the ban on factions?", "k": 5}


def _module_of(path: str) -> str | None:
    try:
        relative = Path(path).resolve().relative_to(ROOT)
    except ValueError:
        return None
    if relative.parts[0] not in PACKAGES:
        return None
    return ".".join(relative.with_suffix("").parts).removesuffix(".__init__")


def profile_ask() -> tuple[int, int]:
    """Project calls and module-to-module hops of what one /ask route runs (the chat's answer and
    its response model), warm, over the seed article. Traced in this thread, where it runs here."""
    from assistant.chat import Chat
    from assistant.schemas import AskRequest
    from assistant.service import Assistant
    from assistant.settings import Settings

    try:
        from assistant.responses import ask_response  # where results become response models
    except ImportError:  # a checkout whose chat returns response models itself
        ask_response = None  # type: ignore[assignment]

    with tempfile.TemporaryDirectory() as data:
        chat = Chat(Assistant(Settings(data_dir=Path(data))))
        request = AskRequest(**QUESTION)

        def route() -> object:
            reply = chat.ask(request)
            return ask_response(reply) if ask_response else reply

        route()
        calls, hops = 0, 0

        def tracer(frame: FrameType, event: str, _: object) -> None:
            nonlocal calls, hops
            if event != "call":
                return
            callee = _module_of(frame.f_code.co_filename)
            if callee is None:
                return
            calls += 1
            caller = _module_of(frame.f_back.f_code.co_filename) if frame.f_back else None
            if caller is not None and caller != callee:
                hops += 1

        sys.setprofile(tracer)
        try:
            route()
        finally:
            sys.setprofile(None)
    return calls, hops


def session_queries(documents: int, folder: Path) -> int:
    """SQLite queries run by one POST /sessions (after a first one) over ``documents`` small documents."""
    from fastapi.testclient import TestClient

    from assistant.api import create_app
    from assistant.service import Assistant
    from assistant.settings import Settings

    corpus = folder / f"corpus-{documents}"
    corpus.mkdir()
    for n in range(documents):
        (corpus / f"article-{n}.txt").write_text(f"Article {n}\n\nHeading {n}\n\nA sentence about topic {n}.\n")
    statements: list[str] = []
    real_connect = sqlite3.connect

    def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        connection = real_connect(*args, **kwargs)  # type: ignore[call-overload]
        connection.set_trace_callback(statements.append)
        return connection

    sqlite3.connect = connect  # type: ignore[assignment]
    try:
        client = TestClient(create_app(Assistant(Settings(corpus_dir=corpus, data_dir=folder / f"index-{documents}"))))
        client.post("/sessions")
        before = len(statements)
        client.post("/sessions")
        return len(statements) - before
    finally:
        sqlite3.connect = real_connect  # type: ignore[assignment]


def _modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = _module_of(str(path))
            if module:
                yield module, path


def _part(module: str) -> str:
    """The part of the layout a module sits on: a subpackage, or a module of the package's top."""
    parts = module.split(".")
    return ".".join(parts[:2])


def import_graph() -> tuple[dict[str, set[str]], list[list[str]]]:
    """Which parts import which (module-level imports only), and the cycles among them."""
    edges: dict[str, set[str]] = {}
    for module, path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if name.split(".")[0] in PACKAGES and _part(name) != _part(module):
                    edges.setdefault(_part(module), set()).add(_part(name))
    return edges, _cycles(edges)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(edges.get(node, ())):
            if nxt in path:
                cycle = path[path.index(nxt) :]
                if min(cycle) == cycle[0] and cycle not in found:
                    found.append(cycle)
            elif len(path) < 12:
                walk(nxt, [*path, nxt])

    for start in sorted(edges):
        walk(start, [start])
    return found


def longest_functions(count: int = 8) -> list[tuple[int, str]]:
    lengths: list[tuple[int, str]] = []
    for module, path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno:
                lengths.append((node.end_lineno - node.lineno + 1, f"{module}.{node.name}"))
    return sorted(lengths, reverse=True)[:count]


def mypy_errors() -> int:
    """mypy's errors with the pydantic plugin, configured here so that any checkout is measured alike."""
    with tempfile.NamedTemporaryFile("w", suffix=".ini") as config:
        config.write("[mypy]\nplugins = pydantic.mypy\nignore_missing_imports = True\n")
        config.flush()
        command = [sys.executable, "-m", "mypy", "--config-file", config.name, *PACKAGES]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    return sum(": error:" in line for line in done.stdout.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-sessions", action="store_true", help="do not build the 1,000-document index")
    args = parser.parse_args()
    calls, hops = profile_ask()
    print(f"one /ask: {calls} project calls, {hops} module-to-module hops")
    if not args.skip_sessions:
        with tempfile.TemporaryDirectory() as folder:
            one, thousand = session_queries(1, Path(folder)), session_queries(1000, Path(folder))
        print(f"SQLite queries per POST /sessions: {one} at 1 document, {thousand} at 1,000 documents")
    edges, cycles = import_graph()
    print("imports between parts:")
    for part in sorted(edges):
        print(f"  {part} → {', '.join(sorted(edges[part]))}")
    print(f"cycles: {cycles or 'none'}")
    print("longest functions:", ", ".join(f"{name} ({lines})" for lines, name in longest_functions()))
    print(f"mypy errors: {mypy_errors()}")
    print(f"parts: {len(Counter(_part(m) for m, _ in _modules()))}")


if __name__ == "__main__":
    main()
