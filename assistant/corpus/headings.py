"""Which blocks are headings, how headings nest, and the outline that citations use.

Formats that mark headings (HTML, Markdown, Word, PDF fonts) are trusted for what is a heading;
plain text's headings are recognised from the shape of lines. Every rule is about documents in
general, never about one document.
"""

from __future__ import annotations

import re

from assistant.corpus.document import Block, BlockKind, Section

_MAX_HEADING_CHARS = 100
_MAX_HEADING_WORDS = 14
_OPENING_QUOTES = '“"‘«„'
_SPACE = re.compile(r"\s+")


def heading_title(text: str, block: Block) -> str:
    """The title a heading block gives its section: one line, without a trailing colon."""
    return _SPACE.sub(" ", text[block.start : block.end]).strip().rstrip(":").strip()


def _looks_like_heading(text: str, following: str | None) -> bool:
    """A short single line, not a sentence, question, quotation or lead-in to a quotation."""
    if following is None or "\n" in text or "\r" in text:
        return False
    if len(text) > _MAX_HEADING_CHARS or len(text.split()) > _MAX_HEADING_WORDS:
        return False
    if not (text[0].isupper() or text[0].isdigit()) or text[-1] in '.,;?…"”’-–—':
        return False
    if text.endswith(":"):
        return not (_is_quotation_start(following) or following.lstrip()[:1] in _OPENING_QUOTES + "*•-–")
    return True


def _is_quotation_start(text: str) -> bool:
    return text.lstrip()[:1] in _OPENING_QUOTES


def mark_headings(text: str, blocks: tuple[Block, ...], headings_marked: bool) -> tuple[Block, ...]:
    """The blocks with headings recognised (kind HEADING, ``level`` from 1 outermost) and a first-line
    title (kind TITLE); a heading split over several blocks becomes one block."""
    if headings_marked:
        return blocks
    result = list(blocks)
    body = [i for i, b in enumerate(blocks) if b.kind is BlockKind.PARAGRAPH]
    for position, i in enumerate(body):
        block = blocks[i]
        following = blocks[body[position + 1]] if position + 1 < len(body) else None
        following_text = text[following.start : following.end] if following else None
        if _looks_like_heading(text[block.start : block.end], following_text):
            kind = BlockKind.TITLE if i == 0 else BlockKind.HEADING
            result[i] = Block(kind, block.start, block.end, block.level or 1, block.page)
    return tuple(result)


def outline(text: str, blocks: tuple[Block, ...]) -> tuple[Section, ...]:
    """Sections in document order, each with its path from the outermost enclosing heading."""
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    for block in blocks:
        if block.kind is not BlockKind.HEADING:
            continue
        title = heading_title(text, block)
        level = block.level or 1
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, title))
        sections.append(Section(title, block.start, level, tuple(t for _, t in stack), block.page))
    return tuple(sections)
