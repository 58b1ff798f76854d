"""Guards every request passes through: a body size limit, HEAD wherever GET is, and a structured
access log whose request id the client sees as ``x-request-id`` and the server log as ``request``."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.timing import record

log = logging.getLogger("assistant.access")

REQUEST_ID = "request_id"  # the scope key under which the access log leaves the request's id


def request_id(scope: Scope) -> str | None:
    """The id the access log gave this request, to name it in an error's log line."""
    return scope.get(REQUEST_ID)


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with a 413 before any route reads them; a route of
    ``larger`` (method and path → bytes) takes bodies up to its own limit (uploads).

    The body is read here, whole, before the route runs: a body sent in chunks declares no length,
    and a route that meets the limit half-way through its read would answer 400, not 413."""

    DRAIN_FACTOR = 16  # a refused body is read and dropped up to this many times the limit

    def __init__(self, app: ASGIApp, max_bytes: int, larger: Mapping[tuple[str, str], int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get((scope["method"], scope["path"]), self.max_bytes)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._drain(receive, limit, 0, int(declared))
            await self._refuse(send, limit)
            return
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":  # the client went away
                break
            received += len(message.get("body", b""))
            if received > limit:
                if message.get("more_body", False):
                    await self._drain(receive, limit, received)
                await self._refuse(send, limit)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _drain(self, receive: Receive, limit: int, received: int, declared: int = 0) -> None:
        """Read and drop the rest of a refused body, within a bound: a client still sending when the
        server answers and closes gets a reset connection, and loses the 413 it was sent."""
        bound = self.DRAIN_FACTOR * limit
        if declared > bound:
            return
        while received <= bound:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                return
            received += len(message.get("body", b""))

    async def _refuse(self, send: Send, limit: int) -> None:
        body = json.dumps({"detail": f"request body over the {limit}-byte limit"}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),  # what is left of the body is not read
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class HeadAsGet:
    """Answer ``HEAD`` wherever ``GET`` is answered (``curl -I``, link checkers): the route runs as
    for GET and the headers go out without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def server_timing(stages: dict[str, float]) -> str:
    """The ``Server-Timing`` header of a request's stages (``encode;dur=6.12, search;dur=0.20, ...``, ms)."""
    return ", ".join(f"{stage};dur={1000 * seconds:.2f}" for stage, seconds in stages.items())


class AccessLog:
    """One JSON log line per request: id, method, path, status, latency and the stages timed
    within it (also sent as ``Server-Timing``); never the question text."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[REQUEST_ID] = identifier = uuid.uuid4().hex[:12]
        started = time.perf_counter()
        stages = record()
        status = 500

        async def tagged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                stages["app"] = time.perf_counter() - started
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", identifier.encode()),
                    (b"server-timing", server_timing(stages).encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, tagged)
        finally:
            line = {
                "request": identifier,
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "ms": round(1000 * (time.perf_counter() - started), 1),
                **({"stages_ms": {k: round(1000 * v, 2) for k, v in stages.items()}} if len(stages) > 1 else {}),
            }
            log.info(json.dumps(line))
