"""The encoder backends side by side, measured in one run, interleaved, against torch fp32.

Each variant is the Encoder with one backend, thread count and number of model calls at once
(``embeddings/``): the query floor (one question per model call, p50/p99), passage throughput
(the seed's passages in batches), questions per second from eight threads at once through the
encoder's query path, the cosine of its vectors to torch's (mean, min over the seed's passages
and questions), the share of each question's top-10 passages that torch also ranks in its top
10, and retrieval quality through the full system: hit@5, MRR@10 and how often ``answered`` is right on
``benchmarks/quality.py``'s held-out seed questions and ``benchmarks/multidoc.py``'s held-out
documents (``--arguana`` adds BEIR ArguAna's nDCG@10; minutes per backend).
Timing blocks of every variant alternate, so the machine's drift falls on all alike. The
fastest variant whose quality figures all stay within 0.01 of torch's is named last.

    python -m benchmarks.encoders [--rounds 4] [--arguana] [--no-multidoc]
"""

from __future__ import annotations

import os

os.environ.update(HF_HUB_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1", TOKENIZERS_PARALLELISM="false")

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.index.text import embedding_text
from assistant.retrieval.ranker import Ranker
from assistant.service import Assistant
from assistant.settings import Backend, EncoderSettings, Settings
from benchmarks import multidoc
from benchmarks.quality import CACHE, FULL, alone, configurations, load_questions, seed_metrics
from benchmarks.scoring import Outcome, Question, evaluate, ranker_system
from embeddings.encoder import EXPORTS, Encoder

TOLERANCE = 0.01  # how far below torch a quality figure may fall for a variant to be the default
SAME_NEIGHBOURS = 0.99  # the share of torch's top-10 neighbours a default keeps
CONCURRENCY = 8


@dataclass(frozen=True)
class Variant:
    label: str
    settings: EncoderSettings


def variants() -> list[Variant]:
    """Each ONNX precision with the cores shared out two ways: one thread per model call and a call
    per core, or every core for one call at a time; the default model alone, without its partner."""
    cores = os.cpu_count() or 1
    shares = sorted({(1, cores), (cores, 1)})

    def onnx(precision: str, backend: Backend) -> list[Variant]:
        return [
            Variant(
                f"onnx {precision}, {n} thread{'s' * (n > 1)} × {c} call{'s' * (c > 1)}",
                EncoderSettings(backend, n, c, partner=""),
            )
            for n, c in shares
        ]

    return [
        Variant("torch fp32", EncoderSettings(Backend.TORCH, 1, partner="")),
        *onnx("fp32", Backend.ONNX),
        *onnx("int8", Backend.ONNX_INT8),
    ]


@dataclass
class Timings:
    queries: list[float] = field(default_factory=list)
    passage_seconds: float = 0.0
    passages: int = 0
    concurrent_seconds: float = 0.0
    concurrent: int = 0


def _seconds(work: object) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - started


def concurrent_seconds(encoder: Encoder, questions: list[str]) -> float:
    """Wall time of ``questions`` asked by eight threads at once through the query path."""
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        started = time.perf_counter()
        list(pool.map(encoder.encode_query, questions))
        return time.perf_counter() - started


def measure(encoders: dict[str, Encoder], questions: list[str], passages: list[str], rounds: int) -> dict[str, Timings]:
    """Timing blocks of each variant in turn, ``rounds`` times; the runtimes are called bare
    (no cache), except for the concurrent block, which is the encoder's own query path over
    questions it has not seen."""
    timings = {label: Timings() for label in encoders}
    for encoder in encoders.values():  # warm-up: first calls allocate
        encoder.runtime.encode(questions[:3], 1)
    for block in range(rounds):
        for label, encoder in encoders.items():
            runtime, timed = encoder.runtime, timings[label]
            timed.queries += [_seconds(lambda q=q, r=runtime: r.encode([q], 1)) for q in questions[block::rounds]]
            chunk = passages[block::rounds]
            timed.passage_seconds += _seconds(lambda c=chunk, r=runtime, n=encoder.batch_size: r.encode(c, n))
            timed.passages += len(chunk)
            fresh = [f"{q} (round {block})" for q in questions[block::rounds]]
            timed.concurrent_seconds += concurrent_seconds(encoder, fresh)
            timed.concurrent += len(fresh)
            time.sleep(0.2)  # idle threads of the last variant settle before the next one
    return timings


def agreement(reference: Encoder, encoder: Encoder, questions: list[str], passages: list[str]) -> dict[str, float]:
    """Cosine of each text's vector to the reference's, and the top-10 passages they share."""
    ours_q, ours_p = encoder.runtime.encode(questions, 64), encoder.runtime.encode(passages, 64)
    ref_q, ref_p = reference.runtime.encode(questions, 64), reference.runtime.encode(passages, 64)
    cosines = np.concatenate([(ours_q * ref_q).sum(axis=1), (ours_p * ref_p).sum(axis=1)])
    top = np.argsort(-(ours_q @ ours_p.T), axis=1)[:, :10]
    ref_top = np.argsort(-(ref_q @ ref_p.T), axis=1)[:, :10]
    overlap = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top, ref_top, strict=True)])
    return {"cos mean": float(cosines.mean()), "cos min": float(cosines.min()), "top-10": float(overlap)}


def _minilm(**paths: Path) -> Settings:
    """The served settings for MiniLM alone (with its own no-answer thresholds), at ``paths``."""
    return alone(Settings()).model_copy(update=paths)


def quality(encoder: Encoder, slug: str, use_multidoc: bool, arguana: bool) -> dict[str, float]:
    """The full system's figures with this encoder, each index built once per encoder identity
    and cached under ``benchmarks/.cache``."""
    figures: dict[str, float] = {}
    seed = Assistant(_minilm(data_dir=CACHE / EXPORTS / f"seed-{slug}"), encoder)
    held_out = [q for q in load_questions() if q.split == "heldout"]
    seed_figures = seed_metrics(held_out, _outcomes(seed, held_out, f"seed {slug}"))
    figures.update({"seed hit@5": seed_figures["hit@5"], "seed MRR": seed_figures["MRR@10"]})
    figures.update({"seed ans ok": seed_figures["answered ok"], "seed unans ok": seed_figures["unanswered ok"]})
    if use_multidoc:
        corpus = multidoc.assemble_corpus(CACHE / "multidoc-corpus")
        assistant = Assistant(_minilm(corpus_dir=corpus, data_dir=CACHE / EXPORTS / f"multidoc-{slug}"), encoder)
        subset = next(iter(multidoc.groups(multidoc.load_questions()).values()))  # the held-out documents
        multi = multidoc.metrics(subset, _outcomes(assistant, subset, f"multidoc {slug}"))
        figures.update(
            {"multi hit@5": multi["hit@5"], "multi MRR": multi["MRR@10"], "multi unans ok": multi["unans ok"]}
        )
    if arguana:
        from benchmarks.arguana import run_arguana

        full = configurations(seed.settings.ranking)[FULL]
        figures["ArguAna nDCG"] = run_arguana(encoder, {FULL: (full.ranking, full.lexical)})[FULL]["nDCG@10"]
    return figures


def _outcomes(assistant: Assistant, questions: list[Question], label: str) -> dict[str, Outcome]:
    ranker = Ranker(assistant.store, assistant.encoder, assistant.settings.ranking)
    return evaluate(ranker_system(ranker), questions, assistant.store, label)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=4, help="alternations of every variant's timing blocks")
    parser.add_argument("--questions", type=int, default=200, help="distinct questions timed per variant")
    parser.add_argument("--passages", type=int, default=500, help="seed passages timed per variant")
    parser.add_argument("--no-multidoc", action="store_true", help="skip the twelve-document quality figures")
    parser.add_argument("--arguana", action="store_true", help="add ArguAna's nDCG@10 (minutes per backend)")
    args = parser.parse_args()

    started = time.perf_counter()
    exports = CACHE / EXPORTS
    encoders = {v.label: Encoder(settings=v.settings, exports=exports) for v in variants()}
    reference = encoders["torch fp32"]
    by_identity: dict[str, str] = {}  # thread counts do not change the vectors: quality once per identity
    for label, encoder in encoders.items():
        by_identity.setdefault(encoder.name, label)
    figures = {
        encoder.name: quality(encoder, label.split(",")[0].replace(" ", "-"), not args.no_multidoc, args.arguana)
        for encoder, label in ((encoders[label], label) for label in by_identity.values())
    }

    seed_index = Assistant(_minilm(data_dir=exports / "seed-torch-fp32"), reference).store
    passages = [embedding_text(p) for p in seed_index.passages][: args.passages]
    questions = list(dict.fromkeys(q.query for q in load_questions()))[: args.questions]
    timings = measure(encoders, questions, passages, args.rounds)

    rows = {}
    for label, encoder in encoders.items():
        timed = timings[label]
        rows[label] = {
            "query p50": 1000 * float(np.percentile(timed.queries, 50)),
            "p99": 1000 * float(np.percentile(timed.queries, 99)),
            "passages/s": timed.passages / timed.passage_seconds,
            f"q/s ×{CONCURRENCY}": timed.concurrent / timed.concurrent_seconds,
            **agreement(reference, encoder, questions, passages),
            **figures[encoder.name],
        }
    print_rows(rows, len(questions), len(passages))
    print(f"\nthe default: {choose(rows, 'torch fp32')}")
    print(f"{time.perf_counter() - started:.0f} s")


def choose(rows: dict[str, dict[str, float]], reference: str) -> str:
    """The default: among the variants whose quality figures are all within :data:`TOLERANCE` of
    the reference's and that share at least :data:`SAME_NEIGHBOURS` of its top-10 neighbours (the
    same answers, not only answers as good on these questions), the precision with the lowest
    query p50; of its ways of sharing the cores, the one answering the most questions at once."""
    quality_columns = [c for c in rows[reference] if c.startswith(("seed", "multi", "ArguAna"))]
    allowed = [
        label
        for label, row in rows.items()
        if all(row[c] >= rows[reference][c] - TOLERANCE for c in quality_columns) and row["top-10"] >= SAME_NEIGHBOURS
    ]
    fastest = min(allowed, key=lambda label: rows[label]["query p50"])
    precision = fastest.split(",")[0]
    shares = [label for label in allowed if label.split(",")[0] == precision]
    return max(shares, key=lambda label: rows[label][f"q/s ×{CONCURRENCY}"])


def print_rows(rows: dict[str, dict[str, float]], questions: int, passages: int) -> None:
    print(f"\nEncoder backends on this machine ({os.cpu_count()} cores): {questions} questions, {passages} passages")
    columns = list(next(iter(rows.values())))
    widths = [max(len(c) + 2, 9) for c in columns]
    print(f"{'variant':<32}" + "".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    for label, row in rows.items():
        cells = [
            f"{row[c]:>{w}.{1 if c in ('query p50', 'p99', 'passages/s', f'q/s ×{CONCURRENCY}') else 4}f}"
            for c, w in zip(columns, widths, strict=True)
        ]
        print(f"{label:<32}" + "".join(cells))


if __name__ == "__main__":
    main()
