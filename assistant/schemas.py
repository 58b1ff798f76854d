"""The public contract: request and response models of the API (and of ``ask --json``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from assistant.corpus.document import Voice
from assistant.corpus.library import Origin
from assistant.library.jobs import JobState
from assistant.retrieval.options import Mode, VoiceFilter

MAX_QUESTION_CHARS = 2000
# Patterns live in the schema, so that clients can check them before sending.
NOT_BLANK = r"\S"
ONE_LINE = r"^[^\r\n]*$"
TEXT_LINE = r"^[^\r\n]*\S[^\r\n]*$"
WEB_ADDRESS = r"^(https?://[^\s/]+\S*)?$"
PATTERN_MESSAGES = {
    NOT_BLANK: "must contain text, not only spaces",
    ONE_LINE: "must be one line",
    TEXT_LINE: "must be one line of text",
    WEB_ADDRESS: "must be an http:// or https:// address (or empty)",
}
MAX_K = 50
MAX_TAG_CHARS = 300
MAX_BRIEF_NAME_CHARS = 200
SESSION_ID = r"^[A-Za-z0-9_-]{1,64}$"
JOB_ID = r"^[0-9a-f]{1,64}$"
MAX_YEAR = date.today().year + 1  # a work's year, as far as the next one (forthcoming)
CollectionName = Annotated[str, Field(min_length=1, max_length=200, pattern=TEXT_LINE), AfterValidator(str.strip)]
BRIEF_ID = r"^[A-Za-z0-9_-]{1,64}$"


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
    section_path: list[str] = Field(description="The enclosing sections, outermost first.")
    paragraph: int = Field(description="1-based index of the passage's first paragraph in its document.")
    page: int | None = Field(None, description="Page of the passage's first character, for paged formats.")
    start: int
    end: int
    text: str
    notes: list[str] = Field(description="Labels of the note markers inside the passage ('1', '*', '†').")
    voice: Voice
    speaker: str | None = Field(description="Who is quoted, where the text names them.")
    citation: str
    score: float | None = None
    highlight: Highlight | None = None


class AskRequest(BaseModel):
    """A question, how many passages to return, and optional filters."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, pattern=NOT_BLANK)
    k: int = Field(5, ge=1, le=MAX_K)
    documents: list[str] | None = Field(None, max_length=1000, description="Only these document ids.")
    voice: VoiceFilter = VoiceFilter.ANY
    speaker: str | None = Field(None, min_length=1, max_length=200, description="Only this quoted speaker.")
    mode: Mode = Mode.EVIDENCE
    per_document: int | None = Field(
        None,
        ge=1,
        le=10,
        description="Group by document: the best this many passages of each document that answers, "
        "documents in the order of their best passage (what do my sources say about X?).",
    )
    session_id: str | None = Field(
        None, pattern=SESSION_ID, description="A conversation from POST /sessions; follow-ups are read against it."
    )
    collection: CollectionName | None = Field(None, description="Only the documents of this collection.")


class FollowUp(StrEnum):
    """How a question was read: on its own, as the next page of the last one, or as its new topic."""

    NEW = "new"
    MORE = "more"
    TOPIC = "topic"


class AskResponse(BaseModel):
    """Passages best first; ``message`` and ``echo`` are fixed text from ``prompts/``."""

    question: str = Field(description="The question as asked.")
    searched_for: str = Field(description="The question actually searched, after reading a follow-up.")
    followup: FollowUp = FollowUp.NEW
    echo: str | None = Field(None, description="Says what was searched when a follow-up was read.")
    session_id: str | None = None
    offset: int = Field(0, description="Passages of the same question shown before these.")
    answered: bool
    message: str
    passages: list[PassageOut]


MAX_CLAIMS = 50
Claim = Annotated[str, Field(min_length=1, max_length=MAX_QUESTION_CHARS, pattern=NOT_BLANK)]


class RebutRequest(BaseModel):
    """An opponent's case as its claims, each answered in rebuttal mode."""

    model_config = ConfigDict(extra="forbid")

    claims: list[Claim] = Field(min_length=1, max_length=MAX_CLAIMS, description="One claim per item, in order.")
    k: int = Field(3, ge=1, le=MAX_K, description="Passages per claim.")
    collection: CollectionName | None = Field(None, description="Only the documents of this collection.")
    documents: list[str] | None = Field(None, max_length=1000, description="Only these document ids.")


class ClaimOut(BaseModel):
    """One claim and the passages that answer it, the author's own words first."""

    claim: str
    answered: bool
    message: str
    passages: list[PassageOut]


class RebutOut(BaseModel):
    """The claims of a case in the order given, each with its answer."""

    claims: list[ClaimOut]


class SectionOut(BaseModel):
    title: str
    start: int
    level: int
    path: list[str]
    page: int | None = None


class DocumentOut(BaseModel):
    """A document's metadata and sections; ``provenance`` says where each citation field came from."""

    id: str
    title: str
    author: str | None
    publication: str | None
    year: int | None
    source: str
    format: str
    passages: int
    sections: list[SectionOut]
    provenance: dict[str, str] = Field(
        description="Citation field → where it was read: 'sidecar', 'html meta citation_author', 'e-book header'…"
    )
    qualifications: str | None
    url: str | None
    accessed: date | None = Field(description="When the online source was read, as corrected in the library.")
    origin: Origin = Field(description="'corpus': a file of the corpus folder; 'upload': added over HTTP.")
    collections: list[str]
    passage_count: int


class DocumentPatch(BaseModel):
    """Citation fields corrected by hand, and the document's collections (replacing its list).
    A field set to ``null`` goes back to what the document states; ``""`` clears it."""

    model_config = ConfigDict(extra="forbid")

    author: str | None = Field(None, max_length=300, pattern=ONE_LINE)
    qualifications: str | None = Field(None, max_length=500, pattern=ONE_LINE)
    title: str | None = Field(None, max_length=500, pattern=TEXT_LINE)
    publication: str | None = Field(None, max_length=300, pattern=ONE_LINE)
    year: int | None = Field(None, ge=1, le=MAX_YEAR)
    url: str | None = Field(None, max_length=2000, pattern=WEB_ADDRESS)
    accessed: date | None = None
    collections: list[CollectionName] | None = Field(None, max_length=50)

    @field_validator("author", "qualifications", "title", "publication", "url")
    @classmethod
    def _trimmed(cls, value: str | None) -> str | None:
        return value.strip() if value is not None else None

    @field_validator("collections")
    @classmethod
    def _distinct(cls, names: list[str] | None) -> list[str] | None:
        return list(dict.fromkeys(names)) if names is not None else None


class JobOut(BaseModel):
    """An indexing job of the library: an upload or a removal on its way into the served index."""

    id: str
    state: JobState
    progress: float = Field(ge=0, le=1)
    document_id: str | None
    filename: str | None = Field(description="The name the file was uploaded under, or a pasted text's title.")
    error: str | None = Field(description="Why a failed job failed.")


class CollectionOut(BaseModel):
    """A collection and how many served documents it holds."""

    name: str
    documents: int


class DocumentText(BaseModel):
    """The plain text every offset of the document refers to."""

    id: str
    text: str


class NoteOut(BaseModel):
    """A note marker of a passage and the note's own text, verbatim from the document."""

    label: str
    marker: int = Field(description="Offset of the marker in the document text.")
    start: int
    end: int
    text: str


class PassageContext(BaseModel):
    """A passage with its neighbours in the same section, and the notes its markers refer to."""

    passage: PassageOut
    before: list[PassageOut]
    after: list[PassageOut]
    notes: list[NoteOut] = Field(default_factory=list)


class PassagePage(BaseModel):
    """A document's passages in order, one page of them."""

    document_id: str
    offset: int
    total: int
    passages: list[PassageOut]


class SkippedOut(BaseModel):
    name: str
    reason: str


class Health(BaseModel):
    status: str
    documents: int
    passages: int
    model: str
    partner: str = Field(description="The second model read beside the first (empty: none).")
    fingerprint: str = Field(description="What the served index was built from: corpus bytes and chunking.")
    engine: str = Field(description="Where the search runs: faiss (embedded) or milvus.")
    skipped: list[SkippedOut]


class ErrorOut(BaseModel):
    """Every 4xx body: a message that says what was wrong."""

    detail: str


class Starter(BaseModel):
    """A question to start from: a template of ``prompts/`` filled with a section's title."""

    document_id: str
    section: str
    question: str


class SessionOut(BaseModel):
    """A new conversation: its id, and the fixed sentences the chat page shows."""

    session_id: str
    brief_id: str = Field(description="The conversation's current brief (see /briefs).")
    greeting: str
    starters: list[Starter]
    phrases: dict[str, str] = Field(description="Sentences the page shows on its own, from prompts/.")


class CardRequest(BaseModel):
    """A passage to make into a debate card, under the user's own tag."""

    model_config = ConfigDict(extra="forbid")

    passage_id: str = Field(min_length=1, max_length=300)
    tag: str = Field(
        "", max_length=MAX_TAG_CHARS, pattern=ONE_LINE, description="The user's tag line; never generated."
    )
    highlight: Highlight | None = Field(None, description="The key sentence to emphasise, in document offsets.")

    @field_validator("tag")
    @classmethod
    def _trimmed(cls, tag: str) -> str:
        return tag.strip()


class CardOut(BaseModel):
    """A debate card: tag, short and full cite, and the whole passage with its key sentence."""

    id: int | None = Field(None, description="The card's number in its brief.")
    number: int | None = Field(None, description="The card's number in its brief (the same as id).")
    passage_id: str
    document_id: str
    tag: str
    short_cite: str
    full_cite: str
    start: int
    end: int
    text: str = Field(description="The passage, verbatim and whole.")
    highlight: Highlight | None
    markdown: str = Field(description="The card as Markdown, as it is copied to the clipboard.")
    stale: bool = Field(False, description="The passage changed or is gone since the card was added; text is kept.")
    stale_reason: str | None = None


class BriefOut(BaseModel):
    """A brief's cards in the order they were added; ``session_id`` when read through a conversation."""

    id: str
    name: str
    session_id: str | None = None
    message: str | None = None
    cards: list[CardOut]


class BriefSummary(BaseModel):
    """A brief as listed: its name, how many cards it holds, when it was made and last changed."""

    id: str
    name: str
    cards: int
    created: datetime
    updated: datetime


class BriefRequest(BaseModel):
    """A brief's name, to create or rename it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_BRIEF_NAME_CHARS, pattern=TEXT_LINE)

    @field_validator("name")
    @classmethod
    def _trimmed(cls, name: str) -> str:
        return name.strip()


class OpenBriefRequest(BaseModel):
    """A brief to make a conversation's current one."""

    model_config = ConfigDict(extra="forbid")

    brief_id: str = Field(pattern=BRIEF_ID)


def describe_errors(errors: Sequence[Mapping[str, Any]]) -> str:
    """One readable sentence for pydantic validation errors: where, and what was wrong."""
    parts = []
    for problem in errors:
        where = ".".join(str(p) for p in problem.get("loc", ()) if p != "body") or "body"
        message = problem.get("msg", "invalid")
        if problem.get("type") == "string_pattern_mismatch":
            message = PATTERN_MESSAGES.get(problem.get("ctx", {}).get("pattern"), message)
        parts.append(f"{where}: {message}")
    return "; ".join(parts) or "invalid request"
