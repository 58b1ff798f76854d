"""What is derived once per index from all its documents, stored beside it: the authors, the
quoted speakers, and an outline of sections to start conversations from. Reading it costs the
same at one document as at ten thousand."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from assistant.corpus.document import Document, Voice

DERIVED = "derived.json"
_SECTIONS_PER_DOCUMENT = 8
_OUTLINE_MAX = 24
_PROSE = frozenset({Voice.AUTHOR, Voice.QUOTED})


@dataclass(frozen=True)
class OutlineEntry:
    """A section a conversation may start from."""

    document_id: str
    document_title: str
    section: str


@dataclass(frozen=True)
class Derived:
    """Corpus-wide facts, gathered in one pass over the documents at build time."""

    authors: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    outline: tuple[OutlineEntry, ...] = ()

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Derived:
        raw = json.loads(data)
        return cls(
            authors=tuple(raw["authors"]),
            speakers=tuple(raw["speakers"]),
            outline=tuple(OutlineEntry(**entry) for entry in raw["outline"]),
        )


@dataclass
class DerivedBuilder:
    """Collects :class:`Derived` while the documents stream past once."""

    _authors: dict[str, None] = field(default_factory=dict)
    _speakers: dict[str, None] = field(default_factory=dict)
    _sections: list[list[OutlineEntry]] = field(default_factory=list)

    def add(self, document: Document) -> None:
        if document.meta.author:
            self._authors[document.meta.author] = None
        self._speakers.update((p.speaker, None) for p in document.passages if p.speaker)
        argued = {p.section for p in document.passages if p.voice in _PROSE}
        sections = [s.title for s in document.sections if s.title in argued]
        self._sections.append(
            [OutlineEntry(document.id, document.meta.title, s) for s in sections[:_SECTIONS_PER_DOCUMENT]]
        )

    def build(self) -> Derived:
        """The outline takes sections from every document in turn, so a long book does not
        crowd out the others."""
        outline: list[OutlineEntry] = []
        for depth in range(_SECTIONS_PER_DOCUMENT):
            outline += [sections[depth] for sections in self._sections if depth < len(sections)]
        return Derived(tuple(self._authors), tuple(self._speakers), tuple(outline[:_OUTLINE_MAX]))
