"""Build an index of a corpus (its folder, the uploads, less what is hidden), or open the one on
disk when it is fresh.

An index on disk is used only when its manifest says it was built from exactly these sources'
bytes, with these chunking settings and this model; otherwise it is rebuilt (and a corrupt one
is reported in the log, then rebuilt). Loading a fresh index parses nothing. A citation
corrected in the library is applied when served, never built in: it changes no vector.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from assistant.corpus.document import Document, Skipped
from assistant.corpus.library import Sources, fingerprint, load_corpus
from assistant.corpus.passages import ChunkingSettings
from assistant.corpus.structure import sentence_spans
from assistant.errors import IndexStateError
from assistant.index.derived import DERIVED, DerivedBuilder
from assistant.index.lexical import DEFAULT_LEXICAL, LexicalIndex, LexicalSettings
from assistant.index.store import PASSAGE_VECTORS, SENTENCE_VECTORS, SENTENCES, SKIPPED, TABLES, Store, load
from assistant.index.tables import Database, Passages, TableWriter
from assistant.index.text import embedding_text, sentence_texts
from embeddings.encoder import Encoder
from embeddings.errors import IndexCorrupt
from embeddings.index import IndexWriter, VectorIndex, read_manifest

log = logging.getLogger(__name__)


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
    derived = DerivedBuilder()
    for document in documents:
        table_writer.add(document)
        derived.add(document)
    table_writer.close()
    staged = Database(tables)
    texts = (embedding_text(p) for p in Passages(staged))
    writer.include(LexicalIndex.build(texts, lexical, progress).save(index_dir))
    staged.close()
    writer.write_array(PASSAGE_VECTORS, np.asarray(vectors, dtype=np.float32))
    writer.write_array(SENTENCES, sentences)
    writer.write_array(SENTENCE_VECTORS, np.asarray(sentence_vectors, dtype=np.float32))
    writer.write(SKIPPED, json.dumps([asdict(s) for s in skipped]).encode())
    writer.write(DERIVED, derived.build().to_json())
    writer.commit(index)


def build(
    corpus_dir: Path | Sources,
    index_dir: Path,
    encoder: Encoder,
    chunking: ChunkingSettings,
    progress: bool,
    lexical: LexicalSettings = DEFAULT_LEXICAL,
) -> Store:
    """Parse the corpus (a folder, or the folders of :class:`Sources`), embed passages and
    sentences, and save the index atomically."""
    stamp = fingerprint(corpus_dir)
    _reuse_previous(index_dir, encoder)
    corpus = load_corpus(corpus_dir, chunking)
    passages = [p for d in corpus.documents.values() for p in d.passages]
    sentences = _sentences(corpus.documents.values())
    # one stream of texts, so the encoder's length-sorted batches span passages and sentences alike
    texts = [embedding_text(p) for p in passages] + sentence_texts(passages, sentences)
    both = encoder.encode(texts, progress=progress).reshape(-1, encoder.dimension)
    vectors, sentence_vectors = both[: len(passages)], both[len(passages) :]
    index = VectorIndex.build(vectors, encoder.name, stamp, build_parameters(chunking, lexical))
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


def build_parameters(chunking: ChunkingSettings, lexical: LexicalSettings) -> dict[str, dict[str, object]]:
    """The settings an index is built with, recorded in its manifest: a change rebuilds it."""
    return {"chunking": asdict(chunking), "lexical": asdict(lexical)}


def stale_reason(
    corpus_dir: Path | Sources,
    index_dir: Path,
    model: str,
    chunking: ChunkingSettings,
    lexical: LexicalSettings = DEFAULT_LEXICAL,
) -> str | None:
    """Why the index on disk does not describe this corpus as these settings would build it; None
    when it does."""
    try:
        manifest = read_manifest(index_dir)
    except IndexCorrupt as err:
        return str(err)
    if manifest is None:
        return f"no index in {index_dir}"
    return manifest.stale_reason(model, fingerprint(corpus_dir), build_parameters(chunking, lexical))


def is_fresh(
    corpus_dir: Path | Sources,
    index_dir: Path,
    model: str,
    chunking: ChunkingSettings,
    lexical: LexicalSettings = DEFAULT_LEXICAL,
) -> bool:
    """True when the index on disk was built from this corpus with this model and these settings."""
    return stale_reason(corpus_dir, index_dir, model, chunking, lexical) is None


def open_store(
    corpus_dir: Path | Sources,
    index_dir: Path,
    encoder: Encoder,
    chunking: ChunkingSettings,
    progress: bool = False,
    lexical: LexicalSettings = DEFAULT_LEXICAL,
) -> Store:
    """The saved index when it is fresh and intact; otherwise a rebuilt one, the log saying why."""
    reason = stale_reason(corpus_dir, index_dir, encoder.name, chunking, lexical)
    if reason is None:
        try:
            return load(index_dir)
        except IndexCorrupt as err:
            log.error("index is corrupt, rebuilding: %s", err)
    else:
        log.warning("building the index of %s: %s", corpus_dir, reason)
    store = build(corpus_dir, index_dir, encoder, chunking, progress, lexical)
    if not store.passages:
        raise IndexStateError(f"no passages: {corpus_dir} holds no readable article")
    return store
