"""The EPUB reader: the spine read into one text, OPF facts without the e-book's date, notes
linked across chapter files, and broken packages refused with a reason."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from assistant.corpus.document import BlockKind, Document
from assistant.corpus.library import parse_document
from assistant.corpus.passages import ChunkingSettings
from assistant.corpus.readers.epub import read_epub
from assistant.errors import CorpusError
from assistant.settings import PROJECT_ROOT

PRINCE = PROJECT_ROOT.parent / "shared" / "data" / "corpus-dev" / "machiavelli-1532-the-prince-pg1232.epub"
CONTAINER = (
    '<?xml version="1.0"?><container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0">'
    '<rootfiles><rootfile full-path="OPS/package.opf" media-type="application/oebps-package+xml"/></rootfiles>'
    "</container>"
)
OPF = """<?xml version="1.0"?>
<package xmlns="http://www.idpf.org/2007/opf" xmlns:dc="http://purl.org/dc/elements/1.1/" version="3.0">
<metadata><dc:title>A Book</dc:title><dc:creator id="c1">Ann Author</dc:creator>
<dc:creator id="c2">Tom Translator</dc:creator><meta refines="#c2" property="role">trl</meta>
<dc:date>2015-01-01</dc:date></metadata>
<manifest><item id="a" href="text/one.xhtml" media-type="application/xhtml+xml"/>
<item id="b" href="text/notes.xhtml" media-type="application/xhtml+xml"/></manifest>
<spine><itemref idref="a"/><itemref idref="b"/></spine></package>"""
ONE = """<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>
<header><h2>Chapter One</h2></header><p>A claim.<a href="notes.xhtml#n1" epub:type="noteref">1</a></p>
<aside epub:type="footnote" id="n1"><p>A local note with the same id.</p></aside></body></html>"""
NOTES = """<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>
<section epub:type="endnotes"><ol><li id="n1"><p>The endnote.</p></li></ol></section></body></html>"""


def _epub(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        for path, content in members.items():
            book.writestr(path, content)
    return buffer.getvalue()


BOOK = {"META-INF/container.xml": CONTAINER, "OPS/package.opf": OPF, "OPS/text/one.xhtml": ONE}
BOOK["OPS/text/notes.xhtml"] = NOTES


@pytest.fixture(scope="module")
def prince() -> Document:
    if not PRINCE.exists():
        pytest.skip(f"the real EPUB is not at {PRINCE}")
    return parse_document(PRINCE, PRINCE.read_bytes(), ChunkingSettings(), {})


def test_opf_gives_title_and_author_never_the_release_year(prince: Document) -> None:
    assert prince.meta.title == "The Prince"
    assert prince.meta.author == "Niccolò Machiavelli"
    assert prince.meta.year != 2006
    assert prince.provenance["author"] == "epub opf"


def test_chapters_of_every_spine_file_are_sections_in_order(prince: Document) -> None:
    titles = [s.title for s in prince.sections]
    chapters = [t for t in titles if t.startswith("CHAPTER ")]
    assert len(chapters) == 26
    numerals = [re.match(r"CHAPTER ([IVXL]+)", t).group(1) for t in chapters]  # type: ignore[union-attr]
    assert numerals[:4] == ["I", "II", "III", "IV"] and numerals[-1] == "XXVI"
    assert titles.index("DEDICATION") < titles.index(chapters[0])


def test_one_text_runs_through_the_whole_book(prince: Document) -> None:
    assert prince.text.startswith("The Project Gutenberg EBook of The Prince, by Nicolo Machiavelli")
    assert "Nor in th' Italians' brests extinguished.\n\nEdward Dacre, 1640." in prince.text
    assert "in Macedonia or Rome." in prince.text
    assert "I will speak of Louis(*) (and not of Charles)(+)" in prince.text
    assert all(prince.text[p.start : p.end] == p.text for p in prince.passages)
    starts = [p.start for p in prince.passages]
    assert starts == sorted(starts)


def test_note_reference_links_to_the_body_in_another_file() -> None:
    extracted = read_epub(_epub(BOOK), "book.epub")
    (mark,) = extracted.notes
    notes = {b.key: extracted.text[b.start : b.end] for b in extracted.blocks if b.kind is BlockKind.NOTE}
    assert mark.target == "OPS/text/notes.xhtml#n1" and notes[mark.target] == "The endnote."
    assert notes["OPS/text/one.xhtml#n1"] == "A local note with the same id."


def test_a_chapter_header_in_a_book_is_the_chapter_heading() -> None:
    extracted = read_epub(_epub(BOOK), "book.epub")
    assert [extracted.text[b.start : b.end] for b in extracted.blocks if b.kind is BlockKind.HEADING] == ["Chapter One"]


def test_epub3_roles_keep_the_translator_out_of_the_authors() -> None:
    facts = [(f.field, f.value) for f in read_epub(_epub(BOOK), "book.epub").facts]
    assert facts == [("title", "A Book"), ("author", "Ann Author")]


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        ({"OPS/package.opf": OPF}, "no META-INF/container.xml"),
        ({"META-INF/container.xml": CONTAINER}, "does not contain it"),
        ({"META-INF/container.xml": CONTAINER, "OPS/package.opf": "<package"}, "not well-formed XML"),
        ({**BOOK, "OPS/package.opf": OPF.replace("<spine>", "<spine><itemref idref='x'/>")}, "manifest lacks"),
    ],
)
def test_broken_packages_are_refused_with_a_reason(members: dict[str, str], reason: str) -> None:
    with pytest.raises(CorpusError, match=reason):
        read_epub(_epub(members), "book.epub")


def test_a_file_that_is_not_a_zip_is_refused() -> None:
    with pytest.raises(CorpusError, match="not a readable EPUB"):
        read_epub(b"mimetypeapplication/epub+zip but not a zip", "book.epub")
