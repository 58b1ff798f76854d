"""Retrieval quality, ours beside the plain baselines and two peers, measured in one run.

Systems: BM25 only, embeddings only, plain fusion (RRF) and ours with MiniLM alone, all our
ranker with other settings over MiniLM's index; txtai's hybrid index and Haystack's hybrid
pipeline (BM25 and embedding retrievers joined by RRF), indexing exactly our passages with the
same model (``benchmarks/peers.py``; optional: ``pip install -e .[peers]``); and the full system
as served, MiniLM and its partner model, over an index of its own. Every system is scored by the
same hit rule: a passage of the gold's document covering at least half of a gold span.

Seed questions over the seed article (``benchmarks/data``, a tuning and a held-out half, and
``../shared/dev`` as a third group when present): hit@1, hit@5, MRR@10, section of the top hit,
and how often ``answered`` is right. The multi-document set (``benchmarks/multidoc.py``): the
same over twelve documents at once, by kind, plus the top hit's document. ArguAna (BEIR) in
rebuttal mode: nDCG@10 and Recall@100 (``--arguana``; ``benchmarks/arguana.py``).

    python -m benchmarks.quality                  # seed and multi-document tables
    python -m benchmarks.quality --seed-only      # seed tables only (seconds)
    python -m benchmarks.quality --multidoc-only  # multi-document tables only
    python -m benchmarks.quality --arguana        # plus ArguAna (minutes; embeddings cached)
    python -m benchmarks.quality --calibrate      # choose the no-answer thresholds on the tuning half
                                                  # (with --model, also each model's own)
    python -m benchmarks.quality --milvus         # plus ours on the Milvus engine (parity; extra: milvus)
    python -m benchmarks.quality --model PATH     # plus ours with another model (",pooling=cls" and the like after it)

A row of another model uses its own index (built once, then cached) and the default weights and
no-answer thresholds, which were calibrated for the default model.
"""

from __future__ import annotations

import os

# The model is the embedded copy: nothing in this run may reach the network.
os.environ.update(HF_HUB_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1", TOKENIZERS_PARALLELISM="false")

import argparse
import hashlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np

from assistant.engines.base import SearchEngine
from assistant.engines.local import LocalEngine
from assistant.index.store import Store
from assistant.retrieval.ranker import Query, Ranker
from assistant.service import Assistant
from assistant.settings import EncoderSettings, Fusion, LexicalSettings, RankingSettings, Settings
from benchmarks import multidoc
from benchmarks.peers import peer_systems
from benchmarks.scoring import Outcome, Question, Row, System, evaluate, hit_at, mrr, print_table, ranker_system, share
from embeddings.encoder import Encoder, resolve_model

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
SHARED_DEV = ROOT.parent / "shared" / "dev" / "questions.jsonl"
CACHE = ROOT / "benchmarks" / ".cache"
SEED_DOCUMENT = "red-jacobins.txt"
FULL = "full system (ours)"
ALONE = "ours, MiniLM alone"  # the default without its second model: the baselines' and the peers' model
# What the tuning questions chose for MiniLM alone: --calibrate's thresholds, and the rebuttal
# weight from ArguAna's tuning half (the pair's are the settings' defaults).
MINILM_TUNED = {"answer_threshold": 0.45, "covered_threshold": 0.35, "rebuttal_dense_weight": 0.6}
PLAIN_BM25 = LexicalSettings(k1=1.5, b=0.75)  # the textbook parameters, for the baselines


def load_questions() -> list[Question]:
    """The seed questions: the tuning and held-out halves, the unanswerable ones, the shared dev ones."""
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
            gold = tuple(q["gold"])
            rows.append(
                Question(
                    q["id"],
                    q["kind"],
                    q["query"],
                    gold,
                    q.get("section"),
                    default_split or q["split"],
                    SEED_DOCUMENT if gold else None,
                )
            )
    return rows


@dataclass(frozen=True)
class Configuration:
    """Our ranker with some settings; ``lexical`` None uses the BM25 the index was built with."""

    ranking: RankingSettings
    lexical: LexicalSettings | None = None


def alone(settings: Settings) -> Settings:
    """``settings`` without the second model and with the thresholds and rebuttal weight tuned for
    MiniLM alone, indexed in a folder of their own: ours read with the model of the baselines and
    the peers."""
    return settings.model_copy(
        update={
            "encoder": replace(settings.encoder, partner=""),
            "ranking": replace(settings.ranking, **MINILM_TUNED),
            "data_dir": settings.data_dir.with_name(f"{settings.data_dir.name}-minilm"),
        }
    )


def configurations(full: RankingSettings) -> dict[str, Configuration]:
    """The baselines are the plain rankers; the full system is what the settings serve."""
    plain = replace(
        full,
        voice_boost=0.0,
        speaker_boost=0.0,
        phrase_boost=0.0,
        route_boost=0.0,
        named_topic_weight=0.0,
        number_boost=0.0,
        proximity_boost=0.0,
        sentence_weight=0.0,
        passage_weight=1.0,
        feedback_weight=0.0,
    )
    return {
        "BM25 only": Configuration(replace(plain, dense=False), PLAIN_BM25),
        "embeddings only": Configuration(replace(plain, lexical=False), PLAIN_BM25),
        "plain fusion (RRF)": Configuration(replace(plain, fusion=Fusion.RRF), PLAIN_BM25),
        FULL: Configuration(full),
    }


ON_MILVUS = "ours, Milvus engine"
ENGINES: dict[str, Callable[[Store], SearchEngine]] = {}  # rows of ours on other engines (--milvus)
MODELS: list[str] = []  # rows of ours with other models (--model)


def with_model(settings: Settings, spec: str) -> tuple[str, Settings]:
    """The row label and settings of ours with another model, indexed in a folder of its own:
    ``spec`` is the model's name or path, then any encoder settings it needs and any ranking
    settings (its own no-answer thresholds, from ``--calibrate``), comma-separated:
    ``path/to/bge,pooling=cls,query_prefix=Represent this sentence …: ,ranking.answer_threshold=0.64``."""
    model, *options = spec.split(",")
    encoding = [option for option in options if not option.startswith("ranking.")]
    try:
        pairs = [option.split("=", 1) for option in options]
        ranked = {key.removeprefix("ranking."): value for key, value in pairs if key.startswith("ranking.")}
        encoded_by = dict(option.split("=", 1) for option in encoding)
        unknown = (ranked.keys() - _field_names(settings.ranking)) | (
            encoded_by.keys() - _field_names(settings.encoder)
        )
        if unknown:
            raise ValueError(f"no such setting: {', '.join(sorted(unknown))}")
        ranking = replace(settings.ranking, **ranked)
        encoder = replace(settings.encoder, **encoded_by)
    except (TypeError, ValueError) as err:
        raise SystemExit(f"--model {spec}: {err}") from err
    encoded = ",".join([model, *encoding])
    key = hashlib.sha256(encoded.encode()).hexdigest()[:12]  # the vectors depend on the model and encoder only
    folder = settings.data_dir.with_name(f"{settings.data_dir.name}-{key}")
    update = {"model": model, "encoder": encoder, "ranking": ranking, "data_dir": folder}
    return f"ours, {Path(model).name}", settings.model_copy(update=update)


def _field_names(settings: RankingSettings | EncoderSettings) -> set[str]:
    return {field.name for field in fields(settings)}


def milvus_engine(label: str) -> Callable[[Store], SearchEngine]:
    """The Milvus engine (its embedded form, in the cache) over a store: the parity row."""
    from assistant.engines.milvus import MilvusEngine  # an optional extra
    from assistant.settings import MilvusSettings

    return lambda store: MilvusEngine.open(store, MilvusSettings(), CACHE / f"milvus-{label}")


def systems(assistant: Assistant, label: str) -> dict[str, System | str]:
    """Every system over the assistant's index (MiniLM's alone), in table order: baselines,
    peers, ours (on each engine)."""
    store, encoder = assistant.store, assistant.encoder
    ours = {
        name: ranker_system(Ranker(store, encoder, c.ranking, LocalEngine(store, c.lexical)))
        for name, c in configurations(assistant.settings.ranking).items()
    }
    depth = assistant.settings.ranking.candidates
    peers = peer_systems(store, resolve_model(assistant.settings.model), CACHE, label, depth)
    full = ours.pop(FULL)
    elsewhere = {
        name: ranker_system(Ranker(store, encoder, assistant.settings.ranking, made(store)))
        for name, made in ENGINES.items()
    }
    return {**ours, **peers, **elsewhere, ALONE: full}


def outcomes_of(
    pair: tuple[Assistant, Assistant], questions: list[Question], label: str
) -> dict[str, dict[str, Outcome] | str]:
    """Every row: the systems over MiniLM's index, ours as served (``pair``'s second, both
    models), and ours with each other model."""
    assistant, default = pair
    results: dict[str, dict[str, Outcome] | str] = {}
    for name, system in systems(assistant, label).items():
        results[name] = system if isinstance(system, str) else evaluate(system, questions, assistant.store, name)
    results[FULL] = evaluate(ranker_system(default.ranker), questions, default.store, FULL)
    for model in MODELS:
        name, settings = with_model(assistant.settings, model)
        print(f"{name}: index in {settings.data_dir} (built once, then cached) …", flush=True)
        other = Assistant(settings, progress=True)
        results[name] = evaluate(ranker_system(other.ranker), questions, other.store, name)
    return results


def seed_metrics(questions: list[Question], outcomes: dict[str, Outcome]) -> dict[str, float]:
    answerable = [q for q in questions if q.gold]
    unanswerable = [q for q in questions if not q.gold]
    return {
        "n": len(answerable),
        "hit@1": hit_at(1, answerable, outcomes),
        "hit@5": hit_at(5, answerable, outcomes),
        "MRR@10": mrr(answerable, outcomes),
        "section": share([outcomes[q.id].section_ok for q in answerable]),
        "para hit@5": hit_at(5, [q for q in answerable if q.kind == "paraphrase"], outcomes),
        "answered ok": share([outcomes[q.id].answered for q in answerable]),
        "unanswered ok": share([None if (a := outcomes[q.id].answered) is None else not a for q in unanswerable])
        if unanswerable
        else float("nan"),
    }


Metrics = Callable[[list[Question], dict[str, Outcome]], dict[str, float]]


def table_rows(
    results: dict[str, dict[str, Outcome] | str], questions: list[Question], metrics: Metrics
) -> dict[str, Row]:
    return {name: o if isinstance(o, str) else metrics(questions, o) for name, o in results.items()}


def print_missed(results: dict[str, dict[str, Outcome] | str], questions: list[Question]) -> None:
    """The answerable questions no system finds in its top 10: the first place to look for a bad gold."""
    scored = [o for o in results.values() if not isinstance(o, str)]
    missed = [q for q in questions if q.gold and all(o[q.id].rank is None for o in scored)]
    if missed:
        print(f"\nMissed by every system in the top 10 ({len(missed)}; worth checking their gold):")
        for q in missed:
            print(f"  {q.id} [{q.kind}, {q.document}] {q.query}")


def seed_tables(pair: tuple[Assistant, Assistant]) -> None:
    questions = load_questions()
    results = outcomes_of(pair, questions, "seed")
    for split in ("tune", "heldout", "dev"):
        subset = [q for q in questions if q.split == split]
        if subset:
            title = f"Seed questions, {split} split ({len(subset)} questions, seed article only)"
            print_table(title, table_rows(results, subset, seed_metrics))
    print_missed(results, questions)


def seed_assistants() -> tuple[Assistant, Assistant]:
    """The seed article indexed by MiniLM alone and as served (both models)."""
    served = Settings(data_dir=CACHE / "seed-index")
    return Assistant(alone(served), progress=True), Assistant(served, progress=True)


def multidoc_assistants(encoders: tuple[Encoder, Encoder]) -> tuple[Assistant, Assistant]:
    """The multi-document corpus indexed by MiniLM alone and as served, with these encoders."""
    corpus = multidoc.assemble_corpus(CACHE / "multidoc-corpus")
    print(f"Multi-document index of {corpus} (built once, then cached) …", flush=True)
    served = Settings(corpus_dir=corpus, data_dir=CACHE / "multidoc-index")
    pair = (Assistant(alone(served), encoders[0], progress=True), Assistant(served, encoders[1], progress=True))
    for skipped in pair[1].store.skipped:
        print(f"skipped {skipped.name}: {skipped.reason}")
    return pair


def multidoc_tables(encoders: tuple[Encoder, Encoder]) -> None:
    pair = multidoc_assistants(encoders)
    assistant = pair[1]
    questions = multidoc.load_questions()
    results = outcomes_of(pair, questions, "multidoc")
    for title, subset in multidoc.groups(questions).items():
        answerable = sum(1 for q in subset if q.gold)
        print_table(
            f"Multi-document set, {title} ({answerable} answerable + {len(subset) - answerable} unanswerable, "
            f"across all {len(assistant.store.documents)} documents)",
            table_rows(results, subset, multidoc.metrics),
        )
    print_missed(results, questions)


def calibrate(tuning: list[tuple[Assistant, list[Question]]]) -> None:
    """Grid-search the no-answer thresholds for balanced accuracy on the tuning questions of the
    seed article and of the tuning documents, each asked of its own corpus."""
    signals = [
        (assistant.ranker.rank(Query(q.query)), bool(q.gold))
        for assistant, questions in tuning
        for q in questions
        if q.split == "tune" and q.split_doc != "heldout"
    ]
    rankings = [ranking for ranking, _ in signals]
    confidence = np.array([r.confidence for r in rankings])
    coverage_of = np.array([r.coverage for r in rankings])
    gold = np.array([answerable for _, answerable in signals])
    best = None
    # Wide enough for models whose cosines run higher than MiniLM's; a covered threshold at or
    # above the answer threshold would say nothing the answer threshold does not.
    for answer, covered, coverage in itertools.product(
        np.arange(0.30, 0.96, 0.01), np.arange(0.20, 0.96, 0.01), (0.6, 0.7, 0.8, 0.9, 1.0)
    ):
        if covered >= answer:
            continue
        said = (confidence >= answer) | ((coverage_of >= coverage) & (confidence >= covered))
        positives, negatives = float(said[gold].mean()), float((~said[~gold]).mean())
        balanced = (positives + negatives) / 2
        if best is None or balanced > best + 1e-9:
            best = balanced
            print(
                f"balanced accuracy {balanced:.3f} (answerable {positives:.3f}, unanswerable {negatives:.3f}): "
                f"answer_threshold={answer:.2f} covered_threshold={covered:.2f} coverage_min={coverage}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--seed-only", action="store_true", help="only the seed-article tables")
    only.add_argument("--multidoc-only", action="store_true", help="only the multi-document tables")
    parser.add_argument("--arguana", action="store_true", help="also run BEIR ArguAna (minutes)")
    parser.add_argument("--calibrate", action="store_true", help="choose no-answer thresholds on the tuning half")
    parser.add_argument(
        "--milvus", action="store_true", help="also ours on the Milvus engine (pip install -e .[milvus])"
    )
    parser.add_argument(
        "--model",
        action="append",
        default=[],
        metavar="NAME_OR_PATH[,SETTING=VALUE…]",
        help="also ours with this model and encoder settings (repeatable; its own index), "
        "e.g. path/to/bge,pooling=cls,query_prefix=…",
    )
    args = parser.parse_args()
    MODELS.extend(args.model)
    if args.milvus:
        ENGINES[ON_MILVUS] = milvus_engine("quality")

    started = time.perf_counter()
    pair = seed_assistants()
    encoders = (pair[0].encoder, pair[1].encoder)
    if args.calibrate:
        multi = multidoc_assistants(encoders)
        for (name, assistant), other in zip(((ALONE, pair[0]), (FULL, pair[1])), multi, strict=True):
            print(f"\n{name}:")
            calibrate([(assistant, load_questions()), (other, multidoc.load_questions())])
        for spec in MODELS:  # each model's thresholds, on its own indexes of the same corpora
            name, seed_settings = with_model(pair[0].settings, spec)
            _, multi_settings = with_model(multi[0].settings, spec)
            print(f"\n{name}:")
            others = [Assistant(seed_settings, progress=True), Assistant(multi_settings, progress=True)]
            calibrate(list(zip(others, [load_questions(), multidoc.load_questions()], strict=True)))
        return
    if not args.multidoc_only:
        seed_tables(pair)
    if not args.seed_only:
        multidoc_tables(encoders)
    if args.arguana:
        from benchmarks.arguana import run_arguana

        ranking = pair[0].settings.ranking
        rankings = {name: (c.ranking, c.lexical) for name, c in configurations(ranking).items()}
        rankings |= {name: rankings[FULL] for name in ENGINES}
        results = run_arguana(
            encoders[0], {ALONE if name == FULL else name: r for name, r in rankings.items()}, ENGINES
        )
        results |= run_arguana(encoders[1], {FULL: (pair[1].settings.ranking, None)})
        print_table(
            "BEIR ArguAna, rebuttal mode, all test queries (each over the corpus without its own argument)", results
        )
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
