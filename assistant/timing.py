"""Where a request's time goes: stages timed where they run, and read back by whoever started the
record (the access log, which reports them in a ``Server-Timing`` header and its log line).

The record lives in a context variable, so a stage run on a worker thread (which gets a copy of
the request's context) adds to the same record; outside a request, timing costs nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_record: ContextVar[dict[str, float] | None] = ContextVar("stages", default=None)


def record() -> dict[str, float]:
    """A new, empty record of stage seconds for the current context, which later stages fill in."""
    stages: dict[str, float] = {}
    _record.set(stages)
    return stages


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Add the seconds spent in the block to ``stage`` in the current record, if there is one."""
    stages = _record.get()
    if stages is None:
        yield
        return
    began = time.perf_counter()
    try:
        yield
    finally:
        stages[stage] = stages.get(stage, 0.0) + time.perf_counter() - began
