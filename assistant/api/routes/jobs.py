"""The library's indexing jobs: an upload or a removal on its way into the served index."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from assistant.api.deps import ERRORS, AssistantDep
from assistant.responses import job_out
from assistant.schemas import JOB_ID, JobOut

router = APIRouter(tags=["jobs"])


@router.get("/jobs", response_model=list[JobOut])
def jobs(
    service: AssistantDep, limit: Annotated[int, Query(ge=1, le=500, description="How many, newest first.")] = 50
) -> list[JobOut]:
    """The most recent jobs, newest first."""
    return [job_out(job) for job in service.jobs(limit)]


@router.get("/jobs/{job_id}", response_model=JobOut, responses=ERRORS)
def job(job_id: Annotated[str, Path(pattern=JOB_ID)], service: AssistantDep) -> JobOut:
    """One job: its state, progress, the document it adds or removes, and why it failed."""
    return job_out(service.job(job_id))
