"""The embedded engine: FAISS for the dense top-k, bm25s' matrix for BM25, filters as row masks.

A filter becomes a boolean mask over the rows, read from the store's own columns; FAISS applies
it inside the search (an id selector), so a filtered question still gets ``k`` passages that pass.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from assistant.engines.base import Lexical, Where
from assistant.index.lexical import LexicalIndex
from assistant.index.store import Store
from assistant.index.text import embedding_text
from assistant.settings import LexicalSettings


class LocalEngine:
    """Search over one :class:`Store` in this process."""

    kind = "faiss"

    def __init__(self, store: Store, lexical: LexicalSettings | None = None) -> None:
        """``lexical`` asks for other BM25 parameters than the index was built with (evaluation
        runs compare them); the BM25 index is then built again in memory."""
        self.store = store
        if lexical is None or store.lexical.settings in (None, lexical):
            self.bm25 = store.lexical
        else:
            self.bm25 = LexicalIndex.build((embedding_text(p) for p in store.passages), lexical)
        self._voices = store.passages.coded("voice")
        self._documents = store.passages.coded("document_id")
        self._speakers = store.passages.coded("speaker")
        # The matching rows, the dense and the lexical search of one question share its filter,
        # and most questions have the same one ("any voice"): a mask is made once, not per call.
        self._masks = lru_cache(maxsize=8)(self._mask)

    def mask(self, where: Where) -> np.ndarray | None:
        """The rows that pass ``where`` as a read-only boolean mask; None when every row does."""
        return None if where.everything else self._masks(where)

    def _mask(self, where: Where) -> np.ndarray:
        allowed = np.ones(len(self.store.passages), dtype=bool)
        for column, wanted in (
            (self._documents, where.documents),
            (self._voices, where.voices),
            (self._speakers, where.speakers),
        ):
            if wanted is not None:
                allowed &= column.among(wanted)
        allowed.flags.writeable = False
        return allowed

    def matching(self, where: Where, limit: int) -> np.ndarray | None:
        allowed = self.mask(where)
        count = len(self.store.passages) if allowed is None else int(allowed.sum())
        if count > limit:
            return None
        return np.arange(count) if allowed is None else np.flatnonzero(allowed)

    def dense(self, vector: np.ndarray, k: int, where: Where) -> np.ndarray:
        _, rows = self.store.vectors.search(vector, k, self.mask(where))
        return rows[0][rows[0] >= 0]

    def lexical(self, query: str, k: int, where: Where, score: np.ndarray) -> Lexical:
        scores = self.bm25.scores(query)
        allowed = self.mask(where)
        candidates = scores if allowed is None else np.where(allowed, scores, 0)
        top = top_positive(candidates, k) if k else np.zeros(0, dtype=np.int64)
        top = top[np.argsort(-scores[top], kind="stable")]
        return Lexical(rows=top, scores=scores[top], scored=scores[score])

    def close(self) -> None:
        """Nothing to let go of: the store's files are memory-mapped and closed with it."""


def top_positive(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the ``k`` highest positive scores, in no order.

    On a large array a threshold read off a fixed random sample of the scores narrows the search
    to a few hundred rows; when at least ``k`` rows reach it the top ``k`` are among them, so the
    result is exact, in a fraction of the time. Should too few reach it, the threshold is lowered;
    when it reaches zero the search is among the positive rows, which are then few."""
    if len(scores) >= 100 * k:
        sample = scores[_sample_rows(len(scores))]
        expected = 2 * k  # rows above the threshold, on average
        while expected < len(scores):
            rank = len(sample) - max(1, expected * len(sample) // len(scores))
            threshold = np.partition(sample, rank)[rank]
            if threshold <= 0:
                break
            rows = np.flatnonzero(scores >= threshold)
            if len(rows) >= k:
                return rows[np.argpartition(-scores[rows], k - 1)[:k]]
            expected *= 4
    rows = np.flatnonzero(scores > 0)
    return rows[np.argpartition(-scores[rows], k - 1)[:k]] if len(rows) > k else rows


@lru_cache(maxsize=4)
def _sample_rows(size: int) -> np.ndarray:
    """8,192 rows drawn at random, fixed per size: random, so that no periodic pattern in the
    corpus (copies of one document every n rows) can hide the best scores from the sample."""
    return np.sort(np.random.default_rng(size).choice(size, min(size, 8192), replace=False))
