"""BM25 over passages (bm25s, the fuller English stop-word list and Snowball stemming)."""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

_STEMMER = Stemmer.Stemmer("english")
_STOPWORDS = list(STOPWORDS_EN_PLUS)


def terms(text: str) -> list[str]:
    """The stemmed, stop-word-free terms BM25 sees in ``text``."""
    return bm25s.tokenize([text], stopwords=_STOPWORDS, stemmer=_STEMMER, return_ids=False, show_progress=False)[0]


class LexicalIndex:
    """BM25 scores of every passage for a query."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._size = len(texts)
        self._bm25 = bm25s.BM25()
        if texts:
            tokens = bm25s.tokenize(list(texts), stopwords=_STOPWORDS, stemmer=_STEMMER, show_progress=False)
            self._bm25.index(tokens, show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        """One BM25 score per passage (zeros when no query term is in the corpus)."""
        query_terms = terms(query)
        if not self._size or not query_terms:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(query_terms), dtype=np.float32)
