"""Assemble a reader's plain text block by block, recording offsets, pages and note markers.

Readers of marked-up formats (HTML, Markdown, Word, PDF, EPUB) hand each block's visible text to
a :class:`TextBuilder`; a note marker inside it is written with :func:`note_token`, so that its
offset in the final text is recorded exactly, whatever whitespace is collapsed around it.
"""

from __future__ import annotations

import re

from assistant.corpus.document import Block, BlockKind, Extracted, Fact, NoteMark

_OPEN, _SEP, _CLOSE = "\ue000", "\ue002", "\ue001"
_TOKEN = re.compile(f"{_OPEN}([^{_SEP}{_CLOSE}]*)(?:{_SEP}([^{_CLOSE}]*))?{_CLOSE}")
_SPACE = re.compile(r"\s+")
_SPACE_KEEP_LINES = re.compile(r"[^\S\n]+")
BLOCK_SEPARATOR = "\n\n"


def note_token(label: str, target: str | None = None) -> str:
    """Text standing for a note marker: ``label`` is what the page shows, ``target`` the note's key."""
    clean = label.replace(_OPEN, "").replace(_SEP, "").replace(_CLOSE, "")
    return f"{_OPEN}{clean}{_SEP}{target}{_CLOSE}" if target else f"{_OPEN}{clean}{_CLOSE}"


def strip_tokens(content: str) -> str:
    """``content`` with note markers written as their labels (for titles and headings)."""
    return _TOKEN.sub(lambda m: m.group(1), content)


class TextBuilder:
    """Blocks joined by blank lines; every block, marker and fact is recorded with its offsets."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._blocks: list[Block] = []
        self._notes: list[NoteMark] = []
        self._facts: list[Fact] = []

    @property
    def length(self) -> int:
        """Characters written so far (the offset the next block would start at, less its separator)."""
        return self._length

    def fact(self, field: str, value: str | None, source: str) -> None:
        """Record a bibliographic fact the document states (ignored when empty)."""
        value = _SPACE.sub(" ", strip_tokens(value or "")).strip()
        if value:
            self._facts.append(Fact(field, value, source))

    def add(
        self,
        kind: BlockKind,
        content: str,
        level: int = 0,
        page: int | None = None,
        label: str | None = None,
        key: str | None = None,
        keep_lines: bool = False,
    ) -> Block | None:
        """Append one block; whitespace runs collapse to one space (line breaks kept with
        ``keep_lines``). Returns the block, or None when it holds no visible text."""
        content = (_SPACE_KEEP_LINES if keep_lines else _SPACE).sub(" ", content)
        content = "\n".join(line.strip() for line in content.split("\n")) if keep_lines else content.strip()
        if not strip_tokens(content).strip():
            return None
        if self._parts:
            self._parts.append(BLOCK_SEPARATOR)
            self._length += len(BLOCK_SEPARATOR)
        pieces: list[str] = []
        cursor, at = 0, self._length
        for token in _TOKEN.finditer(content):
            pieces.append(content[cursor : token.start()])
            at += token.start() - cursor
            marker = token.group(1)
            if marker:
                self._notes.append(NoteMark(at, at + len(marker), marker, token.group(2) or None))
            pieces.append(marker)
            at += len(marker)
            cursor = token.end()
        pieces.append(content[cursor:])
        text = "".join(pieces)
        block = Block(kind, self._length, self._length + len(text), level, page, label, key)
        self._blocks.append(block)
        self._parts.append(text)
        self._length += len(text)
        return block

    def build(self, headings_marked: bool = True) -> Extracted:
        return Extracted(
            text="".join(self._parts),
            blocks=tuple(self._blocks),
            headings_marked=headings_marked,
            notes=tuple(self._notes),
            facts=tuple(self._facts),
        )
