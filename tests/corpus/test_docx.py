"""Word documents: headings from styles, contents and title page set aside, real footnotes linked."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from assistant.corpus.document import BlockKind, Document, Voice
from assistant.corpus.library import parse_document
from assistant.corpus.passages import ChunkingSettings
from assistant.corpus.readers.docx import read_docx
from assistant.errors import CorpusError
from assistant.settings import PROJECT_ROOT

CORPUS_DEV = PROJECT_ROOT.parent / "shared" / "data" / "corpus-dev"
ASSESSMENT = CORPUS_DEV / "dfe-2025-tuition-fees-equality-impact-assessment.docx"
H1_HEADINGS = [
    "Summary of policy changes and equality impacts",
    "The influence of cost of study, debt and finance on higher education decision making",
    "The case for uplifting tuition fees and student support",
    "Changes to tuition fees and loan limits for academic year 2025/26",
    "Changes to loans, grants and allowances for academic year 2025/26",
    "Analysis of equality impacts by proposed measure",
    "Family Test Analysis",
    "Annex A - Maximum tuition fees at Approved (Fee Cap) providers for 2025/26",
]
TITLE = (
    "Higher education: tuition fees and loan limits and student finance for the 2025 to 2026 academic year: "
    "Equality Impact Assessment"
)


@pytest.fixture(scope="module")
def assessment() -> Document:
    if not ASSESSMENT.exists():
        pytest.skip(f"the real Word document is not at {ASSESSMENT}")
    return parse_document(ASSESSMENT, ASSESSMENT.read_bytes(), ChunkingSettings(), {})


def _docx_bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_eight_h1_headings_in_order_and_skipped_levels_nest(assessment: Document) -> None:
    assert [s.title for s in assessment.sections if s.level == 1] == H1_HEADINGS
    # 48 heading-style paragraphs, one of them empty
    assert len(assessment.sections) == 47
    overall = next(s for s in assessment.sections if s.title == "Overall assessment")
    assert (overall.level, overall.path) == (4, (H1_HEADINGS[0], "Overall assessment"))
    titles = [s.title for s in assessment.sections]
    assert titles.count("Differential analysis by protected characteristic") == 3


def test_contents_entries_are_apparatus_and_make_no_sections(assessment: Document) -> None:
    source = docx.Document(str(ASSESSMENT))
    entries = [p.text for p in source.paragraphs if p.style.name.lower().startswith("toc") and "\t" in p.text]
    assert len(entries) == 17
    titles = [s.title for s in assessment.sections]
    for entry in entries:
        heading, page = entry.rsplit("\t", 1)
        assert titles.count(heading.strip()) <= 1
        contents_line = re.compile(rf"{re.escape(heading.strip())}\s+{page}\b")
        holders = [p for p in assessment.passages if contents_line.search(p.text)]
        assert holders and all(p.voice is Voice.APPARATUS for p in holders)
    assert all(not re.search(r"\t\d+\s*$", p.text) for p in assessment.passages if p.voice is Voice.AUTHOR)
    contents = next(p for p in assessment.passages if p.text == "Contents")
    assert contents.voice is Voice.APPARATUS


def test_pseudo_headings_in_a_document_with_heading_styles_are_not_sections(assessment: Document) -> None:
    titles = [s.title for s in assessment.sections]
    for label in ("Gender identity", "Religion or other belief", "Sexual orientation", "Region"):
        assert label not in titles
        # the label opens the paragraph it labels, in the author's voice, and is no passage alone
        labelled = [p for p in assessment.passages if p.text.startswith(label + "\n")]
        assert labelled and all(p.voice is Voice.AUTHOR and len(p.text) > 2 * len(label) for p in labelled)
        assert not any(p.text.strip() == label for p in assessment.passages)
    # "Sex" and "Age" are real Heading 4s twice each, and bold Normal paragraphs once
    assert titles.count("Sex") == 2 and titles.count("Age") == 2
    assert not any(t.startswith("Table ") for t in titles)
    assert any(p.text.startswith("Table 1: Maximum fees") for p in assessment.passages)


def test_the_visible_title_beats_the_template_title(assessment: Document) -> None:
    assert assessment.meta.title == TITLE
    assert assessment.provenance["title"] == "docx title block"
    assert assessment.meta.author == "Department for Education"
    assert (assessment.meta.year, assessment.provenance["year"]) == (2025, "docx title block")
    title_page = {"Equality Impact Assessment", "January 2025"}
    assert not any(p.text in title_page and p.voice is Voice.AUTHOR for p in assessment.passages)


def test_footnotes_are_linked_to_their_bodies_in_note_voice(assessment: Document) -> None:
    extracted = read_docx(ASSESSMENT.read_bytes(), ASSESSMENT.name)
    assert [m.label for m in extracted.notes] == [str(n) for n in range(1, 38)]
    assert len(assessment.notes) == 37
    first = assessment.notes[0]
    assert assessment.text[: first.marker].endswith("forecast RPIX inflation of 3.1%")
    assert assessment.text[first.body_start :].startswith("RPIX – Retail Price Index excluding mortgage interest")
    last = assessment.notes[-1]
    assert assessment.text[last.body_start :].startswith("SLC does not require a student to declare")
    bodies = {(n.body_start, n.body_end) for n in assessment.notes}
    for passage in assessment.passages:
        inside = any(start <= passage.start < end for start, end in bodies)
        assert inside == (passage.voice is Voice.NOTE)
    marked = next(p for p in assessment.passages if "forecast RPIX inflation of 3.1%1" in p.text)
    assert marked.notes == ("1",) and marked.voice is Voice.AUTHOR


def test_text_is_verbatim_and_keeps_hyperlinks_and_boilerplate_is_apparatus(assessment: Document) -> None:
    assert all(p.text == assessment.text[p.start : p.end] for p in assessment.passages)
    assert "facebook.com/educationgovuk" in assessment.text
    copyright_line = next(p for p in assessment.passages if p.text == "© Crown copyright 2025")
    assert copyright_line.voice is Voice.APPARATUS
    row = next(p for p in assessment.passages if p.text.startswith("Mode of study |"))
    assert row.text == "Mode of study | Maximum fees | Maximum fee loan"


def test_bold_paragraphs_are_headings_only_without_heading_styles() -> None:
    document = docx.Document()
    document.core_properties.title = "Document1"
    document.core_properties.author = "Ada Writer"
    document.add_paragraph("A Short Report on Bold Headings", style="Title")
    document.add_paragraph("March 2021", style="Subtitle")
    for heading, body in (("Introduction", "The first section says this."), ("Method", "The second says that.")):
        document.add_paragraph().add_run(heading).bold = True
        document.add_paragraph(body)
    document.add_paragraph().add_run("Table 1: Results by year").bold = True
    document.add_paragraph().add_run("A bold sentence that ends like prose.").bold = True
    document.add_paragraph("One point", style="List Bullet")
    extracted = read_docx(_docx_bytes(document), "bold.docx")
    kinds = {extracted.text[b.start : b.end]: b.kind for b in extracted.blocks}
    assert [t for t, k in kinds.items() if k is BlockKind.HEADING] == ["Introduction", "Method"]
    assert kinds["A Short Report on Bold Headings"] is BlockKind.TITLE
    assert kinds["One point"] is BlockKind.ITEM
    facts = {(f.field, f.value, f.source) for f in extracted.facts}
    assert ("title", "A Short Report on Bold Headings", "docx title block") in facts
    assert ("year", "2021", "docx title block") in facts
    assert not any(f.field == "title" and f.value == "Document1" for f in extracted.facts)

    document.add_heading("A Styled Heading", level=2)
    document.add_paragraph("A subtitle-styled line after a heading", style="Subtitle")
    styled = read_docx(_docx_bytes(document), "styled.docx")
    headings = [(styled.text[b.start : b.end], b.level) for b in styled.blocks if b.kind is BlockKind.HEADING]
    assert headings == [("A Styled Heading", 2)]
    assert styled.blocks[-1].kind is BlockKind.PARAGRAPH
    assert [f.value for f in styled.facts if f.field == "title"] == ["A Short Report on Bold Headings"]


def test_fields_and_tabbed_page_numbers_in_the_body_keep_their_text() -> None:
    document = docx.Document()
    document.add_heading("Figures", level=1)
    paragraph = document.add_paragraph("Seen on page ")
    begin, separate, end = (OxmlElement("w:fldChar") for _ in range(3))
    for char, kind in ((begin, "begin"), (separate, "separate"), (end, "end")):
        char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(begin)
    instruction = OxmlElement("w:instrText")
    instruction.text = " PAGEREF here "
    paragraph.add_run()._r.append(instruction)
    paragraph.add_run()._r.append(separate)
    paragraph.add_run("7")
    paragraph.add_run()._r.append(end)
    document.add_paragraph("Population\t1234")
    extracted = read_docx(_docx_bytes(document), "fields.docx")
    blocks = {extracted.text[b.start : b.end]: b.kind for b in extracted.blocks}
    assert blocks["Seen on page 7"] is BlockKind.PARAGRAPH
    assert blocks["Population 1234"] is BlockKind.PARAGRAPH
    assert "PAGEREF" not in extracted.text


ENDNOTES = b"""<w:endnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:endnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:endnote>
<w:endnote w:id="1"><w:p><w:r><w:endnoteRef/></w:r><w:r><w:t xml:space="preserve"> A note with a </w:t></w:r>
<w:hyperlink><w:r><w:t>link</w:t></w:r></w:hyperlink></w:p><w:p><w:r><w:t>and a second paragraph.</w:t></w:r></w:p>
</w:endnote>
<w:endnote w:id="2"><w:p><w:r><w:t>A note with its own mark.</w:t></w:r></w:p></w:endnote>
<w:endnote w:id="3"><w:p><w:r><w:t>The third note.</w:t></w:r></w:p></w:endnote>
</w:endnotes>"""


def _reference(paragraph: docx.text.paragraph.Paragraph, note_id: int, custom_mark: str | None = None) -> None:
    reference = OxmlElement("w:endnoteReference")
    reference.set(qn("w:id"), str(note_id))
    if custom_mark:
        reference.set(qn("w:customMarkFollows"), "1")
    paragraph.add_run()._r.append(reference)
    if custom_mark:
        paragraph.add_run(custom_mark)


def test_endnotes_are_numbered_as_word_shows_them_and_follow_their_first_reference() -> None:
    document = docx.Document()
    part = Part(PackURI("/word/endnotes.xml"), CONTENT_TYPE.WML_ENDNOTES, ENDNOTES, document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.ENDNOTES)
    document.add_heading("Notes", level=1)
    first = document.add_paragraph("Noted")
    _reference(first, 1)
    first.add_run(" and marked")
    _reference(first, 2, custom_mark="*")
    first.add_run(" twice")
    _reference(first, 3)
    _reference(document.add_paragraph("Noted again"), 1)
    extracted = read_docx(_docx_bytes(document), "endnotes.docx")
    # Word numbers endnotes i, ii, iii by default; a custom mark takes no number
    assert [(m.label, m.target) for m in extracted.notes] == [
        ("i", "endnote-1"),
        ("*", "endnote-2"),
        ("ii", "endnote-3"),
        ("i", "endnote-1"),
    ]
    blocks = [(b.kind, extracted.text[b.start : b.end], b.label) for b in extracted.blocks]
    assert blocks[1:] == [
        (BlockKind.PARAGRAPH, "Notedi and marked* twiceii", None),
        (BlockKind.NOTE, "A note with a link\nand a second paragraph.", "i"),
        (BlockKind.NOTE, "A note with its own mark.", "*"),
        (BlockKind.NOTE, "The third note.", "ii"),
        (BlockKind.PARAGRAPH, "Noted againi", None),
    ]


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 word/ this is not a zip archive", b"zip-without-document"],
    ids=["corrupt", "no-document-part"],
)
def test_a_broken_word_file_is_refused_with_a_reason(content: bytes, tmp_path: Path) -> None:
    if content == b"zip-without-document":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("word/readme.txt", "no document part here")
        content = buffer.getvalue()
    with pytest.raises(CorpusError, match="not a readable Word document"):
        read_docx(content, "broken.docx")
    path = tmp_path / "broken.docx"
    with pytest.raises(CorpusError, match=r"broken\.docx"):
        parse_document(path, content, ChunkingSettings(), {})
