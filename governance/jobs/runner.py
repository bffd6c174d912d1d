"""The job runner: a few threads that claim items, work them, and commit them one by one.

Each item goes through three steps: claim it (a short transaction), do the kind's slow
``work`` with no transaction open and no lock held, then settle it in one transaction that
writes its effect, marks it done and counts the job's progress. A process that dies loses at
most the items in flight; the next runner to start puts them back in the queue.

The app starts one runner per process; ``python -m governance worker`` runs one when the app
is not running (DuckDB lets one process open the file). On PostgreSQL any number of
processes run runners on one database: each claims items the others have not locked, renews
its hold on what it works on, and puts back items whose runner stopped renewing.
"""

from __future__ import annotations

import atexit
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from governance.errors import GovernanceError
from governance.jobs.deadlines import CLOSE_DUE
from governance.jobs.kinds import KINDS
from governance.jobs.models import Job, JobItem

if TYPE_CHECKING:
    from governance.services import Charter

log = logging.getLogger(__name__)

#: How long exit waits for the workers to finish the items they are on.
EXIT_JOIN_S = 30.0
#: Longest error text kept on an item.
ERROR_MAX = 1_000


def describe_error(exc: BaseException) -> str:
    """An exception as one line for an item's error: ``ValueError: bad input``."""
    text = exc.message if isinstance(exc, GovernanceError) else str(exc)
    first = text.strip().splitlines()[0] if text.strip() else ""
    line = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return line[:ERROR_MAX]


class JobRunner:
    """Runs queued job items in a small pool of threads, and starts scheduled jobs.

    Args:
        charter: The use cases; jobs are ``charter.jobs``.
        workers: Threads working items at once.
        poll_s: How long an idle worker waits before looking again. Jobs enqueued in this
            process wake the workers at once; polling only catches anything else.
        schedule_s: How often the scheduler starts the ``scheduled`` kinds (each only when
            it has something to do and none of it is queued or running).
        scheduled: Kinds the scheduler starts.
        on_progress: Called with the job after each settled item (one call at a time).
    """

    def __init__(
        self,
        charter: Charter,
        *,
        workers: int = 8,
        poll_s: float = 60.0,
        schedule_s: float = 60.0,
        scheduled: Sequence[str] = (CLOSE_DUE,),
        on_progress: Callable[[Job], None] | None = None,
    ) -> None:
        """Prepare a runner; nothing runs until ``start`` or ``run_until_idle``."""
        if workers < 1:
            raise ValueError("a runner needs at least one worker")
        self.charter = charter
        self.jobs = charter.jobs
        self.workers = workers
        self.poll_s = poll_s
        self.schedule_s = schedule_s
        self.scheduled = tuple(scheduled)
        self.on_progress = on_progress
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        """The name items claimed by this runner carry in ``claimed_by``."""
        self._stop = threading.Event()
        self._wakeup = threading.Condition()
        self._generation = 0
        self._progress_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._unsubscribe: Callable[[], None] | None = None
        self._resumed = False

    # -- running --------------------------------------------------------------------------

    def start(self) -> None:
        """Resume abandoned items, then run the workers and the scheduler in the background.

        The threads are stopped and joined when the interpreter exits: a thread still
        inside DuckDB when Python finalizes aborts the whole process ("terminate called
        ... exception not rethrown").
        """
        if self._threads:
            raise RuntimeError("the runner is already started")
        self._resume()
        self._unsubscribe = self.jobs.subscribe(self._wake)
        targets = [(f"charter-job-{n}", self._work_forever) for n in range(self.workers)]
        targets.append(("charter-scheduler", self._schedule_forever))
        if self.charter.db.shared:
            targets.append(("charter-renewer", self._renew_forever))
        for name, target in targets:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)  # only started threads: joining another raises
        atexit.register(self._at_exit)  # after start, for the same reason

    def stop(self, timeout: float | None = None) -> None:
        """Stop the threads after the items they are on, and wait for them.

        Args:
            timeout: At most this long per thread (None: as long as it takes).
        """
        self._stop.set()
        self._wake()
        for thread in self._threads:
            thread.join(timeout)
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        atexit.unregister(self._at_exit)

    def run_until_idle(self) -> None:
        """In the foreground: resume, schedule once, and work until no item is waiting.

        Used by the command line and tests. Errors of the runner itself (not of a job's
        work, which fails its item) are raised here.
        """
        self._resume()
        for kind in self.scheduled:
            self.jobs.schedule(kind)
        errors: list[BaseException] = []

        def drain() -> None:
            try:
                while not self._stop.is_set() and self.run_one():
                    pass
            except BaseException as exc:  # raised in the calling thread below
                errors.append(exc)

        threads = [
            threading.Thread(target=drain, name=f"charter-job-{n}") for n in range(self.workers)
        ]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        except BaseException:  # Ctrl-C: let the items in flight settle, then leave
            self._stop.set()
            for thread in threads:
                thread.join()
            raise
        if errors:
            raise errors[0]

    def run_one(self) -> bool:
        """Claim one item, work it and settle it; False if no item was waiting."""
        item = self.jobs.claim(self.id)
        if item is None:
            return False
        kind = KINDS.get(item.kind)
        try:
            if kind is None:
                raise LookupError(f"no job kind {item.kind!r} is registered")
            output = kind.work(self.charter, item.params)  # no transaction, no lock
            job = self.jobs.complete(item, output)
        except Exception as exc:  # the kind's failure is the item's, recorded on it
            job = self.jobs.fail(item, describe_error(exc))
        self._report(job, item)
        return True

    # -- threads --------------------------------------------------------------------------

    def _resume(self) -> None:
        if not self._resumed:
            self._resumed = True
            requeued = self.jobs.resume_abandoned()
            if requeued:
                log.info("job runner %s: resumed %d abandoned items", self.id, requeued)

    def _work_forever(self) -> None:
        while not self._stop.is_set():
            with self._wakeup:
                seen = self._generation
            try:
                if self.run_one():
                    continue
            except Exception:  # a bug of the runner: keep serving the other jobs
                log.exception("job runner %s: could not settle an item", self.id)
            with self._wakeup:
                if self._generation == seen and not self._stop.is_set():
                    self._wakeup.wait(self.poll_s)

    def _schedule_forever(self) -> None:
        while True:
            if self.charter.db.shared:
                # Another process's runner may have died since: its items' holds run out.
                try:
                    self.jobs.resume_abandoned()
                except Exception:
                    log.exception("job runner %s: could not resume abandoned items", self.id)
            for kind in self.scheduled:
                try:
                    self.jobs.schedule(kind)
                except Exception:  # the next round tries again
                    log.exception("job runner %s: could not schedule %s", self.id, kind)
            if self._stop.wait(self.schedule_s):
                return

    def _renew_forever(self) -> None:
        """Keep this runner's hold on its items while it works on them (shared databases)."""
        while not self._stop.wait(self.charter.settings.job_lease_s / 4):
            try:
                self.jobs.renew(self.id)
            except Exception:  # the next round tries again, well within the lease
                log.exception("job runner %s: could not renew its items", self.id)

    def _wake(self) -> None:
        with self._wakeup:
            self._generation += 1
            self._wakeup.notify_all()

    def _report(self, job: Job | None, item: JobItem) -> None:
        if job is None:
            log.warning("job runner %s lost item %d/%d", self.id, item.job_id, item.seq)
            return
        if self.on_progress is not None:
            with self._progress_lock:
                self.on_progress(job)

    def _at_exit(self) -> None:
        self.stop(timeout=EXIT_JOIN_S)
