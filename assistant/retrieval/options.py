"""What a query may ask for: its mode and whose words may answer.

Kept apart from the ranker so the API schemas and the command line can name them without
loading the ranking machinery.
"""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    """Evidence for a question, or the author's answer to an opponent's claim."""

    EVIDENCE = "evidence"
    REBUTTAL = "rebuttal"


class VoiceFilter(StrEnum):
    """Whose words may answer: ``any`` is the prose of the document (the author's, the people it
    quotes, its editors'); note bodies and apparatus answer only when asked for by name."""

    ANY = "any"
    AUTHOR = "author"
    QUOTED = "quoted"
    EDITORIAL = "editorial"
    NOTE = "note"
    APPARATUS = "apparatus"
