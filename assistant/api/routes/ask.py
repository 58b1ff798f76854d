"""POST /ask: the passages that answer a question."""

from __future__ import annotations

from fastapi import APIRouter, Response

from assistant.api.deps import ERRORS, ChatDep
from assistant.responses import ask_response
from assistant.schemas import AskRequest, AskResponse

router = APIRouter(tags=["ask"])


@router.post("/ask", response_model=AskResponse, responses=ERRORS)
def ask(body: AskRequest, chat: ChatDep) -> Response:
    """The passages that best answer a question, best first, with references. With a
    ``session_id``, a short reply ("and Trotsky?", "more") is read against the last question."""
    # Serialised once, here: the answer is already a validated AskResponse, and FastAPI would
    # dump, re-validate and re-encode it (a third of the request's own time on a cached question).
    return Response(ask_response(chat.ask(body)).model_dump_json(), media_type="application/json")
