"""Citation fields read from the text (e-book header, byline, title page) and how they are resolved."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.corpus.apparatus import mark_apparatus
from assistant.corpus.document import Fact, Voice
from assistant.corpus.library import parse_document
from assistant.corpus.metadata import RELEASED, resolve, roman_value, text_facts
from assistant.corpus.passages import ChunkingSettings
from assistant.corpus.readers import read_plain_text
from assistant.settings import PROJECT_ROOT

DEV = PROJECT_ROOT.parent / "shared" / "data" / "corpus-dev"
needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason=f"the real documents are not at {DEV}")


def facts_of(text: str) -> tuple[Fact, ...]:
    return text_facts(text, mark_apparatus(text, read_plain_text(text).blocks))


@needs_dev
def test_mill_citation_never_takes_the_release_year() -> None:
    path = DEV / "mill-1859-on-liberty-pg34901-crlf.txt"
    doc = parse_document(path, path.read_bytes(), ChunkingSettings(), {})
    assert (doc.meta.title, doc.meta.author) == ("On Liberty", "John Stuart Mill")
    assert (doc.meta.year, doc.provenance["year"]) == (1859, "introduction")
    assert doc.provenance["title"] == doc.provenance["author"] == "e-book header"


@needs_dev
def test_hobbes_year_comes_from_the_title_page() -> None:
    path = DEV / "hobbes-1651-leviathan-pg3207-lf-bom.txt"
    doc = parse_document(path, path.read_bytes(), ChunkingSettings(), {})
    assert (doc.meta.title, doc.meta.author, doc.meta.year) == ("Leviathan", "Thomas Hobbes", 1651)
    assert doc.provenance["year"] == "title page"


@needs_dev
def test_an_epub_release_date_is_not_the_work_year() -> None:
    path = DEV / "machiavelli-1532-the-prince-pg1232.epub"
    doc = parse_document(path, path.read_bytes(), ChunkingSettings(), {})
    assert doc.meta.year != 2006


HEADER = """The Distributor EBook of Wrong Title, by Jane Q. Writer

Title: Of Right Titles
       And Their Uses

Author: JANE Q. WRITER

Translator: Some One Else

Release Date: March 3, 2004 [EBook #999]
Last Updated: May 1, 2019

*** START OF THIS EBOOK ***

OF RIGHT TITLES

Translated by Some One Else

MDCCCLIX

The first thing to be said of titles is that they are many, and that each of them is worth a look.
"""


def test_header_fields_beat_the_ebook_line_and_release_dates_are_not_years() -> None:
    facts = facts_of(HEADER)
    titles = [f.value for f in facts if f.field == "title"]
    assert titles[0] == "Of Right Titles And Their Uses"
    assert "Wrong Title" in titles
    assert next(f.value for f in facts if f.field == "author") == "Jane Q. Writer"
    assert not any(f.value == "Some One Else" for f in facts if f.field == "author")
    assert [(f.value, f.source) for f in facts if f.field == "year"] == [("1859", "title page")]
    assert {f.value for f in facts if f.field == RELEASED} == {"2004", "2019"}


def test_a_byline_names_the_author() -> None:
    text = "On Things\n\nBy Ann Other • 15 January 2020\n\nThings are many, and each of them deserves a careful look."
    assert Fact("author", "Ann Other", "byline") in facts_of(text)
    assert not [f for f in facts_of("Himself\n\nWritten by Himself\n\nA sentence of prose.") if f.field == "author"]


def test_roman_numeral_years() -> None:
    assert roman_value("MDCCCLIX") == 1859
    assert roman_value("MCMXLIV") == 1944


def test_a_year_the_text_states_beats_a_format_date() -> None:
    facts = [Fact("year", "2006-02-11", "epub opf"), Fact("year", "1651", "title page")]
    meta, provenance = resolve(facts, {}, "file")
    assert (meta.year, provenance["year"]) == (1651, "title page")


def test_a_format_date_that_is_the_etext_release_is_refused() -> None:
    facts = [Fact("title", "T", "opf"), Fact("year", "2006-02-11", "opf"), Fact(RELEASED, "2006", "e-book header")]
    meta, provenance = resolve(facts, {}, "file")
    assert meta.year is None and "year" not in provenance
    meta, _ = resolve(facts[:2], {}, "file")
    assert meta.year == 2006


def test_a_template_or_file_label_title_loses_to_the_text() -> None:
    facts = [Fact("title", "DfE external document template", "docx core"), Fact("title", "Real Title", "title page")]
    assert resolve(facts, {}, "file")[0].title == "Real Title"
    label = [Fact("title", "23-939 Trump v. United States (07/01/2024)", "pdf info"), Fact("title", "A v. B", "page")]
    assert resolve(label, {}, "file")[0].title == "A v. B"
    unseen = [Fact("title", "Not Here", "html <title>"), Fact("title", "Shown", "first line")]
    meta, provenance = resolve(unseen, {}, "file", text="Shown\n\nBody.")
    assert (meta.title, provenance["title"]) == ("Shown", "first line")


def test_the_sidecar_wins_and_provenance_says_so() -> None:
    meta, provenance = resolve([Fact("title", "From Text", "e-book header")], {"title": "Given", "year": 1901}, "file")
    assert (meta.title, meta.year) == ("Given", 1901)
    assert provenance == {"title": "sidecar", "year": "sidecar"}


def test_without_any_title_the_file_name_is_used() -> None:
    meta, provenance = resolve([], {}, "my-file")
    assert (meta.title, provenance["title"]) == ("my-file", "file name")


def test_a_courts_opinion_names_its_writer_and_what_precedes_the_handover_is_not_theirs() -> None:
    text = (
        "Syllabus\n\nThe court held that the statute applies to every case brought before it today.\n\n"
        "No. 12-345\n\nCHIEF JUSTICE SMITH delivered the opinion of the Court.\n\n"
        "We consider whether the statute applies, and we hold that it does in every such case.\n"
    )
    document = parse_document(Path("opinion.txt"), text.encode(), ChunkingSettings(), {})
    assert document.meta.author == "Chief Justice Smith"
    assert document.provenance["author"] == "opinion line"
    opinion = text.index("We consider")
    assert [p.voice for p in document.passages if p.start >= opinion] == [Voice.AUTHOR]
    assert all(p.voice is Voice.EDITORIAL for p in document.passages if p.start < opinion)


def test_a_date_closing_the_title_gives_the_year_when_nothing_else_does() -> None:
    text = "---\ntitle: A Manifesto (March 1871)\n---\n\n## Part one\n\nA sentence of the work itself.\n"
    document = parse_document(Path("m.md"), text.encode(), ChunkingSettings(), {})
    assert document.meta.year == 1871 and document.provenance["year"] == "title"


def test_a_letters_salutation_and_signature_frame_it_and_the_signature_names_the_author() -> None:
    html = (
        '<html><body><section epub:type="chapter"><h2>Letter</h2><p>To the Readers of the Gazette:</p>'
        "<p>I write to you today about the harbour, which must be dredged before the winter.</p>"
        '<footer><p epub:type="z3998:signature">Cato</p></footer></section></body></html>'
    )
    document = parse_document(Path("letter.xhtml"), html.encode(), ChunkingSettings(), {})
    assert document.meta.author == "Cato" and document.provenance["author"] == "html signature"
    salutation = next(p for p in document.passages if p.text.startswith("To the Readers"))
    assert salutation.voice is Voice.APPARATUS
    assert [p.voice for p in document.passages if p.text.startswith("I write")] == [Voice.AUTHOR]
