"""Citation corrections: fields a user set by hand over what a document states about itself.

They are kept in the library's database and applied to a served document whenever it is read,
so every citation, card and listing shows them at once, and the index (whose vectors never read
a citation) is not rebuilt for them. They survive restarts and rebuilds: they are keyed by the
document's id, which its file name makes.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from assistant.corpus.document import Metadata, Passage
from assistant.corpus.passages import citation
from assistant.library.database import LibraryDatabase

PROVENANCE = "correction"  # what ``provenance`` says of a corrected field


@dataclass(frozen=True)
class Correction:
    """Fields set by hand: ``None`` leaves the document's own, an empty string clears it.
    ``accessed`` (when an online source was read) is the library's alone: no document states it."""

    title: str | None = None
    author: str | None = None
    qualifications: str | None = None
    publication: str | None = None
    year: int | None = None
    url: str | None = None
    accessed: str | None = None

    def merged(self, changes: Mapping[str, Any]) -> Correction:
        """This correction with ``changes`` made; a field changed to ``None`` goes back to the document's own."""
        return replace(self, **{name: changes[name] for name in FIELDS if name in changes})

    def apply(self, meta: Metadata, provenance: Mapping[str, str]) -> tuple[Metadata, dict[str, str]]:
        """The metadata with the corrected fields, and provenance naming them as corrected."""
        known = {f.name for f in fields(Metadata)}
        changed = {name: value for name, value in asdict(self).items() if value is not None and name in known}
        values: dict[str, Any] = {name: value if value != "" else None for name, value in changed.items()}
        corrected = replace(meta, **values)
        return corrected, {**provenance, **dict.fromkeys(changed, PROVENANCE)}

    def __bool__(self) -> bool:
        return any(value is not None for value in asdict(self).values())


FIELDS = tuple(f.name for f in fields(Correction))


def recited(passage: Passage, meta: Metadata) -> Passage:
    """The passage with its citation made again from ``meta``, as the passage cutter makes it."""
    cite = citation(meta, passage.section_path or (passage.section,), passage.paragraph, passage.page)
    return passage if cite == passage.citation else replace(passage, citation=cite)


class Corrections:
    """Every document's correction, read once and kept in memory beside the database."""

    def __init__(self, db: LibraryDatabase) -> None:
        self._db = db
        self._lock = threading.RLock()
        self._by_document = {
            document_id: Correction(**json.loads(stored))
            for document_id, stored in db.query("SELECT document_id, fields FROM corrections")
        }

    def get(self, document_id: str) -> Correction | None:
        return self._by_document.get(document_id)

    def every(self) -> dict[str, Correction]:
        """Each corrected document's correction, by document id."""
        with self._lock:
            return dict(self._by_document)

    def change(self, document_id: str, changes: Mapping[str, Any]) -> Correction:
        """Store the document's correction with ``changes`` made to it."""
        with self._lock:
            correction = (self._by_document.get(document_id) or Correction()).merged(changes)
            if correction:
                stored = json.dumps({k: v for k, v in asdict(correction).items() if v is not None}, ensure_ascii=False)
                self._db.execute("INSERT OR REPLACE INTO corrections VALUES (?, ?)", (document_id, stored))
                self._by_document[document_id] = correction
            else:
                self.forget(document_id)
            return correction

    def forget(self, document_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM corrections WHERE document_id = ?", (document_id,))
            self._by_document.pop(document_id, None)
