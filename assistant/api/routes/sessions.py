"""Conversations, the cards made from their passages, and their current briefs."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from assistant.api.deps import ERRORS, ChatDep, SessionId
from assistant.api.routes.briefs import DOCX, LIMITED, MARKDOWN, download
from assistant.schemas import BriefOut, CardOut, CardRequest, OpenBriefRequest, SessionOut

router = APIRouter(tags=["sessions"])


@router.post("/sessions", response_model=SessionOut, status_code=201, responses=LIMITED)
def start(request: Request, chat: ChatDep) -> SessionOut:
    """A new conversation and its brief; pass its ``session_id`` to /ask so that follow-ups are
    understood. Refused (429) when the store, or this client address, holds its limit of open ones."""
    return chat.start(request.client.host if request.client else None)


@router.post("/cards", response_model=CardOut, responses=ERRORS)
def card(body: CardRequest, chat: ChatDep) -> CardOut:
    """A debate card of a passage, to copy: tag, short and full cite, the passage verbatim."""
    return chat.card(body)


@router.get("/sessions/{session_id}/brief", response_model=BriefOut, responses=ERRORS)
def brief(session_id: SessionId, chat: ChatDep) -> BriefOut:
    """The conversation's current brief."""
    return chat.brief(session_id)


@router.post("/sessions/{session_id}/brief", response_model=BriefOut, status_code=201, responses=ERRORS)
def add_card(session_id: SessionId, body: CardRequest, chat: ChatDep) -> BriefOut:
    """Add a card of a passage to the conversation's current brief."""
    return chat.add_card(session_id, body)


@router.post("/sessions/{session_id}/brief/open", response_model=BriefOut, responses=ERRORS)
def open_brief(session_id: SessionId, body: OpenBriefRequest, chat: ChatDep) -> BriefOut:
    """Make a named brief the conversation's current one."""
    return chat.open_brief(session_id, body.brief_id)


@router.delete("/sessions/{session_id}/brief/{card_id}", response_model=BriefOut, responses=ERRORS)
def remove_card(session_id: SessionId, card_id: int, chat: ChatDep) -> BriefOut:
    return chat.remove_card(session_id, card_id)


@router.get("/sessions/{session_id}/brief.md", response_class=Response, responses=ERRORS)
def brief_markdown(session_id: SessionId, chat: ChatDep) -> Response:
    """The current brief as Markdown."""
    return download(chat.export_markdown(session_id).encode(), MARKDOWN, "brief", ".md")


@router.get("/sessions/{session_id}/brief.docx", response_class=Response, responses=ERRORS)
def brief_docx(session_id: SessionId, chat: ChatDep) -> Response:
    """The current brief as a Word file: tags as Heading 4, bold cites, key sentences underlined and highlighted."""
    return download(chat.export_docx(session_id), DOCX, "brief", ".docx")
