"""One place where errors become HTTP answers: every 4xx carries a ``detail`` message; an
unexpected error is logged under its request id and answered 500 without a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.api.middleware import request_id
from assistant.errors import AssistantError
from assistant.schemas import describe_errors

log = logging.getLogger("assistant.api")


async def _assistant_error(request: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, AssistantError)
    return JSONResponse({"detail": str(err)}, status_code=err.http_status)


async def _invalid(request: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, RequestValidationError)
    return JSONResponse({"detail": describe_errors(err.errors())}, status_code=422)


async def _http_error(request: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, StarletteHTTPException)
    detail = f"no such path: {request.url.path}" if err.status_code == 404 else str(err.detail)
    return JSONResponse({"detail": detail}, status_code=err.status_code, headers=err.headers)


async def _unexpected(request: Request, err: Exception) -> JSONResponse:
    # This answer is sent outside the access log's middleware, so it names the request itself.
    identifier = request_id(request.scope) or "-"
    log.exception("unexpected error on %s %s (request %s)", request.method, request.url.path, identifier)
    detail = f"internal error; the server log has the details under request {identifier}"
    return JSONResponse({"detail": detail}, status_code=500, headers={"x-request-id": identifier})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AssistantError, _assistant_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
