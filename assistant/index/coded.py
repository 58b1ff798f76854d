"""A column of names as small integer codes: the row filters of search and ranking."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


class Coded:
    """Names stored once, sorted, and a code per row into them; coded through a dictionary,
    which is several times faster than sorting a million strings."""

    def __init__(self, values: Iterable[str]) -> None:
        index: dict[str, int] = {}
        seen = np.fromiter((index.setdefault(value, len(index)) for value in values), dtype=np.int64)
        names = np.array(list(index), dtype=str)
        order = np.argsort(names, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        self.names = names[order]
        self.codes = rank[seen]

    def among(self, wanted: Iterable[str]) -> np.ndarray:
        """Rows whose name is one of ``wanted``."""
        return np.isin(self.codes, np.flatnonzero(np.isin(self.names, list(wanted))))
