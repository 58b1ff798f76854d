"""Briefs in the work store: named lists of numbered cards in the order they were added.

A card is kept with its passage as it was when it was added (id, words, place), so that a brief
never changes under its user: when the documents change, the card is shown as it was and flagged
(see :meth:`assistant.chat.Chat.show_brief`). Briefs outlive the conversations they were made in.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from assistant.chat.cards import Card
from assistant.chat.store import WorkStore
from assistant.corpus.document import Passage, Voice
from assistant.errors import BadRequest, NotFound, TooMany
from assistant.settings import SessionSettings


@dataclass(frozen=True)
class KeptCard:
    """A card as it was added: its passage then, the user's tag and key sentence, the cites then."""

    number: int
    passage: Passage
    tag: str
    highlight: tuple[int, int] | None
    short_cite: str
    full_cite: str


@dataclass(frozen=True)
class KeptBrief:
    """A brief and its cards; times are seconds since the epoch."""

    id: str
    name: str
    created: float
    updated: float
    cards: tuple[KeptCard, ...]


@dataclass(frozen=True)
class BriefEntry:
    """A brief as listed, without its cards."""

    id: str
    name: str
    cards: int
    created: float
    updated: float


def _passage_json(passage: Passage) -> str:
    return json.dumps(asdict(passage))


def _passage_from(data: str) -> Passage:
    fields = json.loads(data)
    return Passage(
        **{
            **fields,
            "voice": Voice(fields["voice"]),
            "notes": tuple(fields["notes"]),
            "section_path": tuple(fields["section_path"]),
        }
    )


def insert_brief(db: sqlite3.Connection, name: str, now: float, max_briefs: int, pristine: bool = False) -> str:
    """A new empty brief, inside the caller's transaction; :class:`TooMany` when ``max_briefs`` are kept.
    A ``pristine`` brief is a conversation's own until it holds a card (it goes with the conversation)."""
    (count,) = db.execute("SELECT count(*) FROM briefs").fetchone()
    if count >= max_briefs:
        raise TooMany(f"{count} briefs are kept, the limit; delete briefs you no longer need (DELETE /briefs/{{id}})")
    brief_id = secrets.token_urlsafe(12)
    db.execute(
        "INSERT INTO briefs (id, name, created, updated, pristine) VALUES (?, ?, ?, ?, ?)",
        (brief_id, name, now, now, int(pristine)),
    )
    return brief_id


def _require(db: sqlite3.Connection, brief_id: str) -> None:
    if db.execute("SELECT 1 FROM briefs WHERE id = ?", (brief_id,)).fetchone() is None:
        raise NotFound(f"no brief with id '{brief_id}'; GET /briefs lists them")


class Briefs:
    """Every brief of the work store, each bounded to ``settings.max_brief_cards`` cards."""

    def __init__(self, store: WorkStore, settings: SessionSettings, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._max_cards = settings.max_brief_cards
        self._max_briefs = settings.max_briefs
        self._clock = clock

    def entries(self) -> list[BriefEntry]:
        """Briefs that hold work (every named one, and a conversation's once it got a card), last changed first."""
        with self._store.transaction(write=False) as db:
            rows = db.execute(
                "SELECT b.id, b.name, count(c.number), b.created, b.updated FROM briefs b "
                "LEFT JOIN cards c ON c.brief_id = b.id WHERE b.pristine = 0 "
                "GROUP BY b.id ORDER BY b.updated DESC, b.id"
            ).fetchall()
        return [BriefEntry(*row) for row in rows]

    def create(self, name: str) -> str:
        with self._store.transaction() as db:
            return insert_brief(db, name, self._clock(), self._max_briefs)

    def get(self, brief_id: str) -> KeptBrief:
        """The brief with its cards in order; :class:`NotFound` when there is none with this id."""
        with self._store.transaction(write=False) as db:
            row = db.execute("SELECT id, name, created, updated FROM briefs WHERE id = ?", (brief_id,)).fetchone()
            cards = db.execute(
                "SELECT number, passage, tag, highlight_start, highlight_end, short_cite, full_cite FROM cards "
                "WHERE brief_id = ? ORDER BY number",
                (brief_id,),
            ).fetchall()
        if row is None:
            raise NotFound(f"no brief with id '{brief_id}'; GET /briefs lists them")
        kept = tuple(
            KeptCard(number, _passage_from(passage), tag, (lo, hi) if lo is not None else None, short, full)
            for number, passage, tag, lo, hi, short, full in cards
        )
        brief, name, created, updated = row
        return KeptBrief(brief, name, created, updated, kept)

    def rename(self, brief_id: str, name: str) -> None:
        with self._store.transaction() as db:
            _require(db, brief_id)
            db.execute(
                "UPDATE briefs SET name = ?, updated = ?, pristine = 0 WHERE id = ?", (name, self._clock(), brief_id)
            )

    def delete(self, brief_id: str) -> None:
        """Delete the brief and its cards; a conversation whose current brief it was gets a new one."""
        with self._store.transaction() as db:
            _require(db, brief_id)
            db.execute("DELETE FROM briefs WHERE id = ?", (brief_id,))

    def add(self, brief_id: str, card: Card) -> int:
        """Keep ``card`` at the end of the brief and return its number (numbers are never reused)."""
        with self._store.transaction() as db:
            row = db.execute("SELECT next_number FROM briefs WHERE id = ?", (brief_id,)).fetchone()
            if row is None:
                raise NotFound(f"no brief with id '{brief_id}'; GET /briefs lists them")
            (count,) = db.execute("SELECT count(*) FROM cards WHERE brief_id = ?", (brief_id,)).fetchone()
            if count >= self._max_cards:
                raise BadRequest(f"the brief is full ({self._max_cards} cards); export it or remove a card first")
            (number,) = row
            lo, hi = card.highlight if card.highlight else (None, None)
            now = self._clock()
            db.execute(
                "INSERT INTO cards (brief_id, number, passage, tag, highlight_start, highlight_end, short_cite, "
                "full_cite, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (brief_id, number, _passage_json(card.passage), card.tag, lo, hi, card.short_cite, card.full_cite, now),
            )
            db.execute(
                "UPDATE briefs SET next_number = ?, updated = ?, pristine = 0 WHERE id = ?", (number + 1, now, brief_id)
            )
            return number

    def remove(self, brief_id: str, number: int) -> None:
        with self._store.transaction() as db:
            _require(db, brief_id)
            if db.execute("DELETE FROM cards WHERE brief_id = ? AND number = ?", (brief_id, number)).rowcount == 0:
                raise NotFound(f"no card {number} in this brief")
            db.execute("UPDATE briefs SET updated = ? WHERE id = ?", (self._clock(), brief_id))
