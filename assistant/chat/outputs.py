"""Chat's domain objects turned into the public response models, in one place."""

from __future__ import annotations

from datetime import UTC, datetime

from assistant.chat.brief import BriefEntry, KeptBrief
from assistant.chat.cards import Card, card_markdown
from assistant.chat.sessions import Session
from assistant.schemas import BriefOut, BriefSummary, CardOut, Highlight, SessionOut, Starter


def card_out(card: Card, number: int | None = None) -> CardOut:
    p = card.passage
    return CardOut(
        id=number,
        number=number,
        passage_id=p.id,
        document_id=p.document_id,
        tag=card.tag,
        short_cite=card.short_cite,
        full_cite=card.full_cite,
        start=p.start,
        end=p.end,
        text=p.text,
        highlight=Highlight(start=card.highlight[0], end=card.highlight[1]) if card.highlight else None,
        markdown=card_markdown(card),
        stale=card.stale_reason is not None,
        stale_reason=card.stale_reason,
    )


def brief_out(
    brief: KeptBrief, cards: list[tuple[int, Card]], session_id: str | None = None, message: str | None = None
) -> BriefOut:
    """The brief with its cards as they read now (``cards``: numbered, in order)."""
    return BriefOut(
        id=brief.id,
        name=brief.name,
        session_id=session_id,
        message=message,
        cards=[card_out(card, number) for number, card in cards],
    )


def _time(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def brief_summary(entry: BriefEntry) -> BriefSummary:
    return BriefSummary(
        id=entry.id, name=entry.name, cards=entry.cards, created=_time(entry.created), updated=_time(entry.updated)
    )


def session_out(session: Session, greeting: str, starters: list[Starter], phrases: dict[str, str]) -> SessionOut:
    return SessionOut(
        session_id=session.id, brief_id=session.brief_id, greeting=greeting, starters=starters, phrases=phrases
    )
