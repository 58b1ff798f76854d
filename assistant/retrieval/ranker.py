"""Rank passages for a question: dense and lexical candidates, fused, filtered, highlighted.

A passage's score mixes three signals measured on one scale: the cosine of the question with
the whole passage, with the passage's best sentence (a long paragraph that answers in one
sentence is not diluted by the rest), and its BM25 score relative to the best BM25 score in the
corpus. The weights and the no-answer threshold come from :class:`RankingSettings`, calibrated
on the tuning half of the development questions (``benchmarks/quality.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np

from assistant.corpus.document import Passage, Voice
from assistant.engines.base import SearchEngine, Where
from assistant.engines.local import LocalEngine
from assistant.index.coded import Coded
from assistant.index.lexical import term_set, terms
from assistant.index.store import Store
from assistant.index.text import embedding_text
from assistant.retrieval.intent import FRAME_TERMS, read_intent, speaker_matches
from assistant.retrieval.options import Mode, VoiceFilter
from assistant.retrieval.phrases import fold, phrase_matches, quoted_phrases
from assistant.retrieval.routing import Names, unknown_names, without_names
from assistant.settings import Fusion, RankingSettings
from assistant.timing import timed
from embeddings.encoder import Encoder


@dataclass(frozen=True)
class Query:
    """One question and its filters."""

    text: str
    k: int = 5
    documents: frozenset[str] | None = None
    voice: VoiceFilter = VoiceFilter.ANY
    speaker: str | None = None
    mode: Mode = Mode.EVIDENCE
    offset: int = 0
    per_document: int | None = None  # grouped: the best this many of each document that answers


@dataclass(frozen=True)
class Hit:
    """A ranked passage with its row, its score and its key sentence (document offsets)."""

    row: int
    score: float
    highlight: tuple[int, int]
    passage: Passage


@dataclass(frozen=True)
class Ranking:
    """The hits for a query, best first, and whether the best of them answers it."""

    hits: tuple[Hit, ...]
    answered: bool
    confidence: float
    coverage: float
    unknown: tuple[str, ...] = ()  # names in the question that the corpus never uses


class Ranker:
    """Scores the candidate passages of a :class:`Store` for a :class:`Query`.

    Candidates come from the search engine: every passage that passes the filters when that is
    few enough to score exactly; otherwise the union of the dense and lexical top ``candidates``.
    Everything after that (the scores, the verdict, the key sentence) is read from the store.
    """

    def __init__(
        self, store: Store, encoder: Encoder, settings: RankingSettings, engine: SearchEngine | None = None
    ) -> None:
        """``engine`` defaults to the embedded FAISS + bm25s engine over ``store``."""
        self.store = store
        self.encoder = encoder
        self.settings = settings
        self.engine: SearchEngine = engine if engine is not None else LocalEngine(store)
        voices = store.passages.coded("voice")
        self._author = voices.among([Voice.AUTHOR.value])
        # boilerplate and note bodies answer only when a query asks for them by voice
        aside = frozenset({Voice.APPARATUS.value, Voice.NOTE.value})
        present = frozenset(voices.names.tolist())
        self._spoken = present - aside if present & aside else None  # what "any voice" lets through
        self._documents = store.passages.coded("document_id")
        self._every_document = frozenset(self._documents.names.tolist())
        self._speaker_of = store.passages.coded("speaker")
        self.names = Names(store.derived.names)  # the service puts corrected citations in
        # The same words in two documents (a duplicate file, a reprint) are shown once: ids are
        # made from a passage's words, so equal digests mean equal texts.
        words = Coded(passage_id.split(":", 1)[-1].split("~")[0] for passage_id in store.passages.column("id"))
        self._words = words.codes if len(words.names) < len(store.passages) else None
        self.speakers = [str(name) for name in self._speaker_of.names if name]
        self._passage_vectors = store.passage_vectors
        self._sentence_bounds = np.searchsorted(store.sentences[:, 0], np.arange(len(store.passages) + 1))
        self._sentence_counts = np.diff(self._sentence_bounds)
        self._adjacent_terms = lru_cache(maxsize=4096)(self._read_adjacent_terms)

    def _where(self, query: Query) -> Where:
        """The hard filters of the query (documents, voice, speaker), for the engine to apply."""
        voices = self._spoken if query.voice is VoiceFilter.ANY else frozenset({query.voice.value})
        speakers = frozenset(self._speakers_like(query.speaker)) if query.speaker else None
        return Where(documents=query.documents, voices=voices, speakers=speakers)

    def _speakers_like(self, wanted: str) -> list[str]:
        return [name for name in self.speakers if speaker_matches(wanted, name)]

    def _speaking(self, wanted: str) -> np.ndarray:
        return self._speaker_of.among(self._speakers_like(wanted))

    def _candidates(
        self, query: Query, topic: str, question_vector: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, float]:
        """The rows to score, the BM25 scores of ``topic`` (the question without the names that
        route it), and the best BM25 score among the passages that may answer (read off the BM25
        top rows when there are candidates)."""
        limit, where = self.settings.candidates, self._where(query)
        rows = self.engine.matching(where, 10 * limit)
        if rows is not None:
            bm25 = self.engine.lexical(topic, 0, where, rows).scored
            return rows, bm25, float(bm25.max(initial=0.0))
        dense = self.engine.dense(question_vector, limit, where)
        lexical = self.engine.lexical(topic, limit, where, dense)
        rows, first = np.unique(np.concatenate([lexical.rows, dense]), return_index=True)
        bm25 = np.concatenate([lexical.scores, lexical.scored])[first]
        return rows, bm25, float(lexical.scores.max(initial=0.0))

    def _best_sentences(self, rows: np.ndarray, question_vector: np.ndarray) -> np.ndarray:
        """Each row's best sentence cosine: in one pass over all sentences when the rows are most
        of the corpus, else from one gather of the rows' own sentences."""
        if 2 * len(rows) >= len(self.store.passages):
            every = self.store.sentence_vectors @ question_vector
            return np.maximum.reduceat(every, self._sentence_bounds[:-1])[rows]
        lo, counts = self._sentence_bounds[rows], self._sentence_counts[rows]
        firsts = np.cumsum(counts) - counts
        sentences = np.repeat(lo - firsts, counts) + np.arange(counts.sum())
        scores = self.store.sentence_vectors[sentences] @ question_vector
        best = np.full(len(rows), -1.0, dtype=np.float32)
        some = counts > 0
        if some.any():
            best[some] = np.maximum.reduceat(scores, firsts[some])
        return best

    def _sentence_scores(self, row: int, question_vector: np.ndarray) -> np.ndarray:
        lo, hi = self._sentence_bounds[row], self._sentence_bounds[row + 1]
        return self.store.sentence_vectors[lo:hi] @ question_vector

    def rank(self, query: Query, question_vector: np.ndarray | None = None) -> Ranking:
        """The top ``query.k`` passages after ``query.offset``, and the answered verdict
        (``question_vector`` when the question was already encoded, as in batch evaluation)."""
        s = self.settings
        routed, naming = self.names.find(query.text) if s.route_boost else (frozenset(), ())
        topic = without_names(query.text, naming)  # the words of the question that are its topic
        unnamed = bool(s.named_topic_weight) and topic != query.text and self._narrows(routed, query.documents)
        with timed("encode"):
            if question_vector is None:
                texts = [query.text, topic] if unnamed else [query.text]
                question_vector, *topic_vector = self.encoder.encode_queries(texts)  # one model call
            elif unnamed:
                topic_vector = [self.encoder.encode_query(topic)]
            if unnamed:
                question_vector = _blend(question_vector, topic_vector[0], s.named_topic_weight)
        with timed("rank"):
            return self._rank(query, question_vector, routed, naming)

    def _narrows(self, routed: frozenset[str], documents: frozenset[str] | None) -> bool:
        """Whether the works a question names are fewer than the works it is asked of: then the
        names say where to look (the routing boost), and the vector need not look for them too."""
        scope = self._every_document if documents is None else documents
        return bool(routed) and bool(scope - routed)

    def _rank(
        self, query: Query, question_vector: np.ndarray, routed: frozenset[str], naming: tuple[str, ...]
    ) -> Ranking:
        s = self.settings
        topic = without_names(query.text, naming)
        with timed("search"):
            rows, bm25, best_bm25 = self._candidates(query, topic, question_vector)
        vectors = self._passage_vectors[rows]
        dense = vectors @ question_vector
        sentence_best = self._best_sentences(rows, question_vector)
        bm25_norm = bm25 / best_bm25 if best_bm25 > 0 else bm25

        if s.fusion is Fusion.RRF and s.dense and s.lexical:
            score = _rrf(dense, s.rrf_k) + _rrf(bm25, s.rrf_k)
        elif query.mode is Mode.REBUTTAL and s.dense and s.lexical:
            # A claim is long and argumentative: its meaning weighs more than its words, each scaled
            # to its own range (the weight measured on ArguAna's tuning half). The answer is often one
            # sentence of a long paragraph, so the meaning is the passage's and its best sentence's.
            meaning = (1 - s.rebuttal_sentence_weight) * dense + s.rebuttal_sentence_weight * sentence_best
            score = s.rebuttal_dense_weight * _min_max(meaning) + (1 - s.rebuttal_dense_weight) * _min_max(bm25)
        else:
            score = np.zeros(len(rows)) + ((s.lexical_weight * bm25_norm if s.dense else bm25) if s.lexical else 0.0)
            if s.dense:
                first = s.passage_weight * dense + s.sentence_weight * sentence_best + score
                moved = self._feedback(question_vector, vectors, first)
                score += s.passage_weight * (vectors @ moved) + s.sentence_weight * sentence_best
        intent = read_intent(query.text, self.speakers)
        author = self._author[rows]
        # Naming a work or its author asks for the work's own words, not an editor's introduction.
        if intent.wants_author or routed or query.mode is Mode.REBUTTAL:
            score += np.where(author, s.voice_boost, -s.voice_boost)
        if intent.speaker:
            boost = s.speaker_boost * (2 if intent.wants_words else 1)
            score += boost * self._speaking(intent.speaker)[rows]
        if routed:
            score += s.route_boost * self._documents.among(routed)[rows]
        # A phrase in quotation marks is what an evidence question looks for; inside an
        # opponent's claim it is usually a citation, and matching it would outrank the answer.
        phrases = quoted_phrases(query.text) if query.mode is Mode.EVIDENCE and s.phrase_boost else []
        matched = phrase_matches(phrases, [p.text for p in self.store.passages.many(rows)]) if phrases else {}
        for i, strength in matched.items():
            score[i] += s.phrase_boost * strength

        if query.mode is Mode.EVIDENCE and s.proximity_boost:
            self._add_proximity(score, rows, topic)
        if query.mode is Mode.EVIDENCE and s.number_boost:
            self._add_numbers(score, rows, topic)
        order = np.argsort(-score, kind="stable")
        if self._words is not None:
            _, first = np.unique(self._words[rows[order]], return_index=True)
            order = order[np.sort(first)]
        if query.mode is Mode.REBUTTAL:
            order = np.concatenate([order[author[order]], order[~author[order]]])

        topic_words = self._topic(topic)
        # An opponent's claim may name what the sources never mention and still be answered by them.
        unknown = unknown_names(query.text, naming, self.store.lexical.uses) if query.mode is Mode.EVIDENCE else ()

        def verdict(ranked: np.ndarray) -> tuple[bool, float, float]:
            """Whether the best of ``ranked`` answers, with its confidence and topic coverage."""
            if not len(ranked):
                return False, 0.0, 0.0
            top = int(ranked[0])
            # A rebuttal comes first for answering the claim, not for being closest to it: whether
            # the sources speak to the claim is read off the closest of the three that coverage reads.
            judged = ranked[:3] if query.mode is Mode.REBUTTAL else ranked[:1]
            confidence = float(np.maximum(dense[judged], sentence_best[judged]).max())
            coverage = max(self._coverage(topic_words, int(rows[i])) for i in ranked[:3])
            answered = matched.get(top, 0.0) >= 2.0 or (
                not unknown
                and (
                    confidence >= s.answer_threshold
                    or (coverage >= s.coverage_min and confidence >= s.covered_threshold)
                )
            )
            return answered, confidence, coverage

        answered, confidence, coverage = verdict(order)
        if query.per_document and answered:
            grouped = self._by_document(order, rows, query.per_document, lambda ranked: verdict(ranked)[0])
            order, answered = (grouped, True) if len(grouped) else (order, False)
        shown = order[query.offset : query.offset + query.k]
        with timed("read"):
            passages = self.store.passages.many(int(rows[i]) for i in shown)
            wanted = term_set(topic)
            highlight = self._highlight
            hits = tuple(
                Hit(int(rows[i]), float(score[i]), highlight(int(rows[i]), p, question_vector, wanted, phrases), p)
                for i, p in zip(shown, passages, strict=True)
            )
        return Ranking(hits=hits, answered=answered, confidence=confidence, coverage=coverage, unknown=unknown)

    def _by_document(
        self, order: np.ndarray, rows: np.ndarray, per_document: int, answers: Callable[[np.ndarray], bool]
    ) -> np.ndarray:
        """The best ``per_document`` passages of each document, documents in the order of their
        best passage; a document whose own best passages do not answer is left out, so "what do
        my sources say" lists only the sources that say something."""
        groups: dict[int, list[int]] = {}
        for i in order.tolist():
            group = groups.setdefault(int(self._documents.codes[rows[i]]), [])
            if len(group) < max(per_document, 3):  # three to judge coverage by, as for the whole list
                group.append(i)
        kept = [group[:per_document] for group in groups.values() if answers(np.array(group))]
        return np.array([i for group in kept for i in group], dtype=np.int64)

    def _feedback(self, question_vector: np.ndarray, vectors: np.ndarray, first: np.ndarray) -> np.ndarray:
        """The question moved toward its best first-round passages (Rocchio pseudo-relevance
        feedback): a question worded unlike the article borrows the article's own words."""
        if self.settings.feedback_weight <= 0 or not len(first):
            return question_vector
        top = np.argsort(-first)[: self.settings.feedback_depth]
        moved = question_vector + self.settings.feedback_weight * vectors[top].mean(axis=0)
        return moved / np.linalg.norm(moved)

    def _add_proximity(self, score: np.ndarray, rows: np.ndarray, topic: str) -> None:
        """Raise the best ``_PROXIMATE`` rows by the share of the question's adjacent topic-word
        pairs ("ban … factions", "harm principle") that they hold side by side: BM25 and the
        vectors miss word order. Only a row holding both words of a pair (read off the BM25
        postings) has its words read."""
        words = [t for t in terms(topic) if t not in FRAME_TERMS]
        pairs = list(dict.fromkeys(pairwise(words)))
        if not pairs:
            return
        lexical = self.store.lexical
        postings = {word: lexical.containing(word) for word in words}
        for i in np.argsort(-score)[:_PROXIMATE].tolist():
            row = int(rows[i])
            held = [pair for pair in pairs if _holds(postings[pair[0]], row) and _holds(postings[pair[1]], row)]
            if held:
                adjacent = self._adjacent_terms(row)
                score[i] += self.settings.proximity_boost * sum(pair in adjacent for pair in held) / len(pairs)

    def _add_numbers(self, score: np.ndarray, rows: np.ndarray, topic: str) -> None:
        """Raise the rows that hold the numbers of the question ("the 2002 law", "£9,535"), a share
        of the boost for each: a number is asked for exactly, and the vectors read it loosely."""
        numbers = list(dict.fromkeys(t for t in terms(topic) if _NUMBER.fullmatch(t)))
        for number in numbers:
            held = np.isin(rows, self.store.lexical.containing(number), assume_unique=True)
            score += self.settings.number_boost / len(numbers) * held

    def _read_adjacent_terms(self, row: int) -> frozenset[tuple[str, str]]:
        """The pairs of terms side by side in a passage (stop words skipped, as BM25 reads it)."""
        words = terms(embedding_text(self.store.passages[row]))
        return frozenset(pairwise(words))

    def _topic(self, question: str) -> list[tuple[float, np.ndarray]]:
        """The question's topic words (not the words that frame it): each one's idf, and the rows
        of the passages that hold it, from the BM25 index (no passage is read again)."""
        lexical = self.store.lexical
        return [(lexical.idf(t), lexical.containing(t)) for t in dict.fromkeys(terms(question)) if t not in FRAME_TERMS]

    def _coverage(self, topic: list[tuple[float, np.ndarray]], row: int) -> float:
        """The idf-weighted share of the question's topic words that a passage contains."""
        if not topic:
            return 0.0
        held = sum(idf for idf, rows in topic if _holds(rows, row))
        return held / sum(idf for idf, _ in topic)

    def _highlight(
        self, row: int, passage: Passage, question_vector: np.ndarray, wanted: frozenset[str], phrases: list[str]
    ) -> tuple[int, int]:
        """The sentence that best answers: the quoted phrase's sentence, else the closest one."""
        lo, hi = self._sentence_bounds[row], self._sentence_bounds[row + 1]
        spans = self.store.sentences[lo:hi, 1:]
        best, best_score = 0, -np.inf
        scores = self._sentence_scores(row, question_vector).tolist()
        # Word overlap adds at most _OVERLAP: without a quoted phrase, a sentence further than that
        # below the closest one cannot win, and its words need not be read.
        reach = max(scores, default=0.0) - _OVERLAP if not phrases else -np.inf
        for i, (score, (start, end)) in enumerate(zip(scores, spans.tolist(), strict=True)):
            if score < reach:
                continue
            sentence = passage.text[start - passage.start : end - passage.start]
            overlap = len(wanted & term_set(sentence)) / len(wanted) if wanted else 0.0
            bonus = 1.0 if any(fold(p) in fold(sentence) for p in phrases) else 0.0
            total = score + _OVERLAP * overlap + bonus
            if total > best_score:
                best, best_score = i, total
        start, end = spans[best]
        return int(start), int(end)


_NUMBER = re.compile(r"\d+(?:\.\d+)?")  # a number as BM25 reads it: "2,000" is "2000"
_PROXIMATE = 5  # the top rows whose word order is read: mostly the rows an answer shows anyway
_OVERLAP = 0.2  # what the question's words in a sentence add to its cosine, at most, for the key sentence


def _holds(ascending: np.ndarray, row: int) -> bool:
    at = int(np.searchsorted(ascending, row))
    return at < len(ascending) and int(ascending[at]) == row


def _blend(question: np.ndarray, topic: np.ndarray, weight: float) -> np.ndarray:
    mixed = (1 - weight) * question + weight * topic
    return (mixed / np.linalg.norm(mixed)).astype(np.float32)


def _min_max(scores: np.ndarray) -> np.ndarray:
    low, high = scores.min(initial=0.0), scores.max(initial=0.0)
    return (scores - low) / (high - low) if high > low else np.zeros_like(scores)


def _rrf(scores: np.ndarray, k: int) -> np.ndarray:
    ranks = np.empty(len(scores))
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return 1.0 / (k + ranks)
