"""Boilerplate, title pages, contents and editors' prose are told from the author's text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.corpus.apparatus import mark_apparatus
from assistant.corpus.document import BlockKind, Document, Voice
from assistant.corpus.library import parse_document
from assistant.corpus.passages import ChunkingSettings
from assistant.corpus.readers import read_plain_text
from assistant.settings import PROJECT_ROOT

DEV = PROJECT_ROOT.parent / "shared" / "data" / "corpus-dev"
# Words of an e-book licence that the authors here never use (Mill writes of licences for trades).
LICENCE_WORDS = re.compile(r"gutenberg|royalt|trademark|donation|e-?book|electronic work", re.IGNORECASE)

needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason=f"the real documents are not at {DEV}")


def parse(path: Path) -> Document:
    return parse_document(path, path.read_bytes(), ChunkingSettings(), {})


def author_passages(doc: Document) -> list:
    return [p for p in doc.passages if p.voice is Voice.AUTHOR]


def voice_of(doc: Document, needle: str) -> Voice:
    return next(p.voice for p in doc.passages if needle in p.text)


@pytest.fixture(scope="module")
def mill() -> Document:
    return parse(DEV / "mill-1859-on-liberty-pg34901-crlf.txt")


@pytest.fixture(scope="module")
def hobbes() -> Document:
    return parse(DEV / "hobbes-1651-leviathan-pg3207-lf-bom.txt")


@pytest.fixture(scope="module")
def douglass() -> Document:
    return parse(DEV / "douglass-1845-narrative-pg23-h.htm")


@needs_dev
def test_mill_author_text_is_the_essay_and_its_dedication(mill: Document) -> None:
    begins = mill.text.index("The subject of this Essay is not")
    ends = mill.text.index("it has preferred to banish.") + len("it has preferred to banish.")
    before = [p for p in author_passages(mill) if p.end <= begins]
    assert [p.text[:40] for p in before] == ["_To the beloved and deplored memory of h"]
    assert not [p for p in author_passages(mill) if p.start >= ends]
    assert not [p.text[:60] for p in author_passages(mill) if LICENCE_WORDS.search(p.text)]


@needs_dev
def test_mill_editor_introduction_is_editorial(mill: Document) -> None:
    assert voice_of(mill, "John Stuart Mill was born on 20th May 1806") is Voice.EDITORIAL
    assert voice_of(mill, "What his wife really was to Mill") is Voice.EDITORIAL
    assert voice_of(mill, "LONDON, _July 5th, 1901_.") is Voice.EDITORIAL
    assert voice_of(mill, "The subject of this Essay is not") is Voice.AUTHOR


@needs_dev
def test_mill_header_title_page_and_contents_are_apparatus(mill: Document) -> None:
    title_page = ("Release Date: January 10, 2011", "By John Stuart Mill.", "The Walter Scott Publishing", "CONTENTS.")
    for needle in title_page:
        assert voice_of(mill, needle) is Voice.APPARATUS, needle
    assert voice_of(mill, "OF THE LIBERTY OF THOUGHT AND DISCUSSION      28") is Voice.APPARATUS


@needs_dev
def test_hobbes_own_introduction_is_his(hobbes: Document) -> None:
    assert voice_of(hobbes, "Nature (the art whereby God hath made") is Voice.AUTHOR
    assert voice_of(hobbes, "TRANSCRIBER'S NOTES ON THE E-TEXT") is Voice.APPARATUS
    assert voice_of(hobbes, "This E-text was prepared from the Pelican") is Voice.APPARATUS
    assert voice_of(hobbes, "48. A REVIEW AND CONCLUSION") is Voice.APPARATUS
    ends = hobbes.text.index("all men welcome.")
    assert not [p.text[:60] for p in author_passages(hobbes) if p.start > ends]


@needs_dev
def test_douglass_prefaces_by_others_are_editorial(douglass: Document) -> None:
    assert voice_of(douglass, "In the month of August, 1841, I attended") is Voice.EDITORIAL
    assert voice_of(douglass, "You remember the old fable") is Voice.EDITORIAL
    assert voice_of(douglass, "Frederick Douglass was born in slavery as") is Voice.EDITORIAL
    assert voice_of(douglass, "I was born in Tuckahoe") is Voice.AUTHOR
    begins = douglass.text.index("I was born in Tuckahoe")
    assert not [p.text[:60] for p in author_passages(douglass) if p.end <= begins]
    assert not [p.text[:60] for p in author_passages(douglass) if LICENCE_WORDS.search(p.text)]


@needs_dev
def test_report_boilerplate_at_the_end_is_apparatus() -> None:
    doc = parse(DEV / "dfe-2025-tuition-fees-equality-impact-assessment.docx")
    for needle in ("© Crown copyright 2025", "Open Government Licence", "enquiries", "Follow us on"):
        assert voice_of(doc, needle) is Voice.APPARATUS, needle
    assert voice_of(doc, "Under the Equality Act 2010") is Voice.AUTHOR


@needs_dev
def test_court_syllabus_is_not_the_opinion() -> None:
    doc = parse(DEV / "scotus-2024-trump-v-united-states-23-939.pdf")
    assert voice_of(doc, "A federal grand jury indicted former President") is Voice.EDITORIAL
    assert voice_of(doc, "This case concerns the federal indictment") is Voice.AUTHOR


EBOOK = """The Distributor EBook of A Short Treatise, by Jane Q. Writer

This eBook is for the use of anyone anywhere at no cost. You may copy it,
give it away or re-use it under the terms of the License included with
this eBook.

Title: A Short Treatise

Author: Jane Q. Writer

Release Date: March 3, 2004 [EBook #999]

*** START OF THIS EBOOK A SHORT TREATISE ***

Produced by A. Volunteer

A SHORT TREATISE

of

LIBERTY

By Jane Q. Writer

LONDON

Printed for the Author by J. Smith & Co.

MDCCCLIX

CONTENTS

CHAPTER I. OF THINGS  ........ 1

CHAPTER II. OF OTHER THINGS  ........ 9

CHAPTER I. OF THINGS

The first thing to be said of things is that they are many, and that each
of them, taken alone, is worth the attention of a careful reader.

The second thing is that they change, and that the change is the matter
of this whole inquiry, from its first page to its last.

THE END

*** END OF THIS EBOOK A SHORT TREATISE ***

You may redistribute this eBook under the terms of this license. Donations
are accepted; the trademark may not be used without permission, and no
warranty is given. Copyright royalties are not owed on public domain works.
"""


def test_made_up_ebook_has_no_author_passage_outside_its_body(tmp_path: Path) -> None:
    doc = parse_document(tmp_path / "treatise.txt", EBOOK.encode(), ChunkingSettings(), {})
    begins = doc.text.index("The first thing")
    ends = doc.text.index("its last.") + len("its last.")
    outside = [p.text for p in author_passages(doc) if p.end <= begins or p.start >= ends]
    assert outside == []
    assert len(author_passages(doc)) == 2
    assert [s.title for s in doc.sections] == ["CHAPTER I. OF THINGS"]


def test_edition_paragraph_numbers_become_apparatus_with_exact_offsets() -> None:
    paragraph = (
        "The court heard argument on the matter and now gives its reasons, which are these, at some length, "
        "so that the parties and the public may know why it decided as it did."
    )
    text = "\n\n".join(f"{n}. {paragraph}" for n in range(1, 13))
    blocks = mark_apparatus(text, read_plain_text(text).blocks)
    numbers = [text[b.start : b.end] for b in blocks if b.kind is BlockKind.APPARATUS]
    bodies = [text[b.start : b.end] for b in blocks if b.kind is not BlockKind.APPARATUS]
    assert numbers == [str(n) for n in range(1, 13)]
    assert all(body.startswith("The court heard") for body in bodies)


def test_a_page_number_that_interrupts_a_sentence_is_apparatus() -> None:
    text = "The argument runs on past the foot of the\n\n17\n\npage and ends here, as arguments do."
    blocks = mark_apparatus(text, read_plain_text(text).blocks)
    assert [text[b.start : b.end] for b in blocks if b.kind is BlockKind.APPARATUS] == ["17"]


def test_a_title_and_first_heading_without_a_title_page_stay_as_they_are() -> None:
    text = "A Title\n\nFirst heading\n\nBody text that is a sentence, and a rather long one at that, for a test."
    blocks = read_plain_text(text).blocks
    assert mark_apparatus(text, blocks) == blocks


def test_a_licence_word_in_an_argument_is_not_boilerplate() -> None:
    text = (
        "Copyright was meant to reward authors, and whether it still does so is the question of this chapter; "
        "the answer depends on how courts have read the statute since it was passed."
    )
    blocks = read_plain_text(text).blocks
    assert mark_apparatus(text, blocks) == blocks
