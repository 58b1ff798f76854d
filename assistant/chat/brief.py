"""A brief: the cards of one conversation, exported as Markdown or as a Word file that follows
the Verbatim convention (tag as Heading 4, cite line bold, key sentence underlined and highlighted)."""

from __future__ import annotations

import threading
from io import BytesIO

from docx import Document as WordDocument
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Pt

from assistant.chat.cards import Card, card_markdown
from assistant.errors import BadRequest, NotFound

SHORT_CITE_POINTS = 13  # Verbatim sets the short cite a size above the card text


class Brief:
    """Numbered cards in the order they were added; numbers are never reused."""

    def __init__(self, max_cards: int) -> None:
        self._cards: dict[int, Card] = {}
        self._next = 1
        self._max_cards = max_cards
        self._lock = threading.Lock()

    def add(self, card: Card) -> int:
        """Keep ``card`` and return its number."""
        with self._lock:
            if len(self._cards) >= self._max_cards:
                raise BadRequest(f"the brief is full ({self._max_cards} cards); export it or remove a card first")
            number = self._next
            self._cards[number] = card
            self._next += 1
            return number

    def remove(self, number: int) -> None:
        with self._lock:
            if self._cards.pop(number, None) is None:
                raise NotFound(f"no card {number} in this brief")

    def cards(self) -> list[tuple[int, Card]]:
        with self._lock:
            return list(self._cards.items())


def brief_markdown(cards: list[Card], title: str) -> str:
    """The brief as one Markdown file, its cards under a first-level title."""
    return f"# {title}\n\n" + "\n".join(card_markdown(card) for card in cards)


def brief_docx(cards: list[Card], title: str) -> bytes:
    """The brief as a ``.docx``; each card's text is the passage verbatim, in three runs at most."""
    document = WordDocument()
    document.core_properties.title = title
    document.add_heading(title, level=1)
    for card in cards:
        document.add_heading(card.tag, level=4)
        cite = document.add_paragraph()
        short = cite.add_run(card.short_cite)
        short.bold = True
        short.font.size = Pt(SHORT_CITE_POINTS)
        cite.add_run(f" ({card.full_cite})").bold = True
        before, key, after = card.pieces()
        body = document.add_paragraph()
        for text, emphasised in ((before, False), (key, True), (after, False)):
            if not text:
                continue
            run = body.add_run(text)
            if emphasised:
                run.underline = True
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
