"""Footnote and endnote markers in the text, and the note bodies they refer to.

Markers come from markup (HTML note references, Word footnotes) or from the shape of the text: a
number glued to a word or closing quote, ``[1]``, superscript digits, ``*``, ``†``, ``(*)``, ``(1)``.
A marker's ``label`` is what it shows without its brackets: ``[1]`` → ``1``, ``(*)`` → ``*``,
``¹²`` → ``12``; a note body carries the same label, so markers and bodies pair by label.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from assistant.corpus.document import Block, BlockKind, NoteLink, NoteMark

# A footnote number glued to a closing quote (``...International.”1``) or to sentence
# punctuation that follows a word (``the war.2 But``); never part of a number like 3.5 or 1917-18.
_GLUED = re.compile(r"(?:(?<=[”’\"»)\]])|(?<=[^\W\d][.,;:!?])|(?<=[”’\"»)\]][.,;:!?]))(\d{1,3})(?=[\s”’\"]|$)")
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TO_DIGITS = str.maketrans(_SUPERSCRIPTS, "0123456789")
_SYMBOLS = "*†‡"
# A bracketed number, letter or symbol, superscript digits or a note symbol, glued to the word or
# punctuation before it and followed by a space, punctuation or the end: ``work.[1] The``,
# ``Louis(*) (and``, ``acts.²``, ``restored.*``. ``[sic]``, ``(1917)`` and ``5(1)`` are not markers.
_SHAPED = re.compile(
    rf"(?<=[^\s\d])(?:\[(\d{{1,3}}|[A-Z])\]|\((\d{{1,3}}|[{_SYMBOLS}+#$%&])\)|([{_SUPERSCRIPTS}]+)|([{_SYMBOLS}]+))"
    r"(?=[\s.,;:!?”’\"»)\]—–-]|$)"
)
# Superscript units (``10 m²``) are not markers.
_UNIT_BEFORE = re.compile(r"\d\s?[^\W\d]{1,2}$")
# An opening emphasis star (``*word*``) makes the closing one typography, not a marker.
_EMPHASIS_OPENING = re.compile(r"(?:^|(?<=\s))\*+\w")
# The label a note body opens with: ``[6] These words``, ``(*) See``, ``* We have``, ``*She``, ``² The``.
_BODY_LABEL = re.compile(
    rf"\[(\d{{1,3}}|[A-Z])\]|\((\d{{1,3}}|[{_SYMBOLS}+#$%&])\)|([{_SUPERSCRIPTS}]+)|([{_SYMBOLS}]+)(?=\s|[^\W\d_])"
)
# Under a notes heading bodies may also open with a plain number: ``1. See``, ``12 Ibid.``.
_NUMBERED_BODY = re.compile(r"(\d{1,3})[.)]?(?=\s)")
_NOTES_HEADING = re.compile(r"(?:foot|end)?notes?\s*[.:]?", re.IGNORECASE)
_BODY = (BlockKind.PARAGRAPH, BlockKind.ITEM, BlockKind.QUOTE)
_NOT_SCANNED = (BlockKind.NOTE, BlockKind.APPARATUS, BlockKind.TITLE)
_MIN_CONTINUATION_CHARS = 60


def _label(match: re.Match[str]) -> str:
    return next(group for group in match.groups() if group).translate(_TO_DIGITS)


def _markers_in(text: str, start: int, end: int) -> Iterator[NoteMark]:
    """Markers inside ``text[start:end]``, in order; where two shapes overlap the first wins."""
    found: list[NoteMark] = []
    for match in _GLUED.finditer(text, start, end):
        if not _inside_parentheses(text, start, match.start()):
            found.append(NoteMark(match.start(1), match.end(1), match.group(1)))
    for match in _SHAPED.finditer(text, start, end):
        line_start = text.rfind("\n", start, match.start()) + 1 or start
        before = text[max(line_start, start) : match.start()]
        if match.group(3) and _UNIT_BEFORE.search(before):
            continue
        if match.group(4) and _EMPHASIS_OPENING.search(before):
            continue
        found.append(NoteMark(match.start(), match.end(), _label(match)))
    taken_until = -1
    for mark in sorted(found, key=lambda m: m.start):
        if mark.start >= taken_until:
            taken_until = mark.end
            yield mark


def _inside_parentheses(text: str, start: int, at: int) -> bool:
    """A number glued to an abbreviation inside a parenthesis (``(Exod.32 1,2)``, ``(Lib.2. Ch.6)``)
    is a reference, not a footnote marker."""
    return text.rfind("(", start, at) > text.rfind(")", start, at)


def footnotes(text: str) -> tuple[str, ...]:
    """Labels of the note markers written in ``text``."""
    return tuple(m.label for m in _markers_in(text, 0, len(text)))


def find_markers(text: str, blocks: tuple[Block, ...]) -> tuple[NoteMark, ...]:
    """Note markers that the text's shape shows, in body blocks and headings (not in note bodies,
    apparatus or the title)."""
    return tuple(m for b in blocks if b.kind not in _NOT_SCANNED for m in _markers_in(text, b.start, b.end))


def _body_label(content: str, numbered: bool) -> str | None:
    """The label a note body opens with, if it opens with one followed by its text."""
    match = _BODY_LABEL.match(content) or (_NUMBERED_BODY.match(content) if numbered else None)
    if match is None or not content[match.end() :].strip():
        return None
    return _label(match)


def _is_notes_heading(content: str) -> bool:
    return "\n" not in content.strip() and _NOTES_HEADING.fullmatch(content.strip()) is not None


def _continues_note(content: str) -> bool:
    """A paragraph that carries a note on: prose, not a short line such as the next heading."""
    letters = [c for c in content if c.isalpha()]
    shouting = bool(letters) and sum(c.isupper() for c in letters) > 0.8 * len(letters)
    return len(content) >= _MIN_CONTINUATION_CHARS and not shouting


def mark_note_bodies(text: str, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """The blocks with footnote and endnote bodies given kind NOTE and their ``label``.

    Two shapes are recognised. Blocks under a "Footnotes:"/"Notes" line (the line becomes
    APPARATUS), each opening with its label; a paragraph without one carries the note before it
    on (kind NOTE, no label). And a paragraph that opens with the label of a marker met earlier
    and not yet paired with a body (``(*) See…`` after ``Louis(*)``). Bodies a reader made stay.
    """
    result = list(blocks)
    under_heading = _bodies_under_notes_headings(text, result)
    pending: Counter[str] = Counter()
    for i, block in enumerate(result):
        if i in under_heading or block.kind not in (*_BODY, BlockKind.HEADING):
            continue
        content = text[block.start : block.end]
        label = _body_label(content, numbered=False) if block.kind in _BODY else None
        if label and pending[label] > 0 and not _in_symbol_list(text, result, i, content):
            pending[label] -= 1
            result[i] = Block(BlockKind.NOTE, block.start, block.end, block.level, block.page, label, block.key)
            continue
        pending.update(m.label for m in _markers_in(text, block.start, block.end))
    return tuple(result)


def _bodies_under_notes_headings(text: str, blocks: list[Block]) -> set[int]:
    """Re-kind the notes headings and the bodies under them in place; the indices re-kinded."""
    done: set[int] = set()
    for i, block in enumerate(blocks):
        if block.kind not in (*_BODY, BlockKind.HEADING) or not _is_notes_heading(text[block.start : block.end]):
            continue
        bodies: list[int] = []
        for j in range(i + 1, len(blocks)):
            following = blocks[j]
            content = text[following.start : following.end]
            label = _body_label(content, numbered=True) if following.kind in _BODY else None
            if label is None and not (bodies and following.kind in _BODY and _continues_note(content)):
                break
            bodies.append(j)
            blocks[j] = Block(
                BlockKind.NOTE, following.start, following.end, following.level, following.page, label, following.key
            )
        if bodies:
            blocks[i] = Block(BlockKind.APPARATUS, block.start, block.end, block.level, block.page)
            done.update((i, *bodies))
    return done


def _in_symbol_list(text: str, blocks: list[Block], i: int, content: str) -> bool:
    """A paragraph opening with a bare symbol next to another that does is a bulleted list."""
    symbol = content[:1]
    if symbol not in _SYMBOLS:
        return False
    neighbours = (blocks[j] for j in (i - 1, i + 1) if 0 <= j < len(blocks))
    return any(text[b.start : b.start + 2] == symbol + " " for b in neighbours if b.kind is not BlockKind.NOTE)


def link(blocks: tuple[Block, ...], marks: tuple[NoteMark, ...]) -> tuple[NoteLink, ...]:
    """Each marker with the note body it refers to: the explicit target where the format names
    one, else the first body with the same label after it (or the nearest one before it). A body
    runs on over the unlabelled note paragraphs that follow it."""
    bodies: list[tuple[Block, int]] = []
    carried_on = False
    for block in blocks:
        if block.kind is BlockKind.NOTE and (block.label or block.key):
            bodies.append((block, block.end))
        elif block.kind is BlockKind.NOTE and carried_on:
            bodies[-1] = (bodies[-1][0], block.end)
        carried_on = block.kind is BlockKind.NOTE and bool(bodies)
    by_key = {b.key: (b, end) for b, end in bodies if b.key}
    links: list[NoteLink] = []
    for mark in marks:
        body = by_key.get(mark.target) if mark.target else None
        if body is None:
            same = [(b, end) for b, end in bodies if b.label == mark.label]
            after = [(b, end) for b, end in same if b.start >= mark.end]
            body = after[0] if after else (same[-1] if same else None)
        if body is not None:
            links.append(NoteLink(mark.label, mark.start, body[0].start, body[1]))
    return tuple(links)
