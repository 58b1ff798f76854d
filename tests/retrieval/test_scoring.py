"""Scoring shortcuts give the exact answers: BM25 summed from bm25s' matrix, best-sentence scores
gathered or in one pass, and the top-k selection that reads a threshold off a sample."""

from __future__ import annotations

import dataclasses
from itertools import pairwise

import numpy as np
import pytest

from assistant.engines.base import Where
from assistant.engines.local import LocalEngine, top_positive
from assistant.index.coded import Coded
from assistant.index.lexical import DEFAULT_LEXICAL, LexicalIndex, terms
from assistant.index.text import embedding_text
from assistant.retrieval.options import Mode
from assistant.retrieval.ranker import Query, Ranker
from assistant.service import Assistant

QUERIES = [
    "What does the author say about the ban on factions?",
    "party party democracy democracy",  # repeated terms count each time, as in bm25s
    "Trotsky Thermidor Kronstadt 1921",
    "zzzqx unknownword",  # no term in the corpus
    "",
]


@pytest.mark.parametrize("query", QUERIES)
def test_scores_equal_bm25s_own(assistant: Assistant, query: str) -> None:
    lexical = assistant.store.lexical
    ours = lexical.scores(query)
    ids = lexical._bm25.get_tokens_ids(terms(query))
    theirs = lexical._bm25.get_scores_from_ids(ids) if ids else np.zeros(len(ours))
    assert len(ours) == len(assistant.store.passages)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    assert (ours > 0).any() == bool(ids)


def test_a_number_is_matched_whole() -> None:
    """ "2,000" is not "5,000" (both were once the term "000"), and "2,000" is "2000"."""
    texts = ["The fee rose to 5,000 pounds.", "The fee rose to 2000 pounds.", "About 1.5 million students."]
    lexical = LexicalIndex.build(texts, DEFAULT_LEXICAL)
    assert terms("£2,000 and 1.5 million, in 1921") == ["2000", "1.5", "million", "1921"]
    for question, best in (("a fee of 2,000", 1), ("a fee of 5,000", 0), ("1.5 million", 2)):
        scores = lexical.scores(question)
        assert int(np.argmax(scores)) == best and sorted(scores)[-2] < scores[best], (question, scores)


def test_best_sentence_scores_are_the_same_gathered_or_in_one_pass(assistant: Assistant) -> None:
    ranker = assistant.ranker
    question = assistant.encoder.encode_query("Why did the Bolsheviks ban factions?")
    everything = np.arange(len(assistant.store.passages))
    few = everything[::7]  # under half of the corpus: gathered row by row
    np.testing.assert_allclose(
        ranker._best_sentences(few, question), ranker._best_sentences(everything, question)[few], rtol=1e-5
    )


@pytest.mark.parametrize("size", [5, 150, 20_000, 300_000])
def test_top_positive_is_exact_at_any_size_with_ties_and_zeros(size: int) -> None:
    rng = np.random.default_rng(size)
    for _ in range(25):
        k = int(rng.choice([1, 10, 200]))
        scores = np.where(rng.random(size) < rng.random(), rng.gamma(2, 1, size), 0).astype(np.float32)
        if rng.random() < 0.3:
            scores = np.round(scores)  # many ties
        chosen = top_positive(scores, k)
        positive = np.sort(scores[scores > 0])[::-1]
        assert len(chosen) == len(set(chosen.tolist())) == min(k, len(positive))
        if len(chosen):
            assert (scores[chosen] >= positive[len(chosen) - 1]).all() and (scores[chosen] > 0).all()


def test_large_corpus_candidates_hold_the_whole_dense_and_bm25_top_lists(assistant: Assistant) -> None:
    # ten candidates a list, so the 159 seed passages count as a large corpus
    narrow = Ranker(assistant.store, assistant.encoder, dataclasses.replace(assistant.ranker.settings, candidates=10))
    for question in QUERIES[:3]:
        vector = assistant.encoder.encode_query(question)
        bm25 = assistant.store.lexical.scores(question)
        rows, scores, best = narrow._candidates(Query(question), question, vector)
        assert best == bm25.max()
        np.testing.assert_allclose(scores, bm25[rows], rtol=1e-6)
        assert 10 <= len(rows) <= 20 < len(assistant.store.passages)
        _, dense = assistant.store.vectors.search(vector, 10)
        assert set(dense[0].tolist()) <= set(rows.tolist())
        np.testing.assert_array_equal(np.sort(bm25[rows])[::-1][:10], np.sort(bm25)[::-1][:10])
    question = "Why did the Bolsheviks ban factions?"
    assert narrow.rank(Query(question)).hits[0].row == assistant.ranker.rank(Query(question)).hits[0].row


def test_filters_are_applied_inside_the_search(assistant: Assistant) -> None:
    # a filter that lets one row in three through still gets k rows from each list, all passing
    engine = LocalEngine(assistant.store)
    ids = assistant.store.passages.column("id")
    documents = sorted(set(assistant.store.passages.column("document_id")))
    where = Where(voices=frozenset({"author"}))
    allowed = engine.mask(where)
    assert allowed is not None and 0 < allowed.sum() < len(ids)
    assert engine.mask(Where(voices=frozenset({"author"}))) is allowed  # made once, shared by the calls
    vector = assistant.encoder.encode_query("Why did the Bolsheviks ban factions?")
    dense = engine.dense(vector, 10, where)
    assert len(dense) == 10 and allowed[dense].all()
    exact = np.flatnonzero(allowed)[np.argsort(-(assistant.store.passage_vectors[allowed] @ vector))[:10]]
    np.testing.assert_array_equal(np.sort(dense), np.sort(exact))
    lexical = engine.lexical("party democracy factions", 10, where, dense)
    assert allowed[lexical.rows].all() and (np.diff(lexical.scores) <= 0).all()
    assert engine.matching(Where(documents=frozenset(documents)), 10 * len(ids)) is not None
    assert engine.matching(Where(documents=frozenset({"no such document"})), 10).tolist() == []


def test_top_positive_finds_the_best_when_they_recur_with_a_period() -> None:
    # copies of the best rows every 9,300 rows, as when one article is repeated through a corpus:
    # a sample taken at a fixed stride could see all of them or none
    scores = np.random.default_rng(0).random(1_000_000).astype(np.float32)
    scores[::9_300] = 10.0 + np.arange(len(scores[::9_300]))
    chosen = top_positive(scores, 200)
    np.testing.assert_array_equal(np.sort(scores[chosen]), np.sort(scores)[-200:])


def test_coded_columns_are_numpys_unique_and_shared_by_search_and_ranking(assistant: Assistant) -> None:
    values = [*(f"name-{i % 37}" for i in range(5_000, 0, -1)), "", "Łódź", "a"]
    coded = Coded(values)
    names, codes = np.unique(np.array(values, dtype=str), return_inverse=True)
    np.testing.assert_array_equal(coded.names, names)
    np.testing.assert_array_equal(coded.codes, codes)
    np.testing.assert_array_equal(coded.among(["Łódź", "name-3", "absent"]), np.isin(values, ["Łódź", "name-3"]))
    passages = assistant.store.passages
    assert passages.coded("voice") is passages.coded("voice")  # read from SQLite once
    assert len(passages.coded("speaker").codes) == len(passages)


def test_top_passages_holding_the_questions_words_side_by_side_gain_the_proximity_bonus(
    assistant: Assistant,
) -> None:
    """ "ban … factions" side by side (stop words skipped) in a top passage adds its share of the
    question's word pairs; word order is read for the top rows only, and nothing else moves."""
    question = "Why did the party ban factions?"
    settings = assistant.ranker.settings
    plain = Ranker(assistant.store, assistant.encoder, dataclasses.replace(settings, proximity_boost=0.0))
    near = Ranker(assistant.store, assistant.encoder, dataclasses.replace(settings, proximity_boost=0.2))
    before = {h.row: h.score for h in plain.rank(Query(question, k=50)).hits}
    after = {h.row: h.score for h in near.rank(Query(question, k=50)).hits}
    pairs = [("parti", "ban"), ("ban", "faction")]
    gained = 0
    for row in before.keys() & after.keys():
        words = terms(embedding_text(assistant.store.passages[row]))
        held = sum(pair in set(pairwise(words)) for pair in pairs)
        gain = after[row] - before[row]
        assert gain == pytest.approx(0.2 * held / 2, abs=1e-9) or (held and gain == 0), (row, held, gain)
        gained += after[row] > before[row]
    assert 1 <= gained <= 10
    assert near.rank(Query(question, k=1)).hits[0].row in {r for r in after if after[r] > before.get(r, after[r])}


def test_rebuttal_mode_reads_the_passage_and_its_best_sentence_by_its_weight(assistant: Assistant) -> None:
    """Moving the rebuttal sentence weight from 0 to 1 moves each passage's score by the dense
    weight times the change from its scaled passage cosine to its scaled best-sentence cosine."""
    claim = "The ban on factions was a temporary measure that the party could easily reverse."
    settings = assistant.ranker.settings
    whole, best = (
        Ranker(assistant.store, assistant.encoder, dataclasses.replace(settings, rebuttal_sentence_weight=w))
        for w in (0.0, 1.0)
    )
    everything = len(assistant.store.passages)
    before = {h.row: h.score for h in whole.rank(Query(claim, k=everything, mode=Mode.REBUTTAL)).hits}
    after = {h.row: h.score for h in best.rank(Query(claim, k=everything, mode=Mode.REBUTTAL)).hits}
    assert before.keys() == after.keys() and len(before) > 100
    rows = np.array(sorted(before))
    vector = assistant.encoder.encode_query(claim)
    dense = assistant.store.passage_vectors[rows] @ vector
    sentence = whole._best_sentences(rows, vector)
    assert (sentence > dense + 0.05).any()  # some passage has a sentence closer to the claim than the whole

    def scaled(x: np.ndarray) -> np.ndarray:  # onto [0, 1] from the lower of 0 and the least score
        low = min(0.0, float(x.min()))
        return (x - low) / (x.max() - low)

    expected = settings.rebuttal_dense_weight * (scaled(sentence) - scaled(dense))
    moved = np.array([after[r] - before[r] for r in rows])
    np.testing.assert_allclose(moved, expected, atol=1e-5)


def test_passages_holding_the_questions_numbers_gain_a_share_of_the_number_bonus(assistant: Assistant) -> None:
    """Each number the question names is worth an equal share of the bonus, to every passage whose
    text or heading holds it, whether written "2,000" or "2000"; other passages keep their score."""
    question = "what happened to the 10,000 workers between 1917 and 1921?"
    settings = dataclasses.replace(assistant.ranker.settings, proximity_boost=0.0)
    everything = len(assistant.store.passages)

    def scores(boost: float) -> dict[int, float]:
        ranker = Ranker(assistant.store, assistant.encoder, dataclasses.replace(settings, number_boost=boost))
        return {h.row: h.score for h in ranker.rank(Query(question, k=everything)).hits}

    before, after = scores(0.0), scores(0.3)
    assert before.keys() == after.keys() and len(before) > 100
    for row in before:
        held = {"10000", "1917", "1921"} & set(terms(embedding_text(assistant.store.passages[row])))
        assert after[row] - before[row] == pytest.approx(0.1 * len(held), abs=1e-6)
    shares = {round(after[row] - before[row], 3) for row in before}
    assert {0.0, 0.1, 0.2} <= shares  # passages with none, one and two of the numbers
