"""What routes depend on: the assistant and the chat the app was made with."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from assistant.chat import Chat
from assistant.schemas import SESSION_ID, ErrorOut
from assistant.service import Assistant


# Coroutines, though they do no I/O: FastAPI runs a plain function dependency on a worker
# thread, and that hop costs more than an answer's ranking.
async def _assistant(request: Request) -> Assistant:
    return request.app.state.assistant


async def _chat(request: Request) -> Chat:
    return request.app.state.chat


AssistantDep = Annotated[Assistant, Depends(_assistant)]
ChatDep = Annotated[Chat, Depends(_chat)]
SessionId = Annotated[str, Path(pattern=SESSION_ID, description="A conversation from POST /sessions.")]
ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorOut} for code in (400, 404, 413, 422, 503)}
