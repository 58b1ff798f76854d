"""The verbatim invariant and the shape of passages, over every document of the test corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.corpus.document import BlockKind, Document, Metadata, Paragraph, Voice
from assistant.corpus.library import load_corpus
from assistant.corpus.passages import ChunkingSettings, cut_passages


@pytest.fixture(scope="module")
def documents(multi_corpus: Path) -> list[Document]:
    return list(load_corpus(multi_corpus, ChunkingSettings()).documents.values())


def test_every_passage_is_its_documents_text_between_its_offsets(documents: list[Document]) -> None:
    checked = 0
    for doc in documents:
        for passage in doc.passages:
            assert passage.text == doc.text[passage.start : passage.end]
            assert passage.text == passage.text.strip()
            checked += 1
    assert checked > 300


def test_passages_are_in_order_and_do_not_overlap(documents: list[Document]) -> None:
    for doc in documents:
        for before, after in zip(doc.passages, doc.passages[1:], strict=False):
            assert before.end <= after.start
            assert before.paragraph <= after.paragraph


def test_passages_stay_inside_one_section(documents: list[Document]) -> None:
    for doc in documents:
        starts = sorted(s.start for s in doc.sections)
        for passage in doc.passages:
            assert not any(passage.start < s < passage.end for s in starts)


def test_long_paragraphs_are_split_at_sentence_ends(documents: list[Document]) -> None:
    settings = ChunkingSettings()
    split = 0
    for doc in documents:
        for passage, following in zip(doc.passages, doc.passages[1:], strict=False):
            if len(passage.text) > settings.max_chars:
                assert passage.voice is Voice.QUOTED, "only a lead-in with its quotation may exceed the limit"
                assert len(passage.text) <= 2 * settings.max_chars
            if following.paragraph == passage.paragraph:
                split += 1
                assert re.search(r"[.!?…][”’\")\]]*\d{0,3}$", passage.text), passage.text[-40:]
    assert split > 0


def test_citation_names_author_title_section_and_paragraph(documents: list[Document]) -> None:
    seed = next(d for d in documents if d.id == "red-jacobins")
    passage = next(p for p in seed.passages if p.section == "Trotskyist practice")
    assert passage.citation.startswith("Mark Hoskisson, “The Red Jacobins")
    assert "Permanent Revolution, 2010" in passage.citation
    assert "Trotskyist practice" in passage.citation and f"¶{passage.paragraph}" in passage.citation


def _cut(blocks: list[str], sections: list[str] | None = None) -> list[str]:
    """The passages' texts when ``blocks`` are the author's paragraphs, in order, one section each
    as ``sections`` says (one section for all by default)."""
    text, paragraphs = "", []
    for number, (block, section) in enumerate(zip(blocks, sections or ["S"] * len(blocks), strict=True), 1):
        start = len(text)
        text += block + "\n\n"
        paragraphs.append(Paragraph(BlockKind.PARAGRAPH, start, start + len(block), number, section, Voice.AUTHOR))
    passages = cut_passages("d", text, Metadata(title="T"), tuple(paragraphs), ChunkingSettings())
    assert all(p.text == text[p.start : p.end] for p in passages)
    return [p.text for p in passages]


PROSE = "The sense of a thing remains after the thing is gone. Such decaying sense is imagination."


def test_a_label_line_opens_the_paragraph_it_labels() -> None:
    assert _cut(["Memory", PROSE]) == [f"Memory\n\n{PROSE}"]
    # a label of two lines, as a margin note that wraps
    assert _cut(["Hurt To Revolted Subjects Is Done By Right Of War, Not", "By Way Of Punishment", PROSE]) == [
        f"Hurt To Revolted Subjects Is Done By Right Of War, Not\n\nBy Way Of Punishment\n\n{PROSE}"
    ]


def test_short_lines_that_are_no_labels_stay_passages_of_their_own() -> None:
    rows = ["Mode | Fee", "Full-time | £9,535", "Part-time | £7,145"]
    assert _cut([*rows, PROSE]) == [*rows, PROSE]  # a table's rows
    listed = ["First things", "Second things", "Third things"]
    assert _cut([*listed, PROSE]) == [*listed, PROSE]  # more lines than a label has: a list
    assert _cut(["Source: Office for Numbers", PROSE]) == ["Source: Office for Numbers", PROSE]  # a caption
    assert _cut(["Thirdly, what is a Christian Common-Wealth.", PROSE]) == [
        "Thirdly, what is a Christian Common-Wealth.",
        PROSE,
    ]  # a sentence
    assert _cut(["Memory", "To which I answer:"]) == ["Memory", "To which I answer:"]  # no prose follows
    assert _cut(["Memory", PROSE], ["S", "T"]) == ["Memory", PROSE]  # another section follows
