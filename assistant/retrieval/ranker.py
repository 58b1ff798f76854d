"""Rank passages for a question: dense and lexical candidates, fused, filtered, highlighted.

A passage's score mixes three signals measured on one scale: the cosine of the question with
the whole passage, with the passage's best sentence (a long paragraph that answers in one
sentence is not diluted by the rest), and its BM25 score relative to the best BM25 score in the
corpus. The weights and the no-answer threshold come from :class:`RankingSettings`, calibrated
on the tuning half of the development questions (``benchmarks/quality.py``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from assistant.corpus.document import Passage, Voice
from assistant.retrieval.intent import FRAME_TERMS, read_intent, speaker_matches
from assistant.retrieval.lexical import LexicalIndex, terms
from assistant.retrieval.phrases import fold, phrase_matches, quoted_phrases
from assistant.store import Store, embedding_text
from embeddings.encoder import Encoder


class Mode(StrEnum):
    """Evidence for a question, or the author's answer to an opponent's claim."""

    EVIDENCE = "evidence"
    REBUTTAL = "rebuttal"


class VoiceFilter(StrEnum):
    """Whose words may answer."""

    ANY = "any"
    AUTHOR = "author"
    QUOTED = "quoted"


class Fusion(StrEnum):
    """How dense and lexical evidence are combined."""

    WEIGHTED = "weighted"
    RRF = "rrf"


@dataclass(frozen=True)
class RankingSettings:
    """The knobs of ranking; :class:`assistant.settings.Settings` documents and defaults them."""

    dense: bool
    lexical: bool
    fusion: Fusion
    passage_weight: float
    sentence_weight: float
    lexical_weight: float
    feedback_weight: float
    feedback_depth: int
    voice_boost: float
    speaker_boost: float
    rrf_k: int
    answer_threshold: float
    covered_threshold: float
    coverage_min: float


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


@dataclass(frozen=True)
class Hit:
    """A ranked passage row with its key sentence (document offsets)."""

    row: int
    score: float
    highlight: tuple[int, int]


@dataclass(frozen=True)
class Ranking:
    """The hits for a query, best first, and whether the best of them answers it."""

    hits: tuple[Hit, ...]
    answered: bool
    confidence: float
    coverage: float


class Ranker:
    """Scores every candidate passage of a :class:`Store` for a :class:`Query`."""

    def __init__(self, store: Store, encoder: Encoder, settings: RankingSettings) -> None:
        self.store = store
        self.encoder = encoder
        self.settings = settings
        self._lexical = LexicalIndex([embedding_text(p) for p in store.passages])
        self._texts = [p.text for p in store.passages]
        self._voices = np.array([p.voice is Voice.AUTHOR for p in store.passages])
        self._speakers = sorted({p.speaker for p in store.passages if p.speaker})
        self._passage_vectors = store.vectors.reconstruct_all()
        self._terms = [frozenset(terms(embedding_text(p))) for p in store.passages]
        self._df = Counter(t for passage_terms in self._terms for t in passage_terms)
        first = np.searchsorted(store.sentences[:, 0], np.arange(len(store.passages) + 1))
        self._sentence_bounds = first

    def _allowed(self, query: Query) -> np.ndarray:
        """Rows that pass the hard filters of the query (documents, voice, speaker)."""
        return np.array([self._passes(p, query) for p in self.store.passages], dtype=bool)

    @staticmethod
    def _passes(passage: Passage, query: Query) -> bool:
        if query.documents is not None and passage.document_id not in query.documents:
            return False
        if query.voice is not VoiceFilter.ANY and passage.voice.value != query.voice.value:
            return False
        return not query.speaker or speaker_matches(query.speaker, passage.speaker)

    def _sentence_scores(self, row: int, question_vector: np.ndarray) -> np.ndarray:
        lo, hi = self._sentence_bounds[row], self._sentence_bounds[row + 1]
        return self.store.sentence_vectors[lo:hi] @ question_vector

    def rank(self, query: Query) -> Ranking:
        """The top ``query.k`` passages after ``query.offset``, and the answered verdict."""
        s = self.settings
        n = len(self.store.passages)
        allowed = self._allowed(query)
        question_vector = self.encoder.encode_query(query.text)
        dense = self._passage_vectors @ question_vector
        sentence_best = np.maximum.reduceat(self.store.sentence_vectors @ question_vector, self._sentence_bounds[:-1])
        bm25 = self._lexical.scores(query.text)
        bm25_norm = bm25 / bm25.max() if bm25.max() > 0 else bm25

        if s.fusion is Fusion.RRF and s.dense and s.lexical:
            score = _rrf(dense, s.rrf_k) + _rrf(bm25, s.rrf_k)
        else:
            lexical = s.lexical_weight * bm25_norm if s.dense else bm25
            score = np.zeros(n) + (lexical if s.lexical else 0.0)
            if s.dense:
                first = s.passage_weight * dense + s.sentence_weight * sentence_best + score
                score += s.passage_weight * self._feedback(question_vector, first) + s.sentence_weight * sentence_best
        intent = read_intent(query.text, self._speakers)
        if intent.wants_author or query.mode is Mode.REBUTTAL:
            score += np.where(self._voices, s.voice_boost, -s.voice_boost)
        if intent.speaker:
            boost = s.speaker_boost * (2 if intent.wants_words else 1)
            score += boost * np.array([speaker_matches(intent.speaker, p.speaker) for p in self.store.passages])
        phrases = quoted_phrases(query.text)
        for row, strength in phrase_matches(phrases, self._texts).items():
            score[row] += 10.0 * strength
        score = np.where(allowed, score, -np.inf)

        order = [int(r) for r in np.argsort(-score, kind="stable") if np.isfinite(score[r])]
        if query.mode is Mode.REBUTTAL:
            order = [r for r in order if self._voices[r]] + [r for r in order if not self._voices[r]]
        confidence = float(max(dense[order[0]], sentence_best[order[0]])) if order else 0.0
        coverage = max((self._coverage(query.text, r) for r in order[:3]), default=0.0)
        answered = bool(order) and (
            confidence >= s.answer_threshold
            or (coverage >= s.coverage_min and confidence >= s.covered_threshold)
            or bool(phrases and score[order[0]] >= 20)
        )
        page = order[query.offset : query.offset + query.k]
        hits = tuple(
            Hit(row, float(score[row]), self._highlight(row, question_vector, query.text, phrases)) for row in page
        )
        return Ranking(hits=hits, answered=answered, confidence=confidence, coverage=coverage)

    def _feedback(self, question_vector: np.ndarray, first: np.ndarray) -> np.ndarray:
        """Passage cosines for the question moved toward its best first-round passages (Rocchio
        pseudo-relevance feedback): a question worded unlike the article borrows the article's words."""
        if self.settings.feedback_weight <= 0:
            return self._passage_vectors @ question_vector
        top = np.argsort(-first)[: self.settings.feedback_depth]
        moved = question_vector + self.settings.feedback_weight * self._passage_vectors[top].mean(axis=0)
        return self._passage_vectors @ (moved / np.linalg.norm(moved))

    def _coverage(self, question: str, row: int) -> float:
        """The idf-weighted share of the question's topic words that a passage contains."""
        wanted = [t for t in dict.fromkeys(terms(question)) if t not in FRAME_TERMS]
        if not wanted:
            return 0.0
        n = len(self._terms)
        idf = {t: math.log((n + 1) / (self._df.get(t, 0) + 0.5)) for t in wanted}
        return sum(idf[t] for t in wanted if t in self._terms[row]) / sum(idf.values())

    def _highlight(self, row: int, question_vector: np.ndarray, question: str, phrases: list[str]) -> tuple[int, int]:
        """The sentence that best answers: the quoted phrase's sentence, else the closest one."""
        lo, hi = self._sentence_bounds[row], self._sentence_bounds[row + 1]
        spans = self.store.sentences[lo:hi, 1:]
        text = self.store.documents[self.store.passages[row].document_id].text
        wanted = set(terms(question))
        best, best_score = 0, -np.inf
        for i, (score, (start, end)) in enumerate(zip(self._sentence_scores(row, question_vector), spans, strict=True)):
            sentence = text[start:end]
            overlap = len(wanted & set(terms(sentence))) / len(wanted) if wanted else 0.0
            bonus = 1.0 if any(fold(p) in fold(sentence) for p in phrases) else 0.0
            total = float(score) + 0.2 * overlap + bonus
            if total > best_score:
                best, best_score = i, total
        start, end = spans[best]
        return int(start), int(end)


def _rrf(scores: np.ndarray, k: int) -> np.ndarray:
    ranks = np.empty(len(scores))
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return 1.0 / (k + ranks)
