"""Scale: build time, index size, memory, query latency and recall at 10k, 100k and 1M passages.

Corpora are made from real text: the ArguAna arguments and the seed article's passages. Past
the ~9k real passages, each synthetic passage joins two real ones (text concatenated, vector the
normalised sum of their model vectors), grouped 100 to a document, so every passage is distinct.
Query latency is the ranker's alone: questions are encoded once beforehand, so the model's encode
time (the same at every size; see benchmarks/latency.py) is excluded.

    python benchmarks/scale.py [--sizes 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.corpus.document import Document, Metadata, Passage, Voice  # noqa: E402
from assistant.retrieval.ranker import Query, Ranker  # noqa: E402
from assistant.service import Assistant, ranking_settings  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.store import Store, embedding_text  # noqa: E402
from benchmarks.arguana import cached_vectors, load  # noqa: E402
from benchmarks.quality import CACHE, load_questions  # noqa: E402
from embeddings.index import VectorIndex  # noqa: E402

PER_DOCUMENT = 100


def real_material(assistant: Assistant) -> tuple[list[str], np.ndarray]:
    corpus, _, _ = load()
    texts = [f"{d['title']}: {d['text'].strip() or d['title']}" for d in corpus]  # as benchmarks/arguana.py
    vectors = cached_vectors("corpus", texts, assistant.encoder)
    seed = assistant.store
    texts += [embedding_text(p) for p in seed.passages]
    vectors = np.vstack([vectors, seed.vectors.reconstruct_all()])
    return texts, vectors


def synthetic_store(size: int, texts: list[str], vectors: np.ndarray, model: str) -> Store:
    rng = np.random.default_rng(size)
    real = len(texts)
    first = np.arange(size) % real
    second = rng.integers(0, real, size)
    joined = np.arange(size) >= real
    chosen = vectors[first] + np.where(joined[:, None], vectors[second], 0.0)
    chosen = (chosen / np.linalg.norm(chosen, axis=1, keepdims=True)).astype(np.float32)
    passages: list[Passage] = []
    documents: dict[str, Document] = {}
    for start in range(0, size, PER_DOCUMENT):
        doc_id = f"doc-{start // PER_DOCUMENT}"
        parts, cursor, members = [], 0, []
        for i in range(start, min(size, start + PER_DOCUMENT)):
            text = texts[first[i]] + (" " + texts[second[i]] if joined[i] else "")
            members.append(
                Passage(
                    f"{doc_id}:{i - start + 1}",
                    doc_id,
                    doc_id,
                    i - start + 1,
                    cursor,
                    cursor + len(text),
                    text,
                    Voice.AUTHOR,
                    None,
                    (),
                    "",
                )
            )
            parts.append(text)
            cursor += len(text) + 2
        passages.extend(members)
        documents[doc_id] = Document(
            doc_id, doc_id, "txt", Metadata(title=doc_id), "\n\n".join(parts), (), tuple(members)
        )
    sentences = np.array([(row, p.start, p.end) for row, p in enumerate(passages)], dtype=np.int64)
    return Store(
        documents=documents,
        passages=tuple(passages),
        rows={p.id: i for i, p in enumerate(passages)},
        vectors=VectorIndex.build(chosen, model, f"scale-{size}"),
        sentences=sentences,
        sentence_vectors=chosen,
        skipped=(),
    )


def resident_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()

    assistant = Assistant(Settings(data_dir=CACHE / "seed-index"))
    texts, vectors = real_material(assistant)
    questions = [q.query for q in load_questions()][: args.queries]
    question_vectors = assistant.encoder.encode(questions)
    settings = ranking_settings(assistant.settings)
    print(f"\nReal passages: {len(texts)} (ArguAna arguments and the seed article); larger corpora join two each.")
    print(
        f"{'passages':>10}{'index':>7}{'build s':>9}{'disk MB':>9}{'RSS MB':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'recall@10':>11}{'p50 / smallest':>16}"
    )
    smallest = None
    for size in args.sizes:
        started = time.perf_counter()
        store = synthetic_store(size, texts, vectors, assistant.encoder.name)
        ranker = Ranker(store, assistant.encoder, settings)
        build_seconds = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as scratch:
            store.vectors.save(Path(scratch), {})
            disk = sum(f.stat().st_size for f in Path(scratch).iterdir()) / 2**20
        for question, vector in zip(questions[:5], question_vectors, strict=False):  # warm caches
            ranker.rank(Query(question), vector)
        latencies = []
        for question, vector in zip(questions, question_vectors, strict=True):
            begun = time.perf_counter()
            ranker.rank(Query(question), vector)
            latencies.append(time.perf_counter() - begun)
        exact = VectorIndex.build(store.sentence_vectors, "exact", "exact", exact_limit=size)
        _, truth = exact.search(question_vectors, 10)
        _, found = store.vectors.search(question_vectors, 10)
        recall = float(np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)]))
        p50 = 1000 * float(np.percentile(latencies, 50))
        smallest = smallest or p50
        print(
            f"{size:>10}{store.vectors.kind:>7}{build_seconds:>9.1f}{disk:>9.1f}{resident_mb():>9.0f}{p50:>9.1f}"
            f"{1000 * float(np.percentile(latencies, 99)):>9.1f}{recall:>11.3f}{p50 / smallest:>15.2f}×"
        )
        del store, ranker, exact


if __name__ == "__main__":
    main()
