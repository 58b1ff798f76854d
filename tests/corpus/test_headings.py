"""Headings: recognised in plain text from the shape of lines and the document's own style, joined
with their ordinal lines, nested; taken from markup less title pages and contents."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from assistant.corpus.document import Block, BlockKind, Document
from assistant.corpus.headings import heading_title, mark_headings, outline
from assistant.corpus.library import parse_document
from assistant.corpus.passages import ChunkingSettings
from assistant.corpus.readers import read_plain_text
from assistant.settings import PROJECT_ROOT

DEV = PROJECT_ROOT.parent / "shared" / "data" / "corpus-dev"
MILL = DEV / "mill-1859-on-liberty-pg34901-crlf.txt"
HOBBES = DEV / "hobbes-1651-leviathan-pg3207-lf-bom.txt"
needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason=f"the real documents are not at {DEV}")


@cache
def parsed(path: Path) -> Document:
    return parse_document(path, path.read_bytes(), ChunkingSettings(), {})


def plain(text: str) -> tuple[str, tuple[Block, ...]]:
    """Headings of a plain text, as ``(kind, level, title)`` rows are easier to read."""
    extracted = read_plain_text(text)
    return text, mark_headings(text, extracted.blocks, headings_marked=False)


def headings_of(text: str) -> list[tuple[int, str]]:
    text, blocks = plain(text)
    return [(b.level, heading_title(text, b)) for b in blocks if b.kind is BlockKind.HEADING]


BODY = "This is a paragraph of ordinary prose, long enough to be read as the text under a heading.\n\n"


@needs_dev
def test_mills_five_chapters_with_their_titles_joined() -> None:
    doc = parsed(MILL)
    chapters = [s.title for s in doc.sections if s.title.startswith("CHAPTER")]
    assert chapters == [
        "CHAPTER I. INTRODUCTORY.",
        "CHAPTER II. OF THE LIBERTY OF THOUGHT AND DISCUSSION.",
        "CHAPTER III. OF INDIVIDUALITY, AS ONE OF THE ELEMENTS OF WELL-BEING.",
        "CHAPTER IV. OF THE LIMITS TO THE AUTHORITY OF SOCIETY OVER THE INDIVIDUAL.",
        "CHAPTER V. APPLICATIONS.",
    ]
    first = next(s for s in doc.sections if s.title == chapters[0])
    assert doc.text[first.start :].startswith("CHAPTER I.\r\n\r\nINTRODUCTORY.\r\n")
    essay = doc.text.index("The subject of this Essay")
    assert first.start > doc.text.index("APPLICATIONS                                 177")
    assert next(p for p in doc.passages if p.start >= essay).section == chapters[0]


@needs_dev
def test_no_contents_entry_header_field_or_notes_block_is_a_section_of_mill() -> None:
    titles = [s.title for s in parsed(MILL).sections]
    assert not [t for t in titles if t[-1].isdigit() or ":" in t or "FOOTNOTE" in t or t == "CONTENTS."]
    assert len(titles) == len(set(titles))


@needs_dev
def test_hobbes_parts_and_chapters_nest() -> None:
    sections = parsed(HOBBES).sections
    paths = {s.title: s.path for s in sections}
    assert sum(t.startswith("CHAPTER") for t in paths) == 47
    assert [t for t in paths if t.startswith("PART")] == [
        "PART 1 OF MAN",
        "PART II. OF COMMON-WEALTH",
        "PART III. OF A CHRISTIAN COMMON-WEALTH",
    ]
    assert paths["CHAPTER V. OF REASON, AND SCIENCE."] == ("PART 1 OF MAN", "CHAPTER V. OF REASON, AND SCIENCE.")
    xiii = "CHAPTER XIII. OF THE NATURALL CONDITION OF MANKIND, AS CONCERNING THEIR FELICITY, AND MISERY"
    assert paths[xiii] == ("PART 1 OF MAN", xiii)
    xl = "CHAPTER XL OF THE RIGHTS OF THE KINGDOME OF GOD, IN ABRAHAM, MOSES, HIGH PRIESTS, AND THE KINGS OF JUDAH"
    assert paths[xl] == ("PART III. OF A CHRISTIAN COMMON-WEALTH", xl)
    assert paths["THE INTRODUCTION"] == ("THE INTRODUCTION",)
    assert paths["A REVIEW, AND CONCLUSION"] == ("A REVIEW, AND CONCLUSION",)


@needs_dev
@pytest.mark.parametrize("note", ["Memory", "Dreams", "Originall Of Speech", "The Use Of Speech", "Reason What It Is"])
def test_hobbes_margin_notes_are_not_sections(note: str) -> None:
    doc = parsed(HOBBES)
    assert note not in {s.title for s in doc.sections}
    # a margin note opens the paragraph it labels and is no passage of its own
    assert any(p.text.startswith(note + "\n") and len(p.text) > 3 * len(note) for p in doc.passages)
    assert not any(p.text == note for p in doc.passages)


def test_an_ordinal_line_and_its_title_lines_make_one_heading() -> None:
    text = f"CHAPTER I.\n\nINTRODUCTORY.\n\n{BODY}CHAPTER XL\n\nOF THE RIGHTS OF KINGS,\n\nAND OF PRIESTS\n\n{BODY}"
    text, blocks = plain(text)
    headings = [b for b in blocks if b.kind is BlockKind.HEADING]
    assert [heading_title(text, b) for b in headings] == [
        "CHAPTER I. INTRODUCTORY.",
        "CHAPTER XL OF THE RIGHTS OF KINGS, AND OF PRIESTS",
    ]
    assert text[headings[1].start : headings[1].end] == "CHAPTER XL\n\nOF THE RIGHTS OF KINGS,\n\nAND OF PRIESTS"


def test_divisions_nest_in_the_order_they_first_appear() -> None:
    text = f"BOOK ONE\n\nCHAPTER 1. THE START\n\n{BODY}I.\n\n{BODY}CHAPTER 2. THE MIDDLE\n\n{BODY}BOOK TWO\n\n"
    text += f"CHAPTER 3. THE END\n\n{BODY}"
    assert headings_of(text) == [
        (1, "BOOK ONE"),
        (2, "CHAPTER 1. THE START"),
        (3, "I."),
        (2, "CHAPTER 2. THE MIDDLE"),
        (1, "BOOK TWO"),
        (2, "CHAPTER 3. THE END"),
    ]
    _, blocks = plain(text)
    paths = [s.path for s in outline(text, blocks)]
    assert paths[2] == ("BOOK ONE", "CHAPTER 1. THE START", "I.")
    assert paths[-1] == ("BOOK TWO", "CHAPTER 3. THE END")


def test_title_case_lines_are_not_headings_where_headings_are_set_in_capitals() -> None:
    text = f"CHAPTER I. OF SENSE\n\n{BODY}Memory\n\n{BODY}CHAPTER II. OF SPEECH\n\n{BODY}"
    assert [t for _, t in headings_of(text)] == ["CHAPTER I. OF SENSE", "CHAPTER II. OF SPEECH"]


def test_title_case_lines_are_headings_where_nothing_is_numbered() -> None:
    text = f"An Essay\n\nThe first part\n\n{BODY}The second part\n\n{BODY}"
    assert headings_of(text) == [(1, "The first part"), (1, "The second part")]


@pytest.mark.parametrize(
    "line",
    [
        "OF THE LIMITS OF POWER        140",  # a contents entry with its page number
        "and so the sentence goes on",  # lower-case start
        "To describe the Nature of it, I will consider",  # the next line carries the sentence on
        "Title: A Book",  # a header field
    ],
)
def test_lines_that_are_no_headings(line: str) -> None:
    text = (
        f"An Essay\n\nA heading\n\n{BODY}{line}\n\nfirst words of the paragraph it opens.\n\nAuthor: Someone\n\n{BODY}"
    )
    assert line not in [t for _, t in headings_of(text)]


def test_a_contents_run_is_apparatus_and_its_entries_come_back_as_headings() -> None:
    contents = "CONTENTS\n\nCHAPTER I.\n\nINTRODUCTORY\n\nCHAPTER II.\n\nOF THOUGHT\n\n"
    text = f"{contents}CHAPTER I.\n\nINTRODUCTORY.\n\n{BODY}CHAPTER II.\n\nOF THOUGHT.\n\n{BODY}"
    text, blocks = plain(text)
    assert [heading_title(text, b) for b in blocks if b.kind is BlockKind.HEADING] == [
        "CHAPTER I. INTRODUCTORY.",
        "CHAPTER II. OF THOUGHT.",
    ]
    assert all(b.kind is BlockKind.APPARATUS for b in blocks if b.end <= len(contents))


def test_a_bare_ordinal_or_a_heading_with_no_text_under_it_is_no_section() -> None:
    text = f"CHAPTER I. ONE\n\n{BODY}II.\n\nCHAPTER II. TWO\n\n{BODY}FINIS\n"
    text, blocks = plain(text)
    assert [heading_title(text, b) for b in blocks if b.kind is BlockKind.HEADING] == [
        "CHAPTER I. ONE",
        "CHAPTER II. TWO",
    ]
    assert [text[b.start : b.end] for b in blocks if b.kind is BlockKind.APPARATUS] == ["II."]


def marked(*rows: tuple[BlockKind, int, str]) -> tuple[str, tuple[Block, ...]]:
    """A marked-up document's text and blocks, one block per row, joined by blank lines."""
    text, blocks = "", []
    for kind, level, content in rows:
        start = len(text) + (2 if text else 0)
        text = f"{text}\n\n{content}" if text else content
        blocks.append(Block(kind, start, start + len(content), level))
    return text, mark_headings(text, tuple(blocks), headings_marked=True)


H, P = BlockKind.HEADING, BlockKind.PARAGRAPH


def test_a_title_page_over_several_headings_is_not_sections() -> None:
    text, blocks = marked(
        (H, 2, "NARRATIVE OF THE LIFE OF"),
        (H, 1, "A NAME"),
        (H, 4, "BOSTON 1845"),
        (H, 2, "PREFACE"),
        (P, 0, "The preface."),
        (H, 2, "CHAPTER I"),
        (P, 0, "The text."),
    )
    assert [(b.kind, text[b.start : b.end]) for b in blocks[:3]] == [
        (BlockKind.APPARATUS, "NARRATIVE OF THE LIFE OF"),
        (BlockKind.TITLE, "A NAME"),
        (BlockKind.APPARATUS, "BOSTON 1845"),
    ]
    assert [s.title for s in outline(text, blocks)] == ["PREFACE", "CHAPTER I"]


def test_marked_parents_of_the_first_heading_stay_sections() -> None:
    text, blocks = marked(
        (H, 2, "XXXIII"), (H, 2, "Afterword"), (H, 3, "I"), (P, 0, "Text."), (H, 3, "II"), (P, 0, "More.")
    )
    assert [s.path for s in outline(text, blocks)] == [
        ("XXXIII Afterword",),
        ("XXXIII Afterword", "I"),
        ("XXXIII Afterword", "II"),
    ]


def test_marked_ordinal_is_not_joined_with_a_lettered_subdivision() -> None:
    text, blocks = marked((H, 2, "IV"), (H, 3, "A"), (P, 0, "Text."), (H, 3, "B"), (P, 0, "More."))
    assert [s.path for s in outline(text, blocks)] == [("IV",), ("IV", "A"), ("IV", "B")]


def test_marked_bylines_datelines_and_contents_are_no_sections() -> None:
    text, blocks = marked(
        (H, 1, "THE WORK"),
        (P, 0, "A note on the work, before its contents."),
        (H, 2, "Table of Contents"),
        (BlockKind.ITEM, 0, "I. The First"),
        (H, 2, "Translated by A. Person"),
        (H, 2, "I. The First"),
        (H, 3, "BOSTON, APRIL 22, 1845."),
        (P, 0, "Text."),
    )
    assert [s.title for s in outline(text, blocks)] == ["THE WORK", "I. The First"]
    assert blocks[3].kind is BlockKind.APPARATUS


def test_a_named_division_nests_only_in_another_division() -> None:
    text = "# A Note on This Edition\n\nProse of the note.\n\n## PART I. OF MAN\n\n### CHAPTER I. OF SENSE\n\nBody.\n"
    document = parse_document(Path("book.md"), text.encode(), ChunkingSettings(), {})
    paths = [s.path for s in document.sections]
    assert paths[1:] == [("PART I. OF MAN",), ("PART I. OF MAN", "CHAPTER I. OF SENSE")]
    assert document.passages[-1].section_path == ("PART I. OF MAN", "CHAPTER I. OF SENSE")
