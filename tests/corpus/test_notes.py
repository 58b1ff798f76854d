"""Footnotes: markers told from numbers and typography, bodies recognised, markers linked to bodies."""

from __future__ import annotations

from functools import cache

import pytest

from assistant.corpus.document import Block, BlockKind, Document, Voice
from assistant.corpus.library import parse_document
from assistant.corpus.notes import find_markers, footnotes, link, mark_note_bodies
from assistant.corpus.passages import ChunkingSettings
from assistant.corpus.readers import read_plain_text
from assistant.settings import PROJECT_ROOT

DEV = PROJECT_ROOT.parent / "shared" / "data" / "corpus-dev"
MILL = DEV / "mill-1859-on-liberty-pg34901-crlf.txt"
needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason=f"the real documents are not at {DEV}")


@cache
def mill() -> Document:
    return parse_document(MILL, MILL.read_bytes(), ChunkingSettings(), {})


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("in a previous work.[1] Mill", ("1",)),
        ("propriety;[6] and", ("6",)),
        ("unofficial acts.² The", ("2",)),
        ("the word¹² and", ("12",)),
        ("Louis(*) (and not of Charles)(+) said", ("*", "+")),
        ("is actively being restored.* The", ("*",)),
        ("Sandy Jenkins,* and Johnson** and", ("*", "**")),
        ("a reading† of it", ("†",)),
        ("the author(1) says", ("1",)),
        ("leadership.”1 Next", ("1",)),
        ("a word [sic] in 1857 and (1917) too", ()),
        ("section 5(1) of the Act", ()),
        ("an area of 10 m² in all", ()),
        ("an *emphasised* word", ()),
        ("1. A list item\n2. Another", ()),
        ("setting up (Exod.32 1,2) a God", ()),
    ],
)
def test_markers_are_told_from_numbers_citations_and_typography(text: str, labels: tuple[str, ...]) -> None:
    assert footnotes(text) == labels


def test_a_marker_spans_its_brackets_and_its_label_does_not() -> None:
    text = "In a previous work.[12] And after it.(*)\n"
    blocks = read_plain_text(text).blocks
    marks = find_markers(text, blocks)
    assert [(text[m.start : m.end], m.label) for m in marks] == [("[12]", "12"), ("(*)", "*")]


def bodies(text: str) -> list[tuple[BlockKind, str | None, str]]:
    blocks = mark_note_bodies(text, read_plain_text(text).blocks)
    return [(b.kind, b.label, text[b.start : b.end][:12]) for b in blocks]


PROSE = "A paragraph that carries a note on for more than a line of ordinary prose, as notes do."


def test_bodies_under_a_footnotes_line() -> None:
    text = f"The text.[1] More.[2]\n\nFOOTNOTES:\n\n[1] First note.\n\n{PROSE}\n\n[2] Second.\n\nCHAPTER II.\n"
    assert bodies(text) == [
        (BlockKind.PARAGRAPH, None, "The text.[1]"),
        (BlockKind.APPARATUS, None, "FOOTNOTES:"),
        (BlockKind.NOTE, "1", "[1] First no"),
        (BlockKind.NOTE, None, PROSE[:12]),
        (BlockKind.NOTE, "2", "[2] Second."),
        (BlockKind.PARAGRAPH, None, "CHAPTER II."),
    ]


def test_a_paragraph_opening_with_the_symbol_of_an_open_marker_is_its_body() -> None:
    text = "Louis(*) came.\n\n(*) A translator's note.\n\n(*) Not a note: no marker is open.\n"
    assert [k for k, _, _ in bodies(text)] == [BlockKind.PARAGRAPH, BlockKind.NOTE, BlockKind.PARAGRAPH]


def test_bullets_after_a_star_marker_stay_a_list() -> None:
    text = "It was restored.* Then more.\n\n* first point\n\n* second point\n"
    assert [k for k, _, _ in bodies(text)] == [BlockKind.PARAGRAPH, BlockKind.ITEM, BlockKind.ITEM]


def test_repeated_labels_pair_each_marker_with_the_next_body() -> None:
    text = "One(*) here.\n\n(*) First body.\n\nTwo(*) here.\n\n(*) Second body.\n"
    blocks = mark_note_bodies(text, read_plain_text(text).blocks)
    links = link(blocks, find_markers(text, blocks))
    assert [(text[n.marker - 3 : n.marker], text[n.body_start : n.body_end]) for n in links] == [
        ("One", "(*) First body."),
        ("Two", "(*) Second body."),
    ]


def test_a_reader_made_note_is_left_alone() -> None:
    text = "Text.1\n\n1 A note from a page foot.\n"
    made = (Block(BlockKind.PARAGRAPH, 0, 6), Block(BlockKind.NOTE, 8, 34, label="1"))
    assert mark_note_bodies(text, made) == made


@needs_dev
def test_mills_fourteen_markers_each_link_to_its_body() -> None:
    doc = mill()
    assert [n.label for n in doc.notes] == [str(n) for n in range(1, 15)]
    for note in doc.notes:
        assert doc.text[note.marker : note.marker + len(note.label) + 2] == f"[{note.label}]"
        assert doc.text[note.body_start :].startswith(f"[{note.label}] ")
        assert note.body_start > note.marker
    sixth = next(n for n in doc.notes if n.label == "6")
    assert doc.text[sixth.body_start : sixth.body_end].rstrip().endswith("against its own existence.")


@needs_dev
def test_mills_note_bodies_are_notes_not_author_text() -> None:
    doc = mill()
    note_passages = [p for p in doc.passages if p.voice is Voice.NOTE]
    assert {p.text[: p.text.index("]") + 1] for p in note_passages if p.text.startswith("[")} == {
        f"[{n}]" for n in range(1, 15)
    }
    assert not any(p.text.startswith("FOOTNOTE") for p in doc.passages if p.voice is Voice.AUTHOR)
