"""PDF text layer to blocks: reading order, paragraphs, headings by font, footnotes, page numbers.

pdfium (through pypdfium2) gives every glyph with its position, size and weight. Lines are built
from the glyphs' geometry, running heads and page numbers are set aside, two-column pages are read
column by column, and lines are joined into paragraphs, headings and note bodies by the shapes
that typesetting gives them (gaps, indents, sizes, weights), never by the words of one document.
"""

from __future__ import annotations

import ctypes
import itertools
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from assistant.corpus.document import BlockKind, Extracted
from assistant.corpus.readers.builder import TextBuilder, note_token
from assistant.errors import CorpusError

_BOLD_WEIGHT = 600
_LINE_HYPHENS = {"\x02": "-", "\ufffe": "-"}  # pdfium's marks for a hyphen that ends a line
_BULLETS = "•◦▪▫‣∙●○■□➢✓"
_NOTE_SYMBOLS = "*†‡§¶"
_ZONE_LINES = 3  # lines at the top and at the foot of a page where running heads and footers stand
_MAX_HEADING_WORDS = 14
_MAX_HEADING_CHARS = 120
_CAPTION = re.compile(r"^(?:figure|fig\.|table|chart|exhibit|map|plate)\s*\d", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–—]?(?:\s+of\s+\d{1,4})?$", re.I)
_ROMAN = re.compile(r"^(?=[IVXLC])M*(?:C[MD]|D?C{0,3})(?:X[CL]|L?X{0,3})(?:I[XV]|V?I{0,3})$")
_MARKER = re.compile(r"^(?:([IVXLC]+)|([A-Z])|(\d{1,2}))\.?$")
_BOILERPLATE_HEADING = re.compile(
    r"^(?:disclaimers?|copyright(?: notice)?|licen[cs]e|legal notices?|terms of use|imprint)$", re.IGNORECASE
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}},?\s+(\d{{4}})|\d{{1,2}}\s+{_MONTH}\s+(\d{{4}}))"
_DATE_LINE = re.compile(
    rf"\b(?:updated|decided|published|issued|dated|revised|released|date)\b[:\s]*{_DATE}", re.IGNORECASE
)
_XMP_FIELD = r"<dc:{0}>.*?<rdf:li[^>]*>(.*?)</rdf:li>"


@dataclass(frozen=True)
class _Glyph:
    char: str
    x0: float
    x1: float
    base: float
    size: float
    bold: bool


@dataclass
class _Line:
    """Glyphs on one baseline of one column; ``size``/``base``/``bold`` are the line's own (superscripts aside)."""

    glyphs: list[_Glyph]
    page: int
    x0: float = 0.0
    x1: float = 0.0
    base: float = 0.0
    size: float = 0.0
    bold: bool = False
    left: float = 0.0  # the left and right edges of the column the line stands in
    right: float = 0.0
    column: int = 0

    def measure(self) -> _Line:
        ink = [g for g in self.glyphs if not g.char.isspace()]
        self.x0, self.x1 = min(g.x0 for g in ink), max(g.x1 for g in ink)
        # the baseline most glyphs sit on; the size of the largest letters on it (small capitals sit
        # on it too, smaller; superscripts stand above it; a bullet's font is often another size)
        self.base = statistics.median(g.base for g in ink)
        on_line = [g for g in ink if abs(g.base - self.base) <= 0.1 * g.size + 0.5]
        self.size = max(round(g.size, 1) for g in [g for g in on_line if g.char.isalnum()] or on_line)
        letters = [g for g in ink if g.char.isalpha()]
        self.bold = bool(letters) and sum(g.bold for g in letters) >= 0.9 * len(letters)
        return self

    @property
    def plain(self) -> str:
        return "".join(g.char for g in self.glyphs).strip()

    def is_raised(self, glyph: _Glyph) -> bool:
        return glyph.size < 0.85 * self.size and glyph.base > self.base + 0.15 * self.size


# ---------------------------------------------------------------------------------------------
# glyphs and lines


def _glyphs(textpage: pdfium.PdfTextPage) -> Iterator[_Glyph]:
    """Every glyph of a page in content order, with its effective size (font size times the text
    matrix: many producers set 1 pt type and scale it) and whether its font is bold."""
    raw = textpage.raw
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    matrix = pdfium_c.FS_MATRIX()
    name, flags = ctypes.create_string_buffer(128), ctypes.c_int()
    for index in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        char = _LINE_HYPHENS.get(chr(code), chr(code)) if code else ""
        if not char or char in "\r\n" or not pdfium_c.FPDFText_GetCharBox(raw, index, left, right, bottom, top):
            continue
        pdfium_c.FPDFText_GetCharOrigin(raw, index, origin_x, origin_y)
        if char.isspace():
            yield _Glyph(" ", left.value, right.value, origin_y.value, 0.0, False)  # spaces carry no style
            continue
        pdfium_c.FPDFText_GetMatrix(raw, index, matrix)
        size = pdfium_c.FPDFText_GetFontSize(raw, index) * math.hypot(matrix.c, matrix.d)
        weight = pdfium_c.FPDFText_GetFontWeight(raw, index)
        if weight < 0:  # the font states no weight: its name may
            pdfium_c.FPDFText_GetFontInfo(raw, index, name, len(name), ctypes.byref(flags))
            weight = 700 if b"Bold" in name.value else 400
        if 0xFB00 <= code <= 0xFB06:  # typographic ligatures, spelt out so that words can be found
            char = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}.get(char, "st")
        yield _Glyph(char, left.value, right.value, origin_y.value, size, weight >= _BOLD_WEIGHT)


def _lines(glyphs: Iterator[_Glyph], page: int) -> list[_Line]:
    """Glyphs grouped into lines by geometry: a glyph off the current baseline, one that steps back
    to the left, or one after a gap of three ems starts a new line (a page number beside a running
    head, the next column). pdfium's own line breaks are not used: it runs lines on after a hyphen."""
    lines: list[list[_Glyph]] = []
    current: list[_Glyph] = []
    base = last_x1 = size = 0.0
    for glyph in glyphs:
        if glyph.char.isspace():
            if current:
                current.append(glyph)
            continue
        em = max(glyph.size, size, 1.0)
        if current and (abs(glyph.base - base) > 0.6 * em or glyph.x0 < last_x1 - em or glyph.x0 > last_x1 + 3 * em):
            lines.append(current)
            current = []
        if not current or glyph.size > size:
            base, size = glyph.base, glyph.size
        current.append(glyph)
        last_x1 = glyph.x1
    if current:
        lines.append(current)
    # a line with no letter or digit is a rule or an ornament, not text
    return [_Line(g, page).measure() for g in lines if any(ch.char.isalnum() for ch in g)]


# ---------------------------------------------------------------------------------------------
# running heads, footers and page numbers


def _furniture_key(line: _Line) -> str:
    """What a running head keeps from page to page: its letters, without page numbers or spacing."""
    return re.sub(r"[^a-z]+", "", line.plain.lower())


def _glued(a: _Line, b: _Line) -> bool:
    """Two lines of one block of type: same size, at ordinary line pitch, overlapping across."""
    return (
        abs(a.size - b.size) < 0.5
        and abs(a.base - b.base) <= 1.5 * a.size
        and a.x0 < b.x1
        and b.x0 < a.x1
        and a is not b
    )


def _zones(lines: list[_Line]) -> tuple[list[_Line], list[_Line]]:
    """The lines on the top and the bottom few baselines of a page."""
    bases = sorted({round(line.base) for line in lines}, reverse=True)
    top, bottom = set(bases[:_ZONE_LINES]), set(bases[-_ZONE_LINES:])
    return [x for x in lines if round(x.base) in top], [x for x in lines if round(x.base) in bottom]


def _drop_furniture(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Pages without running heads, running footers and page numbers: lines at the top or foot of a
    page whose letters repeat on another page there and that stand alone (not the first line of a
    paragraph), and lone page numbers on a page's first or last baseline or beside a running head."""
    zones = [_zones(lines) for lines in pages]
    seen: Counter[str] = Counter()
    for top, bottom in zones:
        seen.update({_furniture_key(x) for x in top + bottom if _furniture_key(x) and not _is_marker(x.plain)})
    kept_pages = []
    for lines, (top, bottom) in zip(pages, zones, strict=True):
        zone = top + bottom
        running = [x for x in zone if seen[_furniture_key(x)] >= 2 and not _is_marker(x.plain)]
        running = [x for x in running if not any(_glued(x, y) and y not in running for y in lines)]
        bases = {round(max(x.base for x in lines)), round(min(x.base for x in lines))} if lines else set()
        beside = {round(x.base) for x in running}
        numbers = [
            x
            for x in zone
            if _PAGE_NUMBER.match(x.plain) and (round(x.base) in bases | beside) and not _glued_to_text(x, lines)
        ]
        dropped = {id(x) for x in running + numbers}
        kept_pages.append([x for x in lines if id(x) not in dropped])
    return kept_pages


def _glued_to_text(line: _Line, lines: list[_Line]) -> bool:
    return any(_glued(line, other) for other in lines)


# ---------------------------------------------------------------------------------------------
# reading order


def _order(lines: list[_Line]) -> list[_Line]:
    """A page's lines in reading order: top to bottom, and on a page set in two columns the left
    column before the right one, between lines that span both (a title, a figure, a footer)."""
    lines = sorted(lines, key=lambda x: (-x.base, x.x0))
    gutter = _gutter(lines)
    if gutter is None:
        _set_column(lines, 0)
        return lines
    ordered: list[_Line] = []
    band: list[_Line] = []
    for line in [*lines, None]:
        if line is None or (line.x0 < gutter < line.x1):
            left = [x for x in band if x.x1 <= gutter]
            right = [x for x in band if x.x0 >= gutter]
            _set_column(left, 1)
            _set_column(right, 2)
            ordered += left + right
            if line is not None:
                _set_column([line], 0)
                ordered.append(line)
            band = []
        else:
            band.append(line)
    return ordered


def _gutter(lines: list[_Line]) -> float | None:
    """The x of the white channel between two columns, when the page has one: a vertical strip in
    the middle of the text area that few lines cross, with many lines entirely on either side."""
    if len(lines) < 8:
        return None
    start, end = min(x.x0 for x in lines), max(x.x1 for x in lines)
    scored: list[tuple[tuple[int, int], float]] = []
    x = start + 0.3 * (end - start)
    while x < start + 0.7 * (end - start):
        left = sum(line.x1 <= x for line in lines)
        right = sum(line.x0 >= x for line in lines)
        crossing = len(lines) - left - right
        if crossing <= 0.3 * len(lines) and min(left, right) >= max(4, 0.2 * len(lines)):
            scored.append(((min(left, right), -crossing), x))
        x += 1.0
    if not scored:
        return None
    best = max(score for score, _ in scored)
    channel = [x for score, x in scored if score == best]
    return (channel[0] + channel[-1]) / 2  # the middle of the channel, clear of ragged line ends


def _set_column(lines: list[_Line], column: int) -> None:
    """Record the column's edges on each of its lines. Indents are measured from the left edge most
    lines share, which is where a paragraph's running lines stand, with first-line or hanging indents."""
    if not lines:
        return
    left = Counter(round(x.x0) for x in lines).most_common(1)[0][0]
    rights = sorted(x.x1 for x in lines)
    right = rights[int(0.9 * (len(rights) - 1))]
    for line in lines:
        line.left, line.right, line.column = left, right, column


# ---------------------------------------------------------------------------------------------
# footnotes


def _note_label(line: _Line) -> tuple[str, int] | None:
    """The label a footnote body opens with (a raised number or symbol, or a number and a space),
    and how many glyphs it takes."""
    glyphs = line.glyphs
    count = 0
    while count < len(glyphs) and line.is_raised(glyphs[count]) and not glyphs[count].char.isspace():
        count += 1
    if count:
        label = "".join(g.char for g in glyphs[:count])
        return (label, count) if re.fullmatch(rf"\d{{1,3}}|[{_NOTE_SYMBOLS}]{{1,3}}", label) else None
    found = re.match(r"(\d{1,3})[.)]?\s", line.plain)
    return (found.group(1), len(found.group(1))) if found and line.x0 > line.left + 0.3 * line.size else None


def _split_notes(lines: list[_Line], text_size: float) -> tuple[list[_Line], list[list[_Line]]]:
    """A page's body lines and its footnote bodies: lines set smaller than the text, below all of
    it, opening with a note label; a body opens at each label. The text is the document's body
    size where the page has lines in it (long notes may outweigh the text), else the page's own."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.glyphs)
    if not sizes:
        return lines, []
    in_text_size = sum(abs(x.size - text_size) < 0.5 for x in lines) >= 3
    body_size = text_size if in_text_size else sizes.most_common(1)[0][0]
    lowest_body = min((x.base for x in lines if x.size >= 0.95 * body_size), default=math.inf)
    start = next(
        (i for i, x in enumerate(lines) if x.size < 0.9 * body_size and x.base < lowest_body and _note_label(x)),
        None,
    )
    if start is None or any(x.size >= 0.9 * body_size for x in lines[start:]):
        return lines, []
    notes: list[list[_Line]] = []
    for line in lines[start:]:
        if _note_label(line) or not notes:
            notes.append([line])
        else:
            notes[-1].append(line)
    return lines[:start], notes


# ---------------------------------------------------------------------------------------------
# headings


@dataclass
class _Style:
    """What the document's body text looks like, against which headings stand out."""

    size: float
    bold: bool
    pitch: dict[float, float] = field(default_factory=dict)


def _body_style(pages: list[list[_Line]]) -> _Style:
    sizes: Counter[float] = Counter()
    bold = 0
    pitches: dict[float, list[float]] = {}
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.glyphs)
            bold += len(line.glyphs) if line.bold else 0
        for a, b in itertools.pairwise(lines):
            if a.column == b.column and abs(a.size - b.size) < 0.5 and 0 < a.base - b.base < 3 * a.size:
                pitches.setdefault(a.size, []).append(a.base - b.base)
    size = sizes.most_common(1)[0][0] if sizes else 10.0
    pitch = {s: statistics.median(v) for s, v in pitches.items()}
    return _Style(size, bold > 0.5 * sum(sizes.values()), pitch)


def _style_key(line: _Line, body: _Style) -> tuple[float, bool] | None:
    """The (size, bold) of a line set larger or bolder than the body text, else None."""
    if line.size >= body.size + 1 or (line.bold and not body.bold and line.size >= body.size - 0.25):
        return (round(line.size * 2) / 2, line.bold)
    return None


def _is_marker(text: str) -> bool:
    return bool(_MARKER.match(text))


def _marker_rank(text: str, previous: dict[int, str]) -> int:
    """1 for a roman numeral, 2 for a capital letter, 3 for a number; a letter that is also a roman
    numeral (I, V, X, C…) is a letter when it follows the letter before it."""
    found = _MARKER.match(text)
    assert found is not None
    roman, letter, number = found.groups()
    if number:
        return 3
    value = roman or letter
    letter_before = previous.get(2)
    follows_letter = letter_before is not None and len(value) == 1 and ord(value) == ord(letter_before) + 1
    if roman and _ROMAN.match(roman) and not follows_letter and (len(roman) > 1 or roman in "IVX"):
        return 1
    return 2


def _is_centred(line: _Line) -> bool:
    middle = (line.left + line.right) / 2
    return abs((line.x0 + line.x1) / 2 - middle) < 1.5 * line.size and line.x0 > line.left + 2 * line.size


def _heading_text_ok(text: str) -> bool:
    return (
        any(ch.isalpha() for ch in text)
        and len(text) <= _MAX_HEADING_CHARS
        and len(text.split()) <= _MAX_HEADING_WORDS
        and text[0] not in _BULLETS
        and text[-1] not in ",;"
        and not _CAPTION.match(text)
    )


# ---------------------------------------------------------------------------------------------
# paragraphs


@dataclass
class _Paragraph:
    lines: list[_Line]
    kind: BlockKind = BlockKind.PARAGRAPH
    level: int = 0
    label: str | None = None
    style: tuple[float, bool] | None = None


def _short(line: _Line) -> bool:
    """A line that stops well short of its column's right edge, after the end of a sentence."""
    width = max(line.right - line.left, 1.0)
    ended = re.search(r"[.!?][”’\"')\]]*$", line.plain) is not None
    return ended and line.x1 < line.right - max(4 * line.size, 0.2 * width)


def _starts_paragraph(line: _Line, paragraph: _Paragraph, body: _Style) -> bool:
    """Whether ``line`` opens a new paragraph rather than continuing ``paragraph``: after a change of
    size, a wide gap, a line that ends a sentence short, a bullet, or an indent that differs from
    the paragraph's (first-line indents and hanging indents are both kept within one paragraph)."""
    lines = paragraph.lines
    prev = lines[-1]
    tolerance = 0.4 * line.size
    if abs(line.size - prev.size) >= 0.5 or _short(prev) or line.plain[:1] in _BULLETS:
        return True
    same_column = prev.page == line.page and prev.column == line.column and prev.base > line.base
    if same_column and prev.base - line.base > 1.35 * body.pitch.get(line.size, 1.2 * line.size):
        return True
    offset = line.x0 - line.left
    if len(lines) == 1:
        first = prev.x0 - prev.left
        # a second line may hang (bullets, hanging indents) or sit left of a first-line indent
        return not same_column and offset > first + tolerance and first < tolerance
    continuation = lines[1].x0 - lines[1].left
    return abs(offset - continuation) > tolerance


def _paragraphs(lines: list[_Line], body: _Style) -> list[_Paragraph]:
    """The body lines of the document, in reading order, as paragraphs and headings."""
    result: list[_Paragraph] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        heading = _heading_at(lines, index, body)
        if heading is not None:
            result.append(heading)
            index += len(heading.lines)
            continue
        open_paragraph = result[-1] if result and result[-1].kind in (BlockKind.PARAGRAPH, BlockKind.ITEM) else None
        if open_paragraph is not None and not _starts_paragraph(line, open_paragraph, body):
            open_paragraph.lines.append(line)
        else:
            kind = BlockKind.ITEM if line.plain[:1] in _BULLETS else BlockKind.PARAGRAPH
            result.append(_Paragraph([line], kind))
        index += 1
    return result


def _heading_at(lines: list[_Line], index: int, body: _Style) -> _Paragraph | None:
    """A heading starting at ``lines[index]``: lines in one larger or bolder style, standing alone
    (a bold label that runs on into its paragraph is not one), or a centred lone section marker."""
    line = lines[index]
    if _is_marker(line.plain) and _is_centred(line):
        return _Paragraph([line], BlockKind.HEADING)
    style = _style_key(line, body)
    if style is None:
        return None
    group = [line]
    while index + len(group) < len(lines):
        after = lines[index + len(group)]
        if _style_key(after, body) != style or not _glued(group[-1], after):
            break
        group.append(after)
    text = " ".join(x.plain for x in group)
    following = lines[index + len(group)] if index + len(group) < len(lines) else None
    runs_on = following is not None and _glued(group[-1], following) and following.glyphs[0].bold == style[1]
    if runs_on or not _heading_text_ok(text):
        return None
    return _Paragraph(group, BlockKind.HEADING, style=style)


def _is_boilerplate(heading: _Paragraph) -> bool:
    """A heading over a publisher's notice (a disclaimer, a copyright or licence notice), whose
    section is not the author's text."""
    return bool(_BOILERPLATE_HEADING.match(" ".join(x.plain for x in heading.lines).rstrip(":")))


def _set_levels(paragraphs: list[_Paragraph]) -> None:
    """Heading levels: larger (then bolder) type is the outer level; centred section markers nest
    inside those, roman numerals outside letters outside numbers."""
    sections = [p for p in paragraphs if p.style and not _is_boilerplate(p)]
    styles = sorted({p.style for p in sections if p.style}, key=lambda s: (-s[0], -s[1]))
    rank = {style: i + 1 for i, style in enumerate(styles)}
    previous: dict[int, str] = {}
    for paragraph in paragraphs:
        if paragraph.kind is not BlockKind.HEADING:
            continue
        if paragraph.style:
            paragraph.level = rank.get(paragraph.style, 1)
            previous.clear()
            continue
        text = paragraph.lines[0].plain.rstrip(".")
        marker = _marker_rank(text, previous)
        previous[marker] = text
        for deeper in [k for k in previous if k > marker]:
            del previous[deeper]
        paragraph.level = len(styles) + marker


# ---------------------------------------------------------------------------------------------
# the text of a block


def _line_text(line: _Line, skip: int = 0) -> str:
    """A line's text; raised small numbers and note symbols glued to it become note markers."""
    parts: list[str] = []
    run: list[str] = []
    for glyph in line.glyphs[skip:]:
        if line.is_raised(glyph) and (glyph.char.isdigit() or glyph.char in _NOTE_SYMBOLS):
            run.append(glyph.char)
            continue
        if run:
            parts.append(note_token("".join(run)))
            run = []
        parts.append(glyph.char)
    if run:
        parts.append(note_token("".join(run)))
    return "".join(parts).strip()


def _block_text(lines: list[_Line]) -> str:
    return "\n".join(_line_text(line) for line in lines)


# ---------------------------------------------------------------------------------------------
# facts


def _title_lines(pages: list[list[_Line]]) -> list[_Line]:
    """The title as the first page shows it: its largest type above the page's text size, one or two
    lines; a line that recurs elsewhere in that type (a masthead, a court's or journal's name)
    is passed over for the next size down."""
    if not pages or not pages[0]:
        return []
    first = pages[0]
    page_size = Counter({x.size: 0 for x in first})
    for line in first:
        page_size[line.size] += len(line.glyphs)
    text_size = page_size.most_common(1)[0][0]
    elsewhere = {(_furniture_key(x), x.size) for lines in pages[1:] for x in lines}
    for size in sorted({x.size for x in first if x.size > text_size + 0.5}, reverse=True):
        at = next(i for i, x in enumerate(first) if x.size == size)
        group = [first[at]]
        while at + len(group) < len(first) and len(group) < 3 and _glued(group[-1], first[at + len(group)]):
            group.append(first[at + len(group)])
        if not any((_furniture_key(x), x.size) in elsewhere for x in group):
            return group
    return []


def _page_year(lines: list[_Line]) -> str | None:
    """The year of a dated line on the first page (``Updated April 20, 2026``, ``Decided July 1, 2024``)."""
    for line in lines:
        found = _DATE_LINE.search(line.plain)
        if found:
            return found.group(1) or found.group(2)
    return None


def _xmp(data: bytes, name: str) -> str | None:
    """A Dublin Core field of the XMP packet, which producers store uncompressed so any tool may read it."""
    start = data.find(b"<x:xmpmeta")
    if start < 0:
        return None
    packet = data[start : data.find(b"</x:xmpmeta>", start) + 12].decode("utf-8", "replace")
    found = re.search(_XMP_FIELD.format(name), packet, re.DOTALL)
    return found.group(1).strip() if found else None


def _facts(builder: TextBuilder, document: pdfium.PdfDocument, data: bytes, pages: list[list[_Line]]) -> None:
    """Title from the first page first (a file's Title entry is often a file label), then the PDF
    info and XMP entries, and a year only from a dated line on the first page."""
    title = _title_lines(pages)
    builder.fact("title", " ".join(x.plain for x in title), "pdf first page")
    try:
        info = document.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError:
        info = {}
    builder.fact("title", info.get("Title") or _xmp(data, "title"), "pdf info")
    builder.fact("author", info.get("Author") or _xmp(data, "creator"), "pdf info")
    builder.fact("year", _page_year(pages[0]) if pages else None, "pdf first page")


# ---------------------------------------------------------------------------------------------
# the reader


def _open(data: bytes, name: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        reason = "encrypted (a password is needed)" if "password" in str(err).lower() else f"unreadable ({err})"
        raise CorpusError(f"{name}: PDF {reason}") from err


def _read_pages(document: pdfium.PdfDocument, name: str) -> list[list[_Line]]:
    pages = []
    try:
        for number in range(len(document)):
            page = document[number]
            textpage = page.get_textpage()
            pages.append(_lines(_glyphs(textpage), number + 1))
            textpage.close()
            page.close()
    except pdfium.PdfiumError as err:
        raise CorpusError(f"{name}: PDF page {len(pages) + 1} unreadable ({err})") from err
    return pages


def read_pdf(data: bytes, name: str) -> Extracted:
    """Blocks in reading order, each with its page; headings from type size and weight; footnote
    bodies as NOTE blocks, their markers recorded; running heads and page numbers left out."""
    document = _open(data, name)
    try:
        pages = _read_pages(document, name)
        if not any(pages):
            raise CorpusError(f"{name}: no text layer (a scanned image?); run OCR first")
        builder = TextBuilder()
        _facts(builder, document, data, pages)
    finally:
        document.close()
    title = {id(x) for x in _title_lines(pages)}
    pages = [_order(lines) for lines in _drop_furniture(pages)]
    body = _body_style(pages)
    _write(builder, pages, body, title)
    return builder.build(headings_marked=True)


def _write(builder: TextBuilder, pages: list[list[_Line]], body: _Style, title: set[int]) -> None:
    """Add every block: note bodies wait until the paragraph that runs over their page ends, so that
    a sentence broken by a page break reads whole."""
    flow: list[_Line] = []
    notes_after: dict[int, list[list[_Line]]] = {}  # index of a page's last body line → its notes
    for lines in pages:
        text_lines, notes = _split_notes(lines, body.size)
        flow += text_lines
        if notes:
            notes_after.setdefault(len(flow) - 1, []).extend(notes)
    paragraphs = _split_title(_paragraphs(flow, body), title)
    _set_levels(paragraphs)
    positions = {id(line): i for i, line in enumerate(flow)}
    boilerplate_level: int | None = None
    label = None
    for paragraph in paragraphs:
        kind = paragraph.kind
        if kind is BlockKind.HEADING:
            if boilerplate_level is not None and paragraph.level <= boilerplate_level:
                boilerplate_level = None
            if _is_boilerplate(paragraph):
                boilerplate_level = paragraph.level
        if boilerplate_level is not None:
            kind = BlockKind.APPARATUS
        builder.add(kind, _block_text(paragraph.lines), paragraph.level, paragraph.lines[0].page, keep_lines=True)
        last = max(positions[id(x)] for x in paragraph.lines)
        for index in [i for i in notes_after if i <= last]:
            for note in notes_after.pop(index):
                label = _add_note(builder, note, label)
    for index in sorted(notes_after):
        for note in notes_after[index]:
            label = _add_note(builder, note, label)


def _split_title(paragraphs: list[_Paragraph], title: set[int]) -> list[_Paragraph]:
    """The first page's title lines as one TITLE block, apart from what surrounds them."""
    result: list[_Paragraph] = []
    for paragraph in paragraphs:
        if not any(id(x) in title for x in paragraph.lines):
            result.append(paragraph)
            continue
        runs: list[list[_Line]] = []
        for line in paragraph.lines:
            if runs and (id(line) in title) == (id(runs[-1][0]) in title):
                runs[-1].append(line)
            else:
                runs.append([line])
        for run in runs:
            is_title = id(run[0]) in title
            result.append(_Paragraph(run, BlockKind.TITLE if is_title else paragraph.kind, paragraph.level))
    return result


def _add_note(builder: TextBuilder, lines: list[_Line], previous: str | None) -> str | None:
    """A footnote body as a NOTE block; one that opens without a label continues the last note."""
    found = _note_label(lines[0])
    label = found[0] if found else previous
    if found:
        rest = _line_text(lines[0], found[1])
        content = "\n".join([f"{found[0]} {rest}", *(_line_text(x) for x in lines[1:])])
    else:
        content = _block_text(lines)
    builder.add(BlockKind.NOTE, content, page=lines[0].page, label=label, keep_lines=True)
    return label
