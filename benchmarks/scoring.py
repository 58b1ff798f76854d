"""Scoring shared by every system and question set: one hit rule, one outcome per question, one table.

A system is anything that ranks the passages of a built index for a question; ours and the
peers are scored the same way, on the rows of the same store.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from assistant.index.store import Store
from assistant.retrieval.options import Mode
from assistant.retrieval.ranker import Query, Ranker

DEPTH = 10  # ranks scored per question (MRR@10)


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    query: str
    gold: tuple[str, ...]
    section: str | None
    split: str
    document: str | None = None  # file name of the document that answers; None when none does
    split_doc: str | None = None


@dataclass(frozen=True)
class Ranked:
    """A system's answer: passage rows of the store, best first, and whether it says it answered
    (``None`` for a system that always answers)."""

    rows: tuple[int, ...]
    answered: bool | None = None


System = Callable[[Question], Ranked]


def ranker_system(ranker: Ranker) -> System:
    """Our ranker with one configuration; rebuttals are asked in rebuttal mode."""

    def rank(q: Question) -> Ranked:
        mode = Mode.REBUTTAL if q.kind == "rebuttal" else Mode.EVIDENCE
        ranking = ranker.rank(Query(q.query, k=DEPTH, mode=mode))
        return Ranked(tuple(h.row for h in ranking.hits), ranking.answered)

    return rank


@dataclass(frozen=True)
class Outcome:
    rank: int | None  # 0-based rank of the first hit in the top 10
    document_ok: bool  # the top passage is from the gold's document
    section_ok: bool  # ... and from the gold's section
    answered: bool | None


def covers(start: int, end: int, gold: tuple[str, ...], text: str) -> bool:
    """A passage ``text[start:end]`` is a hit when it covers at least half of one gold span."""
    for span in gold:
        at = text.find(span)
        if at >= 0 and min(end, at + len(span)) - max(start, at) >= len(span) / 2:
            return True
    return False


def evaluate(system: System, questions: Sequence[Question], store: Store, label: str) -> dict[str, Outcome]:
    """Each question asked across the whole store; a hit is a passage of the gold's document
    that covers a gold span of that document's text."""
    documents = {d.source: d for d in store.documents.values()}
    missing = {q.document for q in questions if q.document and q.document not in documents}
    if missing:
        raise SystemExit(f"documents of the questions are not in the index: {sorted(missing)}")
    outcomes = {}
    for q in tqdm(questions, desc=label, leave=False):
        ranked = system(q)
        passages = store.passages.many(ranked.rows[:DEPTH])
        gold = documents[q.document] if q.document else None
        rank = None
        if gold is not None and q.gold:
            hits = (
                i
                for i, p in enumerate(passages)
                if p.document_id == gold.id and covers(p.start, p.end, q.gold, gold.text)
            )
            rank = next(hits, None)
        document_ok = bool(passages) and gold is not None and passages[0].document_id == gold.id
        section_ok = document_ok and passages[0].section == q.section
        outcomes[q.id] = Outcome(rank, document_ok, section_ok, ranked.answered)
    return outcomes


def hit_at(k: int, subset: Sequence[Question], outcomes: dict[str, Outcome]) -> float:
    if not subset:
        return math.nan
    return float(np.mean([(r := outcomes[q.id].rank) is not None and r < k for q in subset]))


def mrr(subset: Sequence[Question], outcomes: dict[str, Outcome]) -> float:
    ranks = [outcomes[q.id].rank for q in subset]
    return float(np.mean([1 / (r + 1) if r is not None else 0.0 for r in ranks])) if ranks else math.nan


def share(values: Sequence[bool | None]) -> float:
    """The share of true values; NaN when there are none, or when the system does not say."""
    if not values or any(v is None for v in values):
        return math.nan
    return float(np.mean(values))


Row = dict[str, float] | str  # a system's figures, or why it has none
COUNTS = {"n", "queries"}  # columns printed as integers


def print_table(title: str, rows: dict[str, Row]) -> None:
    figures = [r for r in rows.values() if not isinstance(r, str)]
    columns = list(figures[0]) if figures else []
    widths = [max(len(c) + 2, 9) for c in columns]
    print(f"\n{title}")
    print(f"{'system':<22}" + "".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    for name, values in rows.items():
        if isinstance(values, str):
            print(f"{name:<22}  {values}")
            continue
        cells = []
        for c, w in zip(columns, widths, strict=True):
            v = values[c]
            cells.append(f"{'n/a':>{w}}" if math.isnan(v) else f"{int(v):>{w}d}" if c in COUNTS else f"{v:>{w}.3f}")
        print(f"{name:<22}" + "".join(cells))
