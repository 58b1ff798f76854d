"""Debate cards: the user's tag, a short and a full cite, and the whole passage with its key
sentence emphasised. Nothing is cut from the passage and nothing is added to it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.corpus.document import Document, Passage
from assistant.errors import BadRequest
from assistant.prompts import Prompts

_AUTHORS = re.compile(r"\s*(?:,|&|\band\b)\s*")
_EMPHASIS = re.compile(r"(?P<lead>[\s*_#>+-]*)(?P<core>.*?)(?P<trail>[\s*_]*)$")


@dataclass(frozen=True)
class Card:
    """A passage made citable in the form debaters read out; ``stale_reason`` says why a kept card's
    passage is not the documents' current one (it changed or is gone)."""

    passage: Passage
    tag: str
    short_cite: str
    full_cite: str
    highlight: tuple[int, int] | None
    stale_reason: str | None = None

    def pieces(self) -> tuple[str, str, str]:
        """The passage text before, inside and after its key sentence; together exactly the passage."""
        text, start = self.passage.text, self.passage.start
        if self.highlight is None:
            return text, "", ""
        lo, hi = self.highlight[0] - start, self.highlight[1] - start
        return text[:lo], text[lo:hi], text[hi:]


def author_names(author: str) -> list[str]:
    """``Karl Marx and Friedrich Engels`` → ``["Karl Marx", "Friedrich Engels"]``."""
    return [name for name in _AUTHORS.split(author) if name.strip()]


def surnames(author: str) -> str:
    """``Karl Marx and Friedrich Engels`` → ``Marx & Engels``: how a short cite names authors."""
    return " & ".join(name.split()[-1] for name in author_names(author))


def short_title(title: str, words: int = 4) -> str:
    """The first words of a title, up to its subtitle: what a short cite names an unsigned work by."""
    main = re.split(r"[:;.(]|\s[—–-]\s", title, maxsplit=1)[0].split()
    return " ".join(main[:words]) + ("…" if len(main) > words else "")


def short_cite(document: Document, prompts: Prompts) -> str:
    """``Hoskisson 10``: the author's surname and the year (two digits from 2000 on); a short
    title in the surname's place when the document names no author."""
    meta = document.meta
    surname = surnames(meta.author) if meta.author else short_title(meta.title)
    if meta.year is None:
        return prompts.say("card", "short_undated", surname=surname)
    year = f"{meta.year % 100:02d}" if meta.year >= 2000 else str(meta.year)
    return prompts.say("card", "short", surname=surname, year=year)


def full_cite(passage: Passage, document: Document, prompts: Prompts) -> str:
    """Author, qualifications, title, publication, year, section, page, ¶, notes, URL and the date
    it was accessed, where known."""
    meta = document.meta
    path = [s for s in passage.section_path or (passage.section,) if s != meta.title]
    facts: dict[str, object] = {
        "author": meta.author,
        "qualifications": meta.qualifications,
        "title": meta.title,
        "publication": meta.publication,
        "year": meta.year,
        "section": " › ".join(path) or None,
        "page": passage.page,
        "paragraph": passage.paragraph,
        "notes": ", ".join(map(str, passage.notes)) or None,
        "url": meta.url,
        "accessed": meta.accessed,
    }
    return ", ".join(prompts.say("card", part, **{part: value}) for part, value in facts.items() if value)


def make_card(
    passage: Passage, document: Document, tag: str, highlight: tuple[int, int] | None, prompts: Prompts
) -> Card:
    """A card of the whole passage; a highlight outside it is refused rather than clipped."""
    if highlight is not None:
        start, end = highlight
        if not passage.start <= start < end <= passage.end:
            raise BadRequest(
                f"highlight {start}-{end} is not inside passage '{passage.id}' ({passage.start}-{passage.end})"
            )
    return Card(passage, tag, short_cite(document, prompts), full_cite(passage, document, prompts), highlight)


def _emphasise(text: str) -> str:
    """Markdown bold on each line of ``text``; list markers and spaces at the ends stay outside
    the asterisks, where they would break the emphasis."""
    out = []
    for line in text.split("\n"):
        match = _EMPHASIS.match(line)
        out.append(f"{match['lead']}**{match['core']}**{match['trail']}" if match and match["core"] else line)
    return "\n".join(out)


def card_markdown(card: Card) -> str:
    """The card as Markdown: ``#### tag``, the bold cite line, then the text with the key sentence in bold."""
    before, key, after = card.pieces()
    lines = [f"#### {card.tag}"] if card.tag else []
    lines.append(f"**{card.short_cite} ({card.full_cite})**")
    lines.append(before + _emphasise(key) + after if key else before)
    return "\n\n".join(lines) + "\n"
