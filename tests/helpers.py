"""Helpers shared by test modules: the seed article's passages as the parser cuts them."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import uvicorn
from fastapi import FastAPI

from assistant.chat import Chat
from assistant.corpus.document import Document
from assistant.corpus.library import load_corpus
from assistant.corpus.passages import ChunkingSettings
from assistant.responses import ask_response, context_out
from assistant.schemas import AskRequest, AskResponse, PassageContext
from assistant.service import Assistant
from assistant.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "seeds"
SEED_ID = "red-jacobins"


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port, in a thread, while the block runs."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@cache
def seed_document() -> Document:
    return load_corpus(SEEDS, ChunkingSettings()).documents[SEED_ID]


def seed_passage(n: int) -> str:
    """The id of the seed's ``n``-th passage (1-based), in document order."""
    return seed_document().passages[n - 1].id


def seed_passage_with(words: str) -> str:
    """The id of the seed's first passage that holds ``words``."""
    return next(p.id for p in seed_document().passages if words in p.text)


def ask(asker: Assistant | Chat, request: AskRequest) -> AskResponse:
    """The answer to ``request`` as the API would send it: through a chat (the assistant's own when given one)."""
    chat = asker if isinstance(asker, Chat) else Chat(asker)
    return ask_response(chat.ask(request))


def context(assistant: Assistant, passage_id: str, size: int) -> PassageContext:
    """A passage with its neighbours, as the API would send it."""
    return context_out(assistant.passage(passage_id, size))
