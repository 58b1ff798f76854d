"""Read an article's structure from its blocks: headings, quotations, notes, voices, speakers.

Every rule here is about the shape of English prose articles in general (how a heading, a
quotation or a lead-in looks), never about one particular article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.corpus.document import Block, BlockKind, Extracted, Metadata, Paragraph, Section, Voice

OPENING_QUOTES = '“"‘«„'
CLOSING_QUOTES = '”"’»“'
_MAX_HEADING_CHARS = 100
_MAX_HEADING_WORDS = 14

# A footnote number glued to a closing quote (``...International.”1``) or to sentence
# punctuation that follows a word (``the war.2 But``); never part of a number like 3.5 or 1917-18.
_NOTE = re.compile(r"(?:(?<=[”’\"»)\]])|(?<=[^\W\d][.,;:!?])|(?<=[”’\"»)\]][.,;:!?]))(\d{1,3})(?=[\s”’\"]|$)")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[”’\"»)\]]*\d{0,3}\s+(?=[“\"‘(\[]?[A-Z0-9])")

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


@dataclass(frozen=True)
class Structure:
    """The sections and annotated body paragraphs of one document."""

    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...]


def footnotes(text: str) -> tuple[int, ...]:
    """Footnote numbers glued to quotations or sentence ends in ``text``."""
    return tuple(int(m.group(1)) for m in _NOTE.finditer(text))


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


def _looks_like_heading(text: str, following: str | None) -> bool:
    """A short single line, not a sentence, question, quotation or lead-in to a quotation."""
    if following is None or "\n" in text or "\r" in text:
        return False
    if len(text) > _MAX_HEADING_CHARS or len(text.split()) > _MAX_HEADING_WORDS:
        return False
    if not (text[0].isupper() or text[0].isdigit()) or text[-1] in '.,;?…"”’-–—':
        return False
    if text.endswith(":"):
        return not (is_quotation(following) or following.lstrip()[:1] in OPENING_QUOTES + "*•-–")
    return True


def _heading_kinds(extracted: Extracted) -> list[BlockKind]:
    """Block kinds with plain text's unmarked headings and title recognised."""
    text, blocks = extracted.text, extracted.blocks
    kinds = [b.kind for b in blocks]
    if extracted.headings_marked:
        return kinds
    for i, block in enumerate(blocks):
        if block.kind is not BlockKind.PARAGRAPH:
            continue
        following = text[blocks[i + 1].start : blocks[i + 1].end] if i + 1 < len(blocks) else None
        if _looks_like_heading(text[block.start : block.end], following):
            kinds[i] = BlockKind.TITLE if i == 0 else BlockKind.HEADING
    return kinds


def _editorial_markers(meta: Metadata) -> re.Pattern[str]:
    """Words that show a paragraph speaks *about* the author or article, not as the author."""
    names = [part for part in re.split(r"[\s,]+|\band\b", meta.author or "") if len(part) > 2]
    surnames = {n for n in names if n[0].isupper()} - {"The"}
    terms = [
        r"the author(?:’s|'s)?\b",
        r"this (?:article|essay|piece|text|chapter|book)\b",
        r"\bwe (?:reproduce|republish|reprint|publish)\b",
        r"\beditor(?:’s|'s|ial)?\b",
        r"\btranslator(?:’s|'s)?\b",
        *(rf"\b{re.escape(s)}\b" for s in sorted(surnames)),
    ]
    return re.compile("|".join(terms), re.IGNORECASE)


def _body_start(text: str, body: list[Block], meta: Metadata) -> int:
    """Offset where the author's own text begins; the paragraphs before it are editorial."""
    if meta.body_starts_with:
        found = text.find(meta.body_starts_with)
        if found >= 0:
            return found
    markers = _editorial_markers(meta)
    for block in body:
        if not markers.search(text[block.start : block.end]):
            return block.start
    return body[0].start if body else 0


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
    name = _clean_name(found.group(found.lastindex or 0), text)
    return (name, found.start()) if name else None


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


def detected_title(extracted: Extracted) -> str | None:
    """The title the document gives itself: its first line (plain text) or its markup's title."""
    kinds = _heading_kinds(extracted)
    if kinds and kinds[0] is BlockKind.TITLE:
        first = extracted.blocks[0]
        return extracted.text[first.start : first.end]
    return extracted.title


def analyse(extracted: Extracted, meta: Metadata) -> Structure:
    """Annotate every body block with its section, number, voice, speaker and notes."""
    text, blocks = extracted.text, extracted.blocks
    kinds = _heading_kinds(extracted)
    body = [b for b, k in zip(blocks, kinds, strict=True) if k not in (BlockKind.HEADING, BlockKind.TITLE)]
    body_start = _body_start(text, body, meta)
    known = _known_speakers(text)

    sections: list[Section] = []
    paragraphs: list[Paragraph] = []
    section = meta.title
    previous: Paragraph | None = None
    previous_block: Block | None = None
    for block, kind in zip(blocks, kinds, strict=True):
        if kind is BlockKind.TITLE:
            continue
        content = text[block.start : block.end]
        if kind is BlockKind.HEADING:
            section = content.rstrip(":").strip()
            sections.append(Section(section, block.start, block.level or 1))
            previous = previous_block = None
            continue
        quoted = kind is BlockKind.QUOTE or is_quotation(content)
        speaker = None
        if quoted and previous is not None and previous.voice is Voice.QUOTED:
            speaker = previous.speaker
        elif quoted and previous_block is not None:
            lead_in = _lead_in_sentence(text, previous_block)
            speaker = _speaker_of(lead_in, known, text[previous_block.start : previous_block.end], text)
        voice = Voice.QUOTED if quoted else Voice.AUTHOR
        if block.start < body_start:
            voice = Voice.EDITORIAL
        previous = Paragraph(
            kind=BlockKind.QUOTE if quoted else kind,
            start=block.start,
            end=block.end,
            number=len(paragraphs) + 1,
            section=section,
            voice=voice,
            speaker=speaker,
            notes=footnotes(content),
        )
        paragraphs.append(previous)
        previous_block = block
    return Structure(sections=tuple(sections), paragraphs=tuple(paragraphs))
