"""BM25 over passages (bm25s, the fuller English stop-word list and Snowball stemming)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

_STEMMER = Stemmer.Stemmer("english")
_STOPWORDS = frozenset(STOPWORDS_EN_PLUS)
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def terms(text: str) -> list[str]:
    """The stemmed, stop-word-free terms BM25 sees in ``text`` (bm25s' own token rule, without
    the per-call progress-bar set-up that makes its tokenizer slow for one short text)."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in _STOPWORDS]
    return _STEMMER.stemWords(words)


class LexicalIndex:
    """BM25 scores of every passage for a query."""

    def __init__(self, texts: Sequence[str], k1: float = 1.5, b: float = 0.75) -> None:
        self._size = len(texts)
        self._bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        self._df: Counter[str] = Counter()
        if texts:
            tokens = [terms(text) for text in texts]
            self._bm25.index(tokens, show_progress=False)
            self._df = Counter(t for passage_terms in tokens for t in set(passage_terms))

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the corpus lacks weighs most."""
        return math.log((self._size + 1) / (self._df.get(term, 0) + 0.5))

    def scores(self, query: str) -> np.ndarray:
        """One BM25 score per passage (zeros when no query term is in the corpus)."""
        query_terms = terms(query)
        if not self._size or not query_terms:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(query_terms), dtype=np.float32)
