"""A bounded load test on loopback: 32 concurrent clients, a fixed number of requests, no errors."""

from __future__ import annotations

import json
import resource
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

CLIENTS = 32
REQUESTS = 320
MEMORY_GROWTH_LIMIT_MB = 200
QUESTIONS = Path(__file__).parent.parent / "benchmarks" / "data" / "questions.jsonl"


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_32_concurrent_clients_get_no_errors(live_server: str) -> None:
    questions = [json.loads(line)["query"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    work = [questions[i % len(questions)] for i in range(REQUESTS)]
    httpx.post(f"{live_server}/ask", json={"question": "warm up"}, timeout=60)
    before = peak_memory_mb()

    def client(chunk: list[str]) -> list[tuple[int, float]]:
        results = []
        with httpx.Client(base_url=live_server, timeout=120) as http:
            for question in chunk:
                started = time.perf_counter()
                response = http.post("/ask", json={"question": question, "k": 5})
                results.append((response.status_code, time.perf_counter() - started))
        return results

    with ThreadPoolExecutor(CLIENTS) as pool:
        outcomes = [r for chunk in pool.map(client, [work[i::CLIENTS] for i in range(CLIENTS)]) for r in chunk]
    statuses = [status for status, _ in outcomes]
    latencies = [seconds for _, seconds in outcomes]
    growth = peak_memory_mb() - before
    print(
        f"\n{len(outcomes)} requests from {CLIENTS} clients: {statuses.count(200)} ok, "
        f"p50 {1000 * np.percentile(latencies, 50):.0f} ms, p99 {1000 * np.percentile(latencies, 99):.0f} ms, "
        f"peak memory growth {growth:.0f} MB"
    )
    assert len(outcomes) == REQUESTS
    assert statuses == [200] * REQUESTS
    assert growth < MEMORY_GROWTH_LIMIT_MB
