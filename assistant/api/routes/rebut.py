"""POST /rebut: preparation against a whole case, claim by claim."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.api.deps import ERRORS, AssistantDep
from assistant.rebut import rebut as rebut_case
from assistant.responses import rebut_out
from assistant.schemas import RebutOut, RebutRequest

router = APIRouter(tags=["rebut"])


@router.post("/rebut", response_model=RebutOut, responses=ERRORS)
def rebut(body: RebutRequest, service: AssistantDep) -> RebutOut:
    """For each claim of an opponent's case, in order, the passages that answer it in rebuttal
    mode, the author's own words first; ``answered: false`` with the nearest ones otherwise."""
    return rebut_out(rebut_case(service, body))
