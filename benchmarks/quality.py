"""Retrieval quality, ours beside the plain baselines, measured in one run.

Development questions over the seed article (``benchmarks/data``, split into a tuning and a
held-out half; ``../shared/dev`` questions are reported as a third group when present):
hit@1, hit@5, MRR@10 (a hit covers at least half of a gold span), section accuracy of the top
hit, and how often ``answered`` is right. ArguAna (BEIR) in rebuttal mode: nDCG@10 and
Recall@100 over all test queries (``--arguana``; see ``benchmarks/arguana.py``).

    python benchmarks/quality.py               # development questions
    python benchmarks/quality.py --arguana     # plus ArguAna (minutes; embeddings cached)
    python benchmarks/quality.py --calibrate   # choose the no-answer thresholds on the tuning half
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.retrieval.options import Fusion, Mode  # noqa: E402
from assistant.retrieval.ranker import Query, Ranker, RankingSettings  # noqa: E402
from assistant.service import Assistant, ranking_settings  # noqa: E402
from assistant.settings import Settings  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
SHARED_DEV = ROOT.parent / "shared" / "dev" / "questions.jsonl"
CACHE = ROOT / "benchmarks" / ".cache"


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    query: str
    gold: tuple[str, ...]
    section: str | None
    split: str


def load_questions() -> list[Question]:
    rows = []
    for path, default_split in [
        (DATA / "questions.jsonl", None),
        (DATA / "unanswerable.jsonl", None),
        (SHARED_DEV, "dev"),
    ]:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            q = json.loads(line)
            rows.append(
                Question(
                    q["id"], q["kind"], q["query"], tuple(q["gold"]), q.get("section"), default_split or q["split"]
                )
            )
    return rows


def configurations(full: RankingSettings) -> dict[str, RankingSettings]:
    """The baselines are the plain rankers; the full system is what the settings serve."""
    plain = replace(
        full,
        voice_boost=0.0,
        speaker_boost=0.0,
        phrase_boost=0.0,
        sentence_weight=0.0,
        passage_weight=1.0,
        feedback_weight=0.0,
        bm25_k1=1.5,
        bm25_b=0.75,
    )
    return {
        "lexical only (BM25)": replace(plain, dense=False),
        "embeddings only": replace(plain, lexical=False),
        "plain fusion (RRF)": replace(plain, fusion=Fusion.RRF),
        "full system": full,
    }


@dataclass
class Outcome:
    rank: int | None  # 0-based rank of the first hit in the top 10
    section_ok: bool
    answered: bool
    confidence: float


def evaluate(ranker: Ranker, questions: list[Question], text: str) -> dict[str, Outcome]:
    outcomes = {}
    for q in questions:
        mode = Mode.REBUTTAL if q.kind == "rebuttal" else Mode.EVIDENCE
        ranking = ranker.rank(Query(q.query, k=10, mode=mode))
        passages = [ranker.store.passages[h.row] for h in ranking.hits]
        rank = next((i for i, p in enumerate(passages) if covers(p.start, p.end, q.gold, text)), None)
        section_ok = bool(passages) and passages[0].section == q.section
        outcomes[q.id] = Outcome(rank, section_ok, ranking.answered, ranking.confidence)
    return outcomes


def covers(start: int, end: int, gold: tuple[str, ...], text: str) -> bool:
    for span in gold:
        at = text.find(span)
        if at >= 0 and min(end, at + len(span)) - max(start, at) >= len(span) / 2:
            return True
    return False


def metrics(questions: list[Question], outcomes: dict[str, Outcome]) -> dict[str, float]:
    answerable = [q for q in questions if q.gold]
    unanswerable = [q for q in questions if not q.gold]
    paraphrase = [q for q in answerable if q.kind == "paraphrase"]
    ranks = [outcomes[q.id].rank for q in answerable]

    def hit_at(k: int, subset: list[Question]) -> float:
        return float(np.mean([outcomes[q.id].rank is not None and outcomes[q.id].rank < k for q in subset]))

    return {
        "n": len(answerable),
        "hit@1": hit_at(1, answerable),
        "hit@5": hit_at(5, answerable),
        "MRR@10": float(np.mean([1 / (r + 1) if r is not None else 0.0 for r in ranks])),
        "section": float(np.mean([outcomes[q.id].section_ok for q in answerable])),
        "para hit@5": hit_at(5, paraphrase) if paraphrase else float("nan"),
        "answered ok": float(np.mean([outcomes[q.id].answered for q in answerable])),
        "unanswered ok": float(np.mean([not outcomes[q.id].answered for q in unanswerable]))
        if unanswerable
        else float("nan"),
    }


def print_table(title: str, rows: dict[str, dict[str, float]]) -> None:
    columns = list(next(iter(rows.values())))
    print(f"\n{title}")
    print(f"{'system':<24}" + "".join(f"{c:>14}" for c in columns))
    for name, values in rows.items():
        print(
            f"{name:<24}"
            + "".join(f"{values[c]:>14d}" if c in ("n", "queries") else f"{values[c]:>14.3f}" for c in columns)
        )


def calibrate(assistant: Assistant, questions: list[Question]) -> None:
    """Grid-search the no-answer thresholds on the tuning half for balanced accuracy."""
    tune = [q for q in questions if q.split == "tune"]
    signals = [(assistant.ranker.rank(Query(q.query)), bool(q.gold)) for q in tune]
    best = None
    for answer, covered, coverage in itertools.product(
        np.arange(0.30, 0.60, 0.01), np.arange(0.20, 0.46, 0.01), (0.6, 0.7, 0.8, 0.9, 1.0)
    ):
        said = [
            (r.confidence >= answer or (r.coverage >= coverage and r.confidence >= covered), gold)
            for r, gold in signals
        ]
        positives = np.mean([s for s, gold in said if gold])
        negatives = np.mean([not s for s, gold in said if not gold])
        balanced = (positives + negatives) / 2
        if best is None or balanced > best + 1e-9:
            best = balanced
            print(
                f"balanced accuracy {balanced:.3f} (answerable {positives:.3f}, unanswerable {negatives:.3f}): "
                f"answer_threshold={answer:.2f} covered_threshold={covered:.2f} coverage_min={coverage}"
            )


def seed_text(assistant: Assistant) -> str:
    return assistant.store.documents["red-jacobins"].text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arguana", action="store_true", help="also run BEIR ArguAna (minutes)")
    parser.add_argument("--calibrate", action="store_true", help="choose no-answer thresholds on the tuning half")
    args = parser.parse_args()

    assistant = Assistant(Settings(data_dir=CACHE / "seed-index"), progress=True)
    questions = load_questions()
    if args.calibrate:
        calibrate(assistant, questions)
        return
    text = seed_text(assistant)
    results = {
        name: evaluate(Ranker(assistant.store, assistant.encoder, settings), questions, text)
        for name, settings in configurations(ranking_settings(assistant.settings)).items()
    }
    for split in ("tune", "heldout", "dev"):
        subset = [q for q in questions if q.split == split]
        if subset:
            print_table(
                f"Development questions, {split} split ({len(subset)} questions)",
                {name: metrics(subset, outcomes) for name, outcomes in results.items()},
            )
    if args.arguana:
        from benchmarks.arguana import run_arguana

        rows = run_arguana(assistant.encoder, configurations(ranking_settings(assistant.settings)))
        print_table("BEIR ArguAna, rebuttal mode, all test queries (own id dropped)", rows)


if __name__ == "__main__":
    main()
