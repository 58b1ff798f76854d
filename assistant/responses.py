"""Domain results turned into the public response models, in one place for every surface (the
HTTP routes, ``ask --json`` and the terminal)."""

from __future__ import annotations

from assistant.chat.conversation import Reply
from assistant.library import Job
from assistant.rebut import Rebuttal
from assistant.schemas import (
    AskResponse,
    ClaimOut,
    DocumentOut,
    Health,
    Highlight,
    JobOut,
    NoteOut,
    PassageContext,
    PassageOut,
    PassagePage,
    RebutOut,
    SectionOut,
    SkippedOut,
)
from assistant.service import Context, Entry, Found, Page, Status


def passage_out(found: Found) -> PassageOut:
    p = found.passage
    return PassageOut(
        id=p.id,
        document_id=p.document_id,
        document_title=found.document_title,
        section=p.section,
        section_path=list(p.section_path),
        paragraph=p.paragraph,
        page=p.page,
        start=p.start,
        end=p.end,
        text=p.text,
        notes=list(p.notes),
        voice=p.voice,
        speaker=p.speaker,
        citation=p.citation,
        score=round(found.score, 6) if found.score is not None else None,
        highlight=Highlight(start=found.highlight[0], end=found.highlight[1]) if found.highlight else None,
    )


def ask_response(reply: Reply) -> AskResponse:
    answer = reply.answer
    return AskResponse(
        question=reply.question,
        searched_for=answer.question,
        followup=reply.followup,
        echo=reply.echo,
        session_id=reply.session_id,
        offset=answer.offset,
        answered=answer.answered,
        message=answer.message,
        passages=[passage_out(f) for f in answer.found],
    )


def rebut_out(rebuttals: tuple[Rebuttal, ...]) -> RebutOut:
    return RebutOut(
        claims=[
            ClaimOut(
                claim=r.claim,
                answered=r.answer.answered,
                message=r.answer.message,
                passages=[passage_out(f) for f in r.answer.found],
            )
            for r in rebuttals
        ]
    )


def context_out(context: Context) -> PassageContext:
    return PassageContext(
        passage=passage_out(context.passage),
        before=[passage_out(f) for f in context.before],
        after=[passage_out(f) for f in context.after],
        notes=[
            NoteOut(label=link.label, marker=link.marker, start=link.body_start, end=link.body_end, text=text)
            for link, text in context.notes
        ],
    )


def page_out(page: Page) -> PassagePage:
    return PassagePage(
        document_id=page.document_id,
        offset=page.offset,
        total=page.total,
        passages=[passage_out(f) for f in page.found],
    )


def document_out(entry: Entry) -> DocumentOut:
    d = entry.document
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
            SectionOut(title=s.title, start=s.start, level=s.level, path=list(s.path), page=s.page) for s in d.sections
        ],
        provenance=d.provenance,
        qualifications=d.meta.qualifications,
        url=d.meta.url,
        accessed=entry.accessed,
        origin=entry.origin,
        collections=list(entry.collections),
        passage_count=len(d.passages),
    )


def job_out(job: Job) -> JobOut:
    return JobOut(
        id=job.id,
        state=job.state,
        progress=job.progress,
        document_id=job.document_id,
        filename=job.filename,
        error=job.error,
    )


def health_out(status: Status) -> Health:
    return Health(
        status="ok",
        documents=status.documents,
        passages=status.passages,
        model=status.model,
        partner=status.partner,
        fingerprint=status.fingerprint,
        engine=status.engine,
        skipped=[SkippedOut(name=s.name, reason=s.reason) for s in status.skipped],
    )
