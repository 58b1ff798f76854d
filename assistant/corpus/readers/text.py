"""Plain text, served as it is on disk (decoded, newlines untranslated): offsets point into the file.

Blocks are runs of non-blank lines; each bulleted line is a list item of its own. Which blocks
are headings, notes or apparatus is left to structure analysis, which sees every format alike.
"""

from __future__ import annotations

import re

from assistant.corpus.document import Block, BlockKind, Extracted
from assistant.errors import CorpusError

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_BULLET = re.compile(r"[ \t]*(?:[*•‣◦▪–-]|\d{1,3}[.)])[ \t]+\S")
_BOM = "\ufeff"


def decode(data: bytes, name: str) -> str:
    """UTF-8 text of a file, or a :class:`CorpusError` that names it."""
    if b"\x00" in data:
        raise CorpusError(f"{name}: binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CorpusError(f"{name}: not UTF-8 text ({err.reason} at byte {err.start})") from err


def read_plain_text(text: str) -> Extracted:
    """Blocks of a plain-text document; a leading byte-order mark is kept in the text, outside blocks."""
    blocks: list[Block] = []
    run_start: int | None = None
    run_end = 0

    def close_run() -> None:
        if run_start is not None:
            blocks.append(trimmed(text, BlockKind.PARAGRAPH, run_start, run_end))

    for match in _LINE.finditer(text):
        line = match.group()
        if not line:
            break
        content_end = match.start() + len(line.rstrip("\r\n"))
        if not line.strip(" \t\r\n" + _BOM):
            close_run()
            run_start = None
        elif _BULLET.match(line):
            close_run()
            blocks.append(trimmed(text, BlockKind.ITEM, match.start(), content_end))
            run_start = None
        else:
            if run_start is not None and _opens_quotation_after_lead_in(text, run_end, line):
                close_run()
                run_start = None
            if run_start is None:
                run_start = match.start()
            run_end = content_end
    close_run()
    return Extracted(text=text, blocks=tuple(b for b in blocks if b.end > b.start), headings_marked=False)


def _opens_quotation_after_lead_in(text: str, previous_end: int, line: str) -> bool:
    """A line that opens a quotation right after a line ending in a colon starts a new block."""
    return text[max(0, previous_end - 16) : previous_end].rstrip().endswith(":") and line.lstrip()[:1] in '“"‘«'


def trimmed(text: str, kind: BlockKind, start: int, end: int, level: int = 0) -> Block:
    """A block of ``text[start:end]`` without its surrounding whitespace (and byte-order mark)."""
    while start < end and (text[start].isspace() or text[start] == _BOM):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Block(kind, start, end, level)
