"""Cut annotated paragraphs into citable passages; the verbatim invariant lives here."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.corpus.document import BlockKind, Metadata, Paragraph, Passage, Voice
from assistant.corpus.structure import footnotes, sentence_spans


@dataclass(frozen=True)
class ChunkingSettings:
    """How paragraphs become passages; part of the index's identity."""

    max_chars: int = 1200
    max_lead_in_chars: int = 320


def citation(meta: Metadata, section: str, paragraph: int) -> str:
    """A reference a debater can read out: author, title, publication, year, section, ¶."""
    parts = [meta.author or "Unknown author", f"“{meta.title}”"]
    parts += [str(p) for p in (meta.publication, meta.year) if p]
    if section and section != meta.title:
        parts.append(f"section “{section}”")
    parts.append(f"¶{paragraph}")
    return ", ".join(parts)


def _groups(paragraphs: tuple[Paragraph, ...], settings: ChunkingSettings) -> list[list[Paragraph]]:
    """Paragraph runs that form one passage: a short lead-in joins the quotation it introduces."""
    groups: list[list[Paragraph]] = []
    for para in paragraphs:
        last = groups[-1] if groups else None
        if (
            last is not None
            and len(last) == 1
            and para.voice is Voice.QUOTED
            and last[0].voice is not Voice.QUOTED
            and last[0].kind is not BlockKind.ITEM
            and last[0].section == para.section
            and last[0].end - last[0].start <= settings.max_lead_in_chars
            and last[0].end - last[0].start + para.end - para.start <= settings.max_chars
        ):
            last.append(para)
        else:
            groups.append([para])
    return groups


def _pieces(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Split a long span at sentence boundaries into pieces of at most ``max_chars`` where possible."""
    if end - start <= max_chars:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    piece_start, piece_end = start, start
    for sentence_start, sentence_end in sentence_spans(text, start, end):
        if piece_end > piece_start and sentence_end - piece_start > max_chars:
            pieces.append((piece_start, piece_end))
            piece_start = sentence_start
        piece_end = sentence_end
    pieces.append((piece_start, piece_end))
    return pieces


def _notes(span: str, start: int, end: int, marked: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    found = [n for at, n in marked if start <= at < end]
    return tuple(found) if found else footnotes(span)


def cut_passages(
    document_id: str,
    text: str,
    meta: Metadata,
    paragraphs: tuple[Paragraph, ...],
    settings: ChunkingSettings,
    marked_notes: tuple[tuple[int, int], ...] = (),
) -> tuple[Passage, ...]:
    """Passages in document order; each one's ``text`` is exactly ``text[start:end]``.

    ``marked_notes`` are (offset, number) note references that the document's markup identified.
    """
    passages: list[Passage] = []
    for group in _groups(paragraphs, settings):
        first, last = group[0], group[-1]
        voiced = last if last.voice is Voice.QUOTED else first
        for start, end in _pieces(text, first.start, last.end, settings.max_chars):
            span = text[start:end]
            passages.append(
                Passage(
                    id=f"{document_id}:{len(passages) + 1}",
                    document_id=document_id,
                    section=first.section,
                    paragraph=first.number,
                    start=start,
                    end=end,
                    text=span,
                    voice=voiced.voice,
                    speaker=voiced.speaker,
                    notes=_notes(span, start, end, marked_notes),
                    citation=citation(meta, first.section, first.number),
                )
            )
    return tuple(passages)
