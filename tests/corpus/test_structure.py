"""Structure of the seed article: headings, editorial text, quotations, notes, speakers."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.corpus.document import Document, Voice
from assistant.corpus.library import load_corpus, parse_document
from assistant.corpus.notes import footnotes
from assistant.corpus.passages import ChunkingSettings
from tests.helpers import SEED_ID, SEEDS

HEADINGS = [
    "Original PR Introduction",
    "The left critique",
    "Trotskyist practice",
    "The balance sheet of Bolshevism, 1917-21",
    "Closing down party democracy",
    "So you are saying Lenin led to Stalin!",
    "Lenin’s crisis in 1921",
    "Lenin and Trotsky rebel . . . too late",
]
NOT_HEADINGS = [
    "As Victor Serge commented:",
    "What then caused Thermidor in 1921?",
    "In other words, if 1924 was the year of Thermidor then Trotsky was a Thermidorian.",
    "And Trotsky could hardly disagree with a word of this.",
]


@pytest.fixture(scope="module")
def seed() -> Document:
    return load_corpus(SEEDS, ChunkingSettings()).documents[SEED_ID]


def passage_containing(doc: Document, needle: str):
    return next(p for p in doc.passages if needle in p.text)


def test_every_heading_is_found_in_order(seed: Document) -> None:
    assert [s.title for s in seed.sections] == HEADINGS


@pytest.mark.parametrize("line", NOT_HEADINGS)
def test_short_lines_that_are_not_headings_stay_in_the_text(seed: Document, line: str) -> None:
    assert line.rstrip(":") not in {s.title for s in seed.sections}
    assert any(line in p.text for p in seed.passages)


def test_title_comes_from_the_metadata_and_is_not_a_passage(seed: Document) -> None:
    assert seed.meta.title == "The Red Jacobins: Thermidor and the Russian Revolution in 1921"
    assert not any(p.text.startswith("The Red Jacobins:") for p in seed.passages)


def test_republisher_note_and_standfirst_are_editorial(seed: Document) -> None:
    assert passage_containing(seed, "Though we disagree with the author").voice is Voice.EDITORIAL
    assert passage_containing(seed, "This article, which appeared").voice is Voice.EDITORIAL
    assert passage_containing(seed, "Stalin was the gravedigger").voice is Voice.EDITORIAL
    first_author = next(p for p in seed.passages if p.voice is Voice.AUTHOR)
    assert first_author.text.startswith("In 1936 the Russian Communist paper, Pravda")
    assert all(p.voice is not Voice.EDITORIAL for p in seed.passages if p.start > first_author.start)


def test_every_footnote_number_is_found_once(seed: Document) -> None:
    notes = [n for p in seed.passages for n in p.notes]
    assert sorted(notes, key=int) == [str(n) for n in range(1, 33)]


def test_footnote_glued_to_a_quotation(seed: Document) -> None:
    passage = passage_containing(seed, "the Fourth International.”1")
    assert passage.notes == ("1",)


@pytest.mark.parametrize(
    ("text", "notes"),
    [
        ("leadership.”1 Next", (1,)),
        ("after the war.2 But", (2,)),
        ("“silent walk-on players”.21", (21,)),
        ("in 1923-24 and in 1917-18.", ()),
        ("grew by 3.5 per cent", ()),
        ("(Applause)”27", (27,)),
    ],
)
def test_footnote_markers_are_told_from_numbers(text: str, notes: tuple[int, ...]) -> None:
    assert footnotes(text) == tuple(map(str, notes))


@pytest.mark.parametrize(
    ("needle", "speaker"),
    [
        ("“Centralisation. Agreed.", "Victor Serge"),
        ("“You, comrades, cannot fail to be aware", "Lenin"),
        ("“Trotsky tries to make it appear", "Stalin"),
        ("“The smashing of the Left Opposition", "Trotsky"),
        ("“To conquer this core, however", "Trotsky"),
    ],
)
def test_quotations_are_attributed_to_the_speaker_of_their_lead_in(seed: Document, needle: str, speaker: str) -> None:
    passage = passage_containing(seed, needle)
    assert passage.voice is Voice.QUOTED
    assert passage.speaker == speaker


def test_short_lead_in_is_kept_with_its_quotation(seed: Document) -> None:
    passage = passage_containing(seed, "As Victor Serge commented:")
    assert "“They [Lenin and Trotsky] were only the fir" in passage.text
    assert passage.voice is Voice.QUOTED


def test_closing_bullets_are_separate_author_passages(seed: Document) -> None:
    bullets = [p for p in seed.passages if p.text.startswith("* ")]
    assert len(bullets) >= 5
    assert all(p.voice is Voice.AUTHOR and "\n" not in p.text for p in bullets)


def test_plain_text_headings_without_a_sidecar(tmp_path: Path) -> None:
    text = "A Title\n\nFirst heading\n\nBody text that is a sentence.\n\nAs X said:\n\n“Quoted words.”3\n"
    doc = parse_document(tmp_path / "x.txt", text.encode(), ChunkingSettings(), {})
    assert doc.meta.title == "A Title"
    assert [s.title for s in doc.sections] == ["First heading"]
    assert doc.passages[-1].voice is Voice.QUOTED
    assert doc.passages[-1].notes == ("3",)
