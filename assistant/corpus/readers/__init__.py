"""One reader per format: a file's bytes in, plain text with its blocks, note markers and facts out.

The format is read from the content where it can be (a PDF, a ZIP of Word or EPUB parts), so a
mislabelled file is read for what it is, and a file no reader takes is refused with a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.corpus.document import Extracted
from assistant.corpus.readers.html import read_html
from assistant.corpus.readers.markdown import read_markdown
from assistant.corpus.readers.text import decode, read_plain_text
from assistant.errors import CorpusError

__all__ = ["FORMATS", "extract", "format_of", "read_html", "read_markdown", "read_plain_text"]


def _text_reader(read: Callable[[str], Extracted]) -> Callable[[bytes, str], Extracted]:
    return lambda data, name: read(decode(data, name))


def _binary_reader(module: str, function: str) -> Callable[[bytes, str], Extracted]:
    """A reader imported when first used, so that serving text never loads a PDF or Word library."""

    def read(data: bytes, name: str) -> Extracted:
        import importlib

        return getattr(importlib.import_module(f"assistant.corpus.readers.{module}"), function)(data, name)

    return read


# format name → (file suffixes, reader of (bytes, file name))
FORMATS: dict[str, tuple[tuple[str, ...], Callable[[bytes, str], Extracted]]] = {
    "txt": ((".txt", ".text"), _text_reader(read_plain_text)),
    "md": ((".md", ".markdown"), _text_reader(read_markdown)),
    "html": ((".html", ".htm", ".xhtml"), _text_reader(read_html)),
    "pdf": ((".pdf",), _binary_reader("pdf", "read_pdf")),
    "docx": ((".docx",), _binary_reader("docx", "read_docx")),
    "epub": ((".epub",), _binary_reader("epub", "read_epub")),
}
SUFFIXES = {suffix: name for name, (suffixes, _) in FORMATS.items() for suffix in suffixes}


def _sniffed(data: bytes) -> str | None:
    """The format the bytes themselves announce, when they do."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        head = data[:4096]
        if b"mimetypeapplication/epub+zip" in head:
            return "epub"
        if b"word/" in data or b"[Content_Types].xml" in head:
            return "docx"
        return "zip"
    return None


def format_of(path: Path, data: bytes) -> str:
    """The format name of a file: its content when that is telling, else its suffix."""
    by_suffix = SUFFIXES.get(path.suffix.lower())
    sniffed = _sniffed(data)
    if sniffed == "zip" or (sniffed is None and by_suffix in ("pdf", "docx", "epub")):
        raise CorpusError(f"{path.name}: content is not a {by_suffix or path.suffix or 'readable'} file")
    if sniffed is not None:
        return sniffed
    if by_suffix is None:
        known = ", ".join(sorted(SUFFIXES))
        raise CorpusError(f"{path.name}: unsupported format '{path.suffix or '(none)'}' (readable: {known})")
    return by_suffix


def extract(path: Path, data: bytes) -> Extracted:
    """Plain text, blocks, note markers and facts of one file."""
    return FORMATS[format_of(path, data)][1](data, path.name)
