"""The documents served: their metadata, text and passages, and the index's health."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from assistant import web
from assistant.api.deps import ERRORS, AssistantDep
from assistant.responses import document_out, health_out, page_out
from assistant.schemas import DocumentOut, DocumentText, Health, PassagePage

router = APIRouter(tags=["documents"])


def _wants_html(request: Request) -> bool:
    """A browser following a link asks for HTML first; API clients ask for JSON or anything."""
    accept = request.headers.get("accept", "")
    html, json = accept.find("text/html"), accept.find("application/json")
    return html >= 0 and (json < 0 or html < json)


@router.get("/health", response_model=Health)
def health(service: AssistantDep) -> Health:
    return health_out(service.status())


@router.get("/documents", response_model=list[DocumentOut])
def documents(service: AssistantDep) -> list[DocumentOut]:
    return [document_out(d) for d in service.documents()]


@router.get(
    "/documents/{document_id}", response_model=DocumentOut, responses={**ERRORS, 200: {"content": {"text/html": {}}}}
)
def document(
    document_id: str,
    request: Request,
    service: AssistantDep,
    highlight: str | None = Query(
        None, pattern=r"^\d{1,9}-\d{1,9}$", description="START-END of a sentence to mark in the HTML view."
    ),
) -> DocumentOut | Response:
    """The document's metadata as JSON, or its full text as a page when a browser asks for HTML."""
    if not _wants_html(request):
        return document_out(service.document(document_id))
    mark = None
    if highlight:
        start, end = highlight.split("-")
        mark = (int(start), int(end))
    return HTMLResponse(web.document_page(service.document(document_id), mark), headers={"vary": "accept"})


@router.get("/documents/{document_id}/text", response_model=DocumentText, responses=ERRORS)
def document_text(document_id: str, service: AssistantDep) -> DocumentText:
    """The plain text that every passage's offsets refer to."""
    document = service.document(document_id)
    return DocumentText(id=document.id, text=document.text)


@router.get("/documents/{document_id}/passages", response_model=PassagePage, responses=ERRORS)
def document_passages(
    document_id: str,
    service: AssistantDep,
    offset: int = Query(0, ge=0, description="Passages to skip."),
    limit: int = Query(50, ge=1, le=500, description="Passages in this page."),
) -> PassagePage:
    """The document's passages in order, a page at a time."""
    return page_out(service.passages_of(document_id, offset, limit))
