"""Turn a file of one format into plain text plus the blocks its format marks.

Plain text is served as it is on disk (decoded, newlines untranslated), so offsets point into
the file itself. Markdown and HTML are reduced to plain text first: markup never reaches a
passage, and offsets point into that extracted text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml
from bs4 import BeautifulSoup, NavigableString, Tag
from markdown_it import MarkdownIt
from markdown_it.token import Token

from assistant.corpus.document import Block, BlockKind, Extracted
from assistant.errors import CorpusError

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_BULLET = re.compile(r"[ \t]*(?:[*•‣◦▪–-]|\d{1,3}[.)])[ \t]+\S")
_SPACE = re.compile(r"\s+")
_NOTE_OPEN, _NOTE_CLOSE = "\ue000", "\ue001"  # bracket a note number that markup identified
_NOTE_MARK = re.compile(f"{_NOTE_OPEN}(\\d{{1,4}}){_NOTE_CLOSE}")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def decode(data: bytes, name: str) -> str:
    """UTF-8 text of a file, or a :class:`CorpusError` that names it."""
    if b"\x00" in data:
        raise CorpusError(f"{name}: binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CorpusError(f"{name}: not UTF-8 text ({err.reason} at byte {err.start})") from err


def read_plain_text(text: str) -> Extracted:
    """Blocks are runs of non-blank lines; each bulleted line is a list item of its own."""
    blocks: list[Block] = []
    run_start: int | None = None
    run_end = 0

    def close_run() -> None:
        if run_start is not None:
            blocks.append(_trimmed(text, BlockKind.PARAGRAPH, run_start, run_end))

    for match in _LINE.finditer(text):
        line = match.group()
        if not line:
            break
        content_end = match.start() + len(line.rstrip("\r\n"))
        if not line.strip():
            close_run()
            run_start = None
        elif _BULLET.match(line):
            close_run()
            blocks.append(_trimmed(text, BlockKind.ITEM, match.start(), content_end))
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


def _trimmed(text: str, kind: BlockKind, start: int, end: int, level: int = 0) -> Block:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Block(kind, start, end, level)


class _TextBuilder:
    """Accumulates extracted blocks separated by blank lines, recording their offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.blocks: list[Block] = []
        self.notes: list[tuple[int, int]] = []

    def add(self, kind: BlockKind, content: str, level: int = 0) -> None:
        content = _SPACE.sub(" ", content).strip()
        if not content.replace(_NOTE_OPEN, "").replace(_NOTE_CLOSE, ""):
            return
        if self.parts:
            self.parts.append("\n\n")
            self.length += 2
        pieces, cursor, at = [], 0, self.length
        for note in _NOTE_MARK.finditer(content):
            pieces.append(content[cursor : note.start()])
            at += note.start() - cursor
            self.notes.append((at, int(note.group(1))))
            pieces.append(note.group(1))
            at += len(note.group(1))
            cursor = note.end()
        pieces.append(content[cursor:])
        content = "".join(pieces)
        self.blocks.append(Block(kind, self.length, self.length + len(content), level))
        self.parts.append(content)
        self.length += len(content)

    def build(self, title: str | None) -> Extracted:
        text = "".join(self.parts)
        return Extracted(text, tuple(self.blocks), headings_marked=True, title=title, notes=tuple(self.notes))


def read_markdown(source: str) -> Extracted:
    """Headings, paragraphs, list items and block quotes from Markdown, markup removed."""
    title = None
    front = _FRONT_MATTER.match(source)
    if front:
        try:
            fields = yaml.safe_load(front.group(1))
        except yaml.YAMLError:
            fields = None
        if isinstance(fields, dict) and isinstance(fields.get("title"), str):
            title = fields["title"]
        source = source[front.end() :]
    builder = _TextBuilder()
    containers: list[str] = []
    heading_level = 0
    for token in MarkdownIt("commonmark").parse(source):
        if token.type in ("bullet_list_open", "ordered_list_open", "blockquote_open", "list_item_open"):
            containers.append(token.type)
        elif token.type in ("bullet_list_close", "ordered_list_close", "blockquote_close", "list_item_close"):
            containers.pop()
        elif token.type == "heading_open":
            heading_level = int(token.tag[1:])
        elif token.type == "heading_close":
            heading_level = 0
        elif token.type == "inline":
            text = _inline_text(token.children or [])
            if heading_level:
                builder.add(BlockKind.HEADING, text, heading_level)
                title = title or text
            elif "blockquote_open" in containers:
                builder.add(BlockKind.QUOTE, text)
            elif "list_item_open" in containers:
                builder.add(BlockKind.ITEM, text)
            else:
                builder.add(BlockKind.PARAGRAPH, text)
        elif token.type in ("fence", "code_block"):
            builder.add(BlockKind.PARAGRAPH, token.content)
    return builder.build(title)


def _inline_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return "".join(parts)


_HTML_BLOCKS = {"p", "li", "dt", "dd", "pre", "figcaption", "td", "th", "caption"}
_HTML_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_HTML_SKIP = {"script", "style", "head", "nav", "template", "noscript", "aside", "footer"}


def read_html(source: str) -> Extracted:
    """Headings, paragraphs, list items and block quotes from (X)HTML, tags removed.

    Footnote references (``<a epub:type="noteref">``, ``<sup>``) stay glued to the word or
    quotation they follow, as the printed page shows them.
    """
    soup = BeautifulSoup(source, "html.parser")
    title_tag = soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag else None
    builder = _TextBuilder()
    body = soup.body or soup
    for element, kind, level in _html_blocks(body, in_quote=False, in_hgroup=False):
        builder.add(kind, _html_text(element), level)
        if kind is BlockKind.HEADING and not title:
            title = _html_text(element)
    return builder.build(title)


def _html_blocks(node: Tag, in_quote: bool, in_hgroup: bool) -> Iterator[tuple[Tag, BlockKind, int]]:
    for child in node.children:
        if not isinstance(child, Tag) or child.name in _HTML_SKIP:
            continue
        name = child.name.lower()
        nested = child.find(list(_HTML_BLOCKS | set(_HTML_HEADINGS)))
        if name in _HTML_HEADINGS:
            yield child, BlockKind.HEADING, _HTML_HEADINGS[name]
        elif name in _HTML_BLOCKS and not (name == "li" and nested):
            if in_hgroup:
                yield child, BlockKind.HEADING, 2
            elif in_quote:
                yield child, BlockKind.QUOTE, 0
            else:
                yield child, BlockKind.ITEM if name == "li" else BlockKind.PARAGRAPH, 0
        elif name == "blockquote" and not nested:
            yield child, BlockKind.QUOTE, 0
        else:
            yield from _html_blocks(child, in_quote or name == "blockquote", in_hgroup or name == "hgroup")


def _html_text(element: Tag) -> str:
    """Visible text of an element; note references are marked so their numbers are recorded."""
    parts = []
    for piece in element.find_all(string=True):
        if type(piece) is not NavigableString:
            continue
        if _is_note_reference(piece.parent) and str(piece).strip().isdigit():
            parts.append(f"{_NOTE_OPEN}{str(piece).strip()}{_NOTE_CLOSE}")
        else:
            parts.append(str(piece))
    return "".join(parts)


def _is_note_reference(tag: Tag | None) -> bool:
    if tag is None:
        return False
    kinds = f"{tag.get('epub:type', '')} {tag.get('role', '')} {' '.join(tag.get('class', []) or [])}"
    return tag.name == "sup" or "noteref" in kinds or "footnote-ref" in kinds


READERS: dict[str, Callable[[str], Extracted]] = {
    ".txt": read_plain_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".xhtml": read_html,
}


def extract(path: Path, data: bytes) -> Extracted:
    """Plain text and blocks of one file, chosen by its suffix."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise CorpusError(f"{path.name}: unsupported format (use one of {', '.join(sorted(READERS))})")
    return reader(decode(data, path.name))
