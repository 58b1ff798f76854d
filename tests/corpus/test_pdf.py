"""PDF reader on real files: reading order, running heads left out, headings, footnotes, pages."""

from __future__ import annotations

import re
import time

import pytest

from assistant.corpus.document import BlockKind, Document, Extracted, Voice
from assistant.corpus.library import parse_document
from assistant.corpus.passages import ChunkingSettings
from assistant.corpus.readers.pdf import read_pdf
from assistant.errors import CorpusError
from assistant.settings import PROJECT_ROOT

DATA = PROJECT_ROOT.parent / "shared" / "data" / "corpus-dev"
SLIP_OPINION = DATA / "scotus-2024-trump-v-united-states-23-939.pdf"
TWO_COLUMNS = DATA / "crs-2026-if13013-conditioning-federal-funding-elections.pdf"
SCANNED = DATA / "tn-wcab-2019-goodwin-scanned-no-text.pdf"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"real PDFs not found in {DATA}")


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def opinion_read() -> tuple[Extracted, float]:
    started = time.perf_counter()
    extracted = read_pdf(SLIP_OPINION.read_bytes(), SLIP_OPINION.name)
    return extracted, time.perf_counter() - started


@pytest.fixture(scope="module")
def opinion() -> Document:
    return parse_document(SLIP_OPINION, SLIP_OPINION.read_bytes(), ChunkingSettings(), {})


@pytest.fixture(scope="module")
def columns() -> Document:
    return parse_document(TWO_COLUMNS, TWO_COLUMNS.read_bytes(), ChunkingSettings(), {})


def test_every_passage_is_verbatim_and_has_its_page(opinion: Document, columns: Document) -> None:
    for doc, pages in ((opinion, 119), (columns, 3)):
        assert doc.passages
        for passage in doc.passages:
            assert passage.text == doc.text[passage.start : passage.end]
            assert passage.page is not None and 1 <= passage.page <= pages
    last = next(p for p in opinion.passages if "bedrock constitutional norms" in _flat(p.text))
    assert last.page == 119


def test_running_heads_and_page_numbers_stay_out_of_the_text(opinion: Document, columns: Document) -> None:
    for passage in opinion.passages:
        assert "Cite as:" not in passage.text
        lines = [line.strip() for line in passage.text.split("\n")]
        assert not any(re.fullmatch(r"\d{1,3}", line) for line in lines), passage.text
        assert "Opinion of the Court" not in lines and "TRUMP v. UNITED STATES" not in lines
    running_head = "Conditioning Federal Funding on Elections Policies: Options and Considerations for Congress"
    for passage in columns.passages:
        assert running_head not in _flat(passage.text)
        assert passage.voice is Voice.APPARATUS or "crsreports.congress.gov" not in passage.text


def test_sentence_split_by_a_page_break_reads_whole(opinion: Document) -> None:
    ending = "the case is remanded for further proceedings consistent with this opinion."
    passage = next(p for p in opinion.passages if ending in _flat(p.text))
    assert passage.page == 50  # the paragraph starts on page 50 and runs on to page 51
    assert "certi-\nfying" in opinion.text  # a hyphen at a line end is kept as printed


def test_two_columns_are_read_column_by_column(columns: Document) -> None:
    texts = [p.text for p in columns.passages]
    first = next(i for i, t in enumerate(texts) if t.startswith("Congress has broad authority"))
    assert texts[first + 1].startswith("An alternative approach to informing elections policy")
    assert not texts[first + 1].startswith("state and local offices")
    whole = _flat(columns.text)
    assert whole.index("encourage them to implement automatic voter registration") < whole.index(
        "state and local offices and using nonpartisan independent commissions"
    )


def test_headings_come_from_type_size_and_weight(columns: Document) -> None:
    assert [s.title for s in columns.sections] == [
        "Recent Legislative Proposals",
        "Potential Considerations for Congress",
    ]
    bullet = next(p for p in columns.passages if p.text.startswith("• Funding administered by the U.S. Election"))
    assert bullet.section == "Recent Legislative Proposals"  # its bold run-in label is not a heading
    disclaimer = [p for p in columns.passages if "not subject to copyright protection" in _flat(p.text)]
    assert disclaimer and all(p.voice is Voice.APPARATUS for p in disclaimer)


_MARKERS = {"roman": {"I", "II", "III", "IV", "V"}, "letter": {"A", "B", "C"}, "number": {"1", "2", "3", "4"}}


def test_section_markers_of_the_opinion_nest_in_order(opinion_read: tuple[Extracted, float]) -> None:
    extracted, _ = opinion_read
    headings = [b for b in extracted.blocks if b.kind is BlockKind.HEADING]
    court = [(extracted.text[b.start : b.end], b.level) for b in headings if 9 <= (b.page or 0) <= 51]
    court = [(title, level) for title, level in court if len(title) <= 3]
    expected = ["I", "II", "A", "B", "1", "2", "C", "III", "A", "B", "1", "2", "3", "4", "C", "IV", "A", "B", "C", "V"]
    assert [title for title, _ in court] == expected
    levels = {kind: {level for title, level in court if title in titles} for kind, titles in _MARKERS.items()}
    assert all(len(found) == 1 for found in levels.values()), levels
    roman, letter, number = (min(levels[kind]) for kind in ("roman", "letter", "number"))
    assert roman < letter < number  # I > A > 1 in nesting
    jackson = [extracted.text[b.start : b.end] for b in headings if (b.page or 0) >= 98]
    assert jackson == ["I", "II", "A", "B", "1", "2", "3", "III", "A", "B", "IV"]


def test_footnote_markers_and_bodies(opinion_read: tuple[Extracted, float], opinion: Document) -> None:
    extracted, _ = opinion_read
    per_opinion = [3, 4, 3, 6, 8]
    expected = [str(n) for count in per_opinion for n in range(1, count + 1)]
    notes = [b for b in extracted.blocks if b.kind is BlockKind.NOTE]
    assert [b.label for b in notes] == expected
    assert [m.label for m in extracted.notes] == expected
    first = extracted.notes[1]
    assert extracted.text[first.start - 16 : first.end] == "unofficial acts.2"
    assert extracted.text[notes[1].start :].startswith("2 Our decision in Clinton")
    bodies = [p for p in opinion.passages if p.text.startswith("2 Our decision in Clinton")]
    assert bodies and bodies[0].voice is Voice.NOTE


def test_facts_title_from_the_first_page_and_year_from_its_date_line(
    opinion: Document, columns: Document, opinion_read: tuple[Extracted, float]
) -> None:
    assert (
        columns.meta.title
        == "Conditioning Federal Funding on Elections Policies: Options and Considerations for Congress"
    )
    assert columns.meta.year == 2026 and columns.provenance["year"] == "pdf first page"
    assert opinion.meta.title == "TRUMP v. UNITED STATES" and opinion.provenance["title"] == "pdf first page"
    assert opinion.meta.year == 2024  # "Decided July 1, 2024", not "OCTOBER TERM, 2023"
    facts = [(f.field, f.source) for f in opinion_read[0].facts]
    assert facts.index(("title", "pdf first page")) < facts.index(("title", "pdf info"))


def test_long_file_is_read_in_seconds(opinion_read: tuple[Extracted, float]) -> None:
    assert opinion_read[1] < 15


def test_scanned_file_without_text_layer_is_refused() -> None:
    with pytest.raises(CorpusError, match="no text layer"):
        read_pdf(SCANNED.read_bytes(), SCANNED.name)


@pytest.mark.parametrize("data", [b"%PDF-1.7\n1 0 obj garbage", TWO_COLUMNS.read_bytes()[:40_000]])
def test_broken_file_is_refused_with_a_reason(data: bytes) -> None:
    with pytest.raises(CorpusError, match="PDF unreadable"):
        read_pdf(data, "broken.pdf")
