"""The data that travels from a file on disk to a citable passage."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

CELL_SEPARATOR = " | "  # how a reader joins a table row's cells into one block


class BlockKind(StrEnum):
    """What a block of a document is, as far as its format (or structure analysis) tells."""

    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"
    QUOTE = "quote"
    NOTE = "note"  # a footnote or endnote body
    APPARATUS = "apparatus"  # not the author's text: licences, navigation, title pages, contents, running heads


class Voice(StrEnum):
    """Whose words a passage is."""

    AUTHOR = "author"
    QUOTED = "quoted"
    EDITORIAL = "editorial"  # an editor's, translator's or publisher's prose about the work
    NOTE = "note"  # the body of a footnote or endnote
    APPARATUS = "apparatus"  # e-book and web boilerplate, title pages, contents, inserted numbers


@dataclass(frozen=True)
class Block:
    """A span of the document's plain text that its format marks as one unit.

    ``page`` is the 1-based page of the block's first character, for paged formats. A NOTE block
    carries the ``label`` its markers show ("1", "*", "†") and, where the format links markers to
    bodies explicitly (HTML ids, Word footnote ids), the ``key`` that markers point to.
    """

    kind: BlockKind
    start: int
    end: int
    level: int = 0
    page: int | None = None
    label: str | None = None
    key: str | None = None


@dataclass(frozen=True)
class NoteMark:
    """A note marker in the text (``[1]``, ``¹``, ``*``, ``(+)``, an HTML note reference).

    ``start:end`` spans the marker as it stands in the text; ``target`` is the ``key`` of the
    NOTE block it links to, when the format says so.
    """

    start: int
    end: int
    label: str
    target: str | None = None


@dataclass(frozen=True)
class Fact:
    """A bibliographic fact a document states about itself, and where it states it.

    ``field`` is a :class:`Metadata` field name; ``source`` says where it was read
    (e.g. ``"html meta citation_author"``, ``"pdf info"``, ``"e-book header"``, ``"byline"``).
    """

    field: str
    value: str
    source: str


@dataclass(frozen=True)
class Extracted:
    """A reader's output: the plain text every offset refers to, its blocks, markers and facts.

    ``headings_marked`` is true when the format says which blocks are headings (HTML, Markdown,
    Word, PDF fonts); plain text leaves that to :mod:`assistant.corpus.headings`.
    """

    text: str
    blocks: tuple[Block, ...]
    headings_marked: bool
    notes: tuple[NoteMark, ...] = ()
    facts: tuple[Fact, ...] = ()


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
    accessed: str | None = None  # when an online source was read: set in the library, printed on cards


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
    notes: tuple[str, ...] = ()
    page: int | None = None
    section_path: tuple[str, ...] = ()


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
    notes: tuple[str, ...]
    citation: str
    page: int | None = None
    section_path: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A heading and where it sits in the document; ``path`` runs from the outermost section."""

    title: str
    start: int
    level: int = 1
    path: tuple[str, ...] = ()
    page: int | None = None


@dataclass(frozen=True)
class NoteLink:
    """A marker in the text and the note body it refers to (both as document offsets)."""

    label: str
    marker: int
    body_start: int
    body_end: int


@dataclass(frozen=True)
class Skipped:
    """A file of the corpus folder that is not served, and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class Document:
    """A parsed document: its text, metadata (with where each field came from), sections, passages."""

    id: str
    source: str
    format: str
    meta: Metadata
    text: str
    sections: tuple[Section, ...]
    passages: tuple[Passage, ...] = field(default=())
    provenance: dict[str, str] = field(default_factory=dict)
    notes: tuple[NoteLink, ...] = ()
