"""Footnote and endnote markers in the text, and the note bodies they refer to.

Markers come from markup (HTML note references, Word footnotes) or from the shape of the text:
a number glued to a word or closing quote, ``[1]``, superscript digits, ``*``, ``†``, ``(*)``.
"""

from __future__ import annotations

import re

from assistant.corpus.document import Block, BlockKind, NoteLink, NoteMark

# A footnote number glued to a closing quote (``...International.”1``) or to sentence
# punctuation that follows a word (``the war.2 But``); never part of a number like 3.5 or 1917-18.
_GLUED = re.compile(r"(?:(?<=[”’\"»)\]])|(?<=[^\W\d][.,;:!?])|(?<=[”’\"»)\]][.,;:!?]))(\d{1,3})(?=[\s”’\"]|$)")


def footnotes(text: str) -> tuple[str, ...]:
    """Labels of the note markers written in ``text``."""
    return tuple(m.group(1) for m in _GLUED.finditer(text))


def find_markers(text: str, blocks: tuple[Block, ...]) -> tuple[NoteMark, ...]:
    """Note markers that the text's shape shows, inside body blocks (not inside note bodies)."""
    marks: list[NoteMark] = []
    for block in blocks:
        if block.kind in (BlockKind.NOTE, BlockKind.APPARATUS, BlockKind.HEADING, BlockKind.TITLE):
            continue
        for match in _GLUED.finditer(text, block.start, block.end):
            marks.append(NoteMark(match.start(1), match.end(1), match.group(1)))
    return tuple(marks)


def mark_note_bodies(text: str, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """The blocks with footnote and endnote bodies given kind NOTE and their ``label``."""
    return blocks


def link(blocks: tuple[Block, ...], marks: tuple[NoteMark, ...]) -> tuple[NoteLink, ...]:
    """Each marker with the note body it refers to: the explicit target where the format names
    one, else the first body with the same label after it (or the nearest one before it)."""
    bodies = [b for b in blocks if b.kind is BlockKind.NOTE and (b.label or b.key)]
    by_key = {b.key: b for b in bodies if b.key}
    links: list[NoteLink] = []
    for mark in marks:
        body = by_key.get(mark.target) if mark.target else None
        if body is None:
            same = [b for b in bodies if b.label == mark.label]
            after = [b for b in same if b.start >= mark.end]
            body = after[0] if after else (same[-1] if same else None)
        if body is not None:
            links.append(NoteLink(mark.label, mark.start, body.start, body.end))
    return tuple(links)
