"""The one object every surface drives: load or build the index, answer, look things up.

It returns domain results (:class:`Answer`, :class:`Context`, documents and passages); the
surfaces turn them into response models in one place, :mod:`assistant.responses`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from assistant.corpus.document import Document, NoteLink, Passage, Skipped
from assistant.errors import IndexStateError, NotFound
from assistant.index.build import open_store, stale_reason
from assistant.index.derived import OutlineEntry
from assistant.index.store import Store
from assistant.prompts import Prompts
from assistant.retrieval.ranker import Query, Ranker
from assistant.schemas import AskRequest
from assistant.settings import Settings
from embeddings.encoder import Encoder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Found:
    """A passage with the title of its document, and, when it answers a question, its score
    and key sentence (document offsets)."""

    passage: Passage
    document_title: str
    score: float | None = None
    highlight: tuple[int, int] | None = None


@dataclass(frozen=True)
class Answer:
    """The passages for a question after the first ``offset``, best first; ``message`` is fixed text."""

    question: str
    offset: int
    answered: bool
    message: str
    found: tuple[Found, ...]


@dataclass(frozen=True)
class Context:
    """A passage, its neighbours in the same section, and the notes its markers refer to."""

    passage: Found
    before: tuple[Found, ...]
    after: tuple[Found, ...]
    notes: tuple[tuple[NoteLink, str], ...]


@dataclass(frozen=True)
class Page:
    """One page of a document's passages, in order."""

    document_id: str
    offset: int
    total: int
    found: tuple[Found, ...]


@dataclass(frozen=True)
class Status:
    """What is served: counts, the model, what the index was built from, and the files skipped."""

    documents: int
    passages: int
    model: str
    fingerprint: str
    skipped: tuple[Skipped, ...]


class Assistant:
    """Answers questions with verbatim passages of the corpus in ``settings.corpus_dir``."""

    def __init__(self, settings: Settings | None = None, encoder: Encoder | None = None, progress: bool = False):
        self.settings = settings or Settings()
        self.encoder = encoder or Encoder(self.settings.model, self.settings.batch_size)
        self.prompts = Prompts.load(self.settings.prompts_dir)
        self._progress = progress
        self._lock = threading.Lock()
        self._open()

    def _open(self) -> None:
        s = self.settings
        store = open_store(s.corpus_dir, s.data_dir, self.encoder, s.chunking, self._progress, s.lexical)
        self.ranker = Ranker(store, self.encoder, s.ranking)

    @property
    def store(self) -> Store:
        """The index being served; swapped with the ranker in one assignment on refresh."""
        return self.ranker.store

    def refresh_if_stale(self) -> bool:
        """Rebuild and swap in a new index when the corpus folder changed; True when it did.
        Requests keep being answered from the old index, consistently, until the swap."""
        with self._lock:
            s = self.settings
            reason = stale_reason(s.corpus_dir, s.data_dir, self.encoder.name, s.chunking, s.lexical)
            if reason is None:
                return False
            log.warning("rebuilding the index: %s", reason)
            self._open()
            return True

    def answer(self, request: AskRequest, offset: int = 0) -> Answer:
        """The best passages for a question after the first ``offset``, or ``answered: false``
        with the nearest ones. Sessions and follow-ups are :mod:`assistant.chat`'s concern."""
        query = Query(
            text=request.question,
            k=request.k,
            documents=frozenset(request.documents) if request.documents is not None else None,
            voice=request.voice,
            speaker=request.speaker,
            mode=request.mode,
            offset=offset,
            per_document=request.per_document,
        )
        if self.settings.server.log_questions:
            log.info("question: %s", request.question)
        ranking = self.ranker.rank(query)
        if not ranking.hits:
            message = self.prompts.say("ask", "no_passages")
        elif not ranking.answered:
            message = self.prompts.say("ask", "not_answered")
        else:
            message = self.prompts.say("ask", request.mode.value)
        shown = [h for h in ranking.hits if self.verbatim(h.passage)]
        found = tuple(Found(h.passage, self._title(h.passage), h.score, h.highlight) for h in shown)
        return Answer(request.question, offset, ranking.answered, message, found)

    def _title(self, passage: Passage) -> str:
        return self.store.derived.titles.get(passage.document_id, passage.document_id)

    def _found(self, passage: Passage) -> Found:
        return Found(passage, self._title(passage))

    def verbatim(self, passage: Passage) -> bool:
        """The last check before a passage leaves: its text is its document's span, or it is
        withheld and the mismatch logged (a changed file or a bug must never show altered words)."""
        document = self.store.documents.get(passage.document_id)
        if document is not None and document.text[passage.start : passage.end] == passage.text:
            return True
        log.error("withheld passage %s: its text differs from its source span", passage.id)
        return False

    def documents(self) -> list[Document]:
        return list(self.store.documents.values())

    def document(self, document_id: str) -> Document:
        """A parsed document with its text, sections and passages."""
        document = self.store.documents.get(document_id)
        if document is None:
            raise NotFound(f"no document with id '{document_id}'")
        return document

    def lookup(self, passage_id: str) -> tuple[Passage, Document]:
        """A passage and the document it belongs to; an id whose words are gone is not found."""
        row = self.store.rows.get(passage_id)
        if row is None:
            raise NotFound(f"no passage with id '{passage_id}'")
        passage = self.store.passages[row]
        if not self.verbatim(passage):
            raise IndexStateError(f"passage '{passage_id}' no longer matches its source and is withheld")
        return passage, self.store.documents[passage.document_id]

    def passage(self, passage_id: str, context: int = 1) -> Context:
        """A passage and up to ``context`` passages on each side of it within its section (a
        neighbour across a heading belongs to another argument), and the texts of its notes."""
        passage, document = self.lookup(passage_id)
        siblings = document.passages
        at = siblings.index(passage)
        before = [p for p in siblings[max(0, at - context) : at] if p.section == passage.section]
        after = [p for p in siblings[at + 1 : at + 1 + context] if p.section == passage.section]
        marked = [n for n in document.notes if passage.start <= n.marker < passage.end]
        notes = tuple((n, document.text[n.body_start : n.body_end]) for n in marked)
        return Context(
            passage=self._found(passage),
            before=tuple(self._found(p) for p in before if self.verbatim(p)),
            after=tuple(self._found(p) for p in after if self.verbatim(p)),
            notes=notes,
        )

    def passages_of(self, document_id: str, offset: int = 0, limit: int = 50) -> Page:
        """One page of a document's passages, in document order."""
        passages = self.document(document_id).passages
        page = passages[offset : offset + limit]
        return Page(document_id, offset, len(passages), tuple(self._found(p) for p in page if self.verbatim(p)))

    def people(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The quoted speakers and the authors of the corpus, as derived when the index was built."""
        derived = self.store.derived
        return derived.speakers, derived.authors

    def outline(self) -> tuple[OutlineEntry, ...]:
        """Sections to start a conversation from, taken from every document in turn."""
        return self.store.derived.outline

    def status(self) -> Status:
        return Status(
            documents=len(self.store.documents),
            passages=len(self.store.passages),
            model=self.settings.model,
            fingerprint=self.store.vectors.manifest.fingerprint,
            skipped=self.store.skipped,
        )
