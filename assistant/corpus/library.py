"""The folders of articles with their metadata sidecars, read into parsed documents.

A corpus is read from :class:`Sources`: the corpus folder, then the managed folder of uploads,
less the corpus documents that were hidden. An upload keeps the id it was given when it was
accepted; a file of the corpus folder whose name would give the same id is named with its
format instead (``x.txt`` beside an upload ``x`` is ``x-txt``), so the two are never mixed up.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from enum import StrEnum
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


class Origin(StrEnum):
    """Where a served document came from."""

    CORPUS = "corpus"  # a file of the corpus folder
    UPLOAD = "upload"  # a file of the managed uploads folder


@dataclass(frozen=True)
class Sources:
    """What a corpus is read from: the corpus folder, the managed uploads folder (when there is
    one) and the ids of corpus-folder documents hidden from it."""

    corpus: Path
    uploads: Path | None = None
    hidden: frozenset[str] = field(default_factory=frozenset)

    def __str__(self) -> str:
        return f"{self.corpus} and {self.uploads}" if self.uploads is not None else str(self.corpus)


def as_sources(folder: Path | Sources) -> Sources:
    """A bare folder is a corpus with no uploads and nothing hidden."""
    return folder if isinstance(folder, Sources) else Sources(folder)


@dataclass(frozen=True)
class Corpus:
    """The documents served and the files skipped."""

    documents: dict[str, Document]
    skipped: tuple[Skipped, ...]


def readable_id(name: str) -> str:
    """``Red Jacobins`` → ``red-jacobins``, ``Троцкий`` → ``троцкий``: letters and digits kept,
    case folded, every other run of characters one hyphen; empty when nothing is left."""
    folded = unicodedata.normalize("NFC", name).casefold()
    return re.sub(r"[^\w]+|_", "-", folded).strip("-")


def document_id(path: Path) -> str:
    """A readable id from the file name, Unicode letters kept: ``Red Jacobins.txt`` → ``red-jacobins``,
    ``Троцкий.txt`` → ``троцкий``. A name with no letters or digits is named by its bytes' hash."""
    return readable_id(path.stem) or "document-" + hashlib.sha256(path.name.encode()).hexdigest()[:8]


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


def _upload_files(sources: Sources) -> list[Path]:
    """The files of the uploads folder; none while it does not exist."""
    return corpus_files(sources.uploads) if sources.uploads is not None and sources.uploads.is_dir() else []


def _file_parts(paths: Iterable[Path]) -> Iterator[bytes]:
    """What the fingerprint hashes of each file: its name and its bytes', and its sidecar's, hashes."""
    for path in paths:
        for part in (path, sidecar_path(path)):
            yield part.name.encode() + b"\0"
            try:
                yield hashlib.sha256(part.read_bytes()).digest() if part.exists() else b"-"
            except OSError as err:
                yield f"unreadable:{err.errno}".encode()


def fingerprint(folder: Path | Sources) -> str:
    """A hash of every file's bytes and metadata, of what is hidden and of the parser's version:
    equal hashes mean an index built earlier was read from exactly these files, without parsing
    anything. A corpus folder with no uploads and nothing hidden hashes as the folder alone."""
    sources = as_sources(folder)
    digest = hashlib.sha256(f"parser {PARSER_VERSION}".encode())
    parts = _file_parts(corpus_files(sources.corpus))
    uploads = _upload_files(sources)
    if uploads:
        parts = itertools.chain(parts, [b"\0uploads\0"], _file_parts(uploads))
    if sources.hidden:
        parts = itertools.chain(parts, [("\0hidden\0" + "\0".join(sorted(sources.hidden))).encode()])
    for part in parts:
        digest.update(part)
    return digest.hexdigest()


def _unique_id(path: Path, taken: dict[str, str]) -> str:
    """The file's id, or, when another file of the same stem took it, the id with its format:
    ``x.md`` beside ``x.txt`` are ``x`` and ``x-txt``. ``taken`` maps ids to the files holding them."""
    base = document_id(path)
    if base not in taken:
        return base
    with_format = f"{base}-{path.suffix.lower().lstrip('.')}" if path.suffix else base
    if with_format in taken:
        raise CorpusError(f"{path.name}: same id '{base}' as {taken[base]}")
    return with_format


def _parse_file(path: Path, root: Path, chunking: ChunkingSettings, doc_id: str) -> Document:
    return parse_document(path, _read_bytes(path, root), chunking, _read_sidecar(path), doc_id)


def load_corpus(folder: Path | Sources, chunking: ChunkingSettings) -> Corpus:
    """Every readable document of the sources; every other file is skipped and named with a reason.
    Uploads are named first, so that the ids they were accepted with stay theirs."""
    sources = as_sources(folder)
    documents: dict[str, Document] = {}
    skipped: list[Skipped] = []
    taken: dict[str, str] = {}  # id → the file that holds it
    uploads: list[tuple[Path, str]] = []

    def skip(path: Path, err: CorpusError) -> None:
        log.warning("skipped %s", err)
        skipped.append(Skipped(path.name, str(err)))

    for path in _upload_files(sources):
        try:
            doc_id = _unique_id(path, taken)
        except CorpusError as err:
            skip(path, err)
            continue
        uploads.append((path, doc_id))
        taken[doc_id] = f"the upload {path.name}"
    for path in corpus_files(sources.corpus):
        try:
            doc_id = _unique_id(path, taken)
            if doc_id in sources.hidden:
                taken[doc_id] = path.name
                continue
            doc = _parse_file(path, sources.corpus, chunking, doc_id)
        except CorpusError as err:
            skip(path, err)
            continue
        documents[doc.id] = doc
        taken[doc.id] = doc.source
    for path, doc_id in uploads:
        try:
            documents[doc_id] = _parse_file(path, path.parent, chunking, doc_id)
        except CorpusError as err:
            skip(path, err)
    return Corpus(documents=documents, skipped=tuple(skipped))
