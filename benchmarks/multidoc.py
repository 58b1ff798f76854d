"""The multi-document development set: twelve documents of eight formats served as one corpus.

Every question is asked across the whole corpus (``benchmarks/data/multidoc_questions.jsonl``;
its fields are in ``benchmarks/data/README.md``). The corpus folder is assembled under
``benchmarks/.cache`` from the seed article (with its sidecar), the two documents of
``shared/data/corpus`` and the text-bearing documents of ``shared/data/corpus-dev`` (without
sidecars: those documents say what they are themselves). Three groups are reported: held-out
documents, then the tuning documents' held-out and tuning questions.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Sequence
from pathlib import Path

from benchmarks.scoring import Outcome, Question, hit_at, mrr, share

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
QUESTIONS = ROOT / "benchmarks" / "data" / "multidoc_questions.jsonl"
SEED = ROOT / "seeds" / "red-jacobins.txt"
SCANNED = {"tn-wcab-2019-goodwin-scanned-no-text.pdf"}  # no text layer: the reader has nothing to serve
SIDECAR = ".meta.json"


def sources() -> list[Path]:
    """The files of the corpus: the seed article and its sidecar, and the shared documents."""
    files = [SEED, SEED.with_name(SEED.stem + SIDECAR)]
    for folder in (SHARED_DATA / "corpus", SHARED_DATA / "corpus-dev"):
        if not folder.is_dir():
            raise SystemExit(f"{folder} is missing: the multi-document set needs the shared documents")
        files += sorted(
            p
            for p in folder.iterdir()
            if p.is_file() and p.name != "README.md" and not p.name.endswith(SIDECAR) and p.name not in SCANNED
        )
    return files


def assemble_corpus(folder: Path) -> Path:
    """``folder`` holding exactly the corpus files (copied only when they changed, so the
    index built from it stays fresh)."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {p.name: p for p in sources()}
    for old in folder.iterdir():
        if old.name not in wanted:
            old.unlink()
    for name, source in wanted.items():
        target = folder / name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            shutil.copyfile(source, target)
    return folder


def load_questions() -> list[Question]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        Question(
            r["id"], r["kind"], r["query"], tuple(r["gold"]), r["section"], r["split"], r["document"], r["split_doc"]
        )
        for r in rows
    ]


def groups(questions: Sequence[Question]) -> dict[str, list[Question]]:
    """The three reported groups, strictest first."""
    return {
        "held-out documents, all their questions": [q for q in questions if q.split_doc == "heldout"],
        "tuning documents, held-out questions": [
            q for q in questions if q.split_doc == "tune" and q.split == "heldout"
        ],
        "tuning documents, tuning questions": [q for q in questions if q.split_doc == "tune" and q.split == "tune"],
    }


def metrics(questions: Sequence[Question], outcomes: dict[str, Outcome]) -> dict[str, float]:
    answerable = [q for q in questions if q.gold]
    unanswerable = [q for q in questions if not q.gold]

    def of_kind(kind: str) -> list[Question]:
        return [q for q in answerable if q.kind == kind]

    return {
        "n": len(answerable),
        "hit@1": hit_at(1, answerable, outcomes),
        "hit@5": hit_at(5, answerable, outcomes),
        "MRR@10": mrr(answerable, outcomes),
        "para@5": hit_at(5, of_kind("paraphrase"), outcomes),
        "rebut@5": hit_at(5, of_kind("rebuttal"), outcomes),
        "fact@5": hit_at(5, of_kind("fact"), outcomes),
        "section": share([outcomes[q.id].section_ok for q in answerable]),
        "document": share([outcomes[q.id].document_ok for q in answerable]),
        "author doc": share([outcomes[q.id].document_ok for q in of_kind("author")]),
        "unans ok": share([None if (a := outcomes[q.id].answered) is None else not a for q in unanswerable])
        if unanswerable
        else math.nan,
    }
