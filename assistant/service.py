"""The one object every surface drives: load or build the index, answer, look things up."""

from __future__ import annotations

import logging
import threading

from assistant.corpus.document import Document, Passage
from assistant.corpus.passages import ChunkingSettings
from assistant.errors import NotFound
from assistant.prompts import Prompts
from assistant.retrieval.ranker import Fusion, Hit, Query, Ranker, RankingSettings
from assistant.schemas import (
    AskRequest,
    AskResponse,
    DocumentOut,
    DocumentText,
    Health,
    Highlight,
    PassageContext,
    PassageOut,
    SectionOut,
    SkippedOut,
)
from assistant.settings import Settings
from assistant.store import Store, open_store
from embeddings.encoder import Encoder

log = logging.getLogger(__name__)


def ranking_settings(settings: Settings) -> RankingSettings:
    return RankingSettings(
        dense=settings.dense,
        lexical=settings.lexical,
        fusion=Fusion(settings.fusion),
        passage_weight=settings.passage_weight,
        sentence_weight=settings.sentence_weight,
        lexical_weight=settings.lexical_weight,
        feedback_weight=settings.feedback_weight,
        feedback_depth=settings.feedback_depth,
        voice_boost=settings.voice_boost,
        speaker_boost=settings.speaker_boost,
        rrf_k=settings.fusion_k,
        candidates=settings.candidates,
        bm25_k1=settings.bm25_k1,
        bm25_b=settings.bm25_b,
        rebuttal_dense_weight=settings.rebuttal_dense_weight,
        answer_threshold=settings.answer_threshold,
        covered_threshold=settings.covered_threshold,
        coverage_min=settings.coverage_min,
    )


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
        chunking = ChunkingSettings(self.settings.max_passage_chars, self.settings.max_lead_in_chars)
        store = open_store(self.settings.corpus_dir, self.settings.data_dir, self.encoder, chunking, self._progress)
        self.store: Store = store
        self.ranker = Ranker(store, self.encoder, ranking_settings(self.settings))

    def refresh(self) -> None:
        """Rebuild the index if the corpus folder changed since it was built."""
        with self._lock:
            self._open()

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
            passages=[self._out(self.store.passages[h.row], h) for h in ranking.hits],
        )

    def _out(self, passage: Passage, hit: Hit | None = None) -> PassageOut:
        document = self.store.documents[passage.document_id]
        return PassageOut(
            id=passage.id,
            document_id=passage.document_id,
            document_title=document.meta.title,
            section=passage.section,
            paragraph=passage.paragraph,
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
            sections=[SectionOut(title=s.title, start=s.start, level=s.level) for s in d.sections],
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
        return passage, self.store.documents[passage.document_id]

    def passage(self, passage_id: str, context: int = 1) -> PassageContext:
        """A passage and up to ``context`` passages on each side of it within its section: a
        neighbour across a heading belongs to another argument."""
        passage, document = self.lookup(passage_id)
        siblings = document.passages
        at = siblings.index(passage)
        before = [p for p in siblings[max(0, at - context) : at] if p.section == passage.section]
        after = [p for p in siblings[at + 1 : at + 1 + context] if p.section == passage.section]
        return PassageContext(
            passage=self._out(passage),
            before=[self._out(p) for p in before],
            after=[self._out(p) for p in after],
        )

    def health(self) -> Health:
        return Health(
            status="ok",
            documents=len(self.store.documents),
            passages=len(self.store.passages),
            model=self.settings.model,
            skipped=[SkippedOut(name=s.name, reason=s.reason) for s in self.store.skipped],
        )
