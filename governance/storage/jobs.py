"""Queries about jobs and their items: create, claim, settle, cancel, resume, list.

Reached as ``tx.jobs`` inside
``db.transaction()`` or ``db.read()``. Every statement is one PostgreSQL also runs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from governance.auth import SYSTEM_NAME
from governance.jobs.models import ItemStatus, Job, JobItem, JobStatus, JSONObject
from governance.storage.base import Queries

_JOB_COLUMNS = """j.id, j.kind, j.params, j.status, j.total, j.done, j.failed, j.message, j.error,
    j.created_by, s.display_name, j.created_at, j.started_at, j.finished_at, j.cancelled_by,
    j.cancel_reason"""
_JOB_FROM = "FROM jobs j LEFT JOIN stakeholders s ON s.id = j.created_by"
_ITEM_COLUMNS = """i.job_id, i.seq, j.kind, i.params, i.status, i.attempts, i.result, i.error,
    i.claimed_by, i.claimed_at, i.finished_at"""
_ITEM_FROM = "FROM job_items i JOIN jobs j ON j.id = i.job_id"
#: A job in one of these states still has work to hand out.
_ACTIVE = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)


def _json(text: str | None) -> JSONObject | None:
    if text is None:
        return None
    value: JSONObject = json.loads(text)
    return value


def _dump(value: JSONObject) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _job(row: Sequence[Any]) -> Job:
    return Job.model_construct(
        id=row[0],
        kind=row[1],
        params=_json(row[2]) or {},
        status=JobStatus(row[3]),
        total=row[4],
        done=row[5],
        failed=row[6],
        message=row[7],
        error=row[8],
        created_by=row[9],
        created_by_name=SYSTEM_NAME if row[9] is None else (row[10] or f"#{row[9]}"),
        created_at=row[11],
        started_at=row[12],
        finished_at=row[13],
        cancelled_by=row[14],
        cancel_reason=row[15],
    )


def _item(row: Sequence[Any]) -> JobItem:
    return JobItem.model_construct(
        job_id=row[0],
        seq=row[1],
        kind=row[2],
        params=_json(row[3]) or {},
        status=ItemStatus(row[4]),
        attempts=row[5],
        result=_json(row[6]),
        error=row[7],
        claimed_by=row[8],
        claimed_at=row[9],
        finished_at=row[10],
    )


class JobQueries(Queries):
    """Statements about jobs over one cursor; the caller owns the transaction."""

    # -- creating and reading -------------------------------------------------------------

    def insert_job(
        self,
        *,
        kind: str,
        params: JSONObject,
        items: Sequence[JSONObject],
        created_by: int | None,
        at: datetime,
        message: str,
    ) -> int:
        """Store a queued job and its queued items; returns the job's new id."""
        job_id = int(self._scalar("SELECT nextval('job_ids')"))
        self._all(
            "INSERT INTO jobs (id, kind, params, status, total, done, failed, message,"
            " created_by, created_at) VALUES (?, ?, ?, 'queued', ?, 0, 0, ?, ?, ?)",
            [job_id, kind, _dump(params), len(items), message, created_by, at],
        )
        for start in range(0, len(items), 200):
            chunk = items[start : start + 200]
            self._all(
                "INSERT INTO job_items (job_id, seq, params, status, attempts) VALUES "
                + ", ".join("(?, ?, ?, 'queued', 0)" for _ in chunk),
                [
                    x
                    for seq, params in enumerate(chunk, start=start + 1)
                    for x in (job_id, seq, _dump(params))
                ],
            )
        return job_id

    def job(self, job_id: int) -> Job | None:
        """One job, or None."""
        row = self._one(f"SELECT {_JOB_COLUMNS} {_JOB_FROM} WHERE j.id = ?", [job_id])
        return None if row is None else _job(row)

    def jobs(
        self, *, statuses: Sequence[JobStatus] = (), limit: int = 20, offset: int = 0
    ) -> tuple[list[Job], int]:
        """Jobs newest first (narrowed to ``statuses`` if given), and how many match in all."""
        where, params = "", [s.value for s in statuses]
        if statuses:
            where = f"WHERE j.status IN ({', '.join('?' for _ in statuses)})"
        total = int(self._scalar(f"SELECT count(*) FROM jobs j {where}", params))
        rows = self._all(
            f"SELECT {_JOB_COLUMNS} {_JOB_FROM} {where} ORDER BY j.id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_job(r) for r in rows], total

    def items(self, job_id: int) -> list[JobItem]:
        """A job's items, in order."""
        rows = self._all(
            f"SELECT {_ITEM_COLUMNS} {_ITEM_FROM} WHERE i.job_id = ? ORDER BY i.seq", [job_id]
        )
        return [_item(r) for r in rows]

    def item(self, job_id: int, seq: int) -> JobItem | None:
        """One item, or None."""
        row = self._one(
            f"SELECT {_ITEM_COLUMNS} {_ITEM_FROM} WHERE i.job_id = ? AND i.seq = ?", [job_id, seq]
        )
        return None if row is None else _item(row)

    def active_job(self, kind: str) -> int | None:
        """The id of a queued or running job of ``kind``, if there is one."""
        found = self._scalar(
            "SELECT min(id) FROM jobs WHERE kind = ? AND status IN (?, ?)", [kind, *_ACTIVE]
        )
        return None if found is None else int(found)

    # -- claiming and settling items ------------------------------------------------------

    def has_claimable(self) -> bool:
        """Whether any item of a queued or running job waits to be claimed."""
        found = self._one(
            "SELECT 1 FROM job_items i JOIN jobs j ON j.id = i.job_id"
            " WHERE i.status = 'queued' AND j.status IN (?, ?) LIMIT 1",
            list(_ACTIVE),
        )
        return found is not None

    def claim(self, runner: str, at: datetime) -> JobItem | None:
        """Mark the first waiting item (oldest job first) running, held by ``runner``.

        Writes in one process are serialized by ``Database``; runners in other processes
        (PostgreSQL) skip the rows this one has locked, so each item goes to one runner.
        The UPDATE still checks the status.
        """
        row = self._one(
            "SELECT i.job_id, i.seq, j.kind, i.params, i.attempts, i.error"
            " FROM job_items i JOIN jobs j ON j.id = i.job_id"
            " WHERE i.status = 'queued' AND j.status IN (?, ?)"
            f" ORDER BY i.job_id, i.seq LIMIT 1{self.cursor.locking('i', skip=True)}",
            list(_ACTIVE),
        )
        if row is None:
            return None
        job_id, seq, kind, params, attempts, error = row
        updated = self._all(
            "UPDATE job_items SET status = 'running', attempts = attempts + 1, claimed_by = ?,"
            " claimed_at = ? WHERE job_id = ? AND seq = ? AND status = 'queued'",
            [runner, at, job_id, seq],
        )
        if not updated or not updated[0][0]:
            return None  # someone else claimed it first
        self._all(
            "UPDATE jobs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'",
            [at, job_id],
        )
        return JobItem.model_construct(
            job_id=job_id,
            seq=seq,
            kind=kind,
            params=_json(params) or {},
            status=ItemStatus.RUNNING,
            attempts=attempts + 1,
            result=None,
            error=error,
            claimed_by=runner,
            claimed_at=at,
            finished_at=None,
        )

    def held_by(self, job_id: int, seq: int, runner: str) -> JobStatus | None:
        """The job's status if ``runner`` still holds the item; None if it lost it since.

        An item is lost when it was put back in the queue (its runner was thought dead),
        or settled by someone else.
        """
        found = self._scalar(
            "SELECT j.status FROM job_items i JOIN jobs j ON j.id = i.job_id"
            " WHERE i.job_id = ? AND i.seq = ? AND i.status = 'running' AND i.claimed_by = ?",
            [job_id, seq, runner],
        )
        return None if found is None else JobStatus(found)

    def settle_item(
        self,
        job_id: int,
        seq: int,
        status: ItemStatus,
        *,
        at: datetime,
        result: JSONObject | None = None,
        error: str | None = None,
    ) -> None:
        """Mark an item done, failed or cancelled; an earlier attempt's error is kept."""
        self._all(
            "UPDATE job_items SET status = ?, result = ?, error = COALESCE(?, error),"
            " finished_at = ?"
            " WHERE job_id = ? AND seq = ?",
            [status.value, None if result is None else _dump(result), error, at, job_id, seq],
        )

    def release_item(self, job_id: int, seq: int, error: str) -> None:
        """Put a running item back in the queue after a failed attempt, keeping the error."""
        self._all(
            "UPDATE job_items SET status = 'queued', error = ?, claimed_by = NULL"
            " WHERE job_id = ? AND seq = ? AND status = 'running'",
            [error, job_id, seq],
        )

    def record_progress(self, job_id: int, message: str) -> None:
        """Count the job's settled items again and set its message."""
        # Runners of other processes settle items of the same job: the job's row is locked
        # first, so the count below (a statement started after the lock) sees theirs.
        self._all(f"SELECT id FROM jobs WHERE id = ?{self.cursor.locking()}", [job_id])
        self._all(
            "UPDATE jobs SET"
            " done = (SELECT count(*) FROM job_items WHERE job_id = ? AND status = 'done'),"
            " failed = (SELECT count(*) FROM job_items WHERE job_id = ? AND status = 'failed'),"
            " message = ? WHERE id = ?",
            [job_id, job_id, message, job_id],
        )

    def unsettled(self, job_id: int) -> int:
        """How many of the job's items are still queued or running."""
        return int(
            self._scalar(
                "SELECT count(*) FROM job_items WHERE job_id = ? AND status IN (?, ?)",
                [job_id, ItemStatus.QUEUED.value, ItemStatus.RUNNING.value],
            )
        )

    def first_failure(self, job_id: int) -> tuple[int, str] | None:
        """The position and error of the job's first failed item, if any failed."""
        row = self._one(
            "SELECT seq, error FROM job_items WHERE job_id = ? AND status = 'failed'"
            " ORDER BY seq LIMIT 1",
            [job_id],
        )
        return None if row is None else (int(row[0]), str(row[1] or ""))

    def finish_job(
        self, job_id: int, status: JobStatus, *, at: datetime, error: str | None = None
    ) -> None:
        """Mark a job done or failed."""
        self._all(
            "UPDATE jobs SET status = ?, error = ?, finished_at = ? WHERE id = ?",
            [status.value, error, at, job_id],
        )

    def cancel_job(self, job_id: int, *, by: int | None, reason: str, at: datetime) -> None:
        """Mark a job cancelled and its waiting items with it.

        Items in flight stay running; their runner drops the output when it sees the job.
        """
        self._all(
            "UPDATE jobs SET status = 'cancelled', cancelled_by = ?, cancel_reason = ?,"
            " finished_at = ? WHERE id = ?",
            [by, reason, at, job_id],
        )
        self._all(
            "UPDATE job_items SET status = 'cancelled', finished_at = ?"
            " WHERE job_id = ? AND status = 'queued'",
            [at, job_id],
        )

    def abandoned(self, stale_before: datetime | None = None) -> list[JobItem]:
        """Items left running by a runner that stopped without settling them.

        Args:
            stale_before: Only items whose runner last renewed its hold before this time
                (processes sharing the database: a live runner renews its items). None:
                every running item (one process per database: a runner that starts finds
                only items of a process that died).
        """
        where, params = "i.status = 'running'", []
        if stale_before is not None:
            where += " AND i.claimed_at < ?"
            params.append(stale_before)
        rows = self._all(
            f"SELECT {_ITEM_COLUMNS} {_ITEM_FROM} WHERE {where}"
            f" ORDER BY i.job_id, i.seq{self.cursor.locking('i', skip=True)}",
            params,
        )
        return [_item(r) for r in rows]

    def renew(self, runner: str, at: datetime) -> int:
        """Renew the hold of ``runner`` on the items it is working on; how many."""
        rows = self._all(
            "UPDATE job_items SET claimed_at = ? WHERE claimed_by = ? AND status = 'running'",
            [at, runner],
        )
        return int(rows[0][0]) if rows else 0
