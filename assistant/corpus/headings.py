"""Which blocks are headings, how headings nest, and the outline that citations use.

Formats that mark headings (HTML, Markdown, Word, PDF fonts) are trusted for what is a heading,
less their title page and contents; plain text's headings are recognised from the shape of lines
and from the document's own heading style. An ordinal line (``CHAPTER I.``, ``PART 2``, ``IV.``)
and the title lines after it become one heading block. Every rule is about documents in general,
never about one document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from assistant.corpus.document import Block, BlockKind, Section

_MAX_HEADING_CHARS = 100
_MAX_HEADING_WORDS = 14
_MAX_TITLE_LINES = 3
_MAX_TITLE_CHARS = 250
_MIN_PROSE_CHARS = 60
_HOUSE_STYLE_SHARE = 0.8
_OPENING_QUOTES = '“"‘«„'
_SPACE = re.compile(r"\s+")
# Words that name a division of a work; which is outermost is read from each document.
_DIVISIONS = (
    "part|book|volume|chapter|section|article|lecture|essay|letter|canto|act|scene|appendix|division|title|subpart|chap"
)
_ORDINAL_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|first|second|third|fourth|fifth|"
    "sixth|seventh|eighth|ninth|tenth"
)
_ROMAN = r"(?=[IVXLCDM]{2,}|[IVX]\b)M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_NAMED = re.compile(
    rf"(?P<word>(?i:{_DIVISIONS}))\.?\s+(?P<number>\d{{1,3}}|{_ROMAN}|(?i:{_ORDINAL_WORDS}))\b[.:]?(?P<rest>.*)",
    re.DOTALL,
)
_NUMBERED = re.compile(rf"(?P<number>{_ROMAN})(?:\.(?P<rest>\s.*)?)?", re.DOTALL)
# A contents line's page number: after a wide gap, a tab or dot leaders, at the line's end.
# A lettered or numbered subdivision (``A``, ``2.``) under an ordinal heading, not its title.
_ENUMERATOR = re.compile(r"(?:[A-Za-z]|\d{1,3})[.)]?")
_PAGE_NUMBER = re.compile(r"(?:[ \t]{2,}|\t|\.{2,}[ \t]*)(?:\d{1,4}|[ivxlc]{1,6})[ \t]*(?=\r?$)", re.MULTILINE)
_CONTENTS_HEADING = re.compile(r"(?:table\s+of\s+)?contents\b.{0,40}", re.IGNORECASE | re.DOTALL)
_FIELD = re.compile(r"[A-Z][\w-]*(?: [\w-]+){0,2}: \S")
_OPEN_ENDING = re.compile(
    r"(?:[,;\-–—]|\b(?:and|or|but|nor|of|the|a|an|to|in|for|with|by|that|which|as|at|from|on|whose))$",
    re.IGNORECASE,
)
_KEY_NOISE = re.compile(r"[^\w\s]|\b(?:the|page)\b|\d+\s*$", re.IGNORECASE)
_LOWER_WORD = re.compile(r"\b[a-z]")
# A byline (``by NAME``, ``Translated by NAME``, a lone ``BY``): title-page matter, never a section.
_BYLINE = re.compile(
    r"(?i:(?:(?:translated|edited|written|introduced|compiled|selected|illustrated)\s+)?by)(?P<name>\s+\S.*)?",
    re.DOTALL,
)
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
# A place and a date (``BOSTON, APRIL 22, 1845.``, ``London, 5 July 1901``): a letter's dateline.
_DATELINE = re.compile(
    rf"(?:[A-Z][\w.'’-]*,?\s+){{0,3}}(?i:(?:{_MONTHS})[a-z]*\.?)\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\.?"
    rf"|(?:[A-Z][\w.'’-]*,?\s+){{0,3}}\d{{1,2}}(?:st|nd|rd|th)?\s+(?i:(?:{_MONTHS})[a-z]*\.?),?\s+\d{{4}}\.?"
)
_BODY = (BlockKind.PARAGRAPH, BlockKind.ITEM, BlockKind.QUOTE)
_UNNUMBERED = ""


def heading_title(text: str, block: Block) -> str:
    """The title a heading block gives its section: one line, without a trailing colon."""
    return _SPACE.sub(" ", text[block.start : block.end]).strip().rstrip(":").strip()


@dataclass(frozen=True)
class _Ordinal:
    """What an ordinal line says: its kind (``CHAPTER``, or ``#`` for a bare roman numeral) and
    whether a title follows the number on the same line."""

    kind: str
    titled: bool


def _ordinal(content: str) -> _Ordinal | None:
    """``CHAPTER XIII. OF THE…``, ``Part 2``, ``IV. THE STATE``, ``II.``, as long as what follows the
    number reads as a title and not as a sentence."""
    line = content.strip()
    named = _NAMED.fullmatch(line)
    if named and named.group("word")[0].isupper():
        rest = named.group("rest").strip()
        return _Ordinal(named.group("word").upper(), bool(rest)) if not rest or _is_title(rest) else None
    numbered = _NUMBERED.fullmatch(line)
    if numbered is None:
        return None
    rest = (numbered.group("rest") or "").strip()
    if rest and not (_is_title(rest) and (_is_upper(rest) or "\n" not in rest)):
        return None
    return _Ordinal("#", bool(rest))


def _is_upper(content: str) -> bool:
    """Set in capitals (a word or two in lower case, like ``Mr.`` or ``of``, allowed)."""
    letters = [c for c in content if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def _is_title(content: str) -> bool:
    """Reads as a title: short, a few lines at most, not an open sentence."""
    lines = content.strip().splitlines()
    if len(lines) > _MAX_TITLE_LINES or len(content) > _MAX_TITLE_CHARS:
        return False
    if not _is_upper(content) and (len(content.split()) > _MAX_HEADING_WORDS or content.rstrip()[-1:] in ".;,"):
        return False
    return content.strip()[:1].isupper() or content.strip()[:1].isdigit()


def _looks_like_heading(text: str, following: str | None, upper_only: bool) -> bool:
    """A short single line, not a sentence, question, quotation or lead-in to a quotation; in a
    document whose headings are set in capitals, a line set in capitals (which may end in a period)."""
    if following is None or "\n" in text or "\r" in text:
        return False
    if len(text) > _MAX_HEADING_CHARS or len(text.split()) > _MAX_HEADING_WORDS:
        return False
    upper = _is_upper(text)
    if upper_only and not upper:
        return False
    closing = '.,;?…"”’-–—'.replace(".", "") if upper else '.,;?…"”’-–—'
    if not (text[0].isupper() or text[0].isdigit()) or text[-1] in closing or _OPEN_ENDING.search(text):
        return False
    if _is_dateline(text):
        return False
    if following.lstrip()[:1].islower():
        return False
    if text.endswith(":"):
        return following.lstrip()[:1] not in _OPENING_QUOTES + "*•-–"
    return True


def mark_headings(text: str, blocks: tuple[Block, ...], headings_marked: bool) -> tuple[Block, ...]:
    """The blocks with headings recognised (kind HEADING, ``level`` from 1 outermost) and a first-line
    title (kind TITLE); a heading split over several blocks becomes one block. Contents entries and
    a title page spread over several headings become APPARATUS."""
    blocks = _contents_apart(text, blocks, headings_marked)
    if headings_marked:
        blocks = _bylines_apart(text, _datelines_apart(text, blocks))
        return _empty_sections_apart(text, _title_page_apart(_join_marked_ordinals(text, blocks)), marked=True)
    return _plain_headings(text, blocks)


def _bylines_apart(text: str, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Headings that name who wrote, translated or edited the work are title-page APPARATUS; a lone
    "By" takes the heading after it (the name) along."""
    result = list(blocks)
    for i, block in enumerate(blocks):
        byline = _BYLINE.fullmatch(text[block.start : block.end].strip()) if block.kind is BlockKind.HEADING else None
        if byline is None:
            continue
        taken = [i] if byline.group("name") else [i, i + 1]
        for j in taken:
            if j < len(blocks) and blocks[j].kind is BlockKind.HEADING:
                result[j] = Block(BlockKind.APPARATUS, blocks[j].start, blocks[j].end, blocks[j].level, blocks[j].page)
    return tuple(result)


def _is_dateline(content: str) -> bool:
    return _DATELINE.fullmatch(_SPACE.sub(" ", content).strip()) is not None


def _datelines_apart(text: str, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """A heading that only gives a place and a date heads no section: it is the dateline of a letter."""
    return tuple(
        Block(BlockKind.PARAGRAPH, b.start, b.end, 0, b.page)
        if b.kind is BlockKind.HEADING and _is_dateline(text[b.start : b.end])
        else b
        for b in blocks
    )


# --- contents -------------------------------------------------------------------------------


def _entry_key(line: str) -> str:
    """A contents entry or heading line compared loosely: no page number, punctuation or article."""
    return _SPACE.sub(" ", _KEY_NOISE.sub(" ", _PAGE_NUMBER.sub("", line))).strip().upper()


def _is_entry(content: str) -> bool:
    """Short enough to be one line of a table of contents (wrapped over a few lines at most)."""
    if _PAGE_NUMBER.search(content):
        return True
    return len(content.splitlines()) <= _MAX_TITLE_LINES and len(content) <= _MAX_TITLE_CHARS and _is_title(content)


def _contents_apart(text: str, blocks: tuple[Block, ...], headings_marked: bool) -> tuple[Block, ...]:
    """Tables of contents as APPARATUS: the blocks whose lines end in page numbers, and the run of
    short entries under a "Contents" line. The run ends where an entry comes back as a real heading,
    or (in plain text) at the heading right before the first paragraph of prose."""
    contents = {i for i, b in enumerate(blocks) if b.kind in _BODY and _PAGE_NUMBER.search(text[b.start : b.end])}
    for i, block in enumerate(blocks):
        content = text[block.start : block.end].strip()
        if block.kind not in (*_BODY, BlockKind.HEADING, BlockKind.APPARATUS) or "\n" in content:
            continue
        if _CONTENTS_HEADING.fullmatch(content):
            run = _contents_run(text, blocks, i + 1, headings_marked)
            if run or any(j in contents for j in range(i + 1, i + 3)):
                contents.update((i, *run))
    result = list(blocks)
    for i in contents:
        block = blocks[i]
        result[i] = Block(BlockKind.APPARATUS, block.start, block.end, block.level, block.page)
    return tuple(result)


def _contents_run(text: str, blocks: Sequence[Block], start: int, headings_marked: bool) -> list[int]:
    """The indices of the contents entries that follow a contents line at ``start``."""
    run: list[int] = []
    keys: set[str] = set()
    for j in range(start, len(blocks)):
        block = blocks[j]
        content = text[block.start : block.end]
        lines = [line for line in content.splitlines() if line.strip()]
        if block.kind is not BlockKind.APPARATUS:
            if block.kind not in _BODY or not _is_entry(content):
                prose = block.kind in _BODY
                return _without_last_heading(text, blocks, run) if prose and not headings_marked else run
            if lines and _ordinal(lines[0]) and _entry_key(lines[0]) in keys:
                return run
            run.append(j)
        keys.update(_entry_key(line) for line in lines)
    return run


def _without_last_heading(text: str, blocks: Sequence[Block], run: list[int]) -> list[int]:
    """The run less the heading (an ordinal line and its title) right before the prose it heads."""
    if run and not _PAGE_NUMBER.search(text[blocks[run[-1]].start : blocks[run[-1]].end]):
        run = run[:-1]
        last = text[blocks[run[-1]].start : blocks[run[-1]].end] if run else ""
        ordinal = _ordinal(last) if last else None
        if ordinal is not None and not ordinal.titled:
            run = run[:-1]
    return run


# --- marked formats -------------------------------------------------------------------------


def _join_marked_ordinals(text: str, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """A heading that is only an ordinal (``VI``, ``Chapter 3``) and the title heading right after it
    become one heading."""
    result: list[Block] = []
    for block in blocks:
        previous = result[-1] if result else None
        if (
            previous is not None
            and previous.kind is BlockKind.HEADING
            and block.kind is BlockKind.HEADING
            and block.level >= previous.level
            and _bare_ordinal(text[previous.start : previous.end])
            and _ordinal(text[block.start : block.end]) is None
            and not _ENUMERATOR.fullmatch(text[block.start : block.end].strip())
        ):
            result[-1] = Block(BlockKind.HEADING, previous.start, block.end, previous.level, previous.page)
        else:
            result.append(block)
    return tuple(result)


def _bare_ordinal(content: str) -> bool:
    found = _ordinal(content)
    return found is not None and not found.titled


def _title_page_apart(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """The document's first headings, when they stand together with no text between them and do not
    nest as parents of the one that heads the text, are a title page: the outermost one is the
    TITLE, the others APPARATUS. Headings already set aside as apparatus count among them."""
    run: list[int] = []
    for i, block in enumerate(blocks):
        if block.kind is BlockKind.HEADING or (block.kind is BlockKind.APPARATUS and block.level):
            run.append(i)
        elif block.kind is not BlockKind.APPARATUS and run:
            break
    while run and blocks[run[-1]].kind is not BlockKind.HEADING:
        run.pop()
    page, levels = run[:-1], [blocks[i].level for i in run]
    if all(a < b for a, b in pairwise(levels)):
        return blocks
    title = min(page, key=lambda i: blocks[i].level)
    result = list(blocks)
    for i in page:
        block = blocks[i]
        if block.kind is BlockKind.HEADING:
            kind = BlockKind.TITLE if i == title else BlockKind.APPARATUS
            result[i] = Block(kind, block.start, block.end, block.level, block.page)
    return tuple(result)


# --- plain text -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    """A heading found in plain text: the blocks it spans and its ordinal kind ("" if unnumbered)."""

    first: int
    last: int
    kind: str
    bare: bool


def _plain_headings(text: str, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Ordinal headings first (they set the document's style), then short lines in that style;
    each heading becomes one block with its level, and headings with nothing under them go."""
    found = _in_the_house_style(text, blocks, _ordinal_headings(text, blocks))
    upper_only = len(found) >= 2
    taken = {i for h in found for i in range(h.first, h.last + 1)}
    body = [i for i, b in enumerate(blocks) if b.kind in _BODY or b.kind is BlockKind.NOTE]
    result = list(blocks)
    for position, i in enumerate(body):
        block = blocks[i]
        if i in taken or block.kind is not BlockKind.PARAGRAPH:
            continue
        content = text[block.start : block.end]
        following = next((blocks[j] for j in body[position + 1 :] if j not in taken), None)
        previous = blocks[body[position - 1]] if position else None
        if _field_list(text, blocks, i) or _continues_sentence(text, previous):
            continue
        following_text = text[following.start : following.end] if following else None
        if i == 0 and _looks_like_heading(content, following_text, upper_only=False):
            result[i] = Block(BlockKind.TITLE, block.start, block.end, block.level or 1, block.page)
        elif _looks_like_heading(content, following_text, upper_only):
            found.append(_Heading(i, i, _UNNUMBERED, False))
    found.sort(key=lambda h: h.first)
    spans = {h.first: (h, level) for h, level in zip(found, _levels(found), strict=True)}
    joined: list[Block] = []
    i = 0
    while i < len(result):
        block = result[i]
        if i in spans:
            heading, level = spans[i]
            block = Block(BlockKind.HEADING, block.start, blocks[heading.last].end, level, block.page)
            i = heading.last
        joined.append(block)
        i += 1
    return _empty_sections_apart(text, tuple(joined), marked=False)


def _ordinal_headings(text: str, blocks: tuple[Block, ...]) -> list[_Heading]:
    """Ordinal lines with the title lines that follow them: a bare ordinal takes the next title
    block, and a title that does not end in a full stop takes the capitals that carry it on."""
    found: list[_Heading] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        content = text[block.start : block.end]
        ordinal = _ordinal(content) if block.kind is BlockKind.PARAGRAPH else None
        if ordinal is None or (ordinal.titled and not _is_title(content)):
            i += 1
            continue
        last, titled, tail = i, ordinal.titled, content
        while last + 1 < len(blocks) and blocks[last + 1].kind is BlockKind.PARAGRAPH:
            following = text[blocks[last + 1].start : blocks[last + 1].end]
            if _ordinal(following) is not None or not _is_title(following):
                break
            carried_on = _is_upper(following) and _is_upper(tail) and not tail.rstrip().endswith((".", "!", "?"))
            if titled and not carried_on:
                break
            if not titled and not (_is_upper(following) or "\n" not in following):
                break
            last, titled, tail = last + 1, True, following
        found.append(_Heading(i, last, ordinal.kind, not titled))
        i = last + 1
    return found


def _in_the_house_style(text: str, blocks: tuple[Block, ...], found: list[_Heading]) -> list[_Heading]:
    """Where nearly every ordinal heading is set in capitals, one that is not is a numbered note
    in the margin or a list, not a heading."""
    upper = [h.bare or _is_upper(text[blocks[h.first].start : blocks[h.last].end]) for h in found]
    if sum(upper) < _HOUSE_STYLE_SHARE * len(found):
        return found
    return [h for h, is_upper in zip(found, upper, strict=True) if is_upper]


def _levels(found: list[_Heading]) -> list[int]:
    """Levels from 1 (outermost): named divisions in the order they first appear, then bare numerals;
    an unnumbered heading before the first or after the last numbered one stands with the
    outermost, one between them under the innermost."""
    kinds: list[str] = []
    for heading in found:
        if heading.kind and heading.kind != "#" and heading.kind not in kinds:
            kinds.append(heading.kind)
    if any(h.kind == "#" for h in found):
        kinds.append("#")
    numbered = [n for n, h in enumerate(found) if h.kind]
    levels = []
    for n, heading in enumerate(found):
        if heading.kind:
            levels.append(kinds.index(heading.kind) + 1)
        elif not numbered or n < numbered[0] or n > numbered[-1]:
            levels.append(1)
        else:
            levels.append(len(kinds) + 1)
    return levels


def _field_list(text: str, blocks: tuple[Block, ...], i: int) -> bool:
    """``Title: …`` next to ``Author: …``: a list of fields, not headings."""

    def is_field(j: int) -> bool:
        return 0 <= j < len(blocks) and _FIELD.match(text[blocks[j].start : blocks[j].end]) is not None

    return is_field(i) and (is_field(i - 1) or is_field(i + 1))


def _continues_sentence(text: str, previous: Block | None) -> bool:
    """The paragraph before stops mid-sentence, so the line after it carries the sentence on."""
    if previous is None or previous.kind is BlockKind.NOTE:
        return False
    ending = text[previous.start : previous.end].rstrip()
    return _OPEN_ENDING.search(ending) is not None and not _is_upper(ending)


def _empty_sections_apart(text: str, blocks: tuple[Block, ...], marked: bool) -> tuple[Block, ...]:
    """A heading with nothing of its own before the next heading of its level or an outer one is no
    section. In plain text only prose counts (not short lines such as a signature and a date, nor
    the notes that close a chapter); such a heading becomes APPARATUS when it is an ordinal, set in
    capitals or marked up, else a paragraph."""
    result = list(blocks)
    for i, block in enumerate(blocks):
        if block.kind is not BlockKind.HEADING:
            continue
        has_text = False
        for following in blocks[i + 1 :]:
            if following.kind is BlockKind.HEADING:
                has_text = has_text or following.level > block.level
                break
            if following.kind is BlockKind.NOTE and not marked:
                break
            content = text[following.start : following.end]
            has_text = has_text or following.kind is BlockKind.NOTE or (following.kind in _BODY and _is_prose(content))
            has_text = has_text or (marked and following.kind in _BODY)
        if has_text:
            continue
        content = text[block.start : block.end]
        kind = BlockKind.APPARATUS if marked or _ordinal(content) or _is_upper(content) else BlockKind.PARAGRAPH
        result[i] = Block(kind, block.start, block.end, block.level if marked else 0, block.page)
    return tuple(result)


def _is_prose(content: str) -> bool:
    """A paragraph or a sentence, not a short line such as a signature or a date."""
    return len(content) >= _MIN_PROSE_CHARS or "\n" in content.strip() or len(_LOWER_WORD.findall(content)) >= 3


def _named_division(title: str) -> bool:
    ordinal = _ordinal(title)
    return ordinal is not None and ordinal.kind != "#"


def outline(text: str, blocks: tuple[Block, ...]) -> tuple[Section, ...]:
    """Sections in document order, each with its path from the outermost enclosing heading. A named
    division (``CHAPTER I``) nests only in another named division (``PART I``), never in an
    unnumbered heading that happens to stand above it (a work's title, an editor's note)."""
    sections: list[Section] = []
    stack: list[tuple[int, str, bool]] = []
    for block in blocks:
        if block.kind is not BlockKind.HEADING:
            continue
        title = heading_title(text, block)
        level = block.level or 1
        division = _named_division(title)
        while stack and (stack[-1][0] >= level or (division and not stack[-1][2])):
            stack.pop()
        stack.append((level, title, division))
        sections.append(Section(title, block.start, level, tuple(t for _, t, _ in stack), block.page))
    return tuple(sections)
