"""Word (.docx) documents reduced to plain text: body paragraphs and table rows in document order.

Structure comes from the styles Word records: heading styles (by name, base style or outline
level) are headings, list and quote styles are items and quotations, contents entries and
copyright/licence styles are apparatus, and title-styled paragraphs before the first heading are
the title block. The runs' XML is walked rather than python-docx's ``paragraph.text`` so that
footnote and endnote references, tabs, breaks, hyperlinks and field results keep their place;
each note body follows the block that first refers to it, as a footnote follows its text on the
printed page, so it is cited under the section it annotates.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import docx
from docx.document import Document as WordDocument
from docx.opc.coreprops import CoreProperties
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

from assistant.corpus.document import CELL_SEPARATOR, BlockKind, Extracted
from assistant.corpus.readers.builder import TextBuilder, note_token, strip_tokens
from assistant.errors import CorpusError

_BROKEN = (zipfile.BadZipFile, KeyError, ValueError, EOFError, NotImplementedError, etree.XMLSyntaxError)
_NOTE_PARTS = {"footnote": "/footnotes", "endnote": "/endnotes"}
_NOT_NOTES = {"separator", "continuationSeparator", "continuationNotice"}
# Word numbers footnotes 1, 2, 3 and endnotes i, ii, iii unless the settings say otherwise.
_DEFAULT_FORMATS = {"footnote": "decimal", "endnote": "lowerRoman"}
_CONTAINERS = {"hyperlink", "ins", "smartTag", "customXml", "moveTo", "dir", "bdo"}

_HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)
_TITLE_NAME = re.compile(r"title", re.IGNORECASE)
_CAPTION_NAME = re.compile(r"caption|table|figure", re.IGNORECASE)
_CONTENTS_NAME = re.compile(r"^toc\b|contents|table of (?:figures|authorities)|^index\b", re.IGNORECASE)
_BOILERPLATE_NAME = re.compile(r"copyright|licen[cs]e|disclaimer|colophon", re.IGNORECASE)
_QUOTE_NAME = re.compile(r"quot|block text", re.IGNORECASE)
_LIST_NAME = re.compile(r"\blist\b", re.IGNORECASE)
_INDEX_FIELD = re.compile(r"^\s*(?:TOC|INDEX)\b")

_CONTENTS_TEXT = re.compile(r"^(?:table of )?contents$", re.IGNORECASE)
_PAGE_NUMBER_END = re.compile(r"\t\s*(?:\d+|[ivxlcdm]+)\s*$", re.IGNORECASE)
_CAPTION_TEXT = re.compile(r"^(?:table|figure|fig\.|chart|graph|map|box|exhibit)\s*\d", re.IGNORECASE)
_BYLINE = re.compile(r"^by\s+(\S.*)$", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:1[5-9]\d\d|20\d\d)\b")
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE_WORD = re.compile(rf"\b(?:{_MONTHS}|\d{{1,2}}(?:st|nd|rd|th)?|published|updated|issued|revised|dated)\b\.?", re.I)
_PLACEHOLDER_TITLE = re.compile(r"\btemplate\b|^(?:document|untitled)\s*\d*$", re.IGNORECASE)
_ACCOUNT_AUTHOR = re.compile(r"^(?:microsoft office user|windows user|user|admin(?:istrator)?|owner)$", re.I)
_MAX_BOLD_HEADING_CHARS = 100
_MAX_BOLD_HEADING_WORDS = 14
_MAX_DATE_LINE_CHARS = 40
_KEEP_LINES = {BlockKind.PARAGRAPH, BlockKind.ITEM, BlockKind.QUOTE}  # a line break there is the author's
_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def read_docx(data: bytes, name: str) -> Extracted:
    """Blocks, note markers and citation facts of one Word document; a broken file is a CorpusError."""
    try:
        return _read(docx.Document(io.BytesIO(data)))
    except (*_BROKEN, PackageNotFoundError) as err:
        raise CorpusError(f"{name}: not a readable Word document ({err or type(err).__name__})") from err


def _read(document: WordDocument) -> Extracted:
    reader = _Reader(document)
    pieces = reader.pieces()
    builder = TextBuilder()
    written: set[str] = set()
    for piece in pieces:
        builder.add(piece.kind, piece.text, piece.level, keep_lines=piece.kind in _KEEP_LINES)
        for key in dict.fromkeys(piece.notes):
            if key not in written:
                written.add(key)
                label, body = reader.notes.body(key)
                builder.add(BlockKind.NOTE, body, label=label, key=key, keep_lines=True)
    _record_facts(builder, pieces, document.core_properties)
    return builder.build(headings_marked=True)


@dataclass
class _Piece:
    """One block as read, before the document-wide rules (bold headings) are applied."""

    kind: BlockKind
    text: str
    level: int = 0
    bold: bool = False
    outline: int = 0  # a heading level set on the paragraph itself, not by its style
    notes: list[str] = field(default_factory=list)
    title_block: bool = False  # a title-styled paragraph before the first heading
    title_line: bool = False  # ... that is part of the title (not a date line or byline)


@dataclass(frozen=True)
class _Style:
    """What a paragraph style says about the paragraphs that use it, its base styles included."""

    names: tuple[str, ...]  # its own name first, then its base styles'
    level: int | None  # heading level from a heading name or an outline level
    listed: bool
    bold: bool


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _on(element: etree._Element | None) -> bool | None:
    """A Word toggle property (``<w:b/>``, ``<w:vanish/>``): None when absent."""
    if element is None:
        return None
    return element.get(qn("w:val"), "true").lower() not in ("0", "false", "off", "none")


def _outline_level(properties: etree._Element | None) -> int | None:
    """The 1-based heading level ``w:outlineLvl`` gives; 0 for body text (level 9), None when absent."""
    found = properties.find(qn("w:outlineLvl")) if properties is not None else None
    if found is None:
        return None
    value = int(found.get(qn("w:val"), "9") or 9)
    return value + 1 if value < 9 else 0


def _numbered(properties: etree._Element | None) -> bool:
    number = properties.find(f"{qn('w:numPr')}/{qn('w:numId')}") if properties is not None else None
    return number is not None and number.get(qn("w:val")) != "0"


class _Styles:
    """The document's styles, resolved through their base styles."""

    def __init__(self, root: etree._Element) -> None:
        self._by_id = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
        defaults = [
            s.get(qn("w:styleId"))
            for s in self._by_id.values()
            if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true")
        ]
        self.default = defaults[0] if defaults else None
        self._cache: dict[str | None, _Style] = {}

    def _chain(self, style_id: str | None) -> list[etree._Element]:
        chain: list[etree._Element] = []
        while style_id in self._by_id and self._by_id[style_id] not in chain:
            style = self._by_id[style_id]
            chain.append(style)
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return chain

    def bold(self, style_id: str | None) -> bool:
        """Whether the style, or the nearest base style that says, sets bold."""
        for style in self._chain(style_id):
            value = _on(style.find(f"{qn('w:rPr')}/{qn('w:b')}"))
            if value is not None:
                return value
        return False

    def paragraph(self, style_id: str | None) -> _Style:
        """The paragraph style of that id (the default paragraph style for none or an unknown id)."""
        if style_id not in self._cache:
            chain = self._chain(style_id if style_id in self._by_id else self.default)
            names = tuple(n.get(qn("w:val"), "") for s in chain if (n := s.find(qn("w:name"))) is not None)
            self._cache[style_id] = _Style(
                names=names,
                level=self._level(chain),
                listed=any(_numbered(s.find(qn("w:pPr"))) for s in chain) or any(map(_LIST_NAME.search, names)),
                bold=self.bold(style_id if style_id in self._by_id else self.default),
            )
        return self._cache[style_id]

    @staticmethod
    def _level(chain: list[etree._Element]) -> int | None:
        """The nearest heading name or outline level in the chain; an explicit body level stops the search."""
        for style in chain:
            name = style.find(qn("w:name"))
            heading = _HEADING_NAME.match(name.get(qn("w:val"), "")) if name is not None else None
            if heading:
                return int(heading.group(1))
            level = _outline_level(style.find(qn("w:pPr")))
            if level is not None:
                return level or None
        return None


def _roman(number: int) -> str:
    result = ""
    for value, numeral in _ROMAN:
        count, number = divmod(number, value)
        result += numeral * count
    return result


def _note_label(number: int, number_format: str) -> str:
    """The marker Word displays for the ``number``-th note in ``number_format``."""
    if number_format in ("lowerRoman", "upperRoman"):
        roman = _roman(number)
        return roman.upper() if number_format == "upperRoman" else roman
    if number_format in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)
        return letter.upper() if number_format == "upperLetter" else letter
    if number_format == "chicago":
        return "*†‡§"[(number - 1) % 4] * ((number - 1) // 4 + 1)
    return str(number)


class _Notes:
    """Footnote and endnote bodies, labelled in the order of their first reference, as Word numbers them."""

    def __init__(self, document: WordDocument, styles: _Styles) -> None:
        self._bodies: dict[str, etree._Element] = {}
        for relationship in document.part.rels.values():
            kind = next((k for k, end in _NOTE_PARTS.items() if relationship.reltype.endswith(end)), None)
            if kind is None or relationship.is_external:
                continue
            for note in parse_xml(relationship.target_part.blob).findall(qn(f"w:{kind}")):
                if note.get(qn("w:type")) not in _NOT_NOTES:
                    self._bodies[f"{kind}-{note.get(qn('w:id'))}"] = note
        self._formats = {kind: self._format(document, kind) for kind in _NOTE_PARTS}
        self._counts = dict.fromkeys(_NOTE_PARTS, 0)
        self._labels: dict[str, str] = {}
        self._walker = _Walker(self, styles)  # its own field state: notes are a story of their own

    @staticmethod
    def _format(document: WordDocument, kind: str) -> tuple[str, int]:
        """Numbering format and start from the settings, overridden by the last section's properties."""
        number_format, start = _DEFAULT_FORMATS[kind], 1
        sections = document.element.body.findall(qn("w:sectPr"))
        for owner in (document.settings.element, *sections):
            properties = owner.find(qn(f"w:{kind}Pr"))
            if properties is None:
                continue
            found_format, found_start = properties.find(qn("w:numFmt")), properties.find(qn("w:numStart"))
            number_format = found_format.get(qn("w:val"), number_format) if found_format is not None else number_format
            start = int(found_start.get(qn("w:val"), start)) if found_start is not None else start
        return number_format, start

    def reference(self, kind: str, note_id: str | None, custom: str | None = None) -> str | None:
        """The marker token for a reference to a note (None when the note has no body)."""
        key = f"{kind}-{note_id}"
        if key not in self._bodies:
            return None
        if custom is not None:
            self._labels.setdefault(key, custom)
        elif key not in self._labels:
            number_format, start = self._formats[kind]
            self._labels[key] = _note_label(start + self._counts[kind], number_format)
            self._counts[kind] += 1
        return note_token(self._labels[key], target=key)

    def body(self, key: str) -> tuple[str, str]:
        """The label and text of a referenced note, its paragraphs one per line."""
        lines = [self._walker.paragraph(p).text for p in self._bodies[key].iter(qn("w:p"))]
        return self._labels[key], "\n".join(line for line in lines if line.strip())


@dataclass
class _Text:
    """A paragraph's visible text with note tokens, as its runs are walked."""

    parts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    all_bold: bool = True
    visible: bool = False
    in_index: bool = False

    @property
    def text(self) -> str:
        return "".join(self.parts)

    @property
    def bold(self) -> bool:
        return self.visible and self.all_bold

    def add(self, piece: str, bold: bool, in_index: bool) -> None:
        self.parts.append(piece)
        if piece.strip():
            self.visible = True
            self.all_bold = self.all_bold and bold
            self.in_index = self.in_index or in_index


@dataclass
class _Field:
    instruction: str = ""
    showing: bool = False


class _Walker:
    """Walks runs in order, keeping field state across paragraphs (a contents field spans many)."""

    def __init__(self, notes: _Notes, styles: _Styles) -> None:
        self._notes = notes
        self.styles = styles
        self._fields: list[_Field] = []
        self._custom_mark: tuple[str, str | None] | None = None

    def paragraph(self, paragraph: etree._Element, paragraph_bold: bool = False) -> _Text:
        out = _Text()
        self._walk(paragraph, out, paragraph_bold)
        return out

    def _visible(self) -> bool:
        return all(f.showing for f in self._fields)

    def _in_index(self) -> bool:
        return any(_INDEX_FIELD.match(f.instruction) for f in self._fields)

    def _walk(self, element: etree._Element, out: _Text, paragraph_bold: bool) -> None:
        for child in element:
            tag = _local(child.tag)
            if tag == "r":
                self._run(child, out, paragraph_bold)
            elif tag == "sdt":
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self._walk(content, out, paragraph_bold)
            elif tag == "fldSimple":
                self._fields.append(_Field(child.get(qn("w:instr"), ""), showing=True))
                self._walk(child, out, paragraph_bold)
                self._fields.pop()
            elif tag in _CONTAINERS:
                self._walk(child, out, paragraph_bold)
            elif tag in ("oMath", "oMathPara") and self._visible():
                out.add("".join(t.text or "" for t in child.iter(qn("m:t"))), False, self._in_index())

    def _field_char(self, char: etree._Element) -> None:
        kind = char.get(qn("w:fldCharType"))
        if kind == "begin":
            self._fields.append(_Field())
        elif kind == "separate" and self._fields:
            self._fields[-1].showing = True
        elif kind == "end" and self._fields:
            self._fields.pop()

    def _run(self, run: etree._Element, out: _Text, paragraph_bold: bool) -> None:
        properties = run.find(qn("w:rPr"))
        hidden = properties is not None and bool(_on(properties.find(qn("w:vanish"))))
        bold = self._bold(properties, paragraph_bold)
        for child in run:
            tag = _local(child.tag)
            if tag == "fldChar":
                self._field_char(child)
            elif tag == "instrText" and self._fields:
                self._fields[-1].instruction += child.text or ""
            elif hidden or not self._visible():
                continue
            elif tag in ("footnoteReference", "endnoteReference"):
                self._reference(child, tag.removesuffix("Reference"), out)
            elif tag == "t" and self._custom_mark is not None:
                kind, note_id = self._custom_mark
                self._custom_mark = None
                self._add_marker(out, kind, note_id, child.text or "")
            else:
                self._add_text(out, tag, child, bold)

    def _add_text(self, out: _Text, tag: str, child: etree._Element, bold: bool) -> None:
        if tag == "t":
            out.add(child.text or "", bold, self._in_index())
        elif tag in ("tab", "ptab"):
            out.add("\t", bold, self._in_index())
        elif tag in ("br", "cr"):
            # A page or column break ends a line of print, not of the text.
            out.add(" " if child.get(qn("w:type")) in ("page", "column") else "\n", bold, self._in_index())
        elif tag == "noBreakHyphen":
            out.add("-", bold, self._in_index())

    def _reference(self, reference: etree._Element, kind: str, out: _Text) -> None:
        note_id = reference.get(qn("w:id"))
        if reference.get(qn("w:customMarkFollows"), "0").lower() in ("1", "true", "on"):
            self._custom_mark = (kind, note_id)  # the next text run is the mark the page shows
        else:
            self._add_marker(out, kind, note_id, None)

    def _add_marker(self, out: _Text, kind: str, note_id: str | None, custom: str | None) -> None:
        token = self._notes.reference(kind, note_id, custom.strip() if custom else None)
        if token is not None:
            out.parts.append(token)
            out.notes.append(f"{kind}-{note_id}")

    def _bold(self, properties: etree._Element | None, paragraph_bold: bool) -> bool:
        """Direct bold, else the character style's, else the paragraph style's."""
        if properties is None:
            return paragraph_bold
        direct = _on(properties.find(qn("w:b")))
        if direct is not None:
            return direct
        character = properties.find(qn("w:rStyle"))
        if character is not None and self.styles.bold(character.get(qn("w:val"))):
            return True
        return paragraph_bold


class _Reader:
    """The body of one document as pieces: paragraphs, table rows, with their kinds and notes."""

    def __init__(self, document: WordDocument) -> None:
        self._document = document
        styles = _Styles(document.styles.element)
        self.notes = _Notes(document, styles)
        self._walker = _Walker(self.notes, styles)
        self._seen_heading = False
        # A line ending in a tab and a page number is a contents entry in the front matter or
        # among other apparatus, but may be a tabulated figure in the body.
        self._body_started = False
        self._after_apparatus = False

    def pieces(self) -> list[_Piece]:
        """Every block in document order. Direct formatting (an outline level or bold set on one
        paragraph) makes headings only in a document without heading styles: one that has them
        uses them, and its formatted Normal paragraphs are labels and captions, not sections."""
        pieces = list(self._blocks(self._document.element.body, contents=False))
        if not any(p.kind is BlockKind.HEADING for p in pieces):
            for piece in pieces:
                bold_heading = piece.bold and _looks_like_heading(strip_tokens(piece.text))
                if piece.kind is BlockKind.PARAGRAPH and (piece.outline or bold_heading):
                    piece.kind, piece.level = BlockKind.HEADING, piece.outline or 1
        return pieces

    def _blocks(self, container: etree._Element, contents: bool) -> Iterator[_Piece]:
        for child in container:
            tag = _local(child.tag)
            if tag == "p":
                yield self._track(self._paragraph(child, contents))
            elif tag == "tbl":
                yield from map(self._track, self._table(child, contents))
            elif tag == "sdt":
                content = child.find(qn("w:sdtContent"))
                gallery = child.find(f"{qn('w:sdtPr')}//{qn('w:docPartGallery')}")
                in_contents = gallery is not None and bool(_CONTENTS_NAME.search(gallery.get(qn("w:val"), "")))
                if content is not None:
                    yield from self._blocks(content, contents or in_contents)
            elif tag == "customXml":
                yield from self._blocks(child, contents)

    def _track(self, piece: _Piece) -> _Piece:
        if strip_tokens(piece.text).strip():
            self._after_apparatus = piece.kind is BlockKind.APPARATUS
            self._body_started = self._body_started or piece.kind not in (BlockKind.APPARATUS, BlockKind.TITLE)
        return piece

    def _paragraph(self, paragraph: etree._Element, contents: bool) -> _Piece:
        properties = paragraph.find(qn("w:pPr"))
        style_ref = properties.find(qn("w:pStyle")) if properties is not None else None
        style = self._walker.styles.paragraph(style_ref.get(qn("w:val")) if style_ref is not None else None)
        read = self._walker.paragraph(paragraph, style.bold)
        plain = strip_tokens(read.text).strip()
        direct = _outline_level(properties)
        piece = _Piece(
            self._kind(style, properties, read, plain, contents), read.text, bold=read.bold, notes=read.notes
        )
        if piece.kind is BlockKind.HEADING:
            piece.level = direct or style.level or 1
            self._seen_heading = self._seen_heading or bool(plain)
        elif piece.kind is BlockKind.PARAGRAPH:
            piece.outline = direct or 0
        elif piece.kind is BlockKind.TITLE:
            piece.title_block = True
            piece.title_line = not (_date_year(plain) or _BYLINE.match(plain))
            piece.kind = BlockKind.TITLE if piece.title_line else BlockKind.APPARATUS
        return piece

    def _kind(
        self, style: _Style, properties: etree._Element | None, read: _Text, plain: str, contents: bool
    ) -> BlockKind:
        names = style.names
        if contents or read.in_index or any(map(_CONTENTS_NAME.search, names)) or _CONTENTS_TEXT.match(plain):
            return BlockKind.APPARATUS
        if any(map(_BOILERPLATE_NAME.search, names)):
            return BlockKind.APPARATUS
        if _PAGE_NUMBER_END.search(strip_tokens(read.text)) and (self._after_apparatus or not self._body_started):
            return BlockKind.APPARATUS
        own = names[0] if names else ""
        if _TITLE_NAME.search(own) and not _CAPTION_NAME.search(own) and not self._seen_heading:
            return BlockKind.TITLE
        if style.level and _outline_level(properties) != 0:
            return BlockKind.HEADING
        if any(map(_QUOTE_NAME.search, names)):
            return BlockKind.QUOTE
        if style.listed or _numbered(properties):
            return BlockKind.ITEM
        return BlockKind.PARAGRAPH

    def _table(self, table: etree._Element, contents: bool) -> Iterator[_Piece]:
        """Each row one block, its cells joined by ``CELL_SEPARATOR``: a row reads as one statement (a label and
        its values), where a lone cell ("£9,535") means nothing when it is retrieved on its own."""
        for row in table.findall(qn("w:tr")):
            cells, notes = [], []
            for cell in row.findall(qn("w:tc")):
                reads = [self._walker.paragraph(p) for p in cell.iter(qn("w:p"))]
                notes += [key for read in reads for key in read.notes]
                text = " ".join(read.text.strip() for read in reads if read.text.strip())
                if text:
                    cells.append(text)
            kind = BlockKind.APPARATUS if contents else BlockKind.PARAGRAPH
            yield _Piece(kind, CELL_SEPARATOR.join(cells), notes=notes)


def _looks_like_heading(plain: str) -> bool:
    """A short bold line that is not a sentence or a table or figure caption."""
    plain = plain.strip()
    return (
        0 < len(plain) <= _MAX_BOLD_HEADING_CHARS
        and len(plain.split()) <= _MAX_BOLD_HEADING_WORDS
        and plain[-1] not in ".,;"
        and any(c.isalpha() for c in plain)
        and not _CAPTION_TEXT.match(plain)
    )


def _date_year(line: str) -> str | None:
    """The year of a date line ("January 2025", "16 May 2024", "2025-01-16"), None for other lines."""
    found = _YEAR.search(line)
    if found is None or len(line) > _MAX_DATE_LINE_CHARS:
        return None
    rest = _DATE_WORD.sub("", line[: found.start()] + " " + line[found.end() :])
    return found.group() if not rest.strip(" ,.:/-–") else None


def _joined_title(lines: list[str]) -> str:
    """Title-block lines as one title: a line that continues a sentence is joined with a space,
    a new line (a subtitle) with a colon, as a citation writes "Title: Subtitle"."""
    title = ""
    for line in lines:
        if not title:
            title = line
        elif title[-1] in ":;,–—-" or line[:1].islower():
            title = f"{title} {line}"
        else:
            title = f"{title}: {line}"
    return title


def _record_facts(builder: TextBuilder, pieces: list[_Piece], core: CoreProperties) -> None:
    """Citation facts, most trusted first: what the title block shows, then the core properties
    (whose title is often the template's and whose author is often an account name)."""
    block = [strip_tokens(p.text).strip() for p in pieces if p.title_block]
    title_lines = [strip_tokens(p.text).strip() for p in pieces if p.title_line]
    builder.fact("title", _joined_title([line for line in title_lines if line]), "docx title block")
    core_title = re.sub(r"^microsoft word\s*-\s*|\.docx?$", "", core.title or "", flags=re.IGNORECASE).strip()
    if not _PLACEHOLDER_TITLE.search(core_title):
        builder.fact("title", core_title, "docx core properties")
    for line in block:
        byline = _BYLINE.match(line)
        builder.fact("author", byline.group(1) if byline else None, "docx title block")
    if not _ACCOUNT_AUTHOR.match((core.author or "").strip()):
        builder.fact("author", core.author, "docx core properties")
    for line in block:
        builder.fact("year", _date_year(line), "docx title block")
    if core.created is not None:
        builder.fact("year", str(core.created.year), "docx core properties")
