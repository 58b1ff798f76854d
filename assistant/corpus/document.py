"""The data that travels from a file on disk to a citable passage."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class BlockKind(StrEnum):
    """What a block of a document is, as far as its format tells."""

    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"
    QUOTE = "quote"


class Voice(StrEnum):
    """Whose words a passage is."""

    AUTHOR = "author"
    QUOTED = "quoted"
    EDITORIAL = "editorial"


@dataclass(frozen=True)
class Block:
    """A span of the document's plain text that its format marks as one unit."""

    kind: BlockKind
    start: int
    end: int
    level: int = 0


@dataclass(frozen=True)
class Extracted:
    """A reader's output: the plain text every offset refers to, and its blocks.

    ``headings_marked`` is true when the format says which blocks are headings (HTML, Markdown);
    plain text leaves that to :mod:`assistant.corpus.structure`.
    """

    text: str
    blocks: tuple[Block, ...]
    headings_marked: bool
    title: str | None = None
    notes: tuple[tuple[int, int], ...] = ()  # (offset, number) of note references marked up as such


@dataclass(frozen=True)
class Metadata:
    """Bibliographic facts of a document, from its sidecar or its own markup."""

    title: str
    author: str | None = None
    publication: str | None = None
    year: int | None = None
    qualifications: str | None = None
    url: str | None = None
    body_starts_with: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """A body block with everything structure analysis learned about it."""

    kind: BlockKind
    start: int
    end: int
    number: int
    section: str
    voice: Voice
    speaker: str | None = None
    notes: tuple[int, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A citable span: ``text == document.text[start:end]`` always holds."""

    id: str
    document_id: str
    section: str
    paragraph: int
    start: int
    end: int
    text: str
    voice: Voice
    speaker: str | None
    notes: tuple[int, ...]
    citation: str


@dataclass(frozen=True)
class Section:
    """A heading and where it sits in the document."""

    title: str
    start: int
    level: int = 1


@dataclass(frozen=True)
class Document:
    """A parsed document: its text, metadata, sections and passages."""

    id: str
    source: str
    format: str
    meta: Metadata
    text: str
    sections: tuple[Section, ...]
    passages: tuple[Passage, ...] = field(default=())
