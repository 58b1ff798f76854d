"""Properties of ingestion that hold for any text: parsing never fails and never alters a word."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.corpus.document import BlockKind
from assistant.corpus.library import parse_document
from assistant.corpus.passages import ChunkingSettings
from assistant.corpus.readers import read_plain_text
from assistant.corpus.structure import analyse

CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
LINES = st.one_of(
    st.text(CHARS, max_size=120),
    st.sampled_from(
        ["", "  ", "Heading line", "As X said:", "“Quoted words.”12", "* bullet", "- item", "A short line"]
    ),
    st.text(alphabet="ab .,;:!?“”\"'‘’–-*0123456789\t", max_size=60),
    st.text(alphabet="word ", min_size=1500, max_size=3000),
)
NEWLINES = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n \n"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = draw(st.lists(LINES, max_size=25))
    return "".join(line + draw(NEWLINES) for line in lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents(), max_chars=st.sampled_from([200, 600, 1200]))
def test_passages_are_verbatim_disjoint_in_one_section_and_cover_the_text(text: str, max_chars: int) -> None:
    chunking = ChunkingSettings(max_chars=max_chars, max_lead_in_chars=min(320, max_chars))
    extracted = read_plain_text(text)
    if not extracted.blocks:
        return
    doc = parse_document(Path("property.txt"), text.encode(), chunking, {})
    assert doc.text == text
    covered = [False] * len(text)
    previous_end = 0
    for passage in doc.passages:
        assert passage.text == text[passage.start : passage.end]
        assert passage.start >= previous_end
        previous_end = passage.end
        assert not any(passage.start < s.start < passage.end for s in doc.sections)
        for i in range(passage.start, passage.end):
            covered[i] = True
    # A heading's span, not its title: the title collapses the span's whitespace (a form feed).
    for block in analyse(extracted, {}, "property").blocks:
        if block.kind in (BlockKind.TITLE, BlockKind.HEADING):
            covered[block.start : block.end] = [True] * (block.end - block.start)
    uncovered = "".join(c for c, done in zip(text, covered, strict=True) if not done and not c.isspace())
    assert uncovered.strip(":") == "", uncovered


@settings(max_examples=200, deadline=None)
@given(text=st.text(CHARS, max_size=400))
def test_structure_analysis_never_fails_on_any_text(text: str) -> None:
    extracted = read_plain_text(text)
    structure = analyse(extracted, {}, "t")
    assert all(text[p.start : p.end].strip() for p in structure.paragraphs)
