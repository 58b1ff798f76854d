"""Files added over HTTP: read before they are accepted, given an id no other document has,
and written into the managed uploads folder atomically.

A file is parsed as the index will parse it, so that what would be skipped (empty, too large, a
format no reader takes — read from the content, not only the name — an unreadable PDF or Word
file, a scanned PDF with no text layer) is refused with its reason before anything changes.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.corpus.library import document_id, parse_document, readable_id, sidecar_path
from assistant.corpus.readers import FORMATS, format_of
from assistant.errors import CorpusError, TooLarge
from assistant.settings import ChunkingSettings

FOLDER = "uploads"  # the managed folder, under the data directory
MAX_ID_CHARS = 80
MAX_NAME_CHARS = 255


@dataclass(frozen=True)
class Candidate:
    """An upload that was read and can be served: its file name (as sent, or made for a pasted
    text), its format, its bytes, the metadata to keep beside it (a pasted text's title, author
    and year), and what the library calls it (the name sent, or the pasted text's title)."""

    name: str
    format: str
    data: bytes
    sidecar: dict[str, object] = field(default_factory=dict)
    label: str = ""

    def stored_name(self, doc_id: str) -> str:
        return doc_id + FORMATS[self.format][0][0]


def clean_name(filename: str | None) -> str:
    """The file's own name without any folder a client put before it (``C:\\\\x\\\\a.pdf`` → ``a.pdf``)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[-MAX_NAME_CHARS:] or "upload"


def _checked(name: str, data: bytes, limit: int, chunking: ChunkingSettings, sidecar: dict[str, object]) -> Candidate:
    if len(data) > limit:
        raise TooLarge(f"{name}: {len(data):,} bytes is over the {limit:,}-byte limit")
    if not data.strip():
        raise CorpusError(f"{name}: empty file")
    format_ = format_of(Path(name), data)
    document = parse_document(Path(name), data, chunking, sidecar)
    if not document.passages:
        raise CorpusError(f"{name}: no passage to serve")
    if document.provenance.get("title") == "file name":  # stored under its id, the file keeps its own name as title
        sidecar = {**sidecar, "title": document.meta.title}
    return Candidate(name, format_, data, sidecar, name)


def check_file(filename: str | None, data: bytes, limit: int, chunking: ChunkingSettings) -> Candidate:
    """A file that the index will serve, or the reason it would not (:class:`CorpusError`, :class:`TooLarge`)."""
    return _checked(clean_name(filename), data, limit, chunking, {})


def check_text(
    text: str, title: str, author: str | None, year: int | None, limit: int, chunking: ChunkingSettings
) -> Candidate:
    """A pasted text, kept as a plain-text file with its title, author and year beside it."""
    sidecar: dict[str, object] = {"title": title.strip()}
    if author and author.strip():
        sidecar["author"] = author.strip()
    if year is not None:
        sidecar["year"] = year
    candidate = _checked(f"{title.strip()}.txt", text.encode("utf-8"), limit, chunking, sidecar)
    return replace(candidate, label=title.strip())


def free_id(candidate: Candidate, taken: Collection[str]) -> str:
    """An id from the upload's name that no document holds: ``x``, else ``x-pdf``, else ``x-2``…"""
    stem = readable_id(Path(candidate.name).stem)[:MAX_ID_CHARS].strip("-")
    stem = stem or "document-" + hashlib.sha256(candidate.name.encode()).hexdigest()[:8]
    tries = itertools.chain([stem, f"{stem}-{candidate.format}"], (f"{stem}-{n}" for n in itertools.count(2)))
    # the id is the one the corpus loader will read from the stored file's name
    ids = (document_id(Path(candidate.stored_name(t))) for t in tries)
    return next(doc_id for doc_id in ids if doc_id not in taken)


def write_atomically(path: Path, data: bytes) -> None:
    """Write under a temporary name (hidden from the corpus loader), sync, and rename into place."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_upload(folder: Path, candidate: Candidate, doc_id: str) -> str:
    """Write the file (and its metadata first, so the file is never seen without it); its stored name."""
    folder.mkdir(parents=True, exist_ok=True)
    stored = candidate.stored_name(doc_id)
    if candidate.sidecar:
        sidecar = json.dumps(candidate.sidecar, ensure_ascii=False, indent=2).encode()
        write_atomically(sidecar_path(folder / stored), sidecar)
    write_atomically(folder / stored, candidate.data)
    return stored


def remove_upload(folder: Path, stored: str) -> None:
    """Remove an upload's file and its metadata."""
    (folder / stored).unlink(missing_ok=True)
    sidecar_path(folder / stored).unlink(missing_ok=True)
