"""The chat every surface drives: conversations, follow-ups, cards and briefs over an :class:`Assistant`,
kept in the work store under ``settings.data_dir``."""

from __future__ import annotations

from dataclasses import dataclass, replace

from assistant.chat.brief import Briefs, KeptBrief, KeptCard
from assistant.chat.cards import Card, author_names, full_cite, make_card, short_cite
from assistant.chat.export import brief_docx, brief_markdown
from assistant.chat.followups import name_keys, read_reply
from assistant.chat.outputs import brief_out, brief_summary, card_out, session_out
from assistant.chat.sessions import Session, SessionStore, Turn
from assistant.chat.starters import starter_questions
from assistant.chat.store import WorkStore
from assistant.errors import BadRequest, IndexStateError, NotFound
from assistant.schemas import AskRequest, BriefOut, BriefSummary, CardOut, CardRequest, FollowUp, SessionOut
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


@dataclass(frozen=True)
class Exported:
    """A brief written as a file, with the brief's name to call the file by."""

    name: str
    content: bytes


class Chat:
    """Answers in conversations that last (a request without ``session_id`` stands alone), and
    the briefs their cards are collected in."""

    def __init__(self, assistant: Assistant) -> None:
        settings = assistant.settings
        self.assistant = assistant
        self.prompts = assistant.prompts
        work = WorkStore(settings.data_dir)
        self.sessions = SessionStore(work, settings.sessions, self.prompts.say("brief", "title"))
        self.briefs = Briefs(work, settings.sessions)
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

    def start(self, client: str | None = None) -> SessionOut:
        """A new conversation and its brief, with the greeting, starter questions and the page's own
        sentences; ``client`` is the address it counts against (see :class:`SessionStore`)."""
        return session_out(
            self.sessions.create(client),
            self.prompts.say("session", "greeting"),
            starter_questions(self.assistant.outline(), self.prompts.starters),
            self.prompts.group("page"),
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
        self.sessions.record(session.id, Turn(request.question, searched, 0))
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
        self.sessions.record(session.id, Turn(request.question, previous.searched, offset))
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

    def card(self, request: CardRequest) -> CardOut:
        """A card to copy, kept in no brief."""
        return card_out(self._card(request))

    def _shown(self, kept: KeptCard) -> Card:
        """A kept card as it reads now: cites from its document's current metadata; flagged stale,
        with the words it was added with, when its passage changed or is gone (never rewritten)."""
        try:
            passage, document = self.assistant.lookup(kept.passage.id)
        except NotFound:
            return self._stale(kept, "stale_gone")
        except IndexStateError:  # the passage is withheld: its source no longer holds its words
            return self._stale(kept, "stale_changed")
        if passage.text != kept.passage.text:
            return self._stale(kept, "stale_changed")
        shift = passage.start - kept.passage.start  # the same words, moved by an edit before them
        highlight = (kept.highlight[0] + shift, kept.highlight[1] + shift) if kept.highlight else None
        return make_card(passage, document, kept.tag, highlight, self.prompts)

    def _stale(self, kept: KeptCard, reason: str) -> Card:
        try:
            document = self.assistant.document(kept.passage.document_id)
        except NotFound:  # no metadata left to cite from but the cites as they were
            cites = kept.short_cite, kept.full_cite
        else:
            cites = short_cite(document, self.prompts), full_cite(kept.passage, document, self.prompts)
        return Card(kept.passage, kept.tag, *cites, kept.highlight, self.prompts.say("brief", reason))

    def _cards(self, brief: KeptBrief) -> list[tuple[int, Card]]:
        return [(kept.number, self._shown(kept)) for kept in brief.cards]

    def show_brief(self, brief_id: str, message: str | None = None, session_id: str | None = None) -> BriefOut:
        """A brief's cards in the order they were added, as they read now."""
        brief = self.briefs.get(brief_id)
        return brief_out(brief, self._cards(brief), session_id, message)

    def list_briefs(self) -> list[BriefSummary]:
        return [brief_summary(entry) for entry in self.briefs.entries()]

    def create_brief(self, name: str) -> BriefOut:
        return self.show_brief(self.briefs.create(name))

    def rename_brief(self, brief_id: str, name: str) -> BriefOut:
        self.briefs.rename(brief_id, name)
        return self.show_brief(brief_id)

    def delete_brief(self, brief_id: str) -> None:
        self.briefs.delete(brief_id)

    def add_to_brief(self, brief_id: str, request: CardRequest, session_id: str | None = None) -> BriefOut:
        """Add a card of ``request.passage_id`` to the brief."""
        self.briefs.add(brief_id, self._card(request))
        return self.show_brief(brief_id, self.prompts.say("brief", "added"), session_id)

    def remove_from_brief(self, brief_id: str, number: int, session_id: str | None = None) -> BriefOut:
        self.briefs.remove(brief_id, number)
        return self.show_brief(brief_id, self.prompts.say("brief", "removed"), session_id)

    def _exportable(self, brief_id: str) -> tuple[list[Card], str]:
        """The brief's cards as they read now, and its name; an empty brief is refused."""
        brief = self.briefs.get(brief_id)
        if not brief.cards:
            raise BadRequest(self.prompts.say("brief", "empty"))
        return [card for _, card in self._cards(brief)], brief.name

    def markdown_of(self, brief_id: str) -> Exported:
        """The brief as Markdown, every character as the cards hold it."""
        cards, name = self._exportable(brief_id)
        return Exported(name, brief_markdown(cards, name).encode())

    def docx_of(self, brief_id: str) -> Exported:
        """The brief as a Word file in the Verbatim convention."""
        cards, name = self._exportable(brief_id)
        return Exported(name, brief_docx(cards, name))

    # The conversation's current brief: what the brief routes of a session, the page and the terminal act on.

    def _current(self, session_id: str) -> str:
        return self.sessions.get(session_id).brief_id

    def brief(self, session_id: str, message: str | None = None) -> BriefOut:
        """The cards of the conversation's current brief."""
        return self.show_brief(self._current(session_id), message, session_id)

    def add_card(self, session_id: str, request: CardRequest) -> BriefOut:
        """Add a card of ``request.passage_id`` to the conversation's current brief."""
        return self.add_to_brief(self._current(session_id), request, session_id)

    def remove_card(self, session_id: str, number: int) -> BriefOut:
        return self.remove_from_brief(self._current(session_id), number, session_id)

    def open_brief(self, session_id: str, brief_id: str) -> BriefOut:
        """Make a brief the conversation's current one (the one it replaces goes if it holds nothing)."""
        self.sessions.open(session_id, brief_id)
        return self.show_brief(brief_id, None, session_id)

    def export_markdown(self, session_id: str) -> str:
        """The current brief as Markdown; an empty brief is refused."""
        cards, name = self._exportable(self._current(session_id))
        return brief_markdown(cards, name)

    def export_docx(self, session_id: str) -> bytes:
        """The current brief as a Word file in the Verbatim convention; an empty brief is refused."""
        return self.docx_of(self._current(session_id)).content
