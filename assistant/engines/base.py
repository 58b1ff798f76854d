"""What retrieval asks of a search engine, and the filter it pushes down.

Rows are the rows of the built index (passage ``i`` of the store is row ``i``): every engine is
built from one store and answers in its rows, so the rescoring above it stays one code path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Where:
    """Which passages may answer: None in a field lets every value through."""

    documents: frozenset[str] | None = None  # document ids
    voices: frozenset[str] | None = None  # Voice values
    speakers: frozenset[str] | None = None  # speaker names, as the passages store them

    @property
    def everything(self) -> bool:
        return self.documents is None and self.voices is None and self.speakers is None


@dataclass(frozen=True)
class Lexical:
    """The BM25 top rows of a question among the rows that pass the filter, best first, their
    scores, and the scores of the other rows the caller asked about (zero where no term matches)."""

    rows: np.ndarray
    scores: np.ndarray
    scored: np.ndarray


class SearchEngine(Protocol):
    """Dense and lexical candidates for a question; the engine applies the filter itself."""

    kind: str

    def matching(self, where: Where, limit: int) -> np.ndarray | None:
        """Every row that passes ``where``, in order, when at most ``limit`` do; else None."""
        ...

    def dense(self, vector: np.ndarray, k: int, where: Where) -> np.ndarray:
        """The rows of the ``k`` passages nearest ``vector`` (inner product) that pass ``where``."""
        ...

    def lexical(self, query: str, k: int, where: Where, score: np.ndarray) -> Lexical:
        """The BM25 top ``k`` of ``query`` that pass ``where``, and the BM25 scores of ``score``."""
        ...

    def close(self) -> None:
        """Let go of files and connections."""
        ...
