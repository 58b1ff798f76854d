"""HTML and Markdown articles: markup never reaches the text, structure comes from the markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.corpus.document import Document, Voice
from assistant.corpus.library import load_corpus
from assistant.corpus.passages import ChunkingSettings
from assistant.corpus.readers import read_html, read_markdown, read_plain_text


@pytest.fixture(scope="module")
def documents(multi_corpus: Path) -> dict[str, Document]:
    return load_corpus(multi_corpus, ChunkingSettings()).documents


def test_all_three_formats_are_served(documents: dict[str, Document]) -> None:
    assert {d.format for d in documents.values()} == {"txt", "html", "md"}


def test_html_sections_come_from_headings_and_text_has_no_markup(documents: dict[str, Document]) -> None:
    doc = documents["goldman-1924-my-disillusionment-in-russia-afterword"]
    assert [s.title for s in doc.sections][-4:] == ["I", "II", "III", "IV"]
    assert "<" not in doc.text and "epub:type" not in doc.text
    assert doc.meta.author == "Emma Goldman"
    assert all(p.voice is Voice.AUTHOR for p in doc.passages if p.section == "I")


def test_html_note_references_stay_glued_and_are_found(documents: dict[str, Document]) -> None:
    doc = documents["goldman-1924-my-disillusionment-in-russia-afterword"]
    assert any("31" in p.notes for p in doc.passages)


def test_markdown_front_matter_links_and_emphasis_are_removed(documents: dict[str, Document]) -> None:
    doc = documents["marx-engels-1848-communist-manifesto"]
    assert "---" not in doc.text[:10] and "](" not in doc.text and "##" not in doc.text
    assert "I. Bourgeois and Proletarians" in [s.title for s in doc.sections]
    first = next(p for p in doc.passages if p.text.startswith("The history of all hitherto existing society"))
    assert first.section == "I. Bourgeois and Proletarians"
    assert "\n" not in first.text


def test_markdown_block_quote_and_list() -> None:
    extracted = read_markdown("# T\n\nLead in:\n\n> quoted *words*\n\n- one\n- two [link](x)\n")
    kinds = [(b.kind.value, extracted.text[b.start : b.end]) for b in extracted.blocks]
    assert kinds == [
        ("heading", "T"),
        ("paragraph", "Lead in:"),
        ("quote", "quoted words"),
        ("item", "one"),
        ("item", "two link"),
    ]


def test_html_blockquote_and_comments() -> None:
    extracted = read_html("<h1>T</h1><!-- hidden --><p>a <em>b</em></p><blockquote><p>q</p></blockquote>")
    assert extracted.text == "T\n\na b\n\nq"
    assert [b.kind.value for b in extracted.blocks] == ["heading", "paragraph", "quote"]


def test_plain_text_keeps_crlf_and_offsets_point_into_the_file() -> None:
    text = "Title\r\n\r\nFirst line\r\nsecond line\r\n\r\n* item one\r\n* item two\r\n"
    extracted = read_plain_text(text)
    spans = [text[b.start : b.end] for b in extracted.blocks]
    assert spans == ["Title", "First line\r\nsecond line", "* item one", "* item two"]
