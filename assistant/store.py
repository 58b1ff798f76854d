"""The corpus as served: documents, passages, their sentences and vectors, built or loaded.

An index on disk is used only when its manifest says it was built from exactly this folder's
bytes, with these chunking settings and this model; otherwise it is rebuilt (and a corrupt one
is reported in the log, then rebuilt). Loading a fresh index parses nothing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from io import BytesIO
from pathlib import Path

import numpy as np

from assistant.corpus.document import Document, Metadata, Passage, Section, Voice
from assistant.corpus.library import Skipped, fingerprint, load_corpus
from assistant.corpus.passages import ChunkingSettings
from assistant.corpus.structure import sentence_spans
from assistant.errors import IndexStateError
from embeddings.encoder import Encoder
from embeddings.errors import IndexCorrupt
from embeddings.index import VectorIndex, read_manifest

log = logging.getLogger(__name__)

DOCUMENTS = "documents.json"
PASSAGES = "passages.json"
SENTENCES = "sentences.npy"
SENTENCE_VECTORS = "sentence_vectors.npy"


@dataclass(frozen=True)
class Store:
    """Everything a query needs, aligned by row: passage ``i`` is vector ``i``."""

    documents: dict[str, Document]
    passages: tuple[Passage, ...]
    rows: dict[str, int]
    vectors: VectorIndex
    sentences: np.ndarray  # (n, 3) int64: passage row, start, end in document offsets
    sentence_vectors: np.ndarray
    skipped: tuple[Skipped, ...]


def embedding_text(passage: Passage) -> str:
    """What the model reads for a passage: its section heading gives the paragraph its topic."""
    return f"{passage.section}: {passage.text}"


def _sentences(documents: dict[str, Document], passages: tuple[Passage, ...]) -> np.ndarray:
    rows = [
        (row, start, end)
        for row, p in enumerate(passages)
        for start, end in sentence_spans(documents[p.document_id].text, p.start, p.end)
    ]
    return np.asarray(rows, dtype=np.int64).reshape(-1, 3)


def _to_json(documents: dict[str, Document]) -> bytes:
    return json.dumps([asdict(d) | {"passages": []} for d in documents.values()], ensure_ascii=False).encode()


def _from_json(doc_data: bytes, passage_data: bytes) -> tuple[dict[str, Document], tuple[Passage, ...]]:
    passages = tuple(
        Passage(**{**p, "voice": Voice(p["voice"]), "notes": tuple(p["notes"])}) for p in json.loads(passage_data)
    )
    by_doc: dict[str, list[Passage]] = {}
    for p in passages:
        by_doc.setdefault(p.document_id, []).append(p)
    documents = {}
    for d in json.loads(doc_data):
        d["meta"] = Metadata(**d["meta"])
        d["sections"] = tuple(Section(**s) for s in d["sections"])
        d["passages"] = tuple(by_doc.get(d["id"], ()))
        documents[d["id"]] = Document(**d)
    return documents, passages


def _npy(array: np.ndarray) -> bytes:
    buffer = BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _load_npy(data: bytes) -> np.ndarray:
    return np.load(BytesIO(data), allow_pickle=False)


def _sentence_texts(store: Store) -> list[str]:
    return [store.documents[store.passages[r].document_id].text[s:e] for r, s, e in store.sentences]


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
    encoder.remember([embedding_text(p) for p in previous.passages], previous.vectors.reconstruct_all())
    encoder.remember(_sentence_texts(previous), previous.sentence_vectors)


def build(corpus_dir: Path, index_dir: Path, encoder: Encoder, chunking: ChunkingSettings, progress: bool) -> Store:
    """Parse the corpus, embed passages and sentences, and save the index atomically."""
    stamp = fingerprint(corpus_dir, chunking)
    _reuse_previous(index_dir, encoder)
    corpus = load_corpus(corpus_dir, chunking)
    passages = tuple(p for d in corpus.documents.values() for p in d.passages)
    sentences = _sentences(corpus.documents, passages)
    vectors = encoder.encode([embedding_text(p) for p in passages], progress=progress)
    texts = [corpus.documents[passages[r].document_id].text[s:e] for r, s, e in sentences]
    sentence_vectors = encoder.encode(texts, progress=progress).reshape(-1, encoder.dimension)
    index = VectorIndex.build(vectors.reshape(-1, encoder.dimension), encoder.name, stamp)
    index.save(
        index_dir,
        {
            DOCUMENTS: _to_json(corpus.documents),
            PASSAGES: json.dumps([asdict(p) for p in passages], ensure_ascii=False).encode(),
            SENTENCES: _npy(sentences),
            SENTENCE_VECTORS: _npy(sentence_vectors),
            "skipped.json": json.dumps([asdict(s) for s in corpus.skipped]).encode(),
        },
    )
    return _store(corpus.documents, passages, index, sentences, sentence_vectors, corpus.skipped)


def _store(
    documents: dict[str, Document],
    passages: tuple[Passage, ...],
    index: VectorIndex,
    sentences: np.ndarray,
    sentence_vectors: np.ndarray,
    skipped: tuple[Skipped, ...],
) -> Store:
    return Store(
        documents=documents,
        passages=passages,
        rows={p.id: i for i, p in enumerate(passages)},
        vectors=index,
        sentences=sentences,
        sentence_vectors=sentence_vectors.astype(np.float32),
        skipped=skipped,
    )


def load(index_dir: Path) -> Store:
    """A saved index, checked against its manifest; :class:`IndexCorrupt` when it fails."""
    index, files = VectorIndex.load(index_dir)
    try:
        documents, passages = _from_json(files[DOCUMENTS], files[PASSAGES])
        sentences = _load_npy(files[SENTENCES])
        sentence_vectors = _load_npy(files[SENTENCE_VECTORS])
        skipped = tuple(Skipped(**s) for s in json.loads(files["skipped.json"]))
    except (KeyError, ValueError, TypeError) as err:
        raise IndexCorrupt(f"{index_dir}: index content unreadable ({err})") from err
    if len(passages) != len(index) or len(sentences) != len(sentence_vectors):
        raise IndexCorrupt(f"{index_dir}: passages and vectors disagree in number")
    return _store(documents, passages, index, sentences, sentence_vectors, skipped)


def is_fresh(corpus_dir: Path, index_dir: Path, model: str, chunking: ChunkingSettings) -> bool:
    """True when the index on disk was built from this corpus, chunking and model."""
    try:
        manifest = read_manifest(index_dir)
    except IndexCorrupt:
        return False
    return manifest is not None and manifest.matches(model, fingerprint(corpus_dir, chunking))


def open_store(
    corpus_dir: Path, index_dir: Path, encoder: Encoder, chunking: ChunkingSettings, progress: bool = False
) -> Store:
    """The saved index when it is fresh and intact; otherwise a rebuilt one."""
    if is_fresh(corpus_dir, index_dir, encoder.name, chunking):
        try:
            return load(index_dir)
        except IndexCorrupt as err:
            log.error("index is corrupt, rebuilding: %s", err)
    else:
        log.info("index missing or stale, building from %s", corpus_dir)
    store = build(corpus_dir, index_dir, encoder, chunking, progress)
    if not store.passages:
        raise IndexStateError(f"no passages: {corpus_dir} holds no readable article")
    return store
