"""The index on disk: round trip, checksums, atomic writes, stale and corrupt detection."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.corpus.passages import ChunkingSettings
from assistant.index.build import is_fresh, open_store
from assistant.index.store import TABLES
from embeddings.encoder import Encoder
from embeddings.errors import IndexCorrupt
from embeddings.index import MANIFEST, VECTORS, IndexWriter, VectorIndex
from tests.helpers import SEEDS


def small_index() -> VectorIndex:
    vectors = np.eye(4, dtype=np.float32)
    return VectorIndex.build(vectors, model="m", fingerprint="f")


def save(folder: Path, attachments: dict[str, bytes]) -> None:
    writer = IndexWriter(folder)
    for name, data in attachments.items():
        writer.write(name, data)
    writer.commit(small_index())


def test_round_trip_keeps_vectors_and_attachments(tmp_path: Path) -> None:
    (tmp_path / ".stray.tmp").mkdir()  # left by a build killed mid-write
    save(tmp_path, {"extra.json": b"[1]"})
    index, files = VectorIndex.load(tmp_path)
    assert {name: path.read_bytes() for name, path in files.items()} == {"extra.json": b"[1]"}
    scores, rows = index.search(np.array([0, 1, 0, 0], dtype=np.float32), 2)
    assert rows[0][0] == 1 and scores[0][0] == pytest.approx(1.0)
    assert not list(tmp_path.glob(".*.tmp")), "no temporary files are left behind"


def test_altered_file_fails_its_checksum(tmp_path: Path) -> None:
    save(tmp_path, {"extra.json": b"[1]"})
    (tmp_path / "extra.json").write_bytes(b"[2]")
    with pytest.raises(IndexCorrupt, match="checksum"):
        VectorIndex.load(tmp_path)


def test_truncated_vectors_are_detected(tmp_path: Path) -> None:
    save(tmp_path, {})
    data = (tmp_path / VECTORS).read_bytes()
    (tmp_path / VECTORS).write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorrupt):
        VectorIndex.load(tmp_path)


def test_missing_manifest_means_no_index(tmp_path: Path) -> None:
    save(tmp_path, {})
    (tmp_path / MANIFEST).unlink()
    with pytest.raises(IndexCorrupt, match="no manifest"):
        VectorIndex.load(tmp_path)


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    return folder


def test_changed_article_makes_the_index_stale_and_it_is_rebuilt(
    corpus_copy: Path, tmp_path: Path, encoder: Encoder
) -> None:
    index_dir, chunking = tmp_path / "index", ChunkingSettings()
    first = open_store(corpus_copy, index_dir, encoder, chunking)
    assert is_fresh(corpus_copy, index_dir, encoder.name, chunking)
    article = corpus_copy / "red-jacobins.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\n\nA new closing paragraph.\n", encoding="utf-8")
    assert not is_fresh(corpus_copy, index_dir, encoder.name, chunking)
    assert not is_fresh(corpus_copy, index_dir, encoder.name, ChunkingSettings(max_chars=500))
    assert not is_fresh(corpus_copy, index_dir, "another-model", chunking)
    second = open_store(corpus_copy, index_dir, encoder, chunking)
    assert second.passages[-1].text == "A new closing paragraph."
    assert len(second.passages) == len(first.passages) + 1
    assert is_fresh(corpus_copy, index_dir, encoder.name, chunking)


def test_corrupt_index_is_rebuilt_not_served(corpus_copy: Path, tmp_path: Path, encoder: Encoder) -> None:
    index_dir, chunking = tmp_path / "index", ChunkingSettings()
    built = [p.text for p in open_store(corpus_copy, index_dir, encoder, chunking).passages]
    manifest = json.loads((index_dir / MANIFEST).read_text())
    (index_dir / TABLES).write_bytes(b"not a database")
    reopened = open_store(corpus_copy, index_dir, encoder, chunking)
    assert [p.text for p in reopened.passages] == built
    assert json.loads((index_dir / MANIFEST).read_text())["files"] == manifest["files"]


def test_rebuild_after_one_change_encodes_only_the_new_texts(
    multi_corpus: Path, tmp_path: Path, encoder: Encoder
) -> None:
    corpus, index_dir, chunking = tmp_path / "corpus", tmp_path / "index", ChunkingSettings()
    shutil.copytree(multi_corpus, corpus)
    open_store(corpus, index_dir, encoder, chunking)
    article = corpus / "red-jacobins.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\n\nOne new sentence here.\n", encoding="utf-8")
    fresh_process = Encoder()  # nothing in memory: only the index on disk can spare the work
    store = open_store(corpus, index_dir, fresh_process, chunking)
    assert any(p.text == "One new sentence here." for p in store.passages)
    assert fresh_process.encoded == 2  # the new passage and its one sentence


def test_a_loaded_index_reads_texts_and_arrays_from_disk(corpus_copy: Path, tmp_path: Path, encoder: Encoder) -> None:
    index_dir, chunking = tmp_path / "index", ChunkingSettings()
    open_store(corpus_copy, index_dir, encoder, chunking)
    store = open_store(corpus_copy, index_dir, encoder, chunking)
    assert isinstance(store.passage_vectors.base, np.memmap) and isinstance(store.sentence_vectors.base, np.memmap)
    wanted = store.passages[12].id
    passage = store.passages[store.rows[wanted]]
    assert passage.id == wanted
    assert store.documents["red-jacobins"].text[passage.start : passage.end] == passage.text
    assert [p.id for p in store.passages[10:13]] == [p.id for p in list(store.passages)[10:13]]


def test_passages_by_row_are_the_same_whether_remembered_or_read(
    corpus_copy: Path, tmp_path: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows asked in any order, repeated, partly remembered, and past the memory's bound."""
    store = open_store(corpus_copy, tmp_path / "index", encoder, ChunkingSettings())
    every = list(store.passages)  # read in chunks, never through the memory
    monkeypatch.setattr(type(store.passages), "CACHED", 16)
    rows = [5, 3, 5, 40, 3, *range(100, 130), 5, len(every) - 1]
    for _ in range(2):
        assert store.passages.many(rows) == [every[r] for r in rows]
        assert [store.passages[r] for r in reversed(rows)] == [every[r] for r in reversed(rows)]
    assert store.passages[-1] == every[-1]
    with pytest.raises(IndexError):
        store.passages[len(every)]


def test_a_large_index_is_approximate_and_probes_just_enough_lists() -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(40, 32))
    vectors = centres[rng.integers(0, 40, 4000)] + 0.6 * rng.normal(size=(4000, 32))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    index = VectorIndex.build(vectors, model="m", fingerprint="f", exact_limit=1000)
    assert index.kind == "ivf"
    lists = index._index.nlist
    assert index._index.nprobe < lists, "probing every list would be an exact search, slowly"
    queries = vectors[:100] + 0.05 * rng.normal(size=(100, 32)).astype(np.float32)
    _, exact = VectorIndex.build(vectors, model="m", fingerprint="f").search(queries, 10)
    _, found = index.search(queries, 10)
    recall = np.mean([len(set(e) & set(f)) / 10 for e, f in zip(exact, found, strict=True)])
    assert recall >= 0.9
    # a filter is applied inside the search, with the same probe count: k rows that pass, or -1
    allowed = np.zeros(len(vectors), dtype=bool)
    allowed[::5] = True
    _, filtered = index.search(queries, 10, allowed)
    assert allowed[filtered[filtered >= 0]].all() and (filtered >= 0).mean() > 0.9
    _, exact_filtered = VectorIndex.build(vectors, model="m", fingerprint="f").search(queries, 10, allowed)
    assert allowed[exact_filtered].all()
    assert np.mean([len(set(e) & set(f)) / 10 for e, f in zip(exact_filtered, filtered, strict=True)]) >= 0.8
