"""A small corpus of its own, and an app over it, for tests that restart the app, edit the
documents or fill the work store (the session's seed app must not be disturbed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.service import Assistant
from assistant.settings import ChunkingSettings, SessionSettings, Settings
from embeddings.encoder import Encoder

# Every character below a space, and DEL. A passage holds all but NUL (a text file with one is
# refused as binary), with CR and LF from a line break inside its paragraph; a tag holds all but CR and LF.
CONTROLS = "".join(chr(c) for c in [*range(32), 127])
IN_TEXT = "".join(c for c in CONTROLS if c not in "\x00\r\n")
IN_TAG = "".join(c for c in CONTROLS if c not in "\r\n")
EMOJI = "😀🏳️‍🌈"
LONG_SENTENCES = 8
LONG = " ".join(f"Survey {n} lists " + "mooring " * 900 + "in the outer basin." for n in range(LONG_SENTENCES))

ODD = f"The harbour board met on Monday about the ships waiting outside. It noted {IN_TEXT} and {EMOJI} in the log."
FERRY = "The council budget keeps the ferry running\r\nand repairs the old quay before the winter storms."
FOG = "The lighthouse keeper wrote that the fog signal failed twice in November."
NOTES = f"Harbour Notes\n\nBy Ada Example\n\n{ODD}\n\n{FERRY}\n\n{LONG}\n\n{FOG}\n"


def work_settings(folder: Path, **sessions: float) -> Settings:
    """Settings over ``folder/corpus`` (the notes written there) and ``folder/data``; long passages kept whole."""
    corpus = folder / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "notes.txt").write_bytes(NOTES.encode())
    return Settings(
        corpus_dir=corpus,
        data_dir=folder / "data",
        chunking=ChunkingSettings(max_chars=len(LONG) + 1),
        sessions=SessionSettings(**sessions),  # type: ignore[arg-type]
    )


def app_client(settings: Settings, encoder: Encoder, address: str = "testclient") -> TestClient:
    """A new Assistant and app over ``settings``: what a restart of the server makes."""
    return TestClient(create_app(Assistant(settings, encoder)), client=(address, 50000))


def passage_with(client: TestClient, words: str) -> dict:
    """The passage that holds ``words``, as the API serves it."""
    page = client.get("/documents/notes/passages", params={"limit": 50}).json()
    return next(p for p in page["passages"] if words in p["text"])


@pytest.fixture
def notes_settings(tmp_path: Path) -> Settings:
    return work_settings(tmp_path)
