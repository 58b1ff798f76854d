"""The HTTP API: routes only; the work is done by :class:`assistant.service.Assistant`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import AssistantError, BadRequest, CorpusError, IndexStateError, NotFound
from assistant.schemas import (
    AskRequest,
    AskResponse,
    DocumentOut,
    DocumentText,
    ErrorOut,
    Health,
    PassageContext,
)
from assistant.service import Assistant
from assistant.settings import Settings

log = logging.getLogger(__name__)

STATUS = {NotFound: 404, BadRequest: 400, CorpusError: 422, IndexStateError: 503}
ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorOut} for code in (400, 404, 413, 422, 503)}


def _validation_message(err: RequestValidationError) -> str:
    parts = []
    for problem in err.errors():
        where = ".".join(str(p) for p in problem.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {problem.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def create_app(assistant: Assistant | None = None, settings: Settings | None = None) -> FastAPI:
    """The app over a ready assistant, or one that loads it (building the index) on start."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not hasattr(app.state, "assistant"):
            app.state.assistant = Assistant(settings, progress=True)
        yield

    app = FastAPI(
        title="Debate preparation assistant",
        description="Answers with the articles' own passages, verbatim, with precise references.",
        version="0.1.0",
        lifespan=lifespan,
    )
    if assistant is not None:
        app.state.assistant = assistant

    @app.exception_handler(AssistantError)
    async def _assistant_error(request: Request, err: AssistantError) -> JSONResponse:
        status = next((code for kind, code in STATUS.items() if isinstance(err, kind)), 400)
        return JSONResponse({"detail": str(err)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, err: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(err)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, err: StarletteHTTPException) -> JSONResponse:
        detail = f"no such path: {request.url.path}" if err.status_code == 404 else str(err.detail)
        return JSONResponse({"detail": detail}, status_code=err.status_code, headers=err.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, err: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; the server log has the details"}, status_code=500)

    def service(request: Request) -> Assistant:
        return request.app.state.assistant

    @app.post("/ask", response_model=AskResponse, responses=ERRORS)
    def ask(body: AskRequest, request: Request) -> AskResponse:
        """The passages that best answer a question, best first, with references."""
        return service(request).ask(body)

    @app.get("/health", response_model=Health)
    def health(request: Request) -> Health:
        return service(request).health()

    @app.get("/documents", response_model=list[DocumentOut])
    def documents(request: Request) -> list[DocumentOut]:
        return service(request).documents()

    @app.get("/documents/{document_id}/text", response_model=DocumentText, responses=ERRORS)
    def document_text(document_id: str, request: Request) -> DocumentText:
        """The plain text that every passage's offsets refer to."""
        return service(request).document_text(document_id)

    @app.get("/passages/{passage_id}", response_model=PassageContext, responses=ERRORS)
    def passage(
        passage_id: str, request: Request, context: int = Query(1, ge=0, le=20, description="Neighbours each side.")
    ) -> PassageContext:
        return service(request).passage(passage_id, context)

    return app
