"""BM25 over passages (bm25s, the fuller English stop-word list and Snowball stemming).

The index is built once with the vectors and saved beside them; it is loaded memory-mapped, so a
million passages cost the server the postings a query touches, not the whole matrix.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS
from scipy import sparse
from tqdm import tqdm

from assistant.index.postings import accumulate
from assistant.settings import LexicalSettings

_STEMMER = Stemmer.Stemmer("english")
_STOPWORDS = frozenset(STOPWORDS_EN_PLUS)
# Words of two or more characters, as bm25s reads them; and whole a number that rule would cut up:
# "2,000" (read as 2000, like "2000") or "1.5", which would otherwise be "000" or nothing.
_TOKEN = re.compile(r"(?u)\b(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)\b(?![.,]\d)|\b\w\w+\b")
PARAMS = "params.index.json"  # bm25s' own file names, kept so bm25s can load the folder
FILES = (PARAMS, "vocab.index.json", "data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy")


def terms(text: str) -> list[str]:
    """The stemmed, stop-word-free terms BM25 sees in ``text`` (bm25s' own token rule, without
    the per-call progress-bar set-up that makes its tokenizer slow for one short text)."""
    words = [w.replace(",", "") for w in _TOKEN.findall(text.lower()) if w not in _STOPWORDS]
    return _STEMMER.stemWords(words)


@lru_cache(maxsize=16384)
def term_set(text: str) -> frozenset[str]:
    """The distinct terms of ``text``, cached: the same passages and sentences come back across
    questions, and reading their terms is most of the cost of highlighting an answer."""
    return frozenset(terms(text))


DEFAULT_LEXICAL = LexicalSettings()


class LexicalIndex:
    """BM25 scores of every passage for a query."""

    def __init__(self, bm25: bm25s.BM25 | None, size: int) -> None:
        self._bm25 = bm25
        self._size = size
        if bm25 is None:
            self._df = np.zeros(0, dtype=np.int64)
        else:
            self._indptr = np.asarray(bm25.scores["indptr"], dtype=np.int64)
            self._df = np.diff(self._indptr)  # postings per term column
            self.scores("")  # compiles the summing loop (or loads it compiled) now, not at the first question

    @classmethod
    def build(cls, texts: Iterable[str], settings: LexicalSettings, progress: bool = False) -> LexicalIndex:
        """An index over ``texts``, read once as a stream: each text is kept only as an array of
        term ids, so the texts themselves need never be in memory together."""
        vocabulary: dict[str, int] = {}
        ids = [
            np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for t in terms(text)), dtype=np.int32)
            for text in tqdm(texts, desc="Lexical index", unit="passage", disable=not progress, leave=False)
        ]
        if not ids:
            return cls(None, 0)
        bm25 = bm25s.BM25(k1=settings.k1, b=settings.b, method="lucene")
        bm25.index((ids, vocabulary), create_empty_token=False, show_progress=False)
        return cls(bm25, len(ids))

    @property
    def settings(self) -> LexicalSettings | None:
        """What the index was built with (None when it is empty, where they make no difference)."""
        return None if self._bm25 is None else LexicalSettings(k1=self._bm25.k1, b=self._bm25.b)

    def save(self, folder: Path) -> dict[str, Path]:
        """Write the index into a new temporary folder inside ``folder``; the files by name."""
        if self._bm25 is None:
            return {}
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=".lexical.", suffix=".tmp"))
        self._bm25.save(staging, show_progress=False)
        return {name: staging / name for name in FILES}

    @classmethod
    def load(cls, folder: Path, files: Iterable[str]) -> LexicalIndex:
        """The index saved in ``folder``, memory-mapped; empty when ``files`` holds none of it."""
        if PARAMS not in set(files):
            return cls(None, 0)
        bm25 = bm25s.BM25.load(folder, mmap=True)
        return cls(bm25, int(bm25.scores["num_docs"]))

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the corpus lacks weighs most."""
        column = self._bm25.vocab_dict.get(term) if self._bm25 is not None else None
        df = int(self._df[column]) if column is not None else 0
        return math.log((self._size + 1) / (df + 0.5))

    def uses(self, word: str) -> bool:
        """Whether the corpus has this word, in any case or inflection (a stopword always)."""
        stems = terms(word)
        vocabulary = self._bm25.vocab_dict if self._bm25 is not None else {}
        return all(stem in vocabulary for stem in stems)

    def containing(self, term: str) -> np.ndarray:
        """The rows of the passages that hold ``term`` (a stemmed term), ascending: bm25s keeps
        each term's postings sorted by row."""
        column = self._bm25.vocab_dict.get(term) if self._bm25 is not None else None
        if self._bm25 is None or column is None:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self._bm25.scores["indices"][self._indptr[column] : self._indptr[column + 1]])

    def query_weights(self, query: str) -> dict[int, float]:
        """The query as term ids and how often each is asked for: BM25 is the inner product of
        this with a passage's row of :meth:`passage_weights`."""
        if self._bm25 is None:
            return {}
        return {int(t): float(n) for t, n in Counter(self._bm25.get_tokens_ids(terms(query))).items()}

    def passage_weights(self, rows: slice) -> sparse.csr_matrix:
        """Each passage's BM25 weight per term id (bm25s' precomputed matrix, transposed), for an
        engine that scores BM25 as sparse vectors and so keeps this index's stemming and IDF."""
        if self._bm25 is None:
            return sparse.csr_matrix((0, 0), dtype=np.float32)
        matrix = self._bm25.scores
        shape = (self._size, len(self._indptr) - 1)
        by_term = sparse.csc_matrix((matrix["data"], matrix["indices"], self._indptr), shape=shape)
        return by_term[rows].tocsr()

    def scores(self, query: str) -> np.ndarray:
        """One BM25 score per passage (zeros when no query term is in the corpus).

        Summed from bm25s' own matrix in one compiled pass over the query terms' postings; a
        term the query repeats counts as often as it is repeated, as in bm25s."""
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        counts = Counter(self._bm25.get_tokens_ids(terms(query)))
        scores = np.zeros(self._size, dtype=np.float32)
        matrix = self._bm25.scores
        columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        weights = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        accumulate(scores, matrix["indices"], matrix["data"], self._indptr, columns, weights)
        return scores
