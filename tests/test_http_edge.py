"""The HTTP edge as a client meets it: HEAD, body limits however a body is sent, the access log
of a served process, and API docs that load nothing from outside."""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from opentelemetry.trace import NoOpTracer, Tracer, TracerProvider
from starlette.routing import Route

from assistant.api import create_app
from assistant.service import Assistant
from tests.helpers import SEED_ID, free_port


def _get_paths(client: TestClient, assistant: Assistant) -> list[str]:
    """Every GET route of the app, its parameters filled with ids that exist (a session with a card),
    except a job: making one would change the shared corpus, so its id is one that does not exist."""
    session = client.post("/sessions").json()
    values = {
        "document_id": SEED_ID,
        "passage_id": assistant.store.passages[0].id,
        "session_id": session["session_id"],
        "brief_id": session["brief_id"],
        "job_id": MISSING_JOB,
    }
    added = client.post(f"/sessions/{values['session_id']}/brief", json={"passage_id": values["passage_id"]})
    assert added.status_code == 201, added.text
    paths = []
    for route in _routes(client.app.routes):  # type: ignore[attr-defined]
        if isinstance(route, Route) and "GET" in (route.methods or ()):
            paths.append(re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], route.path))
    return paths


MISSING_JOB = "0" * 32


def _routes(routes: list) -> list:
    """Every route, those of included routers too (which recent FastAPI keeps as routers of their own)."""
    found = []
    for route in routes:
        included = getattr(route, "original_router", None)
        found += _routes(included.routes) if included is not None else [route]
    return found


def test_head_is_answered_wherever_get_is(client: TestClient, assistant: Assistant) -> None:
    paths = _get_paths(client, assistant)
    assert {"/", "/health", "/docs", "/openapi.json"} <= set(paths)
    for path in [*paths, "/static/index.html", "/docs/assets/swagger-ui.css"]:
        got, head = client.get(path), client.head(path)
        assert got.status_code == (404 if MISSING_JOB in path else 200), path
        assert head.status_code == got.status_code, (path, head.text)
        assert head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert head.headers["x-request-id"] != got.headers["x-request-id"]


def test_head_where_only_post_is_answered_is_405(client: TestClient) -> None:
    response = client.head("/ask")
    assert response.status_code == 405
    assert "POST" in response.headers["allow"]


def test_curl_dash_i_on_the_page_of_a_live_server(live_server: str) -> None:
    head = httpx.head(f"{live_server}/", timeout=10)
    page = httpx.get(f"{live_server}/", timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(page.content) > 0


def _post_chunked(server: str, body: bytes, chunk: int = 8192) -> tuple[int, bytes]:
    """POST /ask with ``Transfer-Encoding: chunked`` (no Content-Length) over a raw socket."""
    address = urlsplit(server)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        head = (
            "POST /ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        sock.sendall(head.encode())
        try:
            for start in range(0, len(body), chunk):
                piece = body[start : start + chunk]
                sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before the whole body is sent
        answer = b""
        while chunk_read := sock.recv(65536):
            answer += chunk_read
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest


def test_an_oversize_chunked_body_gets_413(live_server: str) -> None:
    started = time.monotonic()
    status, rest = _post_chunked(live_server, b'{"question": "' + b"x" * 70_000 + b'"}')
    assert status == 413
    assert b"limit" in rest
    assert time.monotonic() - started < 10
    declared = httpx.post(f"{live_server}/ask", content=b"x" * 70_000, timeout=10)  # with a Content-Length
    assert declared.status_code == 413


def test_a_chunked_body_under_the_limit_is_answered(live_server: str) -> None:
    status, rest = _post_chunked(live_server, json.dumps({"question": "the ban on factions", "k": 2}).encode(), 7)
    assert status == 200
    assert b'"passages"' in rest


def test_docs_load_only_local_files(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.text
    assert not re.search(r"(?:https?:)?//[\w.-]", html), "the docs page names another host"
    urls = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
    assert len(urls) >= 4  # stylesheet, icon, script, the OpenAPI document
    for url in urls:
        assert url.startswith("/"), url
        assert client.get(url).status_code == 200, url
    assert '"validatorUrl": null' in html  # Swagger UI would otherwise ask validator.swagger.io


def test_a_server_error_names_its_request_in_the_response_and_the_log(
    assistant: Assistant, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(assistant)

    def fails() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/fails", fails)
    with caplog.at_level(logging.INFO, logger="assistant"):
        response = TestClient(app, raise_server_exceptions=False).get("/fails")
    assert response.status_code == 500
    request = response.headers["x-request-id"]
    assert request in response.json()["detail"]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and request in r.getMessage()]
    assert errors and errors[0].exc_info is not None
    access = [json.loads(r.getMessage()) for r in caplog.records if r.name == "assistant.access"]
    assert {"request": request, "status": 500, "path": "/fails"}.items() <= access[-1].items()


def test_serve_writes_one_json_line_per_request(assistant: Assistant, tmp_path: Path) -> None:
    """The served process, as started from the command line, at the level it logs."""
    port = free_port()
    settings = assistant.settings
    env = {
        **os.environ,
        "DEBATE_CORPUS_DIR": str(settings.corpus_dir),
        "DEBATE_DATA_DIR": str(settings.data_dir),
        "DEBATE_SERVER__WATCH_SECONDS": "0",
    }
    log = tmp_path / "stderr.log"
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 120
            while True:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the server did not start"
                try:
                    health = httpx.get(f"{url}/health", timeout=5)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            missing = httpx.get(f"{url}/documents/no-such-document", timeout=5)
            head = httpx.head(f"{url}/", timeout=5)
            asked = httpx.post(f"{url}/ask", json={"question": "the ban on factions"}, timeout=30)
        finally:
            server.terminate()
            server.wait(timeout=30)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    by_id = {line["request"]: line for line in lines}
    for response, method, path in [(health, "GET", "/health"), (missing, "GET", None), (head, "HEAD", "/")]:
        line = by_id[response.headers["x-request-id"]]
        assert line["method"] == method and line["status"] == response.status_code
        assert path is None or line["path"] == path
        assert set(line) == {"request", "method", "path", "status", "ms"}
        assert re.fullmatch(r"app;dur=\d+\.\d\d", response.headers["server-timing"])
    assert missing.status_code == 404
    # An answer says where its time went: the question's encoding, the ranking (within it the
    # search for candidates and the reading of the passages shown), the whole app.
    assert asked.status_code == 200
    timing = dict(re.findall(r"(\w+);dur=([\d.]+)", asked.headers["server-timing"]))
    assert list(timing) == ["encode", "search", "read", "rank", "app"], asked.headers["server-timing"]
    assert float(timing["encode"]) + float(timing["rank"]) <= float(timing["app"])
    assert float(timing["search"]) + float(timing["read"]) <= float(timing["rank"])
    stages = by_id[asked.headers["x-request-id"]]["stages_ms"]
    assert list(stages) == list(timing) and all(value > 0 for value in stages.values())


class _RecordingTracers(TracerProvider):
    """A tracer provider as an OpenTelemetry SDK installs one globally: it notes who asks for a tracer."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def get_tracer(self, instrumenting_module_name: str, *args: object, **kwargs: object) -> Tracer:
        self.asked.append(instrumenting_module_name)
        return NoOpTracer()


@pytest.mark.parametrize("app_kind", ["ours", "plain FastAPI"])
def test_no_request_reaches_an_installed_telemetry_provider(
    app_kind: str, assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a tracer provider installed in the process (and FastAPI told to configure exporters from
    the environment), a plain FastAPI app traces its requests; ours traces nothing."""
    import fastapi
    import opentelemetry.trace

    recorder = _RecordingTracers()
    monkeypatch.setattr(opentelemetry.trace, "get_tracer_provider", lambda: recorder)
    monkeypatch.setenv("FASTAPI_OTEL_AUTO_CONFIGURE", "true")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://192.0.2.1:4318")
    app = create_app(assistant) if app_kind == "ours" else fastapi.FastAPI()
    with TestClient(app) as client:
        assert client.get("/no-such-page").status_code == 404
    assert bool(recorder.asked) == (app_kind == "plain FastAPI"), recorder.asked
