"""The engine the settings ask for, opened over one store."""

from __future__ import annotations

import os

from assistant.engines.base import SearchEngine
from assistant.engines.local import LocalEngine
from assistant.errors import ConfigError
from assistant.index.store import Store
from assistant.settings import Engine, Settings


def open_engine(settings: Settings, store: Store, progress: bool = False) -> SearchEngine:
    """The embedded engine, or a Milvus collection of this store (built and switched to when the
    one served is missing or was built from another index)."""
    if settings.engine is Engine.FAISS:
        return LocalEngine(store)
    # pymilvus reads a .env file from the working folder up when imported; settings come from here alone
    os.environ["PYTHON_DOTENV_DISABLED"] = "1"
    try:
        from assistant.engines.milvus import MilvusEngine  # an optional extra, imported only when chosen
    except ImportError as err:
        needs = "DEBATE_ENGINE=milvus needs pymilvus and milvus-lite: pip install -e '.[milvus]'"
        raise ConfigError(f"{needs} ({err})") from err
    return MilvusEngine.open(store, settings.milvus, settings.data_dir, progress)
