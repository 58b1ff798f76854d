"""The one object every surface drives: load or build the index, answer, look things up."""

from __future__ import annotations

import logging
import threading

from assistant.corpus.document import Document, Passage
from assistant.errors import IndexStateError, NotFound
from assistant.index.build import open_store, stale_reason
from assistant.index.derived import OutlineEntry
from assistant.index.store import Store
from assistant.prompts import Prompts
from assistant.retrieval.ranker import Hit, Query, Ranker
from assistant.schemas import (
    AskRequest,
    AskResponse,
    DocumentOut,
    DocumentText,
    Health,
    Highlight,
    NoteOut,
    PassageContext,
    PassageOut,
    PassagePage,
    SectionOut,
    SkippedOut,
)
from assistant.settings import Settings
from embeddings.encoder import Encoder

log = logging.getLogger(__name__)


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

    def ask(self, request: AskRequest, offset: int = 0) -> AskResponse:
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
        return AskResponse(
            question=request.question,
            searched_for=request.question,
            offset=offset,
            answered=ranking.answered,
            message=message,
            passages=[self._out(p, h) for h in ranking.hits if self.verbatim(p := self.store.passages[h.row])],
        )

    def verbatim(self, passage: Passage) -> bool:
        """The last check before a passage leaves: its text is its document's span, or it is
        withheld and the mismatch logged (a changed file or a bug must never show altered words)."""
        document = self.store.documents.get(passage.document_id)
        if document is not None and document.text[passage.start : passage.end] == passage.text:
            return True
        log.error("withheld passage %s: its text differs from its source span", passage.id)
        return False

    def _out(self, passage: Passage, hit: Hit | None = None) -> PassageOut:
        document = self.store.documents[passage.document_id]
        return PassageOut(
            id=passage.id,
            document_id=passage.document_id,
            document_title=document.meta.title,
            section=passage.section,
            section_path=list(passage.section_path),
            paragraph=passage.paragraph,
            page=passage.page,
            start=passage.start,
            end=passage.end,
            text=passage.text,
            notes=list(passage.notes),
            voice=passage.voice,
            speaker=passage.speaker,
            citation=passage.citation,
            score=round(hit.score, 6) if hit else None,
            highlight=Highlight(start=hit.highlight[0], end=hit.highlight[1]) if hit else None,
        )

    @staticmethod
    def _document_out(d: Document) -> DocumentOut:
        return DocumentOut(
            id=d.id,
            title=d.meta.title,
            author=d.meta.author,
            publication=d.meta.publication,
            year=d.meta.year,
            source=d.source,
            format=d.format,
            passages=len(d.passages),
            sections=[
                SectionOut(title=s.title, start=s.start, level=s.level, path=list(s.path), page=s.page)
                for s in d.sections
            ],
            provenance=d.provenance,
        )

    def documents(self) -> list[DocumentOut]:
        return [self._document_out(d) for d in self.store.documents.values()]

    def document_text(self, document_id: str) -> DocumentText:
        document = self.document(document_id)
        return DocumentText(id=document.id, text=document.text)

    def document(self, document_id: str) -> Document:
        """A parsed document with its text, sections and passages."""
        document = self.store.documents.get(document_id)
        if document is None:
            raise NotFound(f"no document with id '{document_id}'")
        return document

    def document_out(self, document_id: str) -> DocumentOut:
        """One document's metadata and sections."""
        return self._document_out(self.document(document_id))

    def lookup(self, passage_id: str) -> tuple[Passage, Document]:
        """A passage and the document it belongs to."""
        row = self.store.rows.get(passage_id)
        if row is None:
            raise NotFound(f"no passage with id '{passage_id}'")
        passage = self.store.passages[row]
        if not self.verbatim(passage):
            raise IndexStateError(f"passage '{passage_id}' no longer matches its source and is withheld")
        return passage, self.store.documents[passage.document_id]

    def passage(self, passage_id: str, context: int = 1) -> PassageContext:
        """A passage and up to ``context`` passages on each side of it within its section: a
        neighbour across a heading belongs to another argument."""
        passage, document = self.lookup(passage_id)
        siblings = document.passages
        at = siblings.index(passage)
        before = [p for p in siblings[max(0, at - context) : at] if p.section == passage.section]
        after = [p for p in siblings[at + 1 : at + 1 + context] if p.section == passage.section]
        notes = [
            NoteOut(
                label=n.label,
                marker=n.marker,
                start=n.body_start,
                end=n.body_end,
                text=document.text[n.body_start : n.body_end],
            )
            for n in document.notes
            if passage.start <= n.marker < passage.end
        ]
        return PassageContext(
            passage=self._out(passage),
            before=[self._out(p) for p in before if self.verbatim(p)],
            after=[self._out(p) for p in after if self.verbatim(p)],
            notes=notes,
        )

    def passages_of(self, document_id: str, offset: int = 0, limit: int = 50) -> PassagePage:
        """One page of a document's passages, in document order."""
        passages = self.document(document_id).passages
        page = passages[offset : offset + limit]
        return PassagePage(
            document_id=document_id,
            offset=offset,
            total=len(passages),
            passages=[self._out(p) for p in page if self.verbatim(p)],
        )

    def people(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The quoted speakers and the authors of the corpus, as derived when the index was built."""
        derived = self.store.derived
        return derived.speakers, derived.authors

    def outline(self) -> tuple[OutlineEntry, ...]:
        """Sections to start a conversation from, taken from every document in turn."""
        return self.store.derived.outline

    def health(self) -> Health:
        return Health(
            status="ok",
            documents=len(self.store.documents),
            passages=len(self.store.passages),
            model=self.settings.model,
            fingerprint=self.store.vectors.manifest.fingerprint,
            skipped=[SkippedOut(name=s.name, reason=s.reason) for s in self.store.skipped],
        )
