"""Scale: build time, index size, memory, query latency and recall at 10k, 100k and 1M passages.

Corpora are made from real text: the ArguAna arguments and the seed article's passages. Each
passage joins two real ones (text concatenated, vector the normalised sum of their model vectors)
and no pair repeats, so every passage is distinct; they are grouped 100 to a document. Every size
is made the same way, so the sizes differ in count alone, not in the length of their passages.
Each corpus is written by the product's own index writer, then served by a fresh process that
loads it as the server does (texts in SQLite, arrays and BM25 memory-mapped). Query latency is
the ranker's alone: questions are encoded once beforehand, so the model's encode time (the same
at every size; see benchmarks/latency.py) is excluded. It is the latency of a running server:
the other development questions are asked first, so the measured ones find the process warm but
their own rows, vectors and caches not yet read.

    python -m benchmarks.scale [--sizes 10000 100000 1000000] [--engines faiss milvus]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from assistant.corpus.document import Document, Metadata, Passage, Voice
from assistant.engines.base import Where
from assistant.engines.choice import open_engine
from assistant.index.build import save
from assistant.index.lexical import DEFAULT_LEXICAL
from assistant.index.store import load
from assistant.index.text import embedding_text
from assistant.retrieval.ranker import Query, Ranker
from assistant.service import Assistant
from assistant.settings import Engine, Settings
from assistant.timing import record
from benchmarks.arguana import cached_vectors
from benchmarks.arguana import load as load_arguana
from benchmarks.quality import CACHE, load_questions
from embeddings.index import VectorIndex

ROOT = Path(__file__).resolve().parent.parent

PER_DOCUMENT = 100
CHUNK = 100_000
BLOCK = 5  # questions a size answers before the next size takes its turn
SPAWN = multiprocessing.get_context("spawn")


def real_material(assistant: Assistant) -> tuple[list[str], np.ndarray]:
    corpus, _, _ = load_arguana()
    texts = [f"{d['title']}: {d['text'].strip() or d['title']}" for d in corpus]  # as benchmarks/arguana.py
    vectors = cached_vectors("corpus", texts, assistant.encoder)
    seed = assistant.store
    texts += [embedding_text(p) for p in seed.passages]
    return texts, np.vstack([vectors, seed.passage_vectors])


def synthetic_documents(size: int, texts: list[str], first: np.ndarray, second: np.ndarray) -> Iterator[Document]:
    """The corpus, one document at a time (never all of it in memory)."""
    for start in range(0, size, PER_DOCUMENT):
        doc_id = f"doc-{start // PER_DOCUMENT}"
        parts, cursor, members = [], 0, []
        for i in range(start, min(size, start + PER_DOCUMENT)):
            text = f"{texts[first[i]]} {texts[second[i]]}"
            number = i - start + 1
            members.append(
                Passage(
                    f"{doc_id}:{number}",
                    doc_id,
                    doc_id,
                    number,
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
        yield Document(doc_id, doc_id, "txt", Metadata(title=doc_id), "\n\n".join(parts), (), tuple(members))


def build_corpus(size: int, folder: Path) -> dict[str, float]:
    """Write a corpus of ``size`` passages to ``folder`` (run in a process of its own)."""
    assistant = Assistant(Settings(data_dir=CACHE / "seed-index"))
    texts, real = real_material(assistant)
    started = time.perf_counter()
    rng = np.random.default_rng(size)
    first = np.arange(size) % len(texts)
    partner_offsets = 1 + rng.permutation(len(texts) - 1)  # one per round through the texts: pairs stay distinct
    second = (first + partner_offsets[np.arange(size) // len(texts)]) % len(texts)
    vectors = np.empty((size, real.shape[1]), dtype=np.float32)
    for at in range(0, size, CHUNK):
        part = slice(at, min(size, at + CHUNK))
        chosen = real[first[part]] + real[second[part]]
        vectors[part] = chosen / np.linalg.norm(chosen, axis=1, keepdims=True)
    # one sentence a passage, the whole of it, in document offsets
    text_lengths = np.array([len(t) for t in texts])
    lengths = text_lengths[first] + 1 + text_lengths[second]
    starts = np.cumsum(lengths + 2) - (lengths + 2)
    starts -= starts[np.arange(size) // PER_DOCUMENT * PER_DOCUMENT]
    sentences = np.stack([np.arange(size), starts, starts + lengths], axis=1).astype(np.int64)
    index = VectorIndex.build(vectors, assistant.encoder.name, f"scale-{size}")
    save(folder, synthetic_documents(size, texts, first, second), vectors, sentences, vectors, index, DEFAULT_LEXICAL)
    return {"build": time.perf_counter() - started, "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10}


_served: dict[str, object] = {}  # what a serving process holds: its store, ranker and open time


def open_corpus(folder: Path, engine: str, warm_questions: list[str], warm_vectors: np.ndarray) -> None:
    """Load the corpus as the server does, open the engine over it (building its collection the
    first time), then answer ``warm_questions`` (serving process)."""
    started = time.perf_counter()
    store = load(folder)  # every file checked against its SHA-256 in the manifest
    opened = time.perf_counter() - started
    search = open_engine(Settings(engine=Engine(engine), data_dir=folder / "engine"), store)
    ranker = Ranker(store, None, Settings().ranking, search)  # questions come encoded
    _served.update(store=store, ranker=ranker, opened=opened, engine=time.perf_counter() - started - opened)
    _served.update(engine_disk=disk_mb(folder / "engine") if (folder / "engine").exists() else 0.0)
    for question, vector in zip(warm_questions, warm_vectors, strict=True):
        ranker.rank(Query(question), vector)


def answer(
    questions: list[str], question_vectors: np.ndarray
) -> tuple[list[float], list[list[int]], list[dict[str, float]]]:
    """Seconds to rank each question, the rows of its top ten and the ranking's stages (the
    search for candidates, the reading of the passages shown), checking that every passage
    returned is verbatim."""
    store, ranker = _served["store"], _served["ranker"]
    latencies, tops, stages = [], [], []
    for question, vector in zip(questions, question_vectors, strict=True):
        stages.append(record())
        begun = time.perf_counter()
        hits = ranker.rank(Query(question, k=10), vector).hits
        latencies.append(time.perf_counter() - begun)
        tops.append([h.row for h in hits])
        for passage in store.passages.many(h.row for h in hits):
            assert passage.text == store.documents[passage.document_id].text[passage.start : passage.end]
    return latencies, tops, stages


def describe(question_vectors: np.ndarray) -> dict[str, object]:
    """Index kind, open time, memory, the engine's dense top ten, and the recall@10 of the dense
    search against an exact one."""
    store, ranker = _served["store"], _served["ranker"]
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    exact = VectorIndex.build(store.passage_vectors, "exact", "exact", exact_limit=len(store.passages))
    _, truth = exact.search(question_vectors, 10)
    found = [ranker.engine.dense(v, 10, Where()) for v in question_vectors]
    return {
        "kind": store.vectors.kind if ranker.engine.kind == Engine.FAISS else ranker.engine.kind,
        "open": _served["opened"],
        "engine": _served["engine"],
        "engine_disk": _served["engine_disk"],
        "rss": int(status["VmRSS"].split()[0]) / 2**10,
        "heap": int(status["RssAnon"].split()[0]) / 2**10,  # the process's own memory, not file pages
        "recall": float(np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)])),
        "dense": [f.tolist() for f in found],
    }


def overlap(ours: list[list[int]], reference: list[list[int]]) -> float:
    """The mean share of the reference's top ten that ``ours`` holds too."""
    return float(np.mean([len(set(o) & set(r)) / max(1, len(r)) for o, r in zip(ours, reference, strict=True)]))


def disk_mb(folder: Path) -> float:
    """What the files under ``folder`` take on disk."""
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20


def in_own_process(function: object, *args: object) -> dict[str, float]:
    """Run ``function`` in a fresh process, so one size's memory does not colour the next."""
    with ProcessPoolExecutor(1, mp_context=SPAWN) as pool:
        return pool.submit(function, *args).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--engines", nargs="+", choices=[e.value for e in Engine], default=[Engine.FAISS.value])
    parser.add_argument("--queries", type=int, default=50, help="questions measured; the rest warm the server")
    parser.add_argument("--scratch", type=Path, default=None, help="where to write the corpora (default: a temp dir)")
    args = parser.parse_args()

    assistant = Assistant(Settings(data_dir=CACHE / "seed-index"))
    questions = [q.query for q in load_questions()]
    vectors = assistant.encoder.encode(questions)
    real = len(real_material(assistant)[0])
    del assistant
    measured, warm = slice(0, args.queries), slice(args.queries, None)
    runs = [(size, engine) for size in args.sizes for engine in args.engines]
    with tempfile.TemporaryDirectory(dir=args.scratch) as scratch, ExitStack() as stack:
        built, disk, servers = {}, {}, {}
        for size in args.sizes:
            folder = Path(scratch) / f"corpus-{size}"
            built[size] = in_own_process(build_corpus, size, folder)
            disk[size] = disk_mb(folder)
        for size, engine in runs:  # opened one at a time, each by a process of its own
            folder = Path(scratch) / f"corpus-{size}"
            initargs = (folder, engine, questions[warm], vectors[warm])
            servers[size, engine] = stack.enter_context(ProcessPoolExecutor(1, SPAWN, open_corpus, initargs))
            servers[size, engine].submit(int).result()
        latencies: dict[tuple[int, str], list[float]] = {run: [] for run in runs}
        tops: dict[tuple[int, str], list[list[int]]] = {run: [] for run in runs}
        stages: dict[tuple[int, str], list[dict[str, float]]] = {run: [] for run in runs}
        for at in range(0, args.queries, BLOCK):  # runs take turns, so the machine's drift falls on all alike
            block = slice(at, min(args.queries, at + BLOCK))
            for run, server in servers.items():
                took, top, timed = server.submit(answer, questions[block], vectors[block]).result()
                latencies[run] += took
                tops[run] += top
                stages[run] += timed
        served = {run: server.submit(describe, vectors[measured]).result() for run, server in servers.items()}

    print(f"\nReal passages: {real} (ArguAna arguments and the seed article); each corpus passage joins two of them.")
    print(f"Query latency: {args.queries} questions after {len(questions[warm])} others, runs in turns of {BLOCK}.")
    print("Overlaps are with the embedded FAISS engine at the same size: its dense top ten, its ranked top ten.")
    print(
        f"{'passages':>10}{'engine':>8}{'index':>7}{'build s':>9}{'engine s':>10}{'build peak MB':>15}{'disk MB':>9}"
        f"{'open s':>8}{'RSS MB':>9}{'heap MB':>9}{'p50 ms':>9}{'p99 ms':>9}{'recall@10':>11}"
        f"{'dense overlap':>15}{'top-10 overlap':>16}{'p50 / smallest':>16}"
    )
    smallest: dict[str, float] = {}
    for size, engine in runs:
        p50, p99 = (1000 * float(np.percentile(latencies[size, engine], q)) for q in (50, 99))
        smallest.setdefault(engine, p50)
        b, s = built[size], served[size, engine]
        reference = (size, Engine.FAISS.value)
        dense = overlap(s["dense"], served[reference]["dense"]) if reference in served else float("nan")
        ranked = overlap(tops[size, engine], tops[reference]) if reference in tops else float("nan")
        print(
            f"{size:>10}{engine:>8}{s['kind']:>7}{b['build']:>9.1f}{s['engine']:>10.1f}{b['peak']:>15.0f}"
            f"{disk[size] + s['engine_disk']:>9.0f}{s['open']:>8.1f}{s['rss']:>9.0f}{s['heap']:>9.0f}{p50:>9.1f}"
            f"{p99:>9.1f}{s['recall']:>11.3f}{dense:>15.3f}{ranked:>16.3f}{p50 / smallest[engine]:>15.2f}×"
        )
    print("\nWhere a ranking spends its time (medians, ms):")
    print(f"{'passages':>10}{'engine':>8}{'search':>9}{'read':>9}{'the rest':>10}{'ranking':>10}")
    for size, engine in runs:
        timed = stages[size, engine]
        parts = [[1000 * t.get(stage, 0.0) for t in timed] for stage in ("search", "read", "rank")]
        rest = [whole - search - read for search, read, whole in zip(*parts, strict=True)]
        search, read, whole = (float(np.median(part)) for part in parts)
        print(f"{size:>10}{engine:>8}{search:>9.2f}{read:>9.2f}{float(np.median(rest)):>10.2f}{whole:>10.2f}")


if __name__ == "__main__":
    main()
