"""Documents and passages in SQLite: written once per build, then read by row or id on demand.

A corpus of a million passages costs the server one read-only connection and a small cache, not
a million Python objects. Passage ``row`` numbers are the rows of the vector arrays.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import overload

from assistant.corpus.document import Document, Metadata, NoteLink, Passage, Section, Voice
from assistant.index.coded import Coded

_SCHEMA = """
CREATE TABLE documents (
    position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, source TEXT NOT NULL, format TEXT NOT NULL,
    meta TEXT NOT NULL, text TEXT NOT NULL, sections TEXT NOT NULL, provenance TEXT NOT NULL, notes TEXT NOT NULL
);
CREATE TABLE passages (
    row INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, document_id TEXT NOT NULL, section TEXT NOT NULL,
    paragraph INTEGER NOT NULL, start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL, text TEXT NOT NULL,
    voice TEXT NOT NULL, speaker TEXT, notes TEXT NOT NULL, citation TEXT NOT NULL, page INTEGER,
    section_path TEXT NOT NULL
);
CREATE INDEX passages_of_document ON passages (document_id, row);
"""
_PASSAGE = (
    "SELECT row, id, document_id, section, paragraph, start_offset, end_offset, text, voice, speaker, notes, citation,"
    " page, section_path FROM passages"
)
_COLUMNS = frozenset({"id", "document_id", "voice", "speaker"})
_CHUNK = 900  # rows per query: below SQLite's limit on bound parameters


class TableWriter:
    """Appends documents and their passages to a new database file, rows numbered in order."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(path)
        self._connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
        self._rows = 0

    def add(self, document: Document) -> None:
        meta = json.dumps(asdict(document.meta), ensure_ascii=False)
        sections = json.dumps([asdict(s) for s in document.sections], ensure_ascii=False)
        provenance = json.dumps(document.provenance, ensure_ascii=False)
        notes = json.dumps([asdict(n) for n in document.notes], ensure_ascii=False)
        self._connection.execute(
            "INSERT INTO documents (id, source, format, meta, text, sections, provenance, notes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (document.id, document.source, document.format, meta, document.text, sections, provenance, notes),
        )
        self._connection.executemany(
            "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    row,
                    p.id,
                    p.document_id,
                    p.section,
                    p.paragraph,
                    p.start,
                    p.end,
                    p.text,
                    p.voice.value,
                    p.speaker,
                    json.dumps(p.notes),
                    p.citation,
                    p.page,
                    json.dumps(p.section_path, ensure_ascii=False),
                )
                for row, p in enumerate(document.passages, self._rows)
            ),
        )
        self._rows += len(document.passages)

    def close(self) -> None:
        self._connection.commit()
        self._connection.close()


class Database:
    """A read-only connection that threads share, one query at a time."""

    def __init__(self, path: Path) -> None:
        # immutable: the file is never written after its build; a rebuild renames a new file over it
        self._connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        self._lock = threading.Lock()

    def query(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple]:
        with self._lock:
            return self._connection.execute(sql, parameters).fetchall()

    def close(self) -> None:
        self._connection.close()


def _passage(row: tuple) -> Passage:
    _, id_, document_id, section, paragraph, start, end, text, voice, speaker, notes, citation, page, path = row
    return Passage(
        id_,
        document_id,
        section,
        paragraph,
        start,
        end,
        text,
        Voice(voice),
        speaker,
        tuple(str(n) for n in json.loads(notes)),
        citation,
        page,
        tuple(json.loads(path)),
    )


class Passages(Sequence[Passage]):
    """The passages by row; the most recently used are kept (answers touch a few rows repeatedly)."""

    CACHED = 4096  # passages kept: a few hundred questions' answers

    def __init__(self, database: Database) -> None:
        self._db = database
        self._count = database.query("SELECT count(*) FROM passages")[0][0]
        self._recent: OrderedDict[int, Passage] = OrderedDict()
        self._recent_lock = threading.Lock()
        self._coded: dict[str, Coded] = {}
        self._coding = threading.Lock()

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, key: int) -> Passage: ...
    @overload
    def __getitem__(self, key: slice) -> list[Passage]: ...
    def __getitem__(self, key: int | slice) -> Passage | list[Passage]:
        if isinstance(key, slice):
            return self.many(range(*key.indices(self._count)))
        row = key + self._count if key < 0 else key
        if not 0 <= row < self._count:
            raise IndexError(f"no passage row {key}")
        return self.many([row])[0]

    def __iter__(self) -> Iterator[Passage]:
        for start in range(0, self._count, _CHUNK):
            rows = list(range(start, min(start + _CHUNK, self._count)))
            found = self._fetch(rows)
            yield from (found[r] for r in rows)

    def many(self, rows: Iterable[int]) -> list[Passage]:
        """The passages of ``rows``, in that order: recently used ones from memory, the others
        fetched a chunk of rows per query and kept."""
        rows = [int(r) for r in rows]
        with self._recent_lock:
            found = {r: self._recent[r] for r in rows if r in self._recent}
            for r in found:
                self._recent.move_to_end(r)
        fetched = self._fetch([r for r in dict.fromkeys(rows) if r not in found])
        if fetched:
            with self._recent_lock:
                self._recent.update(fetched)
                while len(self._recent) > self.CACHED:
                    self._recent.popitem(last=False)
            found.update(fetched)
        return [found[r] for r in rows]

    def _fetch(self, rows: Sequence[int]) -> dict[int, Passage]:
        found: dict[int, Passage] = {}
        for i in range(0, len(rows), _CHUNK):
            chunk = rows[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update((r[0], _passage(r)) for r in self._db.query(f"{_PASSAGE} WHERE row IN ({marks})", chunk))
        return found

    def of_document(self, document_id: str) -> tuple[Passage, ...]:
        return tuple(
            _passage(r) for r in self._db.query(f"{_PASSAGE} WHERE document_id = ? ORDER BY row", (document_id,))
        )

    def column(self, name: str) -> list:
        """One field of every passage, by row (for the ranker's filters)."""
        if name not in _COLUMNS:
            raise ValueError(f"not a filter column: {name}")
        return [value for (value,) in self._db.query(f"SELECT {name} FROM passages ORDER BY row")]

    def coded(self, name: str) -> Coded:
        """One field of every passage as codes, read once and shared by search and ranking (at a
        million passages, reading a column is seconds); a passage without a value has ``""``."""
        with self._coding:
            if name not in self._coded:
                self._coded[name] = Coded(value or "" for value in self.column(name))
            return self._coded[name]


class Rows(Mapping[str, int]):
    """Passage id to row."""

    def __init__(self, database: Database, count: int) -> None:
        self._db = database
        self._count = count

    def __getitem__(self, passage_id: str) -> int:
        found = self._db.query("SELECT row FROM passages WHERE id = ?", (passage_id,))
        if not found:
            raise KeyError(passage_id)
        return found[0][0]

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        return (passage_id for (passage_id,) in self._db.query("SELECT id FROM passages ORDER BY row"))


class Documents(Mapping[str, Document]):
    """Documents by id, in corpus order, each with its text, sections and passages; the most
    recently used are kept parsed."""

    def __init__(self, database: Database, passages: Passages) -> None:
        self._db = database
        self._passages = passages
        self._ids = [document_id for (document_id,) in database.query("SELECT id FROM documents ORDER BY position")]
        self._load = lru_cache(maxsize=64)(self._fetch)

    def _fetch(self, document_id: str) -> Document:
        found = self._db.query(
            "SELECT id, source, format, meta, text, sections, provenance, notes FROM documents WHERE id = ?",
            (document_id,),
        )
        if not found:
            raise KeyError(document_id)
        id_, source, format_, meta, text, sections, provenance, notes = found[0]
        return Document(
            id_,
            source,
            format_,
            Metadata(**json.loads(meta)),
            text,
            tuple(Section(**{**s, "path": tuple(s["path"])}) for s in json.loads(sections)),
            self._passages.of_document(id_),
            json.loads(provenance),
            tuple(NoteLink(**n) for n in json.loads(notes)),
        )

    def __getitem__(self, document_id: str) -> Document:
        return self._load(document_id)

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)
