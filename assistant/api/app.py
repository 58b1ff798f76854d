"""The FastAPI app: routers, middleware, error handlers and the offline docs, over one Assistant."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig

from assistant import web
from assistant.api.docs import install_docs
from assistant.api.errors import install_error_handlers
from assistant.api.middleware import AccessLog, BodyLimit, HeadAsGet
from assistant.api.routes import ask, briefs, documents, jobs, passages, rebut, sessions
from assistant.chat import Chat
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.watcher import CorpusWatcher

# FastAPI's own OpenTelemetry spans, metrics and logs, all off: with an exporter installed and
# FASTAPI_OTEL_AUTO_CONFIGURE in the environment it would send them to a collector.
_NO_TELEMETRY: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
}


def _serve(app: FastAPI, assistant: Assistant) -> None:
    app.state.assistant = assistant
    app.state.chat = Chat(assistant)


def create_app(assistant: Assistant | None = None, settings: Settings | None = None) -> FastAPI:
    """The app over a ready assistant, or one that loads it (building the index) on start."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not hasattr(app.state, "assistant"):
            _serve(app, Assistant(settings, progress=True))
        watcher = CorpusWatcher(app.state.assistant)
        watcher.start()
        yield
        watcher.stop()

    app = FastAPI(
        title="Debate preparation assistant",
        description="Answers with the documents' own passages, verbatim, with precise references.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served from local files: the default page loads Swagger UI from a CDN
        redoc_url=None,
        telemetry=_NO_TELEMETRY,
    )
    if assistant is not None:
        _serve(app, assistant)
    for router in (ask.router, sessions.router, briefs.router, documents.router, passages.router, rebut.router):
        app.include_router(router)
    app.include_router(jobs.router)
    web.install(app)
    install_docs(app)
    install_error_handlers(app)
    limits = settings or (assistant.settings if assistant is not None else Settings())
    # The last added runs first: every request is logged, then size-checked, then routed.
    app.add_middleware(HeadAsGet)
    # An upload's form holds the file (or pasted text) and fields that fit the ordinary limit.
    upload_bytes = limits.library.max_upload_bytes + limits.server.max_body_bytes
    app.add_middleware(BodyLimit, max_bytes=limits.server.max_body_bytes, larger={("POST", "/documents"): upload_bytes})
    app.add_middleware(AccessLog)
    return app
