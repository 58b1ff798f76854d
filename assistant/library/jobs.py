"""Indexing jobs: what an upload or a removal asks of the index, run one at a time on a worker
thread, recorded in the library's database so that a restart loses none.

A job left ``queued`` or ``running`` by a process that stopped is queued again when the next one
starts (its file is already in place, so running it again is safe).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from assistant.errors import AssistantError, NotFound
from assistant.library.database import LibraryDatabase

log = logging.getLogger(__name__)

KEPT = 500  # finished jobs remembered; older ones are forgotten


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobKind(StrEnum):
    ADD = "add"  # index an uploaded document
    REMOVE = "remove"  # index without a removed or hidden document


@dataclass(frozen=True)
class Job:
    """One indexing job; ``progress`` runs from 0 to 1, ``error`` says why a failed job failed."""

    id: str
    kind: JobKind
    state: JobState
    progress: float
    document_id: str | None
    filename: str | None
    error: str | None
    created: float


_COLUMNS = "id, kind, state, progress, document_id, filename, error, created"


def _job(row: tuple) -> Job:
    id_, kind, state, progress, document_id, filename, error, created = row
    return Job(id_, JobKind(kind), JobState(state), progress, document_id, filename, error, created)


class JobQueue:
    """Jobs run in the order they were made by ``run``, on a thread that lives while there is work.
    ``run`` raises to fail a job: an :class:`AssistantError`'s message is the job's error."""

    def __init__(self, db: LibraryDatabase, run: Callable[[Job], None]) -> None:
        self._db = db
        self._run = run
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def create(self, kind: JobKind, document_id: str | None, filename: str | None) -> Job:
        """A queued job (in the caller's transaction, when there is one); :meth:`start` runs it."""
        job = Job(uuid.uuid4().hex[:16], kind, JobState.QUEUED, 0.0, document_id, filename, None, time.time())
        self._db.execute(
            f"INSERT INTO jobs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (job.id, job.kind, job.state, job.progress, job.document_id, job.filename, job.error, job.created),
        )
        return job

    def get(self, job_id: str) -> Job:
        rows = self._db.query(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (job_id,))
        if not rows:
            raise NotFound(f"no job with id '{job_id}'")
        return _job(rows[0])

    def recent(self, limit: int) -> list[Job]:
        """The newest jobs first."""
        rows = self._db.query(f"SELECT {_COLUMNS} FROM jobs ORDER BY created DESC, rowid DESC LIMIT ?", (limit,))
        return [_job(row) for row in rows]

    def resume(self) -> int:
        """Queue again the jobs a stopped process left unfinished, and run them; how many."""
        count = self._db.execute(
            "UPDATE jobs SET state = ?, progress = 0 WHERE state IN (?, ?)",
            (JobState.QUEUED, JobState.QUEUED, JobState.RUNNING),
        )
        if count:
            log.warning("resuming %d indexing job(s) left unfinished", count)
            self.start()
        return count

    def start(self) -> None:
        """Run the queued jobs, on the worker thread (started when none is running)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="library-jobs", daemon=True)
                self._thread.start()

    def idle(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the queued jobs to finish; True when none is left."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._thread is None:
                    return True
            time.sleep(0.05)
        return False

    def _next(self) -> Job | None:
        """The oldest queued job, or None, and then the worker ends (under the lock, so that a job
        queued meanwhile starts a new one)."""
        with self._lock:
            rows = self._db.query(
                f"SELECT {_COLUMNS} FROM jobs WHERE state = ? ORDER BY created, rowid LIMIT 1", (JobState.QUEUED,)
            )
            if not rows:
                self._thread = None
                return None
            return _job(rows[0])

    def _work(self) -> None:
        try:
            while (job := self._next()) is not None:
                self._set(job.id, JobState.RUNNING, 0.1)
                try:
                    self._run(job)
                except AssistantError as err:
                    log.warning("job %s failed: %s", job.id, err)
                    self._set(job.id, JobState.FAILED, 1.0, str(err))
                except Exception as err:
                    log.exception("job %s failed", job.id)
                    self._set(
                        job.id, JobState.FAILED, 1.0, f"internal error ({type(err).__name__}); see the server log"
                    )
                else:
                    self._set(job.id, JobState.DONE, 1.0)
            self._forget_old()
        finally:  # a worker that died of its database lets the next job start another
            with self._lock:
                if self._thread is threading.current_thread():
                    self._thread = None

    def _set(self, job_id: str, state: JobState, progress: float, error: str | None = None) -> None:
        self._db.execute(
            "UPDATE jobs SET state = ?, progress = ?, error = ? WHERE id = ?", (state, progress, error, job_id)
        )

    def _forget_old(self) -> None:
        self._db.execute(
            "DELETE FROM jobs WHERE state IN (?, ?) AND id NOT IN (SELECT id FROM jobs ORDER BY created DESC LIMIT ?)",
            (JobState.DONE, JobState.FAILED, KEPT),
        )
