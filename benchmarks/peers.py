"""Two peer hybrid retrievers over exactly our passages: txtai and Haystack.

Each indexes the passage texts of one of our built indexes, under their ids, with the same
embedded model, and answers with passage ids that :mod:`benchmarks.scoring` scores by our hit
rule. Both are optional (``pip install -e .[peers]``); a missing one is reported, not fatal.
Their indexes are cached under ``benchmarks/.cache`` by a hash of the passages and the model,
and their rankings by question beside them.

Nothing may reach the network, so usage reports are off before either is imported: Haystack
sends PostHog events unless ``HAYSTACK_TELEMETRY_ENABLED=False``; txtai sends none of its own;
Hugging Face's (used by both) are off and the hub is offline.
"""

from __future__ import annotations

import os

os.environ.update(
    HAYSTACK_TELEMETRY_ENABLED="False",
    HF_HUB_OFFLINE="1",
    HF_HUB_DISABLE_TELEMETRY="1",
    DO_NOT_TRACK="1",
)

import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from assistant.index.store import Store
from benchmarks.scoring import DEPTH, Question, Ranked, System

NOT_INSTALLED = "not installed (pip install -e .[peers])"
HAYSTACK_EMBEDDERS = "haystack_integrations.components.embedders.sentence_transformers"


class Peer(Protocol):
    def search(self, text: str, k: int) -> list[str]:
        """The ids of the best ``k`` passages for ``text``, best first."""
        ...


class TxtaiHybrid:
    """txtai's hybrid ``Embeddings``: dense vectors and BM25 in one index, combined by txtai
    (which chooses its own candidates: ``depth`` is not used)."""

    def __init__(self, passages: list[tuple[str, str]], model_path: str, folder: Path, depth: int) -> None:
        from txtai import Embeddings

        self._embeddings = Embeddings(path=model_path, content=True, hybrid=True)
        if folder.is_dir():
            self._embeddings.load(str(folder))
            return
        print(f"txtai: indexing {len(passages):,} passages (once; cached as {folder.name})", flush=True)
        self._embeddings.index((passage_id, text, None) for passage_id, text in passages)
        partial = _fresh(folder.with_name(folder.name + ".partial"))
        self._embeddings.save(str(partial))
        partial.rename(folder)

    def search(self, text: str, k: int) -> list[str]:
        return [str(r["id"]) for r in self._embeddings.search(text, limit=k)]


class HaystackHybrid:
    """Haystack's hybrid pipeline: BM25 and embedding retrievers over one in-memory store,
    joined by reciprocal rank fusion."""

    def __init__(self, passages: list[tuple[str, str]], model_path: str, folder: Path, depth: int) -> None:
        from haystack import Document, Pipeline
        from haystack.components.joiners import DocumentJoiner
        from haystack.components.retrievers.in_memory import InMemoryBM25Retriever, InMemoryEmbeddingRetriever
        from haystack.document_stores.in_memory import InMemoryDocumentStore
        from haystack_integrations.components.embedders.sentence_transformers import (
            SentenceTransformersDocumentEmbedder,
            SentenceTransformersTextEmbedder,
        )

        saved = folder / "store.json"
        if saved.exists():
            store = InMemoryDocumentStore.load_from_disk(str(saved))
        else:
            print(f"Haystack: embedding {len(passages):,} passages (once; cached as {folder.name})", flush=True)
            embedder = SentenceTransformersDocumentEmbedder(model=model_path, token=None, local_files_only=True)
            embedder.warm_up()
            documents = embedder.run([Document(id=passage_id, content=text) for passage_id, text in passages])
            store = InMemoryDocumentStore()
            store.write_documents(documents["documents"])
            partial = _fresh(folder.with_name(folder.name + ".partial"))
            partial.mkdir(parents=True)
            store.save_to_disk(str(partial / saved.name))
            partial.rename(folder)
        embedder = SentenceTransformersTextEmbedder(
            model=model_path, token=None, local_files_only=True, progress_bar=False
        )
        pipeline = Pipeline()
        pipeline.add_component("text_embedder", embedder)
        pipeline.add_component("embedding_retriever", InMemoryEmbeddingRetriever(store, top_k=depth))
        pipeline.add_component("bm25_retriever", InMemoryBM25Retriever(store, top_k=depth))
        pipeline.add_component("joiner", DocumentJoiner(join_mode="reciprocal_rank_fusion"))
        pipeline.connect("text_embedder.embedding", "embedding_retriever.query_embedding")
        pipeline.connect("bm25_retriever", "joiner")
        pipeline.connect("embedding_retriever", "joiner")
        pipeline.warm_up()
        self._pipeline = pipeline

    def search(self, text: str, k: int) -> list[str]:
        result = self._pipeline.run(
            {"text_embedder": {"text": text}, "bm25_retriever": {"query": text}, "joiner": {"top_k": k}}
        )
        return [str(d.id) for d in result["joiner"]["documents"]]


PeerFactory = Callable[[list[tuple[str, str]], str, Path, int], Peer]


@dataclass(frozen=True)
class PeerKind:
    factory: PeerFactory
    modules: tuple[str, ...]  # importable when installed
    distributions: tuple[str, ...]  # whose versions key the cached rankings


PEERS = {
    "txtai hybrid": PeerKind(TxtaiHybrid, ("txtai",), ("txtai",)),
    "Haystack hybrid": PeerKind(
        HaystackHybrid, ("haystack", HAYSTACK_EMBEDDERS), ("haystack-ai", "sentence-transformers-haystack")
    ),
}


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


def peer_systems(store: Store, model_path: str, cache: Path, label: str, depth: int) -> dict[str, System | str]:
    """Each peer over every passage of ``store`` (each retriever fetching ``depth`` candidates),
    as a system; a peer that is not installed is the reason it has no figures."""
    passages = [(p.id, p.text) for p in store.passages]
    digest = hashlib.sha256(model_path.encode())
    for passage_id, text in passages:
        digest.update(f"{passage_id}\0{text}\0".encode())
    rows = {passage_id: row for row, (passage_id, _) in enumerate(passages)}
    systems: dict[str, System | str] = {}
    for name, kind in PEERS.items():
        if not all(installed(m) for m in kind.modules):
            systems[name] = NOT_INSTALLED
            continue
        prefix = f"peer-{name.split()[0].lower()}-{label}-"
        folder = cache / f"{prefix}{digest.hexdigest()[:16]}"
        for stale in cache.glob(prefix + "*"):
            if stale.name.startswith(folder.name):
                continue
            if stale.is_dir():  # built for passages that changed since
                shutil.rmtree(stale)
            else:
                stale.unlink()
        cache.mkdir(parents=True, exist_ok=True)
        versions = "-".join(f"{d}{importlib.metadata.version(d)}" for d in kind.distributions)
        rankings = folder.with_name(f"{folder.name}-rankings-{versions}-depth{depth}.jsonl")
        opener = functools.partial(kind.factory, passages, model_path, folder, depth)
        systems[name] = CachedRankings(name, opener, rankings, rows)
    return systems


class CachedRankings:
    """A peer as a system whose rankings are kept on disk by question: a peer is deterministic
    over a given index, so a question it ranked before is read back, and the peer is opened
    only for a new one."""

    def __init__(self, name: str, open_peer: Callable[[], Peer], path: Path, rows: dict[str, int]) -> None:
        self._open = open_peer
        self._peer: Peer | None = None
        self._path = path
        self._rows = rows
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        self._known: dict[str, list[str]] = dict(json.loads(line) for line in lines)
        if self._known:
            print(f"{name}: {len(self._known)} rankings read back from {path.name}", flush=True)

    def __call__(self, q: Question) -> Ranked:
        ids = self._known.get(q.query)
        if ids is None:
            if self._peer is None:
                self._peer = self._open()
            ids = self._known[q.query] = self._peer.search(q.query, DEPTH)
            with self._path.open("a", encoding="utf-8") as out:
                out.write(json.dumps([q.query, ids], ensure_ascii=False) + "\n")
        return Ranked(tuple(self._rows[passage_id] for passage_id in ids))


def _fresh(folder: Path) -> Path:
    """``folder``, with what an interrupted run left there removed."""
    shutil.rmtree(folder, ignore_errors=True)
    return folder
