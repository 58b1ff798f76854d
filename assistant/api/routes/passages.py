"""One passage, with its neighbours and its notes."""

from __future__ import annotations

from fastapi import APIRouter, Query

from assistant.api.deps import ERRORS, ChatDep
from assistant.responses import context_out
from assistant.schemas import PassageContext

router = APIRouter(tags=["passages"])


@router.get("/passages/{passage_id}", response_model=PassageContext, responses=ERRORS)
def passage(
    passage_id: str, chat: ChatDep, context: int = Query(1, ge=0, le=20, description="Neighbours each side.")
) -> PassageContext:
    """A passage with up to ``context`` neighbours on each side within its section, and its notes' texts."""
    return context_out(chat.context(passage_id, context))
