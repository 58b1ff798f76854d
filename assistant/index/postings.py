"""BM25 postings summed in compiled code (numba).

A question against a million passages reads about half a million postings. numpy's indexed add
gathers, adds and scatters each term's postings in three passes with an index conversion; one
compiled loop does it in a quarter of the time, and the result is the same sum.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def accumulate(
    scores: np.ndarray,
    indices: np.ndarray,
    impacts: np.ndarray,
    indptr: np.ndarray,
    columns: np.ndarray,
    weights: np.ndarray,
) -> None:
    """Add each term column's postings of a CSC matrix (``indices``, ``impacts``, ``indptr``),
    times the term's weight, into ``scores``."""
    for at in range(len(columns)):
        column, weight = columns[at], weights[at]
        for posting in range(indptr[column], indptr[column + 1]):
            scores[indices[posting]] += weight * impacts[posting]
