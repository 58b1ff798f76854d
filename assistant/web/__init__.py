"""The chat page (static files, no build step) and the HTML view of a document."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from assistant.web.pages import document_page

STATIC = Path(__file__).parent / "static"

__all__ = ["document_page", "install"]


def install(app: FastAPI) -> None:
    """Serve the chat page at ``/`` and its files under ``/static``."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def chat_page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")
