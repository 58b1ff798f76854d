"""A folder of articles with their metadata sidecars, read into parsed documents."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, fields
from pathlib import Path

from assistant.corpus.document import Document, Metadata
from assistant.corpus.passages import ChunkingSettings, cut_passages
from assistant.corpus.readers import READERS, extract
from assistant.corpus.structure import analyse, detected_title
from assistant.errors import CorpusError

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"
PARSER_VERSION = 1  # bump when parsing or cutting changes, so that indexes are rebuilt
MAX_FILE_BYTES = 20_000_000


@dataclass(frozen=True)
class Skipped:
    """A file that was not served, and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class Corpus:
    """The documents served and the files skipped."""

    documents: dict[str, Document]
    skipped: tuple[Skipped, ...]


def document_id(path: Path) -> str:
    """A URL-safe id from the file name: ``Red Jacobins.txt`` → ``red-jacobins``."""
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "document"


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def _read_sidecar(path: Path) -> dict[str, object]:
    sidecar = sidecar_path(path)
    if not sidecar.exists():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise CorpusError(f"{sidecar.name}: unreadable metadata ({err})") from err
    if not isinstance(data, dict):
        raise CorpusError(f"{sidecar.name}: metadata must be a JSON object")
    known = {f.name for f in fields(Metadata)}
    return {k: v for k, v in data.items() if k in known}


def _read_bytes(path: Path, root: Path) -> bytes:
    if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
        raise CorpusError(f"{path.name}: symbolic link out of the corpus folder")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CorpusError(f"{path.name}: {size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit")
        data = path.read_bytes()
    except OSError as err:
        raise CorpusError(f"{path.name}: cannot be read ({err.strerror or err})") from err
    if not data.strip():
        raise CorpusError(f"{path.name}: empty file")
    return data


def parse_document(path: Path, data: bytes, chunking: ChunkingSettings, sidecar: dict[str, object]) -> Document:
    """Parse one file's bytes into a document with its sections and passages."""
    extracted = extract(path, data)
    if not extracted.blocks:
        raise CorpusError(f"{path.name}: no text found")
    title = sidecar.get("title") or detected_title(extracted) or path.stem
    meta = Metadata(**{**sidecar, "title": str(title)})  # type: ignore[arg-type]
    structure = analyse(extracted, meta)
    doc_id = document_id(path)
    return Document(
        id=doc_id,
        source=path.name,
        format=path.suffix.lower().lstrip("."),
        meta=meta,
        text=extracted.text,
        sections=structure.sections,
        passages=cut_passages(doc_id, extracted.text, meta, structure.paragraphs, chunking, extracted.notes),
    )


def corpus_files(folder: Path) -> list[Path]:
    """Article files of a folder, in a stable order."""
    if not folder.is_dir():
        raise CorpusError(f"corpus folder {folder} does not exist")
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in READERS and not p.name.startswith("."))


def fingerprint(folder: Path, chunking: ChunkingSettings) -> str:
    """A hash of every article's bytes and metadata and of how they are cut: equal hashes mean
    an index built earlier still describes this folder, without parsing anything."""
    digest = hashlib.sha256(f"{PARSER_VERSION}|{chunking!r}".encode())
    for path in corpus_files(folder):
        for part in (path, sidecar_path(path)):
            digest.update(part.name.encode() + b"\0")
            try:
                digest.update(hashlib.sha256(part.read_bytes()).digest() if part.exists() else b"-")
            except OSError as err:
                digest.update(f"unreadable:{err.errno}".encode())
    return digest.hexdigest()


def load_corpus(folder: Path, chunking: ChunkingSettings) -> Corpus:
    """Every readable article in ``folder``; unreadable ones are skipped and named with a reason."""
    documents: dict[str, Document] = {}
    skipped: list[Skipped] = []
    for path in corpus_files(folder):
        try:
            data = _read_bytes(path, folder)
            doc = parse_document(path, data, chunking, _read_sidecar(path))
            if doc.id in documents:
                raise CorpusError(f"{path.name}: same id '{doc.id}' as {documents[doc.id].source}")
        except CorpusError as err:
            log.warning("skipped %s", err)
            skipped.append(Skipped(path.name, str(err)))
            continue
        documents[doc.id] = doc
    return Corpus(documents=documents, skipped=tuple(skipped))
