"""Shared fixtures: one real model, one built index per corpus, one app, for the whole run."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.service import Assistant
from assistant.settings import Settings
from embeddings.encoder import Encoder
from tests.helpers import SEEDS, serving

EXTRA_CORPUS = Path(__file__).parent / "data" / "corpus"


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return Encoder()


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(corpus_dir=SEEDS, data_dir=tmp_path_factory.mktemp("seed-index"))


@pytest.fixture(scope="session")
def assistant(seed_settings: Settings, encoder: Encoder) -> Assistant:
    return Assistant(seed_settings, encoder)


@pytest.fixture(scope="session")
def client(assistant: Assistant) -> TestClient:
    return TestClient(create_app(assistant))


@pytest.fixture(scope="session")
def multi_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed article beside an HTML and a Markdown article."""
    folder = tmp_path_factory.mktemp("multi-corpus")
    for source in [*SEEDS.iterdir(), *EXTRA_CORPUS.iterdir()]:
        shutil.copy(source, folder / source.name)
    return folder


@pytest.fixture(scope="session")
def multi_assistant(multi_corpus: Path, encoder: Encoder, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = Settings(corpus_dir=multi_corpus, data_dir=tmp_path_factory.mktemp("multi-index"))
    return Assistant(settings, encoder)


@pytest.fixture(scope="session")
def multi_client(multi_assistant: Assistant) -> TestClient:
    return TestClient(create_app(multi_assistant))


@pytest.fixture(scope="session")
def live_server(assistant: Assistant) -> Iterator[str]:
    """The real app served by uvicorn on a free loopback port, in a thread."""
    with serving(create_app(assistant)) as url:
        yield url
