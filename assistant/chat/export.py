"""A brief's cards as files: Markdown, and a Word file that follows the Verbatim convention (tag as
Heading 4, cite line bold, key sentence underlined and highlighted).

Markdown keeps every character as the card holds it. XML 1.0, which a ``.docx`` is made of,
forbids most control characters (a form feed is common in text taken from PDFs), lone
surrogates and U+FFFE/U+FFFF: the Word file writes a space for the ones that separate text and
leaves the others out, so that no card can make the export fail. The card itself is unchanged.
"""

from __future__ import annotations

import re
from io import BytesIO

from docx import Document as WordDocument
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Pt

from assistant.chat.cards import Card, card_markdown

SHORT_CITE_POINTS = 13  # Verbatim sets the short cite a size above the card text
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_END = re.compile(r"\r\n?")


def xml_safe(text: str) -> str:
    """``text`` with what XML 1.0 forbids replaced (a space) or left out, and ``\\r\\n`` as one line
    break (Word would show two)."""
    text = _LINE_END.sub("\n", text)
    return _NOT_XML.sub(lambda m: " " if m.group().isspace() else "", text)


def brief_markdown(cards: list[Card], title: str) -> str:
    """The brief as one Markdown file, its cards under a first-level title."""
    return f"# {title}\n\n" + "\n".join(card_markdown(card) for card in cards)


def brief_docx(cards: list[Card], title: str) -> bytes:
    """The brief as a ``.docx``; each card's text is the passage (XML-safe), in three runs at most."""
    document = WordDocument()
    document.core_properties.title = xml_safe(title)
    document.add_heading(xml_safe(title), level=1)
    for card in cards:
        document.add_heading(xml_safe(card.tag), level=4)
        cite = document.add_paragraph()
        short = cite.add_run(xml_safe(card.short_cite))
        short.bold = True
        short.font.size = Pt(SHORT_CITE_POINTS)
        cite.add_run(xml_safe(f" ({card.full_cite})")).bold = True
        before, key, after = card.pieces()
        body = document.add_paragraph()
        for text, emphasised in ((before, False), (key, True), (after, False)):
            if not text:
                continue
            run = body.add_run(xml_safe(text))
            if emphasised:
                run.underline = True
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
