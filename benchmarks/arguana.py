"""BEIR ArguAna through the real ranker in rebuttal mode: find each argument's counter-argument.

Each of the corpus's 8,674 arguments becomes a one-passage document (its title as section);
every test query (1,406) is asked in rebuttal mode over the corpus without its own argument. BEIR
and MTEB drop the query's own id from the results instead, which is the same for a system that
scores each passage alone; for one that scales its scores to the candidates' range (as rebuttal
mode does) the query's own argument would still set that range, and a claim a user brings is
not among their sources. Embeddings are cached under ``benchmarks/.cache`` between runs. Passages
are scored as one sentence each (rebuttal scoring does not use sentence scores).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from assistant.corpus.document import Document, Metadata, Passage, Voice
from assistant.engines.base import SearchEngine
from assistant.engines.local import LocalEngine
from assistant.index.build import save
from assistant.index.lexical import DEFAULT_LEXICAL
from assistant.index.store import Store
from assistant.index.store import load as load_store
from assistant.index.text import embedding_text
from assistant.retrieval.options import Mode
from assistant.retrieval.ranker import Query, Ranker
from assistant.settings import LexicalSettings, RankingSettings
from embeddings.encoder import Encoder
from embeddings.index import VectorIndex

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "arguana"
CACHE = ROOT / "benchmarks" / ".cache"


def load() -> tuple[list[dict], dict[str, str], dict[str, dict[str, int]]]:
    with gzip.open(DATA / "corpus.jsonl.gz", "rt", encoding="utf-8") as handle:
        corpus = [json.loads(line) for line in handle]
    with gzip.open(DATA / "queries.jsonl.gz", "rt", encoding="utf-8") as handle:
        queries = {q["_id"]: q["text"] for q in map(json.loads, handle)}
    qrels: dict[str, dict[str, int]] = {}
    for line in (DATA / "qrels-test.tsv").read_text().splitlines()[1:]:
        query, doc, grade = line.split("\t")
        qrels.setdefault(query, {})[doc] = int(grade)
    return corpus, queries, qrels


def cached_vectors(name: str, texts: list[str], encoder: Encoder, questions: bool = False) -> np.ndarray:
    """Embeddings of ``texts`` (read as ``questions``, after each model's query prefix, or as
    passages), cached on disk under a hash of the texts and the model."""
    digest = hashlib.sha256(("\0".join(texts) + encoder.name).encode()).hexdigest()[:16]
    path = CACHE / f"arguana-{name}-{digest}.npy"
    if path.exists():
        return np.load(path)
    vectors = encoder.encode_questions(texts, progress=True) if questions else encoder.encode(texts, progress=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def arguana_store(corpus: list[dict], encoder: Encoder) -> Store:
    """The arguments as one-passage documents, saved and loaded like any index."""
    documents = []
    for doc in corpus:
        text = doc["text"].strip() or doc["title"]
        meta = Metadata(title=doc["title"] or doc["_id"])
        passage = Passage(doc["_id"], doc["_id"], doc["title"], 1, 0, len(text), text, Voice.AUTHOR, None, (), "")
        documents.append(Document(doc["_id"], doc["_id"], "txt", meta, text, (), (passage,)))
    vectors = cached_vectors("corpus", [embedding_text(d.passages[0]) for d in documents], encoder)
    sentences = np.array([(row, 0, d.passages[0].end) for row, d in enumerate(documents)], dtype=np.int64)
    index = VectorIndex.build(vectors, encoder.name, "arguana")
    save(CACHE / "arguana-index", documents, vectors, sentences, vectors, index, DEFAULT_LEXICAL)
    return load_store(CACHE / "arguana-index")


def ndcg_at_10(ranked: list[str], relevant: dict[str, int]) -> float:
    dcg = sum((2 ** relevant.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(relevant.values(), reverse=True)[:10]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def run_arguana(
    encoder: Encoder,
    configurations: dict[str, tuple[RankingSettings, LexicalSettings | None]],
    engines: dict[str, Callable[[Store], SearchEngine]] | None = None,
) -> dict[str, dict[str, float]]:
    """nDCG@10 and Recall@100 of each configuration (ranking settings, and BM25 parameters when
    they differ from the index's) over all test queries, in rebuttal mode; a configuration named
    in ``engines`` searches with the engine made there instead of the embedded one."""
    corpus, queries, qrels = load()
    store = arguana_store(corpus, encoder)
    ids = sorted(qrels)
    texts = [queries[q] for q in ids]
    question_vectors = cached_vectors("queries", texts, encoder, questions=True)
    everything = frozenset(doc["_id"] for doc in corpus)
    results = {}
    for name, (settings, lexical) in configurations.items():
        wide = replace(settings, candidates=max(settings.candidates, 200))
        made = (engines or {}).get(name)
        engine = made(store) if made else LocalEngine(store, lexical)
        ranker = Ranker(store, encoder, wide, engine)
        ndcg, recall = [], []
        for query_id, text, vector in tqdm(list(zip(ids, texts, question_vectors, strict=True)), desc=name):
            others = everything - {query_id}
            ranking = ranker.rank(Query(text, k=100, mode=Mode.REBUTTAL, documents=others), vector)
            ranked = [store.passages[h.row].id for h in ranking.hits]
            relevant = qrels[query_id]
            ndcg.append(ndcg_at_10(ranked, relevant))
            positive = {d for d, g in relevant.items() if g > 0}
            recall.append(len(positive & set(ranked)) / len(positive))
        results[name] = {"nDCG@10": float(np.mean(ndcg)), "Recall@100": float(np.mean(recall)), "queries": len(ids)}
    return results
