"""A folder of articles with their metadata sidecars, read into parsed documents."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, fields
from pathlib import Path

from assistant.corpus.document import Document, Metadata, Skipped
from assistant.corpus.passages import ChunkingSettings, cut_passages
from assistant.corpus.readers import extract, format_of
from assistant.corpus.structure import analyse
from assistant.errors import CorpusError

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"
PARSER_VERSION = 2  # bump when parsing or cutting changes, so that indexes are rebuilt
MAX_FILE_BYTES = 20_000_000


@dataclass(frozen=True)
class Corpus:
    """The documents served and the files skipped."""

    documents: dict[str, Document]
    skipped: tuple[Skipped, ...]


def document_id(path: Path) -> str:
    """A readable id from the file name, Unicode letters kept: ``Red Jacobins.txt`` → ``red-jacobins``,
    ``Троцкий.txt`` → ``троцкий``. A name with no letters or digits is named by its bytes' hash."""
    stem = unicodedata.normalize("NFC", path.stem).casefold()
    readable = re.sub(r"[^\w]+|_", "-", stem).strip("-")
    return readable or "document-" + hashlib.sha256(path.name.encode()).hexdigest()[:8]


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


def parse_document(
    path: Path, data: bytes, chunking: ChunkingSettings, sidecar: dict[str, object], doc_id: str | None = None
) -> Document:
    """Parse one file's bytes into a document with its sections and passages."""
    extracted = extract(path, data)
    structure = analyse(extracted, sidecar, path.stem)
    if not structure.paragraphs:
        raise CorpusError(f"{path.name}: no text found")
    doc_id = doc_id or document_id(path)
    return Document(
        id=doc_id,
        source=path.name,
        format=format_of(path, data),
        meta=structure.meta,
        text=extracted.text,
        sections=structure.sections,
        passages=cut_passages(doc_id, extracted.text, structure.meta, structure.paragraphs, chunking, structure.marks),
        provenance=structure.provenance,
        notes=structure.notes,
    )


def corpus_files(folder: Path) -> list[Path]:
    """Every file of a folder that may be a document (sidecars and hidden files aside), in a stable order."""
    if not folder.is_dir():
        raise CorpusError(f"corpus folder {folder} does not exist")
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and not p.name.endswith(SIDECAR_SUFFIX))


def fingerprint(folder: Path) -> str:
    """A hash of every file's bytes and metadata and of the parser's version: equal hashes mean an
    index built earlier was read from exactly these files, without parsing anything."""
    digest = hashlib.sha256(f"parser {PARSER_VERSION}".encode())
    for path in corpus_files(folder):
        for part in (path, sidecar_path(path)):
            digest.update(part.name.encode() + b"\0")
            try:
                digest.update(hashlib.sha256(part.read_bytes()).digest() if part.exists() else b"-")
            except OSError as err:
                digest.update(f"unreadable:{err.errno}".encode())
    return digest.hexdigest()


def _unique_id(path: Path, taken: dict[str, Document]) -> str:
    """The file's id, or, when another file of the same stem took it, the id with its format:
    ``x.md`` beside ``x.txt`` are ``x`` and ``x-txt``."""
    base = document_id(path)
    if base not in taken:
        return base
    with_format = f"{base}-{path.suffix.lower().lstrip('.')}" if path.suffix else base
    if with_format in taken:
        raise CorpusError(f"{path.name}: same id '{base}' as {taken[base].source}")
    return with_format


def load_corpus(folder: Path, chunking: ChunkingSettings) -> Corpus:
    """Every readable document in ``folder``; every other file is skipped and named with a reason."""
    documents: dict[str, Document] = {}
    skipped: list[Skipped] = []
    for path in corpus_files(folder):
        try:
            data = _read_bytes(path, folder)
            doc = parse_document(path, data, chunking, _read_sidecar(path), _unique_id(path, documents))
        except CorpusError as err:
            log.warning("skipped %s", err)
            skipped.append(Skipped(path.name, str(err)))
            continue
        documents[doc.id] = doc
    return Corpus(documents=documents, skipped=tuple(skipped))
