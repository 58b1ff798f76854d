"""Cut annotated paragraphs into citable passages; the verbatim invariant lives here.

A passage id is derived from its document's id and its own text (with an occurrence number for
repeats), so it survives edits elsewhere in the document and never comes to name other words.
"""

from __future__ import annotations

import hashlib
import re

from assistant.corpus.document import CELL_SEPARATOR, BlockKind, Metadata, NoteMark, Paragraph, Passage, Voice
from assistant.corpus.structure import sentence_spans
from assistant.settings import ChunkingSettings

__all__ = ["ChunkingSettings", "citation", "cut_passages", "passage_id"]

_CLAUSE_END = re.compile(r"[;:,—–)]\s+|\s+")
# How a sentence or a clause ends: a lone line ending otherwise labels what follows it.
_ENDS_CLAUSE = re.compile(r"[.!?…:;,\"”’)\]]\s*$")
_ENDS_SENTENCE = re.compile(r"[.!?…][\"”’)\]]*\s*$")
_MAX_LABEL_CHARS = 100
_MAX_LABEL_LINES = 2
_SPACE = re.compile(r"\s+")


def citation(meta: Metadata, section_path: tuple[str, ...], paragraph: int, page: int | None = None) -> str:
    """A reference a debater can read out: author, title, publication, year, section, page, ¶.
    Without an author it opens with the title, as cites of unsigned works do."""
    parts = [meta.author, f"“{meta.title}”"] if meta.author else [f"“{meta.title}”"]
    parts += [str(p) for p in (meta.publication, meta.year) if p]
    path = [s for s in section_path if s != meta.title]
    if path:
        parts.append(f"section “{' › '.join(path)}”")
    if page is not None:
        parts.append(f"p. {page}")
    parts.append(f"¶{paragraph}")
    return ", ".join(parts)


def passage_id(document_id: str, text: str, occurrence: int) -> str:
    """``doc:digest`` of the passage's own words (whitespace-insensitive), ``~n`` for the n-th repeat."""
    digest = hashlib.sha256(_SPACE.sub(" ", text).strip().encode()).hexdigest()[:12]
    return f"{document_id}:{digest}" + (f"~{occurrence}" if occurrence > 1 else "")


def _joins_quotation(lead_in: Paragraph, para: Paragraph, text: str, settings: ChunkingSettings) -> bool:
    """A lead-in joins the quotation it introduces: always when it ends in a colon, else when short."""
    if para.voice is not Voice.QUOTED or lead_in.voice is Voice.QUOTED or lead_in.kind is BlockKind.ITEM:
        return False
    if lead_in.section != para.section or lead_in.voice in (Voice.NOTE, Voice.APPARATUS):
        return False
    if text[lead_in.start : lead_in.end].rstrip().endswith(":"):
        return True
    length = lead_in.end - lead_in.start
    return length <= settings.max_lead_in_chars and length + para.end - para.start <= settings.max_chars


def _is_label(para: Paragraph, text: str) -> bool:
    """A lone short line of the author's that ends no sentence or clause: a margin note
    ("Memory", "The Use Of Speech"), a pseudo-heading in body style. It says what the paragraph
    after it is about and answers nothing on its own."""
    span = text[para.start : para.end].strip()
    return (
        para.kind is BlockKind.PARAGRAPH
        and para.voice is Voice.AUTHOR
        and len(span) <= _MAX_LABEL_CHARS
        and "\n" not in span
        and ": " not in span  # "Source: …", "Figure 1: …": a caption, not a label
        and CELL_SEPARATOR not in span  # a table's row
        and not _ENDS_CLAUSE.search(span)
    )


def _labelled(labels: list[Paragraph], para: Paragraph, text: str) -> bool:
    """One or two labels join the prose paragraph of their section and voice that follows them;
    a longer run of such lines is a table's rows or a list, and stays apart."""
    return (
        0 < len(labels) <= _MAX_LABEL_LINES
        and para.kind is BlockKind.PARAGRAPH
        and (para.section, para.voice) == (labels[-1].section, labels[-1].voice)
        and _ENDS_SENTENCE.search(text[para.start : para.end]) is not None
    )


def _groups(paragraphs: tuple[Paragraph, ...], text: str, settings: ChunkingSettings) -> list[list[Paragraph]]:
    """Paragraph runs that form one passage: a lead-in with the quotation it introduces, labels
    with the paragraph they label."""
    groups: list[list[Paragraph]] = []
    labels: list[Paragraph] = []  # the labels just before ``para``, each a group of its own so far
    for para in paragraphs:
        last = groups[-1] if groups else None
        if last is not None and len(last) == 1 and _joins_quotation(last[0], para, text, settings):
            last.append(para)
        elif _labelled(labels, para, text):
            del groups[-len(labels) :]
            groups.append([*labels, para])
        else:
            groups.append([para])
        if not (_is_label(para, text) and len(groups[-1]) == 1):
            labels = []
        elif labels and (para.section, para.voice) == (labels[-1].section, labels[-1].voice):
            labels = [*labels, para]
        else:
            labels = [para]
    return groups


def _cut_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """A span without sentence ends split below ``max_chars``: at the last clause or word boundary."""
    pieces: list[tuple[int, int]] = []
    while end - start > max_chars:
        window = text[start : start + max_chars]
        cut = max((m.end() for m in _CLAUSE_END.finditer(window) if m.end() > max_chars // 2), default=max_chars)
        piece_end = start + cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        pieces.append((start, piece_end))
        start = start + cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


def _pieces(text: str, start: int, end: int, max_chars: int, keep_whole: bool) -> list[tuple[int, int]]:
    """Split a long span at sentence boundaries into pieces of at most ``max_chars``; a sentence
    longer than that is cut at a clause or word boundary. ``keep_whole`` keeps a lead-in and
    its quotation together when they fit in twice the maximum."""
    if end - start <= max_chars or (keep_whole and end - start <= 2 * max_chars):
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    piece_start, piece_end = start, start
    for sentence_start, sentence_end in sentence_spans(text, start, end):
        if piece_end > piece_start and sentence_end - piece_start > max_chars:
            pieces.append((piece_start, piece_end))
            piece_start = sentence_start
        piece_end = sentence_end
    pieces.append((piece_start, piece_end))
    return [cut for a, b in pieces for cut in _cut_long(text, a, b, max_chars)]


def cut_passages(
    document_id: str,
    text: str,
    meta: Metadata,
    paragraphs: tuple[Paragraph, ...],
    settings: ChunkingSettings,
    marks: tuple[NoteMark, ...] = (),
) -> tuple[Passage, ...]:
    """Passages in document order; each one's ``text`` is exactly ``text[start:end]``."""
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    for group in _groups(paragraphs, text, settings):
        first, last = group[0], group[-1]
        voiced = last if last.voice is Voice.QUOTED else first
        quotation = len(group) > 1 and last.voice is Voice.QUOTED
        for start, end in _pieces(text, first.start, last.end, settings.max_chars, keep_whole=quotation):
            span = text[start:end]
            base = passage_id(document_id, span, 1)
            seen[base] = seen.get(base, 0) + 1
            passages.append(
                Passage(
                    id=passage_id(document_id, span, seen[base]),
                    document_id=document_id,
                    section=first.section,
                    paragraph=first.number,
                    start=start,
                    end=end,
                    text=span,
                    voice=voiced.voice,
                    speaker=voiced.speaker,
                    notes=tuple(m.label for m in marks if start <= m.start < end),
                    citation=citation(meta, first.section_path or (first.section,), first.number, first.page),
                    page=first.page,
                    section_path=first.section_path,
                )
            )
    return tuple(passages)
