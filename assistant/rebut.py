"""Preparation against a whole case: each of an opponent's claims answered in rebuttal mode.

A claim is asked like a question in rebuttal mode, with the case's filters. Rebuttal mode ranks
the author's own words first, since a debater answers a claim with the author's argument before
the voices the author quotes.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.retrieval.options import Mode
from assistant.schemas import AskRequest, RebutRequest
from assistant.service import Answer, Assistant


@dataclass(frozen=True)
class Rebuttal:
    """One claim of a case and its answer (``answered: false`` with the nearest passages)."""

    claim: str
    answer: Answer


def rebut(assistant: Assistant, request: RebutRequest) -> tuple[Rebuttal, ...]:
    """Every claim of ``request`` answered in turn, in the order given."""
    filters = request.model_dump(exclude={"claims"}, exclude_none=True)  # k, collection, documents
    return tuple(
        Rebuttal(claim, assistant.answer(AskRequest(question=claim, mode=Mode.REBUTTAL, **filters)))
        for claim in request.claims
    )
