"""The library: documents added over HTTP, corpus documents hidden, citations corrected by hand,
collections, and the jobs that index them, all kept under the data directory.

It sits beside the index, below the service: it reads and writes files and its own database,
and it asks the index for nothing; the service hands it a job runner that rebuilds the index.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Collection
from pathlib import Path

from assistant.corpus.library import Origin, Sources, corpus_files, document_id
from assistant.errors import TooMany
from assistant.library.catalog import Catalog, Upload
from assistant.library.corrections import Correction, Corrections, recited
from assistant.library.database import FILE, LibraryDatabase
from assistant.library.jobs import Job, JobKind, JobQueue, JobState
from assistant.library.uploads import FOLDER, Candidate, check_file, check_text, free_id, remove_upload, write_upload
from assistant.settings import Settings

__all__ = [
    "Candidate",
    "Correction",
    "Job",
    "JobKind",
    "JobState",
    "Library",
    "Upload",
    "check_file",
    "check_text",
    "recited",
    "served_sources",
]

log = logging.getLogger(__name__)


def served_sources(settings: Settings) -> Sources:
    """What an assistant over ``settings`` reads its corpus from, found without writing anything:
    the command line compares its fingerprint with a running server's before asking it."""
    hidden: frozenset[str] = frozenset()
    path = settings.data_dir / FILE
    if path.exists():
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            hidden = frozenset(document_id for (document_id,) in connection.execute("SELECT document_id FROM hidden"))
        except sqlite3.Error:  # a library from before hiding, or one being made: nothing hidden yet
            pass
        finally:
            connection.close()
    return Sources(settings.corpus_dir, settings.data_dir / FOLDER, hidden)


class Library:
    """What was uploaded, hidden, corrected and filed, and the indexing jobs, in ``data_dir``."""

    def __init__(self, settings: Settings, run: Callable[[Job], None]) -> None:
        self.folder = settings.data_dir / FOLDER
        self.corpus_dir = settings.corpus_dir
        self.settings = settings.library
        self._db = LibraryDatabase(settings.data_dir)
        self.catalog = Catalog(self._db)
        self.corrections = Corrections(self._db)
        self.jobs = JobQueue(self._db, run)
        self._lock = threading.Lock()  # one upload or removal at a time: ids are chosen under it
        self._reconcile()

    def _reconcile(self) -> None:
        """Make the records and the folder agree after a crash: a file half written is removed, a
        record whose file is gone is dropped, and a file with no record (written by hand, or by a
        process that stopped before recording it) is recorded under its own name."""
        for leftover in self.folder.glob(".*.tmp"):
            leftover.unlink(missing_ok=True)
        recorded = {u.stored: u for u in self.catalog.uploads()}
        present = {p.name for p in corpus_files(self.folder)} if self.folder.is_dir() else set()
        for stored, upload in recorded.items():
            if stored not in present:
                log.warning("upload %s is gone from %s; forgetting it", stored, self.folder)
                self._forget(upload.document_id)
        for stored in sorted(present - set(recorded)):
            self.catalog.add_upload(document_id(Path(stored)), stored, stored)

    def sources(self) -> Sources:
        """What the index is read from: the corpus folder and the uploads, less what is hidden."""
        return Sources(self.corpus_dir, self.folder, self.catalog.hidden())

    def _corpus_ids(self) -> set[str]:
        """The ids the corpus folder's files hold or would take beside a namesake (``x``, ``x-txt``)."""
        ids = set()
        for path in corpus_files(self.corpus_dir):
            ids |= {document_id(path), f"{document_id(path)}-{path.suffix.lower().lstrip('.')}"}
        return ids

    def origin(self, document_id: str) -> Origin:
        return Origin.UPLOAD if self.catalog.upload(document_id) is not None else Origin.CORPUS

    def add(self, candidate: Candidate, collection: str | None, taken: Collection[str]) -> Job:
        """Accept a checked upload: give it an id that none of ``taken`` (the served documents),
        no file of the corpus folder, no other upload and no hidden document has; record it,
        write it, and queue the job that indexes it."""
        with self._lock:
            uploads = self.catalog.uploads()
            if len(uploads) >= self.settings.max_uploads:
                raise TooMany(f"the library holds its limit of {self.settings.max_uploads} uploads; remove one first")
            held = {*taken, *self._corpus_ids(), *(u.document_id for u in uploads), *self.catalog.hidden()}
            doc_id = free_id(candidate, held)
            with self._db.transaction():  # a file that cannot be written leaves no record
                self.catalog.add_upload(doc_id, candidate.stored_name(doc_id), candidate.label)
                if collection:
                    self.catalog.file(doc_id, [collection])
                job = self.jobs.create(JobKind.ADD, doc_id, candidate.label)
                write_upload(self.folder, candidate, doc_id)
        self.jobs.start()
        return job

    def remove(self, document_id: str) -> Job:
        """Delete an upload's file, or hide a corpus-folder document (its file stays), and queue
        the job that indexes the corpus without it."""
        with self._lock:
            upload = self.catalog.upload(document_id)
            with self._db.transaction():
                if upload is None:
                    self.catalog.hide(document_id)
                job = self.jobs.create(JobKind.REMOVE, document_id, upload.filename if upload else None)
                self._forget(document_id)
        self.jobs.start()
        return job

    def _forget(self, document_id: str) -> None:
        """Drop an upload's file and records, its collections and its correction."""
        upload = self.catalog.upload(document_id)
        with self._db.transaction():
            self.catalog.unfile(document_id)
            if upload is not None:
                self.catalog.remove_upload(document_id)
                remove_upload(self.folder, upload.stored)
        self.corrections.forget(document_id)

    def discard(self, document_id: str) -> None:
        """Forget an upload that its job could not index (nothing of it is left)."""
        with self._lock:
            self._forget(document_id)
