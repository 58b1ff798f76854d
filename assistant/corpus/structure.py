"""Read a document's structure from its blocks: apparatus, headings, notes, voices, speakers.

The stages run in one order for every format: apparatus is set aside first (so no licence line
or contents entry becomes a heading), then headings and note bodies are recognised, the
citation fields resolved, and every remaining block annotated with its section, voice, speaker
and notes. Every rule is about the shape of documents in general, never about one document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.corpus import apparatus, headings, metadata, notes
from assistant.corpus.document import (
    Block,
    BlockKind,
    Extracted,
    Fact,
    Metadata,
    NoteLink,
    NoteMark,
    Paragraph,
    Section,
    Voice,
)

OPENING_QUOTES = '“"‘«„'
CLOSING_QUOTES = '”"’»“'
_SENTENCE_END = re.compile(r"(?<=[.!?…])[”’\"»)\]]*\d{0,3}\s+(?=[“\"‘(\[]?[A-Z0-9])")


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence boundaries inside ``text[start:end]`` (offsets into ``text``)."""
    spans = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        spans.append((cursor, match.start() + len(match.group().rstrip())))
        cursor = match.end()
    spans.append((cursor, end))
    return [(a, b) for a, b in spans if b > a]


def is_quotation(text: str) -> bool:
    """A paragraph that is one quotation: opens with a quote mark that only closes at its end."""
    body = text.rstrip()
    while body and (body[-1].isdigit() or body[-1] in ".,;:"):
        body = body[:-1]
    if len(body) < 2 or body[0] not in OPENING_QUOTES:
        return False
    closer = {"“": "”", "‘": "’", "«": "»", "„": "“"}.get(body[0], body[0])
    first_close = body.find(closer, 1)
    return first_close == -1 or first_close >= len(body) - 2


_SPEECH_VERBS = (
    "said|says|say|wrote|writes|write|commented|comments|comment|argued|argues|argue|insisted|"
    "insists|explained|explains|put it|puts it|recounts|recounted|records|recorded|retorted|"
    "stated|states|state|noted|notes|note|declared|declares|observed|observes|warned|warns|"
    "remarked|remarks|told|replied|replies|added|adds|reports|reported|concluded|concludes|"
    "claimed|claims|asked|asks|answered|answers|proclaimed|proclaims|admitted|admits|"
    "expressed|expresses"
)
_NAME = r"[A-Z][\w’'\-]+(?:\s+(?:de |van |von |da |del )?[A-Z][\w’'\-]+){0,2}"
_SPEECH = re.compile(rf"\b(?:{_SPEECH_VERBS})\b")
_SPEAKER = re.compile(rf"(?:{_NAME}|\b[Hh]e\b|\b[Ss]he\b)(?=(?:’s|'s)?\s)")
_WORD = re.compile(r"\S+")
_MAX_GAP_WORDS = 4
_ACCORDING_TO = re.compile(rf"\b[Aa]ccording to ({_NAME})")
_NOT_NAMES = {
    "As",
    "In",
    "The",
    "When",
    "Then",
    "But",
    "And",
    "For",
    "On",
    "At",
    "By",
    "If",
    "It",
    "This",
    "That",
    "These",
    "Those",
    "Thus",
    "So",
    "Yet",
    "Or",
    "Of",
    "To",
    "With",
    "Later",
    "Here",
    "There",
    "One",
    "Its",
    "His",
    "Her",
    "Their",
    "Our",
    "We",
    "They",
    "I",
    "Actually",
    "Indeed",
    "Rather",
    "Even",
    "Still",
    "While",
    "After",
    "Before",
    "Since",
    "Once",
    "What",
    "Why",
    "How",
    "Where",
    "Who",
    "Comrade",
    "Mr",
    "Mrs",
    "Dr",
    "Professor",
    "Congress",
    "Party",
    "Committee",
}


def _subject_of_speech(sentence: str, text: str) -> tuple[str, int] | None:
    """The name (or he/she) closest before a speech verb in ``sentence``, e.g. ``Serge`` in
    ``causing Serge to note:``; among several verbs the one with the closest subject wins."""
    best: tuple[int, int, re.Match[str]] | None = None
    for verb in _SPEECH.finditer(sentence):
        window_start = max(0, verb.start() - 80)
        candidates = list(_SPEAKER.finditer(sentence, window_start, verb.start()))
        if not candidates:
            continue
        name = candidates[-1]
        gap = len(_WORD.findall(sentence[name.end() : verb.start()]))
        if gap <= _MAX_GAP_WORDS and (best is None or (gap, -verb.start()) <= (best[0], best[1])):
            best = (gap, -verb.start(), name)
    found = best[2] if best else _ACCORDING_TO.search(sentence)
    if found is None:
        return None
    cleaned = _clean_name(found.group(found.lastindex or 0), text)
    return (cleaned, found.start()) if cleaned else None


def _clean_name(name: str, text: str) -> str | None:
    """Drop function words and the capitalised nouns that happen to precede a name:
    keep the longest tail of the words that the document uses more than once."""
    words = re.sub(r"(?:’s|'s)$", "", name).split()
    while words and words[0] in _NOT_NAMES:
        words = words[1:]
    for i in range(len(words)):
        tail = " ".join(words[i:])
        if i == len(words) - 1 or text.count(tail) > 1:
            return tail
    return None


def _speaker_of(lead_in: str, known: list[str], context: str, text: str) -> str | None:
    """The person a lead-in sentence says is speaking; he/she resolves to the last named one."""
    found = _subject_of_speech(lead_in, text)
    if found is None:
        return None
    name, at = found
    if name.lower() in ("he", "she"):
        return _last_mentioned(context[: len(context) - len(lead_in) + at], known)
    return name


def _last_mentioned(text: str, known: list[str]) -> str | None:
    best, best_at = None, -1
    for name in known:
        at = text.rfind(name.split()[-1])
        if at > best_at:
            best, best_at = name, at
    return best


def _known_speakers(text: str) -> list[str]:
    """Names the document itself uses as subjects of speech verbs."""
    names: list[str] = []
    for sentence_start, sentence_end in sentence_spans(text, 0, len(text)):
        found = _subject_of_speech(text[sentence_start:sentence_end], text)
        if found and found[0].lower() not in ("he", "she") and found[0] not in names:
            names.append(found[0])
    return names


def _lead_in_sentence(text: str, block: Block) -> str:
    spans = sentence_spans(text, block.start, block.end)
    start, end = spans[-1]
    return text[start:end]


@dataclass(frozen=True)
class Structure:
    """What analysis learned of one document: citation fields, outline, body paragraphs, notes."""

    meta: Metadata
    provenance: dict[str, str]
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...]
    notes: tuple[NoteLink, ...]
    marks: tuple[NoteMark, ...]
    blocks: tuple[Block, ...]


_VOICE_OF_KIND = {BlockKind.APPARATUS: Voice.APPARATUS, BlockKind.NOTE: Voice.NOTE}


def _first_line_title(text: str, blocks: tuple[Block, ...]) -> tuple[Fact, ...]:
    return tuple(
        Fact("title", headings.heading_title(text, b), "first line") for b in blocks[:1] if b.kind is BlockKind.TITLE
    )


def analyse(extracted: Extracted, sidecar: Mapping[str, object], fallback_title: str) -> Structure:
    """Every stage of structure analysis over a reader's output."""
    text = extracted.text
    blocks = apparatus.mark_apparatus(text, extracted.blocks)
    blocks = notes.mark_note_bodies(text, blocks)
    blocks = headings.mark_headings(text, blocks, extracted.headings_marked)
    facts = (*extracted.facts, *metadata.text_facts(text, blocks), *_first_line_title(text, blocks))
    meta, provenance = metadata.resolve(facts, sidecar, fallback_title, text=text)
    editorial = apparatus.editorial_blocks(text, blocks, meta)
    marks = _all_markers(extracted.notes, notes.find_markers(text, blocks))
    sections = headings.outline(text, blocks)
    paragraphs = _paragraphs(text, blocks, sections, editorial, marks, meta)
    return Structure(meta, provenance, sections, paragraphs, notes.link(blocks, marks), marks, blocks)


def _all_markers(marked: tuple[NoteMark, ...], found: tuple[NoteMark, ...]) -> tuple[NoteMark, ...]:
    """Markers from markup, and those the text shows where markup marked none."""
    taken = {m.start for m in marked}
    return tuple(sorted((*marked, *(m for m in found if m.start not in taken)), key=lambda m: m.start))


def _paragraphs(
    text: str,
    blocks: tuple[Block, ...],
    sections: tuple[Section, ...],
    editorial: frozenset[int],
    marks: tuple[NoteMark, ...],
    meta: Metadata,
) -> tuple[Paragraph, ...]:
    """Body blocks annotated, each under the last section that starts before it."""
    known = _known_speakers(text)
    by_start = {s.start: s for s in sections}
    paragraphs: list[Paragraph] = []
    section, path = meta.title, tuple[str, ...]()
    previous: Paragraph | None = None
    previous_block: Block | None = None
    for index, block in enumerate(blocks):
        if block.kind is BlockKind.TITLE:
            continue
        if block.kind is BlockKind.HEADING:
            section, path = by_start[block.start].title, by_start[block.start].path
            previous = previous_block = None
            continue
        content = text[block.start : block.end]
        voice = _VOICE_OF_KIND.get(block.kind)
        quoted = voice is None and (block.kind is BlockKind.QUOTE or is_quotation(content))
        speaker = None
        if quoted and previous is not None and previous.voice is Voice.QUOTED:
            speaker = previous.speaker
        elif quoted and previous_block is not None:
            lead_in = _lead_in_sentence(text, previous_block)
            speaker = _speaker_of(lead_in, known, text[previous_block.start : previous_block.end], text)
        if voice is None:
            voice = Voice.EDITORIAL if index in editorial else Voice.QUOTED if quoted else Voice.AUTHOR
        previous = Paragraph(
            kind=BlockKind.QUOTE if quoted else block.kind,
            start=block.start,
            end=block.end,
            number=len(paragraphs) + 1,
            section=section,
            voice=voice,
            speaker=speaker,
            notes=tuple(m.label for m in marks if block.start <= m.start < block.end),
            page=block.page,
            section_path=path,
        )
        paragraphs.append(previous)
        previous_block = block
    return tuple(paragraphs)
