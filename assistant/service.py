"""The one object every surface drives: load or build the index, answer, look things up, and
keep the library (uploads, removals, citation corrections, collections).

It returns domain results (:class:`Answer`, :class:`Context`, :class:`Entry`, documents and
passages); the surfaces turn them into response models in one place, :mod:`assistant.responses`.
Every document and passage it returns carries its citation as corrected in the library.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace

from assistant.corpus.document import Document, NoteLink, Passage, Skipped
from assistant.corpus.library import Origin, Sources
from assistant.engines.choice import open_engine
from assistant.errors import BadRequest, CorpusError, IndexStateError, NotFound
from assistant.index.build import open_store, stale_reason
from assistant.index.derived import OutlineEntry
from assistant.index.store import Store
from assistant.library import Job, JobKind, Library, check_file, check_text, recited
from assistant.prompts import Prompts
from assistant.retrieval.ranker import Query, Ranker
from assistant.retrieval.routing import Names
from assistant.schemas import AskRequest, DocumentPatch
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
class Entry:
    """A served document as the library lists it: its citation as corrected, where it came from,
    the collections it is filed in, and when its online source was accessed."""

    document: Document
    origin: Origin
    collections: tuple[str, ...]
    accessed: str | None


@dataclass(frozen=True)
class Status:
    """What is served: counts, the model, what the index was built from, and the files skipped."""

    documents: int
    passages: int
    model: str
    partner: str
    fingerprint: str
    engine: str
    skipped: tuple[Skipped, ...]


class Assistant:
    """Answers questions with verbatim passages of the corpus in ``settings.corpus_dir`` and of
    the documents uploaded into the library (under ``settings.data_dir``)."""

    def __init__(self, settings: Settings | None = None, encoder: Encoder | None = None, progress: bool = False):
        self.settings = settings or Settings()
        self.encoder = encoder or Encoder.from_settings(self.settings)
        self.prompts = Prompts.load(self.settings.prompts_dir)
        self._progress = progress
        self._lock = threading.Lock()
        self.library = Library(self.settings, self._index)
        self._withdrawn: frozenset[str] = frozenset()  # removed, still in the served index until it is rebuilt
        self._withdrawing = threading.Lock()
        self._retired: Ranker | None = None
        self._naming = threading.Lock()  # a correction and the routing names made from it, together
        self._open(self.library.sources())
        self.library.jobs.resume()

    def _open(self, sources: Sources) -> None:
        s = self.settings
        store = open_store(sources, s.data_dir, self.encoder, s.chunking, self._progress, s.lexical)
        served = frozenset(store.documents)
        with self._withdrawing:
            self._withdrawn &= served
        self._served = served
        engine = open_engine(s, store, self._progress)
        # The engine replaced now may still be answering a question; the one before it is let go.
        retiring, self._retired = self._retired, getattr(self, "ranker", None)
        ranker = Ranker(store, self.encoder, s.ranking, engine)
        ranker.names = self._names(store, ranker.names)
        self.ranker = ranker
        if retiring is not None:
            retiring.engine.close()

    @property
    def store(self) -> Store:
        """The index being served; swapped with the ranker in one assignment on refresh."""
        return self.ranker.store

    def refresh_if_stale(self) -> bool:
        """Rebuild and swap in a new index when the corpus folder or the library's documents
        changed; True when it did. Requests keep being answered from the old index, consistently,
        until the swap."""
        with self._lock:
            s = self.settings
            sources = self.library.sources()
            reason = stale_reason(sources, s.data_dir, self.encoder.name, s.chunking, s.lexical)
            if reason is None:
                return False
            log.warning("rebuilding the index: %s", reason)
            self._open(sources)
            return True

    def _scope(self, request: AskRequest) -> frozenset[str] | None:
        """The documents a question may be answered from: those asked for, within the collection
        asked for, less those removed that the served index still holds; None for all."""
        scope = frozenset(request.documents) if request.documents is not None else None
        if request.collection is not None:
            members = self.library.catalog.members(request.collection) & self._served
            if not members - self._withdrawn:
                raise NotFound(f"no collection named '{request.collection}'")
            scope = members if scope is None else scope & members
        withdrawn = self._withdrawn
        if withdrawn:
            scope = (self._served if scope is None else scope) - withdrawn
        return scope

    def answer(self, request: AskRequest, offset: int = 0) -> Answer:
        """The best passages for a question after the first ``offset``, or ``answered: false``
        with the nearest ones. Sessions and follow-ups are :mod:`assistant.chat`'s concern."""
        query = Query(
            text=request.question,
            k=request.k,
            documents=self._scope(request),
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
        elif not ranking.answered and ranking.unknown:
            message = self.prompts.say("ask", "unknown_names", names="”, “".join(ranking.unknown))
        elif not ranking.answered:
            message = self.prompts.say("ask", "not_answered")
        else:
            message = self.prompts.say("ask", request.mode.value)
        shown = [h for h in ranking.hits if self.verbatim(h.passage)]
        found = tuple(Found(self._cited(h.passage), self._title(h.passage), h.score, h.highlight) for h in shown)
        return Answer(request.question, offset, ranking.answered, message, found)

    def _title(self, passage: Passage) -> str:
        correction = self.library.corrections.get(passage.document_id)
        if correction and correction.title:
            return correction.title
        return self.store.derived.titles.get(passage.document_id, passage.document_id)

    def _found(self, passage: Passage) -> Found:
        return Found(passage, self._title(passage))

    def _corrected(self, document: Document) -> Document:
        """The document with the library's correction of its citation, in its metadata and in
        every passage's citation."""
        correction = self.library.corrections.get(document.id)
        if not correction:
            return document
        meta, provenance = correction.apply(document.meta, document.provenance)
        passages = tuple(recited(p, meta) for p in document.passages)
        return replace(document, meta=meta, provenance=provenance, passages=passages)

    def _cited(self, passage: Passage) -> Passage:
        """The passage with its citation as corrected in the library."""
        correction = self.library.corrections.get(passage.document_id)
        if not correction:
            return passage
        meta, _ = correction.apply(self.store.documents[passage.document_id].meta, {})
        return recited(passage, meta)

    def verbatim(self, passage: Passage) -> bool:
        """The last check before a passage leaves: its text is its document's span, or it is
        withheld and the mismatch logged (a changed file or a bug must never show altered words)."""
        document = self.store.documents.get(passage.document_id)
        if document is not None and document.text[passage.start : passage.end] == passage.text:
            return True
        log.error("withheld passage %s: its text differs from its source span", passage.id)
        return False

    def _served_document(self, document_id: str) -> Document:
        document = self.store.documents.get(document_id) if document_id not in self._withdrawn else None
        if document is None:
            raise NotFound(f"no document with id '{document_id}'")
        return document

    def document(self, document_id: str) -> Document:
        """A parsed document with its text, sections and passages, its citation as corrected."""
        return self._corrected(self._served_document(document_id))

    def lookup(self, passage_id: str) -> tuple[Passage, Document]:
        """A passage and the document it belongs to; an id whose words are gone is not found."""
        row = self.store.rows.get(passage_id)
        passage = self.store.passages[row] if row is not None else None
        if passage is None or passage.document_id in self._withdrawn:
            raise NotFound(f"no passage with id '{passage_id}'")
        if not self.verbatim(passage):
            raise IndexStateError(f"passage '{passage_id}' no longer matches its source and is withheld")
        return self._cited(passage), self.document(passage.document_id)

    # The library: what is served besides the corpus folder, and how it is cited and grouped.

    def _entry(self, document: Document, collections: tuple[str, ...]) -> Entry:
        correction = self.library.corrections.get(document.id)
        accessed = correction.accessed if correction else None
        return Entry(self._corrected(document), self.library.origin(document.id), collections, accessed or None)

    def entry(self, document_id: str) -> Entry:
        """A served document with its place in the library."""
        return self._entry(self._served_document(document_id), self.library.catalog.collections_of(document_id))

    def entries(self, collection: str | None = None) -> list[Entry]:
        """The served documents in corpus order, only those of ``collection`` when one is named."""
        shelves = self.library.catalog.shelves()
        return [
            self._entry(self.store.documents[document_id], shelves.get(document_id, ()))
            for document_id in self.store.documents
            if document_id not in self._withdrawn and (collection is None or collection in shelves.get(document_id, ()))
        ]

    def collections(self) -> list[tuple[str, int]]:
        """Every collection that holds a served document, by name, with how many it holds."""
        return self.library.catalog.counts(self._served - self._withdrawn)

    def upload_file(self, filename: str | None, data: bytes, collection: str | None = None) -> Job:
        """Accept a file into the library and queue its indexing; a file that would not be served
        is refused with the reason, and nothing changes."""
        s = self.settings
        candidate = check_file(filename, data, s.library.max_upload_bytes, s.chunking)
        return self.library.add(candidate, collection, self._served)

    def upload_text(
        self, text: str, title: str, author: str | None, year: int | None, collection: str | None = None
    ) -> Job:
        """Accept a pasted text with its title, author and year, and queue its indexing."""
        s = self.settings
        candidate = check_text(text, title, author, year, s.library.max_upload_bytes, s.chunking)
        return self.library.add(candidate, collection, self._served)

    def correct(self, document_id: str, patch: DocumentPatch) -> Entry:
        """Correct a document's citation fields and collections; every citation and card made
        from it afterwards shows them. ``null`` puts a field back to what the document states."""
        self._served_document(document_id)
        changes = patch.model_dump(mode="json", exclude_unset=True)
        collections = changes.pop("collections", None)
        if changes:
            with self._naming:
                self.library.corrections.change(document_id, changes)
                ranker = self.ranker
                ranker.names = self._names(ranker.store, Names(ranker.store.derived.names))
        if collections is not None:
            self.library.catalog.file(document_id, collections, replace=True)
        return self.entry(document_id)

    def _names(self, store: Store, derived: Names) -> Names:
        """The names questions are routed by, with each corrected author and title in place of
        what the document states, so a question naming the corrected author finds the work."""
        citations: dict[str, tuple[str | None, str | None]] = {}
        for document_id, correction in self.library.corrections.every().items():
            document = store.documents.get(document_id)
            if document is not None and (correction.author is not None or correction.title is not None):
                meta, _ = correction.apply(document.meta, {})
                citations[document_id] = (meta.author, meta.title)
        return derived.renamed(citations, store.lexical.uses) if citations else derived

    def remove(self, document_id: str) -> Job:
        """Remove an upload, or hide a document of the corpus folder (its file stays): at once
        from every answer and listing, and from the index by the job this queues."""
        self._served_document(document_id)
        with self._withdrawing:
            if len(self._served - self._withdrawn) <= 1:
                raise BadRequest("the last document cannot be removed: there would be nothing to answer from")
            self._withdrawn |= {document_id}
        return self.library.remove(document_id)

    def job(self, job_id: str) -> Job:
        return self.library.jobs.get(job_id)

    def jobs(self, limit: int = 50) -> list[Job]:
        """The library's most recent jobs, newest first."""
        return self.library.jobs.recent(limit)

    def _index(self, job: Job) -> None:
        """A library job, run on its worker: rebuild and swap in the index if the library
        changed, then check that an upload is served (or say why it is not)."""
        self.refresh_if_stale()
        if job.kind is JobKind.ADD and job.document_id is not None and job.document_id not in self._served:
            upload = self.library.catalog.upload(job.document_id)
            if upload is None:
                raise CorpusError(f"{job.filename}: removed before it was indexed")
            reason = next((s.reason for s in self.store.skipped if s.name == upload.stored), None)
            self.library.discard(job.document_id)
            raise CorpusError(reason or f"{job.filename}: not indexed")

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
            documents=len(self._served - self._withdrawn),
            passages=len(self.store.passages),
            model=self.settings.model,
            partner=self.settings.encoder.partner,
            fingerprint=self.store.vectors.manifest.fingerprint,
            engine=self.ranker.engine.kind,
            skipped=self.store.skipped,
        )
