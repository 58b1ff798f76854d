"""A build killed at any moment never leaves an index that is later served half-written."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from assistant.corpus.passages import ChunkingSettings
from assistant.index.build import is_fresh, open_store
from assistant.index.store import load
from embeddings.encoder import Encoder
from embeddings.errors import IndexCorrupt
from tests.helpers import SEEDS

KILLS = 3


def start_build(corpus: Path, index: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DEBATE_CORPUS_DIR": str(corpus), "DEBATE_DATA_DIR": str(index)}
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "index"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def test_sigkill_during_builds_never_leaves_a_mixed_index(tmp_path: Path, encoder: Encoder) -> None:
    corpus, index, chunking = tmp_path / "corpus", tmp_path / "index", ChunkingSettings()
    shutil.copytree(SEEDS, corpus)
    article = corpus / "red-jacobins.txt"
    original = article.read_text(encoding="utf-8")
    open_store(corpus, index, encoder, chunking)
    chance = random.Random(20261125)
    for attempt in range(KILLS):
        article.write_text(original + f"\n\nA paragraph added in edit {attempt}.\n", encoding="utf-8")
        build = start_build(corpus, index)
        time.sleep(chance.uniform(1.0, 20.0))
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=30)
        try:
            survivor = load(index)
        except IndexCorrupt:
            survivor = None
        if survivor is not None:
            for passage in survivor.passages:
                assert passage.text == survivor.documents[passage.document_id].text[passage.start : passage.end]
            assert len(survivor.passages) == len(survivor.vectors)
        store = open_store(corpus, index, encoder, chunking)
        assert is_fresh(corpus, index, encoder.name, chunking)
        assert store.passages[-1].text == f"A paragraph added in edit {attempt}."
        text = article.read_text(encoding="utf-8")
        assert all(p.text == text[p.start : p.end] for p in store.passages)
