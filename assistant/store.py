"""The corpus as served: documents, passages, their sentences and vectors, built or loaded.

An index on disk is used only when its manifest says it was built from exactly this folder's
bytes, with these chunking settings and this model; otherwise it is rebuilt (and a corrupt one
is reported in the log, then rebuilt). Loading a fresh index parses nothing.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from assistant.corpus.document import Document, Passage
from assistant.corpus.library import Skipped, fingerprint, load_corpus
from assistant.corpus.passages import ChunkingSettings
from assistant.corpus.structure import sentence_spans
from assistant.errors import IndexStateError
from assistant.retrieval.lexical import DEFAULT_LEXICAL, LexicalIndex, LexicalSettings
from assistant.tables import Database, Documents, Passages, Rows, TableWriter
from embeddings.encoder import Encoder
from embeddings.errors import IndexCorrupt
from embeddings.index import IndexWriter, VectorIndex, read_manifest

log = logging.getLogger(__name__)

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


_LINE_END_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ \t]*\r?\n[ \t]*(?=[a-z])")


def embedding_text(passage: Passage) -> str:
    """What the model and BM25 read for a passage: its section heading gives the paragraph its
    topic, and a word hyphenated at a line end is read whole (the passage's text keeps the hyphen)."""
    return f"{passage.section}: {_LINE_END_HYPHEN.sub('', passage.text)}"


def sentence_texts(passages: Iterable[Passage], sentences: np.ndarray) -> list[str]:
    """The text of every sentence, in order: ``passages`` by row, ``sentences`` sorted by row."""
    spans = np.asarray(sentences).tolist()
    texts: list[str] = []
    at = 0
    for row, passage in enumerate(passages):
        while at < len(spans) and spans[at][0] == row:
            _, start, end = spans[at]
            texts.append(passage.text[start - passage.start : end - passage.start])
            at += 1
    return texts


def _sentences(documents: Iterable[Document]) -> np.ndarray:
    spans = (sentence_spans(d.text, p.start, p.end) for d in documents for p in d.passages)
    rows = [(row, start, end) for row, found in enumerate(spans) for start, end in found]
    return np.asarray(rows, dtype=np.int64).reshape(-1, 3)


def _reuse_previous(index_dir: Path, encoder: Encoder) -> None:
    """Hand the encoder the vectors of the index on disk, by text: after one article changed,
    only that article's new passages and sentences reach the model."""
    try:
        manifest = read_manifest(index_dir)
        if manifest is None or manifest.model != encoder.name:
            return
        previous = load(index_dir)
    except IndexCorrupt:
        return
    encoder.remember([embedding_text(p) for p in previous.passages], previous.passage_vectors)
    encoder.remember(sentence_texts(previous.passages, previous.sentences), previous.sentence_vectors)


def save(
    index_dir: Path,
    documents: Iterable[Document],
    vectors: np.ndarray,
    sentences: np.ndarray,
    sentence_vectors: np.ndarray,
    index: VectorIndex,
    lexical: LexicalSettings,
    skipped: Sequence[Skipped] = (),
    progress: bool = False,
) -> None:
    """Write an index atomically: tables, arrays and BM25 staged, then published manifest last.
    ``documents`` is read once, as a stream, and the BM25 index reads its texts back from the
    staged tables, so no step needs all the texts in memory."""
    writer = IndexWriter(index_dir)
    tables = writer.stage(TABLES)
    table_writer = TableWriter(tables)
    for document in documents:
        table_writer.add(document)
    table_writer.close()
    staged = Database(tables)
    texts = (embedding_text(p) for p in Passages(staged))
    writer.include(LexicalIndex.build(texts, lexical, progress).save(index_dir))
    staged.close()
    writer.write_array(PASSAGE_VECTORS, np.asarray(vectors, dtype=np.float32))
    writer.write_array(SENTENCES, sentences)
    writer.write_array(SENTENCE_VECTORS, np.asarray(sentence_vectors, dtype=np.float32))
    writer.write(SKIPPED, json.dumps([asdict(s) for s in skipped]).encode())
    writer.commit(index)


def build(
    corpus_dir: Path,
    index_dir: Path,
    encoder: Encoder,
    chunking: ChunkingSettings,
    progress: bool,
    lexical: LexicalSettings = DEFAULT_LEXICAL,
) -> Store:
    """Parse the corpus, embed passages and sentences, and save the index atomically."""
    stamp = fingerprint(corpus_dir, chunking)
    _reuse_previous(index_dir, encoder)
    corpus = load_corpus(corpus_dir, chunking)
    passages = [p for d in corpus.documents.values() for p in d.passages]
    sentences = _sentences(corpus.documents.values())
    vectors = encoder.encode([embedding_text(p) for p in passages], progress=progress).reshape(-1, encoder.dimension)
    texts = sentence_texts(passages, sentences)
    sentence_vectors = encoder.encode(texts, progress=progress).reshape(-1, encoder.dimension)
    index = VectorIndex.build(vectors, encoder.name, stamp)
    save(
        index_dir,
        corpus.documents.values(),
        vectors,
        sentences,
        sentence_vectors,
        index,
        lexical,
        corpus.skipped,
        progress,
    )
    return load(index_dir)


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
    )


def is_fresh(corpus_dir: Path, index_dir: Path, model: str, chunking: ChunkingSettings) -> bool:
    """True when the index on disk was built from this corpus, chunking and model."""
    try:
        manifest = read_manifest(index_dir)
    except IndexCorrupt:
        return False
    return manifest is not None and manifest.matches(model, fingerprint(corpus_dir, chunking))


def open_store(
    corpus_dir: Path,
    index_dir: Path,
    encoder: Encoder,
    chunking: ChunkingSettings,
    progress: bool = False,
    lexical: LexicalSettings = DEFAULT_LEXICAL,
) -> Store:
    """The saved index when it is fresh and intact; otherwise a rebuilt one."""
    if is_fresh(corpus_dir, index_dir, encoder.name, chunking):
        try:
            return load(index_dir)
        except IndexCorrupt as err:
            log.error("index is corrupt, rebuilding: %s", err)
    else:
        log.info("index missing or stale, building from %s", corpus_dir)
    store = build(corpus_dir, index_dir, encoder, chunking, progress, lexical)
    if not store.passages:
        raise IndexStateError(f"no passages: {corpus_dir} holds no readable article")
    return store
