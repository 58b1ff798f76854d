"""The one object every surface drives: load or build the index, answer, look things up."""

from __future__ import annotations

import logging
import threading
import tomllib
from dataclasses import dataclass

from assistant.corpus.document import Passage
from assistant.corpus.passages import ChunkingSettings
from assistant.errors import NotFound
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


@dataclass(frozen=True)
class Prompts:
    """Fixed sentences loaded from ``prompts/``."""

    messages: dict[str, dict[str, str]]

    @classmethod
    def load(cls, settings: Settings) -> Prompts:
        with open(settings.prompts_dir / "messages.toml", "rb") as handle:
            return cls(tomllib.load(handle))

    def say(self, group: str, key: str) -> str:
        return self.messages[group][key]


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
        answer_threshold=settings.answer_threshold,
        covered_threshold=settings.covered_threshold,
        coverage_min=settings.coverage_min,
    )


class Assistant:
    """Answers questions with verbatim passages of the corpus in ``settings.corpus_dir``."""

    def __init__(self, settings: Settings | None = None, encoder: Encoder | None = None, progress: bool = False):
        self.settings = settings or Settings()
        self.encoder = encoder or Encoder(self.settings.model, self.settings.batch_size)
        self.prompts = Prompts.load(self.settings)
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

    def ask(self, request: AskRequest) -> AskResponse:
        """The best passages for a question, or ``answered: false`` with the nearest ones."""
        query = Query(
            text=request.question,
            k=request.k,
            documents=frozenset(request.documents) if request.documents is not None else None,
            voice=request.voice,
            speaker=request.speaker,
            mode=request.mode,
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

    def documents(self) -> list[DocumentOut]:
        return [
            DocumentOut(
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
            for d in self.store.documents.values()
        ]

    def document_text(self, document_id: str) -> DocumentText:
        document = self.store.documents.get(document_id)
        if document is None:
            raise NotFound(f"no document with id '{document_id}'")
        return DocumentText(id=document.id, text=document.text)

    def passage(self, passage_id: str, context: int = 1) -> PassageContext:
        """A passage and up to ``context`` passages on each side of it in its document."""
        row = self.store.rows.get(passage_id)
        if row is None:
            raise NotFound(f"no passage with id '{passage_id}'")
        passage = self.store.passages[row]
        siblings = self.store.documents[passage.document_id].passages
        at = next(i for i, p in enumerate(siblings) if p.id == passage_id)
        return PassageContext(
            passage=self._out(passage),
            before=[self._out(p) for p in siblings[max(0, at - context) : at]],
            after=[self._out(p) for p in siblings[at + 1 : at + 1 + context]],
        )

    def health(self) -> Health:
        return Health(
            status="ok",
            documents=len(self.store.documents),
            passages=len(self.store.passages),
            model=self.settings.model,
            skipped=[SkippedOut(name=s.name, reason=s.reason) for s in self.store.skipped],
        )
