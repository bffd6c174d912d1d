"""What a job is: a row with a kind, parameters, status and progress, split into items."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

#: Parameters of a job or an item, and an item's result: JSON objects, stored as text.
JSONObject = dict[str, Any]


def _frozen() -> ConfigDict:
    return ConfigDict(frozen=True, extra="forbid")


def job_subject(job_id: int) -> str:
    """The event-log subject for a job: ``job:3``."""
    return f"job:{job_id}"


class JobStatus(StrEnum):
    """Where a job is: queued until an item is claimed, then running until none is left."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


#: A job in one of these states will not change any more.
FINISHED = frozenset({JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED})


class ItemStatus(StrEnum):
    """Where one item of a job is."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Job(BaseModel):
    """One piece of long work, with its progress."""

    model_config = _frozen()

    id: int
    """The job's number."""
    kind: str
    """The registered kind that plans and does the work, e.g. ``close-due``."""
    params: JSONObject
    """What the job was started with."""
    status: JobStatus
    """Where the job is."""
    total: int
    """How many items the work was split into."""
    done: int
    """Items whose effect is committed."""
    failed: int
    """Items that failed on every attempt."""
    message: str
    """What happened last, for people (e.g. ``G-0012 approved``)."""
    error: str | None = None
    """Why the job failed, if it did."""
    created_by: int | None
    """Who started it (None: the system or the operator)."""
    created_by_name: str
    """Their name as shown."""
    created_at: datetime
    """When it was started (UTC)."""
    started_at: datetime | None = None
    """When its first item was claimed (UTC)."""
    finished_at: datetime | None = None
    """When it was done, failed or cancelled (UTC)."""
    cancelled_by: int | None = None
    """Who cancelled it (None: not cancelled, or cancelled by the operator)."""
    cancel_reason: str | None = None
    """Why it was cancelled; set exactly when the job was cancelled."""

    @property
    def finished(self) -> bool:
        """Whether the job will not change any more."""
        return self.status in FINISHED

    @property
    def progress(self) -> float:
        """The share of items settled (done or failed), from 0 to 1; 1 for a job of none."""
        return 1.0 if self.total == 0 else (self.done + self.failed) / self.total


class JobItem(BaseModel):
    """One unit of a job's work, committed in its own transaction."""

    model_config = _frozen()

    job_id: int
    """The job it belongs to."""
    seq: int
    """Its position in the job, from 1."""
    kind: str
    """The job's kind."""
    params: JSONObject
    """What to do, as planned by the kind."""
    status: ItemStatus
    """Where the item is."""
    attempts: int
    """How many times it has been claimed."""
    result: JSONObject | None = None
    """What the kind's ``commit`` returned, once done."""
    error: str | None = None
    """The last attempt's error, if it failed."""
    claimed_by: str | None = None
    """The runner that holds or last held it."""
    claimed_at: datetime | None = None
    """When it was last claimed (UTC)."""
    finished_at: datetime | None = None
    """When it was done, failed or cancelled (UTC)."""


class JobDetail(BaseModel):
    """A job with its items, and what the viewer may do with it."""

    model_config = _frozen()

    job: Job
    """The job."""
    title: str
    """The kind's name for people."""
    items: tuple[JobItem, ...]
    """Its items, in order."""
    can_cancel: bool
    """Whether the viewer may cancel it now."""


class JobPage(BaseModel):
    """One page of the job list, newest first, and what the viewer may do."""

    model_config = _frozen()

    jobs: tuple[Job, ...]
    """The jobs on this page."""
    titles: dict[str, str]
    """Each kind's name for people, by kind."""
    total: int
    """How many jobs match, on all pages."""
    page: int
    """This page's number, from 1."""
    pages: int
    """How many pages there are (at least 1)."""
    cancellable: frozenset[int]
    """Ids of the jobs on this page the viewer may cancel now."""
    can_start: tuple[str, ...]
    """Kinds the viewer may start."""
    active: bool
    """Whether any job on this page is queued or running."""
