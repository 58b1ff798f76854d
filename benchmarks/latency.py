"""Latency and throughput of the real server, beside the physical floors measured in the same run.

Two floors: the bare sentence-transformers model on torch encoding one question (the reference
backend), and the bare runtime of the backend the settings serve. The server is started on
127.0.0.1 as a separate process over a prebuilt index; a bounded number of distinct questions is
sent at concurrency 1 and 8, then the same questions again (served from the query cache). This
machine's speed drifts, so measurements are interleaved: blocks of both floors, concurrency-1
requests and concurrency-8 requests alternate. The served backend is also timed from as many
threads as there are cores: what it gains from them caps what concurrent requests can. The cold
paths (``assistant ask --local`` with no server, a second ``scripts/start`` on a built index
until ``/health`` answers) are measured beside ``python -c "import sentence_transformers"``,
and the first is profiled stage by stage; index
build throughput compares a build from scratch (a loaded encoder that remembers no vectors) with
the served backend encoding the same texts, the two alternating, best of each.

    python -m benchmarks.latency [--requests 60]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

from assistant.index.build import build
from assistant.index.text import embedding_text, sentence_texts
from assistant.settings import Backend, EncoderSettings, Settings
from benchmarks.quality import CACHE, load_questions
from embeddings.encoder import Encoder
from embeddings.runtimes import Runtime

ROOT = Path(__file__).resolve().parent.parent

INDEX = CACHE / "seed-index"
ROUNDS = 6  # alternations of the concurrency-1 and concurrency-8 blocks
CONCURRENCY = 8  # clients asking at once in the concurrent blocks
BUILDS = 2  # alternations of a build from scratch and the bare encode of its texts


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, command: list[str] | None = None) -> subprocess.Popen[bytes]:
    """The server (``python -m assistant serve`` unless told another command), once ``/health`` answers."""
    env = {**os.environ, "DEBATE_DATA_DIR": str(INDEX)}
    server = subprocess.Popen(
        command or [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
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
            time.sleep(0.05)
    server.kill()
    raise SystemExit("server did not come up within 300 s")


def start_seconds() -> float:
    """Wall time of ``scripts/start`` on the built index until ``/health`` answers: the second of
    two starts, so the first one's installation check and export are not counted."""
    times = []
    for _ in range(2):
        port = free_port()
        started = time.perf_counter()
        server = start_server(port, [str(ROOT / "scripts" / "start"), "--port", str(port)])
        times.append(time.perf_counter() - started)
        server.terminate()
        server.wait(timeout=30)
    return times[-1]


_COLD_STAGES = """
import json, time
started = time.perf_counter()
import assistant.cli
stages = {"python and the command line": time.perf_counter() - started}
import assistant.service
from assistant.chat import Chat
from assistant.schemas import AskRequest
stages["import of the service"] = time.perf_counter() - started - sum(stages.values())
from embeddings.encoder import Encoder
settings = assistant.cli.settings()
encoder = Encoder.from_settings(settings)
stages["loading the encoder"] = time.perf_counter() - started - sum(stages.values())
chat = Chat(assistant.service.Assistant(settings, encoder))
stages["opening the index"] = time.perf_counter() - started - sum(stages.values())
chat.ask(AskRequest(question="ban on factions"))
stages["answering"] = time.perf_counter() - started - sum(stages.values())
print(json.dumps(stages))
"""


def cold_stages() -> dict[str, float]:
    """Where a cold ``assistant ask --local`` spends its time, stage by stage, in a fresh process."""
    env = {**os.environ, "DEBATE_DATA_DIR": str(INDEX)}
    done = subprocess.run([sys.executable, "-c", _COLD_STAGES], env=env, check=True, capture_output=True, text=True)
    stages: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return stages


class Client:
    """One keep-alive connection doing as little work as a client can (the standard library's
    http.client), so that the machine's two cores go to the server being measured. Each answer's
    ``Server-Timing`` stages (ms) are kept, to say where the time went."""

    def __init__(self, port: int) -> None:
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.answers: list[tuple[float, dict[str, float]]] = []  # round trip (s) and stages (ms)

    def ask(self, question: str) -> None:
        body = json.dumps({"question": question})
        started = time.perf_counter()
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
        timing = re.findall(r"(\w+);dur=([\d.]+)", response.getheader("server-timing") or "")
        self.answers.append((time.perf_counter() - started, {name: float(ms) for name, ms in timing}))

    def close(self) -> None:
        self._connection.close()


def timed_requests(clients: list[Client], questions: list[str]) -> tuple[list[float], float]:
    """Per-request latencies (s) and wall time for sending ``questions`` over ``clients`` at once,
    one thread each."""
    latencies: list[float] = []

    def worker(client: Client, chunk: list[str]) -> list[float]:
        return [_seconds(lambda q=q: client.ask(q)) for q in chunk]

    chunks = [questions[i :: len(clients)] for i in range(len(clients))]
    started = time.perf_counter()
    with ThreadPoolExecutor(len(clients)) as pool:
        for times in pool.map(worker, clients, chunks):
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


def query_floor(runtime: Runtime, questions: list[str]) -> list[float]:
    return [_seconds(lambda q=q: runtime.encode([q], 1)) for q in questions]


def parallel_floor(runtime: Runtime, questions: list[str], threads: int) -> float:
    """Seconds for ``threads`` threads to encode ``questions`` between them, one question a model
    call, as the served backend runs calls at once: all the cores give the model alone, and so
    the ceiling of concurrent clients, whose requests add their own work to it."""
    chunks = [questions[i::threads] for i in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        started = time.perf_counter()
        list(pool.map(lambda chunk: [runtime.encode([q], 1) for q in chunk], chunks))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=60, help="distinct questions per measurement")
    args = parser.parse_args()
    questions = list(dict.fromkeys(q.query for q in load_questions()))
    single, concurrent = questions[: args.requests], questions[args.requests : args.requests + 2 * args.requests]

    settings = Settings(data_dir=INDEX)
    served = Encoder.from_settings(settings)
    torch = Encoder(settings=EncoderSettings(Backend.TORCH, settings.encoder.threads)).runtime
    backend = f"{settings.encoder.backend.value}, {settings.encoder.threads} thread(s)"
    for question in single[:5]:
        torch.encode([question], 1)
        served.runtime.encode([question], 1)

    chunking = settings.chunking
    build_seconds, bare_seconds = [], []
    for _ in range(BUILDS):
        fresh = Encoder.from_settings(settings)  # nothing remembered; loading it is a cold path's concern
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            store = build(settings.corpus_dir, Path(scratch) / "index", fresh, chunking, False)
            build_seconds.append(time.perf_counter() - started)
        passages = len(store.passages)
        texts = [embedding_text(p) for p in store.passages] + sentence_texts(store.passages, store.sentences)
        bare_seconds.append(_seconds(lambda texts=texts: served.runtime.encode(texts, settings.batch_size)))
    torch_seconds = _seconds(lambda: torch.encode(texts, settings.batch_size))
    build(settings.corpus_dir, INDEX, served, chunking, progress=False)  # the server's index, prebuilt

    port = free_port()
    ask_command = [sys.executable, "-m", "assistant", "ask", "ban on factions", "--json"]
    server = start_server(port)
    try:
        # Kept-alive connections, opened before the measurement as a client of the page keeps them.
        client, clients = Client(port), [Client(port) for _ in range(CONCURRENCY)]
        for warming in [client, *clients]:
            warming.ask("warm-up question about the party")
        torch_floor, floor, one, eight, eight_wall = [], [], [], [], 0.0
        serial_wall, parallel_wall, cores = 0.0, 0.0, os.cpu_count() or 1
        for block in range(ROUNDS):
            questions = single[block::ROUNDS]
            torch_floor += query_floor(torch, questions)
            floor += query_floor(served.runtime, questions)
            serial_wall += sum(query_floor(served.runtime, concurrent[block::ROUNDS]))
            parallel_wall += parallel_floor(served.runtime, concurrent[block::ROUNDS], cores)
            time.sleep(0.2)  # let the models' idle worker threads stop spinning before the next block
            one += [_seconds(lambda q=q: client.ask(q)) for q in questions]
            time.sleep(0.2)
            times, wall = timed_requests(clients, concurrent[block::ROUNDS])
            eight += times
            eight_wall += wall
        one_answers = client.answers[1:]  # after the warm-up question
        eight_answers = [answer for c in clients for answer in c.answers[1:]]
        cached, _ = timed_requests([client], single)
        for done in [client, *clients]:
            done.close()
        served_ask = command_seconds(ask_command, port)
    finally:
        server.terminate()
        server.wait(timeout=30)

    cold_ask = command_seconds([*ask_command, "--local"], free_port())
    cold_import = command_seconds([sys.executable, "-c", "import sentence_transformers"], port)
    second_start = start_seconds()
    stages = cold_stages()

    print(f"\nLatency on this machine ({os.cpu_count()} cores), {len(single)} + {len(concurrent)} distinct questions")
    print(f"served backend: {backend}; torch floor: sentence-transformers, {settings.encoder.threads} thread(s)")
    print(f"{'measure':<34}{'ours':>19}{'baseline':>19}   ratio")
    torch_p50, floor_p50 = statistics.median(torch_floor), statistics.median(floor)
    row("p50 /ask, concurrency 1", 1000 * percentile(one, 50), 1000 * torch_p50, "bare torch encode p50", "ms")
    row("p50 /ask, concurrency 1", 1000 * percentile(one, 50), 1000 * floor_p50, "bare served encode p50", "ms")
    row("p50 bare served encode", 1000 * floor_p50, 1000 * torch_p50, "bare torch encode p50", "ms")
    row("p99 /ask, concurrency 1", 1000 * percentile(one, 99), 1000 * percentile(floor, 99), "bare served p99", "ms")
    row("p50 /ask, concurrency 8", 1000 * percentile(eight, 50), 1000 * floor_p50, "bare served encode p50", "ms")
    row("p99 /ask, concurrency 8", 1000 * percentile(eight, 99), 1000 * floor_p50, "bare served encode p50", "ms")
    row("throughput, concurrency 8", len(concurrent) / eight_wall, len(one) / sum(one), "concurrency 1", "req/s")
    bare_one, bare_all = len(concurrent) / serial_wall, len(concurrent) / parallel_wall
    row(f"bare served encode, {cores} threads", bare_all, bare_one, "one thread: caps the gain of concurrency", "q/s")
    row("p50 /ask, repeated question", 1000 * percentile(cached, 50), 1000 * floor_p50, "bare served encode p50", "ms")
    row("cold start: assistant ask --local", cold_ask, cold_import, "import sentence_transformers", "s")
    row("second scripts/start to /health", second_start, cold_import, "import sentence_transformers", "s")
    row("assistant ask, server running", served_ask, cold_import, "import sentence_transformers", "s")
    built, bare = passages / min(build_seconds), passages / min(bare_seconds)
    row("index build (passages/s)", built, bare, f"bare served encode, best of {BUILDS}", "p/s")
    row("index build (passages/s)", built, passages / torch_seconds, "bare torch encode", "p/s")
    print("\nWhere an /ask spends its time (medians, ms; the stages from its Server-Timing header):")
    print(f"  {'':<44}{'concurrency 1':>14}{'concurrency 8':>15}")
    for name, share in _shares().items():
        print(f"  {name:<44}{share(one_answers):>14.2f}{share(eight_answers):>15.2f}")
    print("\nWhere a cold `assistant ask --local` spends its time:")
    for stage, seconds in stages.items():
        print(f"  {stage:<32}{seconds:>8.2f} s")


def _shares() -> dict[str, Callable[[list[tuple[float, dict[str, float]]]], float]]:
    """Each part of an answer's time (ms), from its round trip and the stages the server timed."""
    Answers = list[tuple[float, dict[str, float]]]

    def median(part: Callable[[float, dict[str, float]], float]) -> Callable[[Answers], float]:
        return lambda answers: statistics.median(part(trip, stages) for trip, stages in answers)

    return {
        "round trip at the client": median(lambda trip, _: 1000 * trip),
        "in the app, until the answer's headers": median(lambda _, stages: stages["app"]),
        "  encoding the question (waits included)": median(lambda _, stages: stages["encode"]),
        "  ranking": median(lambda _, stages: stages["rank"]),
        "  the rest (routing, validation, chat, JSON)": median(
            lambda _, stages: stages["app"] - stages["encode"] - stages["rank"]
        ),
        "outside the app (HTTP, server loop, client)": median(lambda trip, stages: 1000 * trip - stages["app"]),
    }


def _seconds(work: object) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
