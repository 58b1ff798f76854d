"""The HTTP API: routes only; the work is done by :class:`assistant.chat.Chat` over an
:class:`assistant.service.Assistant`. The chat page and the document view are :mod:`assistant.web`."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.util import find_spec
from pathlib import Path as FilePath

from fastapi import FastAPI, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant import web
from assistant.chat import Chat
from assistant.errors import AssistantError
from assistant.middleware import AccessLog, BodyLimit, HeadAsGet, request_id
from assistant.schemas import (
    SESSION_ID,
    AskRequest,
    AskResponse,
    BriefOut,
    CardOut,
    CardRequest,
    DocumentOut,
    DocumentText,
    ErrorOut,
    Health,
    PassageContext,
    PassagePage,
    SessionOut,
    describe_errors,
)
from assistant.service import Assistant
from assistant.settings import Settings

log = logging.getLogger(__name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SessionId = Path(pattern=SESSION_ID, description="A conversation from POST /sessions.")
ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorOut} for code in (400, 404, 413, 422, 503)}


def _wants_html(request: Request) -> bool:
    """A browser following a link asks for HTML first; API clients ask for JSON or anything."""
    accept = request.headers.get("accept", "")
    html, json = accept.find("text/html"), accept.find("application/json")
    return html >= 0 and (json < 0 or html < json)


def _download(content: bytes, media_type: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(content, media_type=media_type, headers={"content-disposition": disposition})


def _watch(assistant: Assistant, stop: threading.Event) -> None:
    """Refresh the index when the corpus folder changes while the server runs."""
    every = assistant.settings.watch_seconds
    while every > 0 and not stop.wait(every):
        try:
            assistant.refresh_if_stale()
        except Exception:
            log.exception("refreshing the index failed; still serving the previous one")


def _install_docs(app: FastAPI) -> None:
    """The OpenAPI page at ``/docs`` with Swagger UI's files served from ``/docs/assets``, not a CDN."""
    # Swagger UI's own files (Apache-2.0), shipped by the swagger-ui-py package; found without
    # importing it, which would load its web-framework adapters.
    spec = find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("/docs needs the swagger-ui-py package: pip install -e .")
    assets = FilePath(spec.submodule_search_locations[0]) / "static"
    app.mount("/docs/assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},  # else the page asks validator.swagger.io
        )


def create_app(assistant: Assistant | None = None, settings: Settings | None = None) -> FastAPI:
    """The app over a ready assistant, or one that loads it (building the index) on start."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not hasattr(app.state, "assistant"):
            app.state.assistant = Assistant(settings, progress=True)
            app.state.chat = Chat(app.state.assistant)
        stop = threading.Event()
        threading.Thread(target=_watch, args=(app.state.assistant, stop), name="corpus-watch", daemon=True).start()
        yield
        stop.set()

    app = FastAPI(
        title="Debate preparation assistant",
        description="Answers with the articles' own passages, verbatim, with precise references.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served below from local files: the default page loads Swagger UI from a CDN
        redoc_url=None,
    )
    if assistant is not None:
        app.state.assistant = assistant
        app.state.chat = Chat(assistant)
    web.install(app)
    _install_docs(app)
    limits = settings or (assistant.settings if assistant is not None else Settings())
    # The last added runs first: every request is logged, then size-checked, then routed.
    app.add_middleware(HeadAsGet)
    app.add_middleware(BodyLimit, max_bytes=limits.max_body_bytes)
    app.add_middleware(AccessLog)

    @app.exception_handler(AssistantError)
    async def _assistant_error(request: Request, err: AssistantError) -> JSONResponse:
        return JSONResponse({"detail": str(err)}, status_code=err.http_status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, err: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": describe_errors(err.errors())}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, err: StarletteHTTPException) -> JSONResponse:
        detail = f"no such path: {request.url.path}" if err.status_code == 404 else str(err.detail)
        return JSONResponse({"detail": detail}, status_code=err.status_code, headers=err.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, err: Exception) -> JSONResponse:
        # This answer is sent outside the access log's middleware, so it names the request itself.
        identifier = request_id(request.scope) or "-"
        log.exception("unexpected error on %s %s (request %s)", request.method, request.url.path, identifier)
        detail = f"internal error; the server log has the details under request {identifier}"
        return JSONResponse({"detail": detail}, status_code=500, headers={"x-request-id": identifier})

    def service(request: Request) -> Assistant:
        return request.app.state.assistant

    def chat(request: Request) -> Chat:
        return request.app.state.chat

    @app.post("/sessions", response_model=SessionOut, status_code=201)
    def start(request: Request) -> SessionOut:
        """A new conversation; pass its ``session_id`` to /ask so that follow-ups are understood."""
        return chat(request).start()

    @app.post("/ask", response_model=AskResponse, responses=ERRORS)
    def ask(body: AskRequest, request: Request) -> Response:
        """The passages that best answer a question, best first, with references. With a
        ``session_id``, a short reply ("and Trotsky?", "more") is read against the last question."""
        # Serialised once, here: the answer is already a validated AskResponse, and FastAPI would
        # dump, re-validate and re-encode it (a third of the request's own time on a cached question).
        return Response(chat(request).ask(body).model_dump_json(), media_type="application/json")

    @app.post("/cards", response_model=CardOut, responses=ERRORS)
    def card(body: CardRequest, request: Request) -> CardOut:
        """A debate card of a passage, to copy: tag, short and full cite, the passage verbatim."""
        return chat(request).card(body)

    @app.get("/sessions/{session_id}/brief", response_model=BriefOut, responses=ERRORS)
    def brief(request: Request, session_id: str = SessionId) -> BriefOut:
        return chat(request).brief(session_id)

    @app.post("/sessions/{session_id}/brief", response_model=BriefOut, status_code=201, responses=ERRORS)
    def add_card(body: CardRequest, request: Request, session_id: str = SessionId) -> BriefOut:
        """Add a card of a passage to the conversation's brief."""
        return chat(request).add_card(session_id, body)

    @app.delete("/sessions/{session_id}/brief/{card_id}", response_model=BriefOut, responses=ERRORS)
    def remove_card(request: Request, card_id: int, session_id: str = SessionId) -> BriefOut:
        return chat(request).remove_card(session_id, card_id)

    @app.get("/sessions/{session_id}/brief.md", response_class=Response, responses=ERRORS)
    def brief_markdown(request: Request, session_id: str = SessionId) -> Response:
        """The brief as Markdown."""
        return _download(chat(request).export_markdown(session_id).encode(), "text/markdown; charset=utf-8", "brief.md")

    @app.get("/sessions/{session_id}/brief.docx", response_class=Response, responses=ERRORS)
    def brief_docx(request: Request, session_id: str = SessionId) -> Response:
        """The brief as a Word file: tags as Heading 4, bold cites, key sentences underlined and highlighted."""
        return _download(chat(request).export_docx(session_id), DOCX, "brief.docx")

    @app.get("/health", response_model=Health)
    def health(request: Request) -> Health:
        return service(request).health()

    @app.get("/documents", response_model=list[DocumentOut])
    def documents(request: Request) -> list[DocumentOut]:
        return service(request).documents()

    @app.get(
        "/documents/{document_id}",
        response_model=DocumentOut,
        responses={**ERRORS, 200: {"content": {"text/html": {}}}},
    )
    def document(
        document_id: str,
        request: Request,
        highlight: str | None = Query(
            None, pattern=r"^\d{1,9}-\d{1,9}$", description="START-END of a sentence to mark in the HTML view."
        ),
    ) -> DocumentOut | Response:
        """The document's metadata as JSON, or its full text as a page when a browser asks for HTML."""
        if not _wants_html(request):
            return service(request).document_out(document_id)
        mark = None
        if highlight:
            start, end = highlight.split("-")
            mark = (int(start), int(end))
        page = web.document_page(service(request).document(document_id), mark)
        return HTMLResponse(page, headers={"vary": "accept"})

    @app.get("/documents/{document_id}/text", response_model=DocumentText, responses=ERRORS)
    def document_text(document_id: str, request: Request) -> DocumentText:
        """The plain text that every passage's offsets refer to."""
        return service(request).document_text(document_id)

    @app.get("/documents/{document_id}/passages", response_model=PassagePage, responses=ERRORS)
    def document_passages(
        document_id: str,
        request: Request,
        offset: int = Query(0, ge=0, description="Passages to skip."),
        limit: int = Query(50, ge=1, le=500, description="Passages in this page."),
    ) -> PassagePage:
        """The document's passages in order, a page at a time."""
        return service(request).passages_of(document_id, offset, limit)

    @app.get("/passages/{passage_id}", response_model=PassageContext, responses=ERRORS)
    def passage(
        passage_id: str, request: Request, context: int = Query(1, ge=0, le=20, description="Neighbours each side.")
    ) -> PassageContext:
        """A passage with up to ``context`` neighbours on each side within its section."""
        return chat(request).context(passage_id, context)

    return app
