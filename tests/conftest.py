"""Shared fixtures: one real model, one built index per corpus, one app, for the whole run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.service import Assistant
from assistant.settings import PROJECT_ROOT, Settings
from embeddings.encoder import Encoder

SEEDS = PROJECT_ROOT / "seeds"
EXTRA_CORPUS = Path(__file__).parent / "data" / "corpus"
SEED_ID = "red-jacobins"


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
