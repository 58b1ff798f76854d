"""The HTML reader on real pages: citation facts, page chrome left out, notes, headings, ``<pre>``."""

from __future__ import annotations

import re

import pytest

from assistant.corpus.document import BlockKind, Document, Extracted
from assistant.corpus.headings import heading_title
from assistant.corpus.library import parse_document
from assistant.corpus.passages import ChunkingSettings
from assistant.corpus.readers import read_html
from assistant.settings import PROJECT_ROOT

DEV = PROJECT_ROOT.parent / "shared" / "data" / "corpus-dev"
pytestmark = pytest.mark.skipif(not DEV.is_dir(), reason=f"the real documents are not at {DEV}")


def _read(name: str) -> Extracted:
    return read_html((DEV / name).read_text(encoding="utf-8"))


def _parse(name: str) -> Document:
    path = DEV / name
    return parse_document(path, path.read_bytes(), ChunkingSettings(), {})


def _spans(extracted: Extracted, kind: BlockKind) -> list[str]:
    return [extracted.text[b.start : b.end] for b in extracted.blocks if b.kind is kind]


@pytest.fixture(scope="module")
def wmf() -> Extracted:
    return _read("wmf-2020-wikipedia-restored-in-turkey.html")


def test_web_page_citation_comes_from_meta_tags_and_the_corporate_byline() -> None:
    doc = _parse("wmf-2020-wikipedia-restored-in-turkey.html")
    assert doc.meta.title == "Access to Wikipedia restored in Turkey after more than two and a half years"
    assert doc.meta.author == "Wikimedia Foundation"
    assert doc.provenance["author"] == "html byline"
    assert doc.meta.year == 2020
    assert doc.meta.url and doc.meta.url.startswith("https://wikimediafoundation.org/news/2020/01/15/")
    assert all(doc.text[p.start : p.end] == p.text for p in doc.passages)


def test_web_page_text_is_the_article_without_its_chrome(wmf: Extracted) -> None:
    assert wmf.text.startswith("Today, on Wikipedia’s 19th birthday, the Wikimedia Foundation has received reports")
    assert wmf.text.endswith("We will keep this statement updated as further access is restored.")
    for chrome in (
        "Read further in the pursuit of knowledge",
        "Donate",
        "Get email updates",
        "Share",
        "Creative Commons",
    ):
        assert chrome not in wmf.text
    assert not _spans(wmf, BlockKind.HEADING)


def test_asterisk_note_after_the_article_is_a_note_with_its_marker(wmf: Extracted) -> None:
    notes = [b for b in wmf.blocks if b.kind is BlockKind.NOTE]
    assert len(notes) == 1 and notes[0].label == "*"
    assert wmf.text[notes[0].start :].startswith("* We have received reports")
    (mark,) = wmf.notes
    assert mark.label == "*" and wmf.text[mark.start - len("restored.") : mark.end] == "restored.*"


def test_hgroup_is_one_heading_and_the_bridgehead_gives_the_year() -> None:
    extracted = _read("hamilton-1787-federalist-06-se.xhtml")
    headings = [b for b in extracted.blocks if b.kind is BlockKind.HEADING]
    assert len(headings) == 1
    assert heading_title(extracted.text, headings[0]) == "VI Concerning Dangers from Dissensions Between the States"
    assert any(p.startswith("Hamilton: For The Independent Journal") for p in _spans(extracted, BlockKind.APPARATUS))
    assert ("year", "1787", "html bridgehead") in [(f.field, f.value, f.source) for f in extracted.facts]


def test_note_references_are_markers_with_their_targets() -> None:
    extracted = _read("hamilton-1787-federalist-06-se.xhtml")
    assert [(m.label, m.target) for m in extracted.notes] == [(str(n), f"note-{n}") for n in range(2, 14)]
    assert all(extracted.text[m.start : m.end] == m.label for m in extracted.notes)
    assert "prostitute,2 at the expense" in extracted.text


def test_every_endnote_is_a_note_block_keyed_by_its_id_without_backlinks() -> None:
    extracted = _read("federalist-papers-se-endnotes.xhtml")
    notes = [b for b in extracted.blocks if b.kind is BlockKind.NOTE]
    assert len(notes) == 77
    assert [(b.label, b.key) for b in notes[:3]] == [("1", "note-1"), ("2", "note-2"), ("3", "note-3")]
    assert _spans(extracted, BlockKind.HEADING) == ["Endnotes"]
    assert "↩" not in extracted.text


def test_gutenberg_html_title_pre_blocks_and_contents() -> None:
    extracted = _read("douglass-1845-narrative-pg23-h.htm")
    assert ("title", "Narrative of the Life of Frederick Douglass", "html <title>") in [
        (f.field, f.value, f.source) for f in extracted.facts
    ]
    paragraphs = _spans(extracted, BlockKind.PARAGRAPH)
    assert (
        paragraphs[0]
        == "The Project Gutenberg EBook of The Narrative of the Life of Frederick\nDouglass, by Frederick Douglass"
    )
    assert "*** START OF THIS PROJECT GUTENBERG EBOOK FREDERICK DOUGLASS ***" in paragraphs
    apparatus = _spans(extracted, BlockKind.APPARATUS)
    assert apparatus[:3] == ["CONTENTS", "PREFACE", "LETTER FROM WENDELL PHILLIPS, ESQ."]
    assert len(_spans(extracted, BlockKind.HEADING)) == 21


def test_facts_are_listed_most_trustworthy_first() -> None:
    page = """<html><head><title>Page Title | The Site</title>
    <meta property="og:site_name" content="The Site"><meta name="author" content="Meta Author">
    <meta property="article:author" content="https://example.org/people/someone">
    <meta name="citation_author" content="Roe, Jane"><meta name="citation_author" content="Doe, John">
    <script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "headline": "LD Headline",
      "author": {"@id": "#p"}, "datePublished": "2019-05-02"}, {"@id": "#p", "@type": "Person", "name": "LD Person"}]}
    </script></head>
    <body><article><p class="byline">By Byline Name</p><p>Text of the article.</p></article></body></html>"""
    facts = [(f.field, f.value, f.source) for f in read_html(page).facts]
    assert [f for f in facts if f[0] == "author"] == [
        ("author", "Roe, Jane and Doe, John", "html meta citation_author"),
        ("author", "LD Person", "json-ld"),
        ("author", "Meta Author", "html meta author"),
        ("author", "Byline Name", "html byline"),
    ]
    assert ("title", "LD Headline", "json-ld") in facts and ("year", "2019-05-02", "json-ld") in facts
    assert facts[-1] == ("title", "Page Title", "html <title>")


def test_chrome_inside_and_around_the_article_is_left_out() -> None:
    page = """<body><header><p>Site menu</p></header>
    <main><section><header><h2>Section heading</h2></header><p>Kept text.</p>
    <div class="share-buttons"><p>Share this</p></div><ul class="post-tags"><li>tag</li></ul>
    <footer><p>Section signature</p></footer></section>
    <div id="comments"><p>A comment</p></div></main><footer><p>Site footer</p></footer></body>"""
    extracted = read_html(page)
    assert extracted.text == "Section heading\n\nKept text.\n\nSection signature"


def test_bold_paragraphs_are_headings_only_without_heading_elements() -> None:
    without = read_html("<p><b>Part One</b></p><p>Some text of the part.</p>")
    assert [b.kind for b in without.blocks] == [BlockKind.HEADING, BlockKind.PARAGRAPH]
    with_headings = read_html("<h1>Title</h1><p><b>Part One</b></p><p>Some text.</p>")
    assert [b.kind for b in with_headings.blocks] == [BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.PARAGRAPH]


def test_footnote_aside_links_to_its_reference() -> None:
    page = (
        '<p>A claim.<a href="#fn1" role="doc-noteref">[1]</a></p>'
        '<aside epub:type="footnote" id="fn1"><p>The source. <a role="doc-backlink" href="#r1">↩</a></p></aside>'
    )
    extracted = read_html(page)
    note = next(b for b in extracted.blocks if b.kind is BlockKind.NOTE)
    assert (note.label, note.key, extracted.text[note.start : note.end]) == ("1", "fn1", "The source.")
    (mark,) = extracted.notes
    assert (mark.label, mark.target) == ("1", "fn1") and re.search(r"claim\.\[1\]", extracted.text)


def test_anchor_style_footnotes_link_and_their_return_links_are_not_markers() -> None:
    page = (
        '<p>Claim.<a id="FNanchor_1"></a><a href="#Footnote_1" class="fnanchor">[1]</a> More.</p>'
        '<div class="footnote"><p><a id="Footnote_1"></a><a href="#FNanchor_1">[1]</a> The body.</p></div>'
    )
    extracted = read_html(page)
    assert [(m.label, m.target) for m in extracted.notes] == [("1", "Footnote_1")]
    note = next(b for b in extracted.blocks if b.kind is BlockKind.NOTE)
    assert (note.label, note.key) == ("1", "Footnote_1")
