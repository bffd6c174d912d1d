"""Background jobs: start, cancel and follow them; and the steps a runner takes on an item.

A job's items are created with it, in one transaction, with its ``job.started`` entry in the
event log. A runner then claims one item at a time (``claim``), does the slow part with no
transaction open, and settles the item in its own transaction (``complete`` or ``fail``),
which also counts the job's progress and finishes the job after its last item. Settling
checks that the runner still holds the item, so an item's effect is committed at most once
even if two runners ended up working on it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from governance.auth import Action, authorize, authorize_any, may
from governance.config import Settings
from governance.errors import InvalidTransition, NotFound, ValidationFailed
from governance.events import EventAction
from governance.jobs.kinds import KINDS, JobKind
from governance.jobs.models import (
    FINISHED,
    ItemStatus,
    Job,
    JobDetail,
    JobItem,
    JobPage,
    JobStatus,
    JSONObject,
    job_subject,
)
from governance.models import Stakeholder
from governance.services.base import Clock, UseCases, utc_now
from governance.storage import Database, Tx
from governance.storage.jobs import JobQueries
from governance.validation import parse_reason

if TYPE_CHECKING:
    from governance.services import Charter

#: Jobs per page of the list.
PAGE_SIZE = 20


def _items(n: int) -> str:
    return f"{n} item{'' if n == 1 else 's'}"


class Jobs(UseCases):
    """Start, cancel and list background jobs; ``Charter`` holds one as ``charter.jobs``.

    Args:
        db: The database.
        settings: The deployment's settings.
        clock: Where "now" comes from.
        context: The use cases a job kind works with (the ``Charter`` that holds this).
    """

    def __init__(
        self, db: Database, settings: Settings, *, clock: Clock = utc_now, context: Charter
    ) -> None:
        """Bind the jobs to a database and to the use cases their kinds call."""
        super().__init__(db, settings, clock=clock)
        self.context = context
        self._listeners: list[Callable[[], None]] = []
        self._listeners_lock = threading.Lock()

    # -- what people do -------------------------------------------------------------------

    def start(
        self, actor: Stakeholder | None, kind: str, params: Mapping[str, object] | None = None
    ) -> Job:
        """Start a job of ``kind``; its work is planned into items now and run by a runner.

        Args:
            actor: Who starts it (they need the kind's permission); None: the operator.
            kind: A registered kind's name, e.g. ``close-due``.
            params: What the kind needs (JSON values).

        Returns:
            The job, queued (or already done if there was nothing to do).

        Raises:
            ValidationFailed: Unknown kind, bad parameters, or a job of an exclusive kind
                is already queued or running.
        """
        job_kind = _kind(kind)
        now = self.clock()
        with self.db.transaction() as tx:
            actor_id = None
            if actor is not None:
                person = self._acting(tx, actor)
                authorize_any(person, _needed(job_kind), f"start {job_kind.title.lower()}")
                actor_id = person.id
            active = tx.jobs.active_job(kind) if job_kind.exclusive else None
            if active is not None:
                raise ValidationFailed(
                    {"kind": f"job {active} ({job_kind.title.lower()}) is already under way"}
                )
            job = self._create(tx, job_kind, dict(params or {}), actor_id, now)
        self._notify()
        return job

    def create_in(
        self, tx: Tx, kind: str, params: Mapping[str, object], actor_id: int | None
    ) -> Job:
        """Create a job inside the caller's transaction (its permission already checked).

        Call ``notify`` once the transaction has committed, so runners pick it up at once.
        """
        return self._create(tx, _kind(kind), dict(params), actor_id, self.clock())

    def notify(self) -> None:
        """Wake the runners of this process: a job was created."""
        self._notify()

    def cancel(self, actor: Stakeholder | None, job_id: int, reason: str) -> Job:
        """Cancel a queued or running job.

        Its waiting items are cancelled at once; an item in flight is cancelled, and its
        output dropped, when its runner comes back with it.

        Args:
            actor: Who cancels (the kind's permission, or a steward); None: the operator.
            job_id: The job.
            reason: Why (required; logged).
        """
        why = parse_reason(reason, required=True)
        now = self.clock()
        with self.db.transaction() as tx:
            queries = tx.jobs
            job = _found(queries.job(job_id), job_id)
            actor_id = None
            if actor is not None:
                person = self._acting(tx, actor)
                title = _title(job.kind).lower()
                authorize_any(person, _cancellers(job.kind), f"cancel {title}")
                actor_id = person.id
            if job.finished:
                raise InvalidTransition(
                    job.status.value, JobStatus.CANCELLED.value, "the job has finished"
                )
            queries.cancel_job(job_id, by=actor_id, reason=why, at=now)
            self._log(
                tx,
                actor_id=actor_id,
                action=EventAction.JOB_CANCELLED,
                subject=job_subject(job_id),
                at=now,
                reason=why,
                before={"status": job.status.value, "done": job.done, "total": job.total},
                after={"status": JobStatus.CANCELLED.value},
            )
            return _found(queries.job(job_id), job_id)

    def job_list(
        self,
        viewer: Stakeholder | None,
        *,
        statuses: Sequence[JobStatus] = (),
        page: int = 1,
    ) -> JobPage:
        """One page of jobs, newest first (moderators and stewards; None: the operator)."""
        with self.db.read() as tx:
            person = self._viewer(tx, viewer)
            queries = tx.jobs
            number = max(1, page)
            jobs, total = queries.jobs(
                statuses=statuses, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
            )
        return JobPage(
            jobs=tuple(jobs),
            titles={name: kind.title for name, kind in KINDS.items()},
            total=total,
            page=number,
            pages=max(1, -(-total // PAGE_SIZE)),
            cancellable=frozenset(j.id for j in jobs if _may_cancel(person, j)),
            can_start=tuple(
                name
                for name, kind in KINDS.items()
                if person is None or any(may(person, a) for a in _needed(kind))
            ),
            active=any(not j.finished for j in jobs),
        )

    def job(self, viewer: Stakeholder | None, job_id: int) -> JobDetail:
        """One job with its items (moderators and stewards; None: the operator)."""
        with self.db.read() as tx:
            person = self._viewer(tx, viewer)
            queries = tx.jobs
            job = _found(queries.job(job_id), job_id)
            items = queries.items(job_id)
        return JobDetail(
            job=job, title=_title(job.kind), items=tuple(items), can_cancel=_may_cancel(person, job)
        )

    def _viewer(self, tx: Tx, viewer: Stakeholder | None) -> Stakeholder | None:
        if viewer is None:
            return None
        person = self._acting(tx, viewer)
        authorize(person, Action.VIEW_JOBS)
        return person

    # -- what the system does -------------------------------------------------------------

    def schedule(self, kind: str, params: Mapping[str, object] | None = None) -> Job | None:
        """Start a job of ``kind`` for the system, unless there is nothing to do.

        Nothing is created when a job of the kind is already queued or running, or when its
        plan has no items: a quiet round leaves no row behind.
        """
        job_kind = _kind(kind)
        now = self.clock()
        with self.db.transaction() as tx:
            # Replicas scheduling at once take turns: the second then finds the first's job.
            tx.cursor.hold(f"schedule:{kind}")
            if tx.jobs.active_job(kind) is not None:
                return None
            items = job_kind.plan(self.context, tx, dict(params or {}))
            if not items:
                return None
            job = self._create(tx, job_kind, dict(params or {}), None, now, items=items)
        self._notify()
        return job

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` (quickly; it must not block) after a job is enqueued here.

        Returns:
            A function that unsubscribes.
        """
        with self._listeners_lock:
            self._listeners.append(callback)

        def unsubscribe() -> None:
            with self._listeners_lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)

        return unsubscribe

    def resume_abandoned(self) -> int:
        """Put items left running by a stopped runner back in the queue; call at start.

        An item that has had all its attempts (it may be what brought the process down)
        is marked failed instead.

        Returns:
            How many items were put back.
        """
        now = self.clock()
        requeued = 0
        # Shared by other processes, a running item may be a live runner's: only items
        # whose runner stopped renewing its hold count as abandoned.
        lease = timedelta(seconds=self.settings.job_lease_s)
        stale_before = now - lease if self.db.shared else None
        with self.db.transaction() as tx:
            queries = tx.jobs
            for item in queries.abandoned(stale_before):
                error = f"abandoned by a runner that stopped (attempt {item.attempts})"
                kind = KINDS.get(item.kind)
                job = _found(queries.job(item.job_id), item.job_id)
                if job.status is JobStatus.CANCELLED:
                    queries.settle_item(item.job_id, item.seq, ItemStatus.CANCELLED, at=now)
                elif kind is not None and item.attempts >= kind.max_attempts:
                    queries.settle_item(
                        item.job_id, item.seq, ItemStatus.FAILED, at=now, error=error
                    )
                    self._progressed(tx, item.job_id, f"item {item.seq} failed", now)
                else:
                    queries.release_item(item.job_id, item.seq, error)
                    requeued += 1
        return requeued

    def renew(self, runner: str) -> int:
        """Renew ``runner``'s hold on the items it is working on (every quarter lease).

        Returns:
            How many items it holds.
        """
        now = self.clock()
        with self.db.transaction() as tx:
            return tx.jobs.renew(runner, now)

    def claim(self, runner: str) -> JobItem | None:
        """Hold the next waiting item for ``runner``, in a short transaction; None if none.

        Args:
            runner: The runner's unique name.
        """
        with self.db.read() as tx:
            if not tx.jobs.has_claimable():
                return None  # the usual answer, found without taking the write lock
        now = self.clock()
        with self.db.transaction() as tx:
            return tx.jobs.claim(runner, now)

    def complete(self, item: JobItem, output: object) -> Job | None:
        """Commit a claimed item's effect, mark it done and count it, in one transaction.

        If the job was cancelled meanwhile, the output is dropped and the item marked
        cancelled. An exception from the kind's ``commit`` rolls everything back and
        propagates; call ``fail`` then.

        Args:
            item: The item as claimed (its ``claimed_by`` is the runner).
            output: What the kind's ``work`` returned.

        Returns:
            The job afterwards, or None if the runner no longer held the item.
        """
        kind = _kind(item.kind)
        now = self.clock()
        with self.db.transaction() as tx:
            queries = tx.jobs
            status = _held(queries, item)
            if status is None:
                return None
            if status is JobStatus.CANCELLED:
                return self._drop(queries, item, now)
            result = kind.commit(self.context, tx, item.params, output, now)
            queries.settle_item(item.job_id, item.seq, ItemStatus.DONE, at=now, result=result)
            message = str(result.get("message") or f"item {item.seq} done")
            return self._progressed(tx, item.job_id, message, now)

    def fail(self, item: JobItem, error: str) -> Job | None:
        """Record a failed attempt: the item waits for another, or fails after the last.

        Args:
            item: The item as claimed.
            error: What went wrong, in one line.

        Returns:
            The job afterwards, or None if the runner no longer held the item.
        """
        kind = KINDS.get(item.kind)
        max_attempts = 1 if kind is None else kind.max_attempts
        now = self.clock()
        with self.db.transaction() as tx:
            queries = tx.jobs
            status = _held(queries, item)
            if status is None:
                return None
            if status is JobStatus.CANCELLED:
                return self._drop(queries, item, now)
            if item.attempts < max_attempts:
                queries.release_item(item.job_id, item.seq, error)
                return _found(queries.job(item.job_id), item.job_id)
            queries.settle_item(item.job_id, item.seq, ItemStatus.FAILED, at=now, error=error)
            return self._progressed(tx, item.job_id, f"item {item.seq} failed", now)

    # -- inside a transaction -------------------------------------------------------------

    def _create(
        self,
        tx: Tx,
        kind: JobKind,
        params: JSONObject,
        actor_id: int | None,
        at: datetime,
        *,
        items: list[JSONObject] | None = None,
    ) -> Job:
        if items is None:
            items = kind.plan(self.context, tx, params)
        queries = tx.jobs
        job_id = queries.insert_job(
            kind=kind.name,
            params=params,
            items=items,
            created_by=actor_id,
            at=at,
            message=f"{_items(len(items))} to do",
        )
        self._log(
            tx,
            actor_id=actor_id,
            action=EventAction.JOB_STARTED,
            subject=job_subject(job_id),
            at=at,
            after={"kind": kind.name, "params": params, "total": len(items)},
        )
        if not items:
            return self._progressed(tx, job_id, "nothing to do", at)
        return _found(queries.job(job_id), job_id)

    @staticmethod
    def _drop(queries: JobQueries, item: JobItem, at: datetime) -> Job:
        """Settle an item of a cancelled job as cancelled, without its output."""
        queries.settle_item(item.job_id, item.seq, ItemStatus.CANCELLED, at=at)
        return _found(queries.job(item.job_id), item.job_id)

    def _progressed(self, tx: Tx, job_id: int, message: str, at: datetime) -> Job:
        """Count the job's items again; finish the job if none is left to run."""
        queries = tx.jobs
        queries.record_progress(job_id, message)
        job = _found(queries.job(job_id), job_id)
        if job.finished or queries.unsettled(job_id):
            return job
        status = JobStatus.FAILED if job.failed else JobStatus.DONE
        summary = None
        first = queries.first_failure(job_id)
        if first is not None:
            summary = f"{job.failed} of {_items(job.total)} failed; item {first[0]}: {first[1]}"
        queries.finish_job(job_id, status, at=at, error=summary)
        self._log(
            tx,
            actor_id=None,
            action=EventAction.JOB_FINISHED,
            subject=job_subject(job_id),
            at=at,
            reason=summary or "",
            after={
                "kind": job.kind,
                "status": status.value,
                "done": job.done,
                "failed": job.failed,
                "total": job.total,
            },
        )
        return _found(queries.job(job_id), job_id)

    def _notify(self) -> None:
        with self._listeners_lock:
            listeners = list(self._listeners)
        for callback in listeners:
            callback()


def _held(queries: JobQueries, item: JobItem) -> JobStatus | None:
    """The job's status if the item's runner still holds it; None if it lost it."""
    if item.claimed_by is None:
        return None
    return queries.held_by(item.job_id, item.seq, item.claimed_by)


def _kind(name: str) -> JobKind:
    kind = KINDS.get(name)
    if kind is None:
        known = ", ".join(sorted(KINDS)) or "none"
        raise ValidationFailed({"kind": f"unknown job kind {name!r}; one of {known}"})
    return kind


def _title(name: str) -> str:
    kind = KINDS.get(name)
    return name if kind is None else kind.title


def _needed(kind: JobKind) -> tuple[Action, ...]:
    return () if kind.permission is None else (kind.permission,)


def _cancellers(name: str) -> tuple[Action, ...]:
    kind = KINDS.get(name)
    return (*(() if kind is None else _needed(kind)), Action.CANCEL_JOBS)


def _may_cancel(person: Stakeholder | None, job: Job) -> bool:
    if job.status in FINISHED:
        return False
    return person is None or any(may(person, a) for a in _cancellers(job.kind))


def _found(job: Job | None, job_id: int) -> Job:
    if job is None:
        raise NotFound(f"no job {job_id}")
    return job
