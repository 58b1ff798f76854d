"""Latency and throughput of the real server, beside the physical floor measured in the same run.

The floor is the bare sentence-transformers model encoding one question. The server is started
on 127.0.0.1 as a separate process over a prebuilt index; a bounded number of distinct questions
is sent at concurrency 1 and 8, then the same questions again (served from the query cache).
This machine's speed drifts, so measurements are interleaved: blocks of floor timings,
concurrency-1 requests and concurrency-8 requests alternate.
Cold start compares `assistant ask` with importing sentence-transformers; index build
throughput compares a build from scratch with the bare model encoding the same texts.

    python -m benchmarks.latency [--requests 60]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

from assistant.index.build import build
from assistant.index.text import embedding_text, sentence_texts
from assistant.settings import Settings
from benchmarks.quality import CACHE, load_questions
from embeddings.encoder import Encoder

ROOT = Path(__file__).resolve().parent.parent

INDEX = CACHE / "seed-index"
ROUNDS = 6  # alternations of the concurrency-1 and concurrency-8 blocks


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DEBATE_DATA_DIR": str(INDEX)}
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("server did not come up within 300 s")


class Client:
    """One keep-alive connection doing as little work as a client can (the standard library's
    http.client), so that the machine's two cores go to the server being measured."""

    def __init__(self, port: int) -> None:
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def ask(self, question: str) -> None:
        body = json.dumps({"question": question})
        for attempt in range(2):
            try:
                self._connection.request("POST", "/ask", body=body, headers={"content-type": "application/json"})
                response = self._connection.getresponse()
                break
            except (ConnectionError, http.client.RemoteDisconnected):  # the server closed an idle connection
                self._connection.close()
                if attempt:
                    raise
        response.read()
        if response.status != 200:
            raise SystemExit(f"/ask answered {response.status}")

    def close(self) -> None:
        self._connection.close()


def timed_requests(port: int, questions: list[str], concurrency: int) -> tuple[list[float], float]:
    """Per-request latencies (s) and wall time for sending ``questions`` over ``concurrency`` clients."""
    latencies: list[float] = []

    def worker(chunk: list[str]) -> list[float]:
        client = Client(port)
        try:
            return [_seconds(lambda q=q: client.ask(q)) for q in chunk]
        finally:
            client.close()

    chunks = [questions[i::concurrency] for i in range(concurrency)]
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for times in pool.map(worker, chunks):
            latencies.extend(times)
    return latencies, time.perf_counter() - started


def command_seconds(args: list[str], port: int, runs: int = 2) -> float:
    """The best of ``runs`` wall times of a command; ``port`` is where it may find a server."""
    env = {**os.environ, "DEBATE_DATA_DIR": str(INDEX), "DEBATE_SERVER__PORT": str(port)}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return min(times)


def row(name: str, ours: float, baseline: float, baseline_name: str, unit: str) -> None:
    ratio = ours / baseline if baseline else float("nan")
    print(f"{name:<34}{ours:>12.2f} {unit:<6}{baseline:>12.2f} {unit:<6} {ratio:>7.2f}×  ({baseline_name})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=60, help="distinct questions per measurement")
    args = parser.parse_args()
    questions = list(dict.fromkeys(q.query for q in load_questions()))
    single, concurrent = questions[: args.requests], questions[args.requests : args.requests + 2 * args.requests]

    encoder = Encoder()
    settings = Settings(data_dir=INDEX)
    chunking = settings.chunking
    bare = encoder._model  # the floor is the model itself, without any of our code
    for question in single[:5]:
        bare.encode([question])

    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        store = build(settings.corpus_dir, Path(scratch) / "index", Encoder(), chunking, progress=False)
        build_seconds = time.perf_counter() - started
        passages = len(store.passages)
        texts = [embedding_text(p) for p in store.passages] + sentence_texts(store.passages, store.sentences)
    bare_seconds = _seconds(lambda: bare.encode(texts, batch_size=settings.batch_size))
    build(settings.corpus_dir, INDEX, encoder, chunking, progress=False)  # the server's index, prebuilt

    port = free_port()
    ask_command = [sys.executable, "-m", "assistant", "ask", "ban on factions", "--json"]
    server = start_server(port)
    try:
        timed_requests(port, ["warm-up question about the party"], 1)
        floor, one, eight, eight_wall = [], [], [], 0.0
        client = Client(port)
        for block in range(ROUNDS):
            questions = single[block::ROUNDS]
            floor += [_seconds(lambda q=q: bare.encode([q])) for q in questions]
            time.sleep(0.2)  # let the model's idle worker threads stop spinning before the next block
            one += [_seconds(lambda q=q: client.ask(q)) for q in questions]
            time.sleep(0.2)
            times, wall = timed_requests(port, concurrent[block::ROUNDS], 8)
            eight += times
            eight_wall += wall
        client.close()
        cached, _ = timed_requests(port, single, 1)
        served_ask = command_seconds(ask_command, port)
    finally:
        server.terminate()
        server.wait(timeout=30)

    cold_ask = command_seconds(ask_command, free_port())
    cold_import = command_seconds([sys.executable, "-c", "import sentence_transformers"], port)

    print(f"\nLatency on this machine ({os.cpu_count()} cores), {len(single)} + {len(concurrent)} distinct questions")
    print(f"{'measure':<34}{'ours':>19}{'baseline':>19}   ratio")
    floor_p50 = statistics.median(floor)
    row("p50 /ask, concurrency 1", 1000 * percentile(one, 50), 1000 * floor_p50, "bare model encode p50", "ms")
    row("p99 /ask, concurrency 1", 1000 * percentile(one, 99), 1000 * percentile(floor, 99), "bare encode p99", "ms")
    row("p50 /ask, concurrency 8", 1000 * percentile(eight, 50), 1000 * floor_p50, "bare model encode p50", "ms")
    row("p99 /ask, concurrency 8", 1000 * percentile(eight, 99), 1000 * floor_p50, "bare model encode p50", "ms")
    row("throughput, concurrency 8", len(concurrent) / eight_wall, len(one) / sum(one), "concurrency 1", "req/s")
    row("p50 /ask, repeated question", 1000 * percentile(cached, 50), 1000 * floor_p50, "bare encode p50", "ms")
    row("cold start: assistant ask", cold_ask, cold_import, "import sentence_transformers", "s")
    row("assistant ask, server running", served_ask, cold_import, "import sentence_transformers", "s")
    row("index build (passages/s)", passages / build_seconds, passages / bare_seconds, "bare encode", "p/s")


def _seconds(work: object) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
