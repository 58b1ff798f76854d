"""Conversations, the cards made from their passages, and their briefs."""

from __future__ import annotations

from fastapi import APIRouter, Response

from assistant.api.deps import ERRORS, ChatDep, SessionId
from assistant.schemas import BriefOut, CardOut, CardRequest, SessionOut

router = APIRouter(tags=["sessions"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes, media_type: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(content, media_type=media_type, headers={"content-disposition": disposition})


@router.post("/sessions", response_model=SessionOut, status_code=201)
def start(chat: ChatDep) -> SessionOut:
    """A new conversation; pass its ``session_id`` to /ask so that follow-ups are understood."""
    return chat.start()


@router.post("/cards", response_model=CardOut, responses=ERRORS)
def card(body: CardRequest, chat: ChatDep) -> CardOut:
    """A debate card of a passage, to copy: tag, short and full cite, the passage verbatim."""
    return chat.card(body)


@router.get("/sessions/{session_id}/brief", response_model=BriefOut, responses=ERRORS)
def brief(session_id: SessionId, chat: ChatDep) -> BriefOut:
    return chat.brief(session_id)


@router.post("/sessions/{session_id}/brief", response_model=BriefOut, status_code=201, responses=ERRORS)
def add_card(session_id: SessionId, body: CardRequest, chat: ChatDep) -> BriefOut:
    """Add a card of a passage to the conversation's brief."""
    return chat.add_card(session_id, body)


@router.delete("/sessions/{session_id}/brief/{card_id}", response_model=BriefOut, responses=ERRORS)
def remove_card(session_id: SessionId, card_id: int, chat: ChatDep) -> BriefOut:
    return chat.remove_card(session_id, card_id)


@router.get("/sessions/{session_id}/brief.md", response_class=Response, responses=ERRORS)
def brief_markdown(session_id: SessionId, chat: ChatDep) -> Response:
    """The brief as Markdown."""
    return _download(chat.export_markdown(session_id).encode(), "text/markdown; charset=utf-8", "brief.md")


@router.get("/sessions/{session_id}/brief.docx", response_class=Response, responses=ERRORS)
def brief_docx(session_id: SessionId, chat: ChatDep) -> Response:
    """The brief as a Word file: tags as Heading 4, bold cites, key sentences underlined and highlighted."""
    return _download(chat.export_docx(session_id), DOCX, "brief.docx")
