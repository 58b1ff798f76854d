"""The public contract: request and response models of the API (and of ``ask --json``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.corpus.document import Voice
from assistant.retrieval.ranker import Mode, VoiceFilter

MAX_QUESTION_CHARS = 2000
MAX_K = 50


class Highlight(BaseModel):
    """The key sentence of a passage, in document offsets inside the passage."""

    start: int
    end: int


class PassageOut(BaseModel):
    """A verbatim passage with its reference: ``text == document_text[start:end]``."""

    id: str
    document_id: str
    document_title: str
    section: str
    paragraph: int = Field(description="1-based index of the passage's first paragraph in its document.")
    start: int
    end: int
    text: str
    notes: list[int] = Field(description="Footnote numbers inside the passage.")
    voice: Voice
    speaker: str | None = Field(description="Who is quoted, where the text names them.")
    citation: str
    score: float | None = None
    highlight: Highlight | None = None


class AskRequest(BaseModel):
    """A question, how many passages to return, and optional filters."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    k: int = Field(5, ge=1, le=MAX_K)
    documents: list[str] | None = Field(None, max_length=1000, description="Only these document ids.")
    voice: VoiceFilter = VoiceFilter.ANY
    speaker: str | None = Field(None, min_length=1, max_length=200, description="Only this quoted speaker.")
    mode: Mode = Mode.EVIDENCE

    @field_validator("question")
    @classmethod
    def _not_blank(cls, question: str) -> str:
        if not question.strip():
            raise ValueError("question must contain text, not only spaces")
        return question


class AskResponse(BaseModel):
    """Passages best first; ``message`` is fixed text from ``prompts/``."""

    question: str
    answered: bool
    message: str
    passages: list[PassageOut]


class SectionOut(BaseModel):
    title: str
    start: int
    level: int


class DocumentOut(BaseModel):
    """A document's metadata and sections."""

    id: str
    title: str
    author: str | None
    publication: str | None
    year: int | None
    source: str
    format: str
    passages: int
    sections: list[SectionOut]


class DocumentText(BaseModel):
    """The plain text every offset of the document refers to."""

    id: str
    text: str


class PassageContext(BaseModel):
    """A passage with its neighbours in the same document."""

    passage: PassageOut
    before: list[PassageOut]
    after: list[PassageOut]


class SkippedOut(BaseModel):
    name: str
    reason: str


class Health(BaseModel):
    status: str
    documents: int
    passages: int
    model: str
    skipped: list[SkippedOut]


class ErrorOut(BaseModel):
    """Every 4xx body: a message that says what was wrong."""

    detail: str
