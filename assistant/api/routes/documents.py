"""The documents served: their metadata, text and passages, the index's health, and the library
(uploads, citation corrections, removals, collections)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse

from assistant import web
from assistant.api.deps import ERRORS, AssistantDep
from assistant.errors import BadRequest
from assistant.responses import document_out, health_out, job_out, page_out
from assistant.schemas import (
    MAX_YEAR,
    ONE_LINE,
    TEXT_LINE,
    CollectionName,
    CollectionOut,
    DocumentOut,
    DocumentPatch,
    DocumentText,
    ErrorOut,
    Health,
    JobOut,
    PassagePage,
)

router = APIRouter(tags=["documents"])
LIBRARY_ERRORS: dict[int | str, dict[str, object]] = {**ERRORS, 409: {"model": ErrorOut}, 429: {"model": ErrorOut}}


def _wants_html(request: Request) -> bool:
    """A browser following a link asks for HTML first; API clients ask for JSON or anything."""
    accept = request.headers.get("accept", "")
    html, json = accept.find("text/html"), accept.find("application/json")
    return html >= 0 and (json < 0 or html < json)


@router.get("/health", response_model=Health)
def health(service: AssistantDep) -> Health:
    return health_out(service.status())


@router.get("/documents", response_model=list[DocumentOut], responses=ERRORS)
def documents(
    service: AssistantDep,
    collection: Annotated[CollectionName | None, Query(description="Only the documents of this collection.")] = None,
) -> list[DocumentOut]:
    return [document_out(entry) for entry in service.entries(collection)]


@router.post("/documents", response_model=JobOut, status_code=202, responses=LIBRARY_ERRORS)
def upload(
    service: AssistantDep,
    file: Annotated[UploadFile | None, File(description="A txt, md, html, xhtml, pdf, docx or epub file.")] = None,
    text: Annotated[str | None, Form(min_length=1, description="A text to paste instead of a file.")] = None,
    title: Annotated[str | None, Form(max_length=500, pattern=TEXT_LINE, description="The pasted text's.")] = None,
    author: Annotated[str | None, Form(max_length=300, pattern=ONE_LINE, description="The pasted text's.")] = None,
    year: Annotated[int | None, Form(ge=1, le=MAX_YEAR, description="The pasted text's.")] = None,
    collection: Annotated[CollectionName | None, Form(description="A collection to file it in.")] = None,
) -> JobOut:
    """Add a document (multipart form: a ``file``, or a ``text`` with its ``title``, ``author`` and
    ``year``). It is read at once, and refused with the reason if it could not be served; the
    answer is the job that indexes it (``GET /jobs/{id}``)."""
    if (file is None) == (text is None):
        raise BadRequest("send either a file (field 'file') or a pasted text (field 'text' with its 'title')")
    if file is not None:
        data = file.file.read(service.settings.library.max_upload_bytes + 1)
        return job_out(service.upload_file(file.filename, data, collection))
    if text is None or not title:
        raise BadRequest("a pasted text needs its 'title'")
    return job_out(service.upload_text(text, title, author, year, collection))


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
        return document_out(service.entry(document_id))
    mark = None
    if highlight:
        start, end = highlight.split("-")
        mark = (int(start), int(end))
    return HTMLResponse(web.document_page(service.document(document_id), mark), headers={"vary": "accept"})


@router.patch("/documents/{document_id}", response_model=DocumentOut, responses=ERRORS)
def correct(document_id: str, body: DocumentPatch, service: AssistantDep) -> DocumentOut:
    """Correct the document's citation fields or collections; every citation and card made
    afterwards uses them (``null`` puts a field back to what the document states)."""
    return document_out(service.correct(document_id, body))


@router.delete("/documents/{document_id}", status_code=204, response_class=Response, responses=LIBRARY_ERRORS)
def remove(document_id: str, service: AssistantDep) -> Response:
    """Remove an uploaded document, or hide a document of the corpus folder (its file stays)."""
    service.remove(document_id)
    return Response(status_code=204)


@router.get("/collections", response_model=list[CollectionOut])
def collections(service: AssistantDep) -> list[CollectionOut]:
    """Every collection that holds a served document, with how many."""
    return [CollectionOut(name=name, documents=count) for name, count in service.collections()]


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
