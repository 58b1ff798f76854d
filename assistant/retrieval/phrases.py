"""Exact and near-exact phrase matching, for questions that quote the text they look for."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

_QUOTED = re.compile(r"[\"“”«»]([^\"“”«»]{3,}?)[\"“”«»]|(?<!\w)['‘]([^'‘’]{3,}?)['’](?!\w)")
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u2060": ""})
_SPACE = re.compile(r"\s+")
MIN_PHRASE_WORDS = 2
FUZZY_MIN = 90.0


def fold(text: str) -> str:
    """Case, quote style, dashes and spacing folded away, so that typed phrases match print."""
    return _SPACE.sub(" ", text.translate(_FOLD).casefold()).strip()


def quoted_phrases(question: str) -> list[str]:
    """The phrases a question puts in quotation marks (two words or more)."""
    phrases = [m.group(1) or m.group(2) for m in _QUOTED.finditer(question)]
    return [p.strip() for p in phrases if len(p.split()) >= MIN_PHRASE_WORDS]


def phrase_matches(phrases: Sequence[str], texts: Sequence[str]) -> dict[int, float]:
    """Rows whose text holds a phrase: 2.0 for an exact match, 1.0 + similarity for a fuzzy one."""
    matches: dict[int, float] = {}
    folded_phrases = [fold(p) for p in phrases]
    for row, text in enumerate(texts):
        folded = fold(text)
        for phrase in folded_phrases:
            if phrase in folded:
                matches[row] = 2.0
                break
            similarity = fuzz.partial_ratio(phrase, folded, score_cutoff=FUZZY_MIN)
            if similarity:
                matches[row] = max(matches.get(row, 0.0), 1.0 + similarity / 100.0)
    return matches
