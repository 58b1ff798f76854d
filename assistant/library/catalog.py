"""What the library holds besides the files: which documents were uploaded (and under which
name), which corpus-folder documents are hidden, and the collections documents are filed in."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from assistant.library.database import LibraryDatabase


@dataclass(frozen=True)
class Upload:
    """An uploaded document: its id, its file in the uploads folder, the name it came under."""

    document_id: str
    stored: str
    filename: str
    created: float


class Catalog:
    """The library's records of uploads, hidden documents and collections, in its database."""

    def __init__(self, db: LibraryDatabase) -> None:
        self._db = db

    def uploads(self) -> list[Upload]:
        rows = self._db.query("SELECT document_id, stored, filename, created FROM uploads ORDER BY created")
        return [Upload(*row) for row in rows]

    def upload(self, document_id: str) -> Upload | None:
        rows = self._db.query(
            "SELECT document_id, stored, filename, created FROM uploads WHERE document_id = ?", (document_id,)
        )
        return Upload(*rows[0]) if rows else None

    def add_upload(self, document_id: str, stored: str, filename: str) -> Upload:
        upload = Upload(document_id, stored, filename, time.time())
        self._db.execute(
            "INSERT INTO uploads VALUES (?, ?, ?, ?)", (upload.document_id, stored, filename, upload.created)
        )
        return upload

    def remove_upload(self, document_id: str) -> None:
        self._db.execute("DELETE FROM uploads WHERE document_id = ?", (document_id,))

    def hide(self, document_id: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO hidden VALUES (?, ?)", (document_id, time.time()))

    def hidden(self) -> frozenset[str]:
        return frozenset(document_id for (document_id,) in self._db.query("SELECT document_id FROM hidden"))

    def shelves(self) -> dict[str, tuple[str, ...]]:
        """Every filed document's collections, by name."""
        found: dict[str, list[str]] = defaultdict(list)
        for document_id, name in self._db.query("SELECT document_id, name FROM collections ORDER BY name"):
            found[document_id].append(name)
        return {document_id: tuple(names) for document_id, names in found.items()}

    def collections_of(self, document_id: str) -> tuple[str, ...]:
        rows = self._db.query("SELECT name FROM collections WHERE document_id = ? ORDER BY name", (document_id,))
        return tuple(name for (name,) in rows)

    def members(self, name: str) -> frozenset[str]:
        rows = self._db.query("SELECT document_id FROM collections WHERE name = ?", (name,))
        return frozenset(document_id for (document_id,) in rows)

    def counts(self, among: Collection[str]) -> list[tuple[str, int]]:
        """Each collection's name and how many of the documents ``among`` it holds (none: not listed)."""
        counted: dict[str, int] = defaultdict(int)
        for document_id, name in self._db.query("SELECT document_id, name FROM collections"):
            if document_id in among:
                counted[name] += 1
        return sorted(counted.items())

    def file(self, document_id: str, names: Iterable[str], replace: bool = False) -> None:
        """Put a document in these collections (``replace``: in these and no others)."""
        with self._db.transaction():
            if replace:
                self.unfile(document_id)
            for name in names:
                self._db.execute("INSERT OR IGNORE INTO collections VALUES (?, ?)", (document_id, name))

    def unfile(self, document_id: str) -> None:
        self._db.execute("DELETE FROM collections WHERE document_id = ?", (document_id,))
