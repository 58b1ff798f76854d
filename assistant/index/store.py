"""One built index as it is read when served: documents and passages in SQLite, vectors and
sentence spans memory-mapped, BM25 memory-mapped, all checked against the manifest.

Reading an index parses nothing and loads no document reader.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.corpus.document import Skipped
from assistant.index.derived import DERIVED, Derived
from assistant.index.lexical import LexicalIndex
from assistant.index.tables import Database, Documents, Passages, Rows
from embeddings.errors import IndexCorrupt
from embeddings.index import VectorIndex

TABLES = "corpus.sqlite"
PASSAGE_VECTORS = "passage_vectors.npy"
SENTENCES = "sentences.npy"
SENTENCE_VECTORS = "sentence_vectors.npy"
SKIPPED = "skipped.json"


@dataclass(frozen=True)
class Store:
    """Everything a query needs, aligned by row: passage ``i`` is vector ``i``. Texts and
    metadata stay in SQLite and the arrays are memory-mapped, read as queries touch them."""

    documents: Documents
    passages: Passages
    rows: Rows
    vectors: VectorIndex
    passage_vectors: np.ndarray
    sentences: np.ndarray  # (n, 3) int64: passage row, start, end in document offsets
    sentence_vectors: np.ndarray
    lexical: LexicalIndex
    skipped: tuple[Skipped, ...]
    derived: Derived


def _mapped(path: Path) -> np.ndarray:
    """A saved array, memory-mapped, as a plain view (numpy's memmap class is slow to slice)."""
    return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))


def load(index_dir: Path) -> Store:
    """A saved index, checked against its manifest; :class:`IndexCorrupt` when it fails."""
    index, files = VectorIndex.load(index_dir)
    try:
        database = Database(files[TABLES])
        passages = Passages(database)
        documents = Documents(database, passages)
        arrays = {name: _mapped(files[name]) for name in (PASSAGE_VECTORS, SENTENCES, SENTENCE_VECTORS)}
        lexical = LexicalIndex.load(index_dir, files)
        skipped = tuple(Skipped(**s) for s in json.loads(files[SKIPPED].read_text(encoding="utf-8")))
        derived = Derived.from_json(files[DERIVED].read_bytes())
    except (KeyError, ValueError, TypeError, OSError, sqlite3.Error) as err:
        raise IndexCorrupt(f"{index_dir}: index content unreadable ({err})") from err
    if not len(passages) == len(index) == len(arrays[PASSAGE_VECTORS]) or len(arrays[SENTENCES]) != len(
        arrays[SENTENCE_VECTORS]
    ):
        raise IndexCorrupt(f"{index_dir}: passages and vectors disagree in number")
    return Store(
        documents=documents,
        passages=passages,
        rows=Rows(database, len(passages)),
        vectors=index,
        passage_vectors=arrays[PASSAGE_VECTORS],
        sentences=arrays[SENTENCES],
        sentence_vectors=arrays[SENTENCE_VECTORS],
        lexical=lexical,
        skipped=skipped,
        derived=derived,
    )
