"""The chat every surface drives: conversations, follow-ups, cards and briefs over an :class:`Assistant`."""

from __future__ import annotations

from dataclasses import dataclass, replace

from assistant.chat.brief import brief_docx, brief_markdown
from assistant.chat.cards import Card, author_names, card_markdown, make_card
from assistant.chat.followups import name_keys, read_reply
from assistant.chat.sessions import Session, SessionStore, Turn
from assistant.chat.starters import starter_questions
from assistant.errors import BadRequest
from assistant.schemas import (
    AskRequest,
    BriefOut,
    CardOut,
    CardRequest,
    FollowUp,
    Highlight,
    SessionOut,
)
from assistant.service import Answer, Assistant, Context


@dataclass(frozen=True)
class Reply:
    """An answer as the conversation read the question: ``question`` as typed, how it was read
    (``followup``), the fixed sentence that says so (``echo``), and the conversation it belongs to."""

    question: str
    answer: Answer
    followup: FollowUp = FollowUp.NEW
    echo: str | None = None
    session_id: str | None = None


class Chat:
    """Answers in conversations kept in memory; a request without ``session_id`` stands alone."""

    def __init__(self, assistant: Assistant) -> None:
        settings = assistant.settings
        self.assistant = assistant
        self.prompts = assistant.prompts
        self.sessions = SessionStore(
            settings.sessions.max_sessions,
            settings.sessions.max_turns,
            settings.sessions.ttl_seconds,
            settings.sessions.max_brief_cards,
        )
        self._max_words = settings.sessions.followup_max_words
        self._people: tuple[object, frozenset[str]] = (None, frozenset())

    def people(self) -> frozenset[str]:
        """Who counts as a person in a follow-up: the corpus's quoted speakers and its authors
        (worked out again only when the index was rebuilt)."""
        speakers, authors = self.assistant.people()
        if self._people[0] is not speakers:
            names = set(speakers) | {name for author in authors for name in author_names(author)}
            self._people = (speakers, name_keys(names))
        return self._people[1]

    def start(self) -> SessionOut:
        """A new conversation, with the greeting, starter questions and the page's own sentences."""
        session = self.sessions.create()
        return SessionOut(
            session_id=session.id,
            greeting=self.prompts.say("session", "greeting"),
            starters=starter_questions(self.assistant.outline(), self.prompts.starters),
            phrases=self.prompts.group("page"),
        )

    def ask(self, request: AskRequest) -> Reply:
        """Answer ``request``, reading it as a follow-up of the conversation's last question."""
        if request.session_id is None:
            return Reply(request.question, self.assistant.answer(request))
        session = self.sessions.get(request.session_id)
        previous = session.last_turn
        reading = read_reply(
            request.question, previous.searched.question if previous else None, self.people(), self._max_words
        )
        if reading.kind is FollowUp.MORE:
            return self._more(session, request, previous)
        searched = AskRequest(**{**request.model_dump(), "question": reading.question, "session_id": None})
        answer = self.assistant.answer(searched)
        session.turns.append(Turn(request.question, searched, 0))
        echo = None
        if reading.kind is FollowUp.TOPIC:
            echo = self.prompts.say("followup", "echo", question=reading.question)
        return Reply(request.question, answer, reading.kind, echo, session.id)

    def _more(self, session: Session, request: AskRequest, previous: Turn | None) -> Reply:
        """The next page of the last question, searched with the filters it was asked with."""
        if previous is None:
            nothing = Answer("", 0, False, self.prompts.say("followup", "nothing_before"), ())
            return Reply(request.question, nothing, FollowUp.MORE, None, session.id)
        offset = previous.offset + previous.searched.k
        answer = self.assistant.answer(previous.searched, offset=offset)
        session.turns.append(Turn(request.question, previous.searched, offset))
        if not answer.found:
            answer = replace(answer, message=self.prompts.say("followup", "no_more"))
        echo = self.prompts.say("followup", "more", question=previous.searched.question, first=offset + 1)
        return Reply(request.question, answer, FollowUp.MORE, echo, session.id)

    def context(self, passage_id: str, size: int) -> Context:
        """A passage with up to ``size`` neighbours on each side, within its section."""
        return self.assistant.passage(passage_id, size)

    def _card(self, request: CardRequest) -> Card:
        passage, document = self.assistant.lookup(request.passage_id)
        highlight = (request.highlight.start, request.highlight.end) if request.highlight else None
        return make_card(passage, document, request.tag, highlight, self.prompts)

    @staticmethod
    def _card_out(card: Card, number: int | None = None) -> CardOut:
        p = card.passage
        return CardOut(
            id=number,
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
        )

    def card(self, request: CardRequest) -> CardOut:
        """A card to copy, kept in no brief."""
        return self._card_out(self._card(request))

    def brief(self, session_id: str, message: str | None = None) -> BriefOut:
        """The conversation's cards in the order they were added."""
        cards = self.sessions.get(session_id).brief.cards()
        return BriefOut(session_id=session_id, message=message, cards=[self._card_out(card, n) for n, card in cards])

    def add_card(self, session_id: str, request: CardRequest) -> BriefOut:
        """Add a card of ``request.passage_id`` to the conversation's brief."""
        card = self._card(request)
        self.sessions.get(session_id).brief.add(card)
        return self.brief(session_id, self.prompts.say("brief", "added"))

    def remove_card(self, session_id: str, number: int) -> BriefOut:
        self.sessions.get(session_id).brief.remove(number)
        return self.brief(session_id, self.prompts.say("brief", "removed"))

    def _cards(self, session_id: str) -> list[Card]:
        cards = [card for _, card in self.sessions.get(session_id).brief.cards()]
        if not cards:
            raise BadRequest(self.prompts.say("brief", "empty"))
        return cards

    def export_markdown(self, session_id: str) -> str:
        """The brief as Markdown; an empty brief is refused."""
        return brief_markdown(self._cards(session_id), self.prompts.say("brief", "title"))

    def export_docx(self, session_id: str) -> bytes:
        """The brief as a Word file in the Verbatim convention; an empty brief is refused."""
        return brief_docx(self._cards(session_id), self.prompts.say("brief", "title"))
