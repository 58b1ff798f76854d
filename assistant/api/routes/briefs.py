"""Named briefs: list, create, reopen, rename and delete them, add and remove cards, download them."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Response

from assistant.api.deps import ERRORS, ChatDep
from assistant.schemas import BRIEF_ID, BriefOut, BriefRequest, BriefSummary, CardRequest, ErrorOut

router = APIRouter(tags=["briefs"])
BriefId = Annotated[str, Path(pattern=BRIEF_ID, description="A brief from GET /briefs or POST /briefs.")]
LIMITED: dict[int | str, dict[str, object]] = {**ERRORS, 429: {"model": ErrorOut}}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKDOWN = "text/markdown; charset=utf-8"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def download(content: bytes, media_type: str, name: str, suffix: str) -> Response:
    """An attachment called by ``name``: its ASCII letters for old clients, all of it (RFC 6266) for the others."""
    plain = _UNSAFE.sub("-", name).strip("-.")[:80] or "brief"
    disposition = f"attachment; filename=\"{plain}{suffix}\"; filename*=UTF-8''{quote(name + suffix, safe='')}"
    return Response(content, media_type=media_type, headers={"content-disposition": disposition})


@router.get("/briefs", response_model=list[BriefSummary])
def briefs(chat: ChatDep) -> list[BriefSummary]:
    """Briefs that hold work, last changed first: every named one, and a conversation's once it has a card."""
    return chat.list_briefs()


@router.post("/briefs", response_model=BriefOut, status_code=201, responses=LIMITED)
def create(body: BriefRequest, chat: ChatDep) -> BriefOut:
    return chat.create_brief(body.name)


# The downloads are declared before GET /briefs/{brief_id}, which would otherwise take "x.md" for an id.
@router.get("/briefs/{brief_id}.md", response_class=Response, responses=ERRORS)
def markdown(brief_id: BriefId, chat: ChatDep) -> Response:
    """The brief as Markdown."""
    exported = chat.markdown_of(brief_id)
    return download(exported.content, MARKDOWN, exported.name, ".md")


@router.get("/briefs/{brief_id}.docx", response_class=Response, responses=ERRORS)
def word(brief_id: BriefId, chat: ChatDep) -> Response:
    """The brief as a Word file: tags as Heading 4, bold cites, key sentences underlined and highlighted."""
    exported = chat.docx_of(brief_id)
    return download(exported.content, DOCX, exported.name, ".docx")


@router.get("/briefs/{brief_id}", response_model=BriefOut, responses=ERRORS)
def brief(brief_id: BriefId, chat: ChatDep) -> BriefOut:
    """The brief's cards as they read now; a card whose passage changed or is gone is flagged ``stale``."""
    return chat.show_brief(brief_id)


@router.patch("/briefs/{brief_id}", response_model=BriefOut, responses=ERRORS)
def rename(brief_id: BriefId, body: BriefRequest, chat: ChatDep) -> BriefOut:
    return chat.rename_brief(brief_id, body.name)


@router.delete("/briefs/{brief_id}", status_code=204, response_class=Response, responses=ERRORS)
def delete(brief_id: BriefId, chat: ChatDep) -> Response:
    """Delete the brief and its cards; a conversation whose current brief it was gets a new one."""
    chat.delete_brief(brief_id)
    return Response(status_code=204)


@router.post("/briefs/{brief_id}/cards", response_model=BriefOut, status_code=201, responses=ERRORS)
def add_card(brief_id: BriefId, body: CardRequest, chat: ChatDep) -> BriefOut:
    return chat.add_to_brief(brief_id, body)


@router.delete("/briefs/{brief_id}/cards/{number}", response_model=BriefOut, responses=ERRORS)
def remove_card(brief_id: BriefId, number: int, chat: ChatDep) -> BriefOut:
    return chat.remove_from_brief(brief_id, number)
