"""The job runner: planning, claiming, progress, retries, cancellation, resuming, scheduling.

Real databases: each test on DuckDB in tmp_path and on PostgreSQL (where the last ones run
two "processes", two pools, on one database). Test kinds are registered through ``register``, like Charter's own;
each commits by appending an event, so counting events counts commits.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from governance.errors import InvalidTransition, NotAllowed, ValidationFailed
from governance.events import Event
from governance.jobs.kinds import KINDS, JobKind, register
from governance.jobs.models import ItemStatus, Job, JobStatus, JSONObject
from governance.jobs.runner import JobRunner
from governance.models import Status
from governance.services import Charter
from governance.storage import Tx, open_database
from tests.conftest import PROPOSAL, Cast, FakeClock


def record_commit(tx: Tx, key: str) -> None:
    """A test kind's effect: one row per commit, written in the item's own transaction."""
    tx.cursor.execute("INSERT INTO test_commits VALUES (?)", [key])


class Recording(JobKind):
    """Items ``{"key": ...}``; commit records the key in the ``test_commits`` table.

    ``params["fail"]`` lists keys whose work always fails; ``params["flaky"]`` maps keys to
    how many attempts fail before one succeeds.
    """

    name = "test-recording"
    title = "Test recording"
    permission = None

    def __init__(self) -> None:
        self.attempts: Counter[str] = Counter()
        self.plans: dict[str, JSONObject] = {}

    def plan(self, ctx: Charter, tx: Tx, params: JSONObject) -> list[JSONObject]:
        if not isinstance(params.get("keys"), list):
            raise ValidationFailed({"keys": "a list of keys is required"})
        self.plans.update({k: params for k in params["keys"]})
        return [{"key": k} for k in params["keys"]]

    def work(self, ctx: Charter, params: JSONObject) -> object:
        key = params["key"]
        self.attempts[key] += 1
        plan = self.plans[key]
        if key in plan.get("fail", ()):
            raise RuntimeError(f"{key} cannot be done\nsecond line")
        if self.attempts[key] <= plan.get("flaky", {}).get(key, 0):
            raise ConnectionError(f"{key}: try again")
        return key.upper()

    def commit(
        self, ctx: Charter, tx: Tx, params: JSONObject, output: object, at: datetime
    ) -> JSONObject:
        record_commit(tx, str(params["key"]))
        return {"output": output, "message": f"{params['key']} recorded"}


class Blocking(JobKind):
    """One item per key; ``work`` signals ``entered`` and waits for ``release``."""

    name = "test-blocking"
    title = "Test blocking"
    permission = None

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def plan(self, ctx: Charter, tx: Tx, params: JSONObject) -> list[JSONObject]:
        return [{"key": k} for k in params["keys"]]

    def work(self, ctx: Charter, params: JSONObject) -> object:
        self.entered.set()
        assert self.release.wait(20), "the test never released the work"
        return None

    def commit(
        self, ctx: Charter, tx: Tx, params: JSONObject, output: object, at: datetime
    ) -> JSONObject:
        record_commit(tx, str(params["key"]))
        return {"message": f"{params['key']} committed"}


RECORDING = register(Recording())
BLOCKING = register(Blocking())


@pytest.fixture(autouse=True)
def commits_table(charter: Charter) -> None:
    """Where the test kinds record their commits."""
    with charter.db.transaction() as tx:
        tx.cursor.execute("CREATE TABLE test_commits (key VARCHAR)")


@pytest.fixture
def recording() -> Recording:
    assert isinstance(RECORDING, Recording)
    RECORDING.attempts.clear()
    return RECORDING


@pytest.fixture
def blocking() -> Iterator[Blocking]:
    assert isinstance(BLOCKING, Blocking)
    BLOCKING.entered.clear()
    BLOCKING.release.clear()
    yield BLOCKING
    BLOCKING.release.set()  # never leave a worker waiting


@pytest.fixture
def runner(charter: Charter) -> Iterator[JobRunner]:
    """A runner whose background threads (if started) are stopped after the test."""
    started = JobRunner(charter, poll_s=60.0, schedule_s=3600.0)
    yield started
    started.stop(timeout=20)


def committed(charter: Charter) -> Counter[str]:
    """How many times each key was committed."""
    with charter.db.read() as tx:
        rows = tx.cursor.execute("SELECT key FROM test_commits").fetchall()
    return Counter(r[0] for r in rows)


def events(charter: Charter, action: str) -> list[Event]:
    with charter.db.read() as tx:
        return tx.events.find(actions=[action], limit=1000, ascending=True)


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def due(charter: Charter, cast: Cast, clock: FakeClock, n: int) -> list[str]:
    """``n`` guidelines in voting whose window has ended (everyone approves the first)."""
    ids = []
    for i in range(n):
        g = charter.guidelines.propose(cast.author, {**PROPOSAL, "title": f"Guideline {i}"})
        charter.guidelines.submit(cast.author, g.id)
        charter.guidelines.open_voting(cast.moderator, g.id)
        ids.append(g.id)
    for voter in cast.everyone():
        charter.ballots.cast(voter, ids[0], "approve")
    clock.advance(days=14, minutes=1)
    return ids


# -- planning -----------------------------------------------------------------------------


def test_close_due_is_planned_as_one_item_per_due_guideline(
    charter: Charter, cast: Cast, clock: FakeClock
) -> None:
    ids = due(charter, cast, clock, 3)
    job = charter.jobs.start(cast.moderator, "close-due")
    assert (job.kind, job.status, job.total, job.done) == ("close-due", JobStatus.QUEUED, 3, 0)
    assert (job.created_by, job.created_by_name) == (cast.moderator.id, "Mo Derator")
    assert job.message == "3 items to do" and job.progress == 0
    detail = charter.jobs.job(cast.moderator, job.id)
    assert [i.params for i in detail.items] == [{"guideline": g} for g in ids]
    assert {i.status for i in detail.items} == {ItemStatus.QUEUED}
    (started,) = events(charter, "job.started")
    assert (started.actor_id, started.subject) == (cast.moderator.id, f"job:{job.id}")
    assert started.after == {"kind": "close-due", "params": {}, "total": 3}


def test_one_close_due_job_at_a_time(charter: Charter, cast: Cast, clock: FakeClock) -> None:
    due(charter, cast, clock, 1)
    job = charter.jobs.start(cast.moderator, "close-due")
    with pytest.raises(ValidationFailed, match=f"job {job.id} \\(close due votes\\) is already"):
        charter.jobs.start(cast.moderator, "close-due")
    JobRunner(charter, scheduled=()).run_until_idle()
    assert charter.jobs.start(cast.moderator, "close-due").status is JobStatus.DONE


def test_a_job_with_nothing_to_do_is_done_at_once(charter: Charter, cast: Cast) -> None:
    job = charter.jobs.start(cast.moderator, "close-due")
    assert (job.status, job.total, job.message, job.progress) == (
        JobStatus.DONE,
        0,
        "nothing to do",
        1.0,
    )
    assert job.finished_at is not None
    assert [e.after["status"] for e in events(charter, "job.finished")] == ["done"]  # type: ignore[index]


def test_bad_parameters_and_unknown_kinds_are_refused_and_change_nothing(
    charter: Charter,
) -> None:
    with pytest.raises(ValidationFailed, match="keys"):
        charter.jobs.start(None, "test-recording", {"keys": "a"})
    with pytest.raises(ValidationFailed, match="unknown job kind 'nope'"):
        charter.jobs.start(None, "nope")
    assert charter.jobs.job_list(None).total == 0


def test_only_the_system_or_the_operator_starts_a_system_kind(charter: Charter, cast: Cast) -> None:
    with pytest.raises(NotAllowed, match="only the system may start test recording"):
        charter.jobs.start(cast.steward, "test-recording", {"keys": ["a"]})
    assert charter.jobs.start(None, "test-recording", {"keys": ["a"]}).total == 1


# -- claiming and progress ----------------------------------------------------------------


def test_items_are_claimed_oldest_job_first(charter: Charter, recording: Recording) -> None:
    first = charter.jobs.start(None, "test-recording", {"keys": ["a", "b"]})
    charter.jobs.start(None, "test-recording", {"keys": ["c"]})
    claimed = [charter.jobs.claim("runner-x") for _ in range(4)]
    assert [(i.job_id, i.seq) for i in claimed if i] == [(1, 1), (1, 2), (2, 1)]
    assert claimed[3] is None
    assert all(i.status is ItemStatus.RUNNING and i.attempts == 1 for i in claimed if i)
    assert all(i.claimed_by == "runner-x" for i in claimed if i)
    job = charter.jobs.job(None, first.id).job
    assert job.status is JobStatus.RUNNING and job.started_at is not None


def test_progress_is_counted_after_each_item_and_the_job_finishes(
    charter: Charter, recording: Recording
) -> None:
    keys = [f"k{i}" for i in range(6)]
    job = charter.jobs.start(None, "test-recording", {"keys": keys})
    seen: list[Job] = []
    JobRunner(charter, workers=1, scheduled=(), on_progress=seen.append).run_until_idle()
    assert [(j.done, j.total) for j in seen] == [(n, 6) for n in range(1, 7)]
    assert [j.message for j in seen] == [f"{k} recorded" for k in keys]
    assert [j.status for j in seen] == [JobStatus.RUNNING] * 5 + [JobStatus.DONE]
    detail = charter.jobs.job(None, job.id)
    assert detail.job.finished_at is not None and detail.job.error is None
    assert [i.result for i in detail.items] == [
        {"output": k.upper(), "message": f"{k} recorded"} for k in keys
    ]
    assert committed(charter) == Counter(keys)
    (finished,) = events(charter, "job.finished")
    assert finished.actor_id is None
    assert finished.after == {
        "kind": "test-recording",
        "status": "done",
        "done": 6,
        "failed": 0,
        "total": 6,
    }


def test_a_failing_item_is_retried_then_failed_and_the_job_fails(
    charter: Charter, recording: Recording
) -> None:
    params = {"keys": ["ok", "bad", "flaky"], "fail": ["bad"], "flaky": {"flaky": 2}}
    job = charter.jobs.start(None, "test-recording", params)
    JobRunner(charter, workers=2, scheduled=()).run_until_idle()
    detail = charter.jobs.job(None, job.id)
    items = {i.params["key"]: i for i in detail.items}
    assert recording.attempts == Counter({"ok": 1, "bad": 3, "flaky": 3})
    assert (items["bad"].status, items["bad"].attempts) == (ItemStatus.FAILED, 3)
    assert items["bad"].error == "RuntimeError: bad cannot be done"
    assert (items["flaky"].status, items["flaky"].attempts) == (ItemStatus.DONE, 3)
    assert items["flaky"].error == "ConnectionError: flaky: try again"  # the last failure
    assert committed(charter) == Counter({"ok": 1, "flaky": 1})
    assert (detail.job.status, detail.job.done, detail.job.failed) == (JobStatus.FAILED, 2, 1)
    assert detail.job.error == "1 of 3 items failed; item 2: RuntimeError: bad cannot be done"
    assert detail.job.progress == 1.0


# -- cancelling ---------------------------------------------------------------------------


def test_cancelling_a_queued_job_cancels_its_items(
    charter: Charter, cast: Cast, recording: Recording
) -> None:
    job = charter.jobs.start(None, "test-recording", {"keys": ["a", "b"]})
    with pytest.raises(ValidationFailed, match="reason"):
        charter.jobs.cancel(cast.steward, job.id, "  ")
    cancelled = charter.jobs.cancel(cast.steward, job.id, "started by mistake")
    assert (cancelled.status, cancelled.cancelled_by) == (JobStatus.CANCELLED, cast.steward.id)
    assert cancelled.cancel_reason == "started by mistake" and cancelled.finished_at is not None
    JobRunner(charter, scheduled=()).run_until_idle()
    detail = charter.jobs.job(None, job.id)
    assert {i.status for i in detail.items} == {ItemStatus.CANCELLED}
    assert recording.attempts == Counter() and committed(charter) == Counter()
    (event,) = events(charter, "job.cancelled")
    assert (event.actor_id, event.reason) == (cast.steward.id, "started by mistake")
    with pytest.raises(InvalidTransition, match="cannot move from cancelled to cancelled"):
        charter.jobs.cancel(None, job.id, "again")


def test_cancelling_drops_the_output_of_the_item_in_flight(
    charter: Charter, blocking: Blocking, runner: JobRunner
) -> None:
    job = charter.jobs.start(None, "test-blocking", {"keys": ["first", "second"]})
    runner.start()
    assert blocking.entered.wait(10)
    charter.jobs.cancel(None, job.id, "no longer needed")
    blocking.release.set()
    # Another worker may have claimed the second item before the cancel: it ends cancelled
    # too once released, so wait for both.
    wait_until(
        lambda: all(i.status is ItemStatus.CANCELLED for i in charter.jobs.job(None, job.id).items)
    )
    detail = charter.jobs.job(None, job.id)
    assert [i.status for i in detail.items] == [ItemStatus.CANCELLED, ItemStatus.CANCELLED]
    assert detail.job.status is JobStatus.CANCELLED and detail.job.done == 0
    assert committed(charter) == Counter()


# -- crashes and double work --------------------------------------------------------------


def outlive_holds(charter: Charter, clock: FakeClock) -> None:
    """Let every hold on an item run out (where processes share the database, a running
    item counts as abandoned only once its runner stopped renewing it)."""
    if charter.db.shared:
        assert charter.jobs.resume_abandoned() == 0, "a fresh hold is a live runner's"
    clock.advance(seconds=charter.settings.job_lease_s + 1)


def test_items_left_running_by_a_dead_runner_are_resumed(
    charter: Charter, recording: Recording, clock: FakeClock
) -> None:
    job = charter.jobs.start(None, "test-recording", {"keys": ["a", "b", "c"]})
    lost = charter.jobs.claim("a-runner-that-died")  # and never settled
    assert lost is not None and lost.seq == 1
    outlive_holds(charter, clock)
    JobRunner(charter, scheduled=()).run_until_idle()
    detail = charter.jobs.job(None, job.id)
    assert detail.job.status is JobStatus.DONE and detail.job.done == 3
    assert detail.items[0].attempts == 2
    assert detail.items[0].claimed_by != "a-runner-that-died"
    assert committed(charter) == Counter({"a": 1, "b": 1, "c": 1})


def test_an_item_that_keeps_killing_its_runner_fails_after_its_last_attempt(
    charter: Charter, recording: Recording, clock: FakeClock
) -> None:
    job = charter.jobs.start(None, "test-recording", {"keys": ["poison"]})
    for _ in range(3):
        assert charter.jobs.claim("dies-every-time") is not None
        outlive_holds(charter, clock)
        charter.jobs.resume_abandoned()
    (item,) = charter.jobs.job(None, job.id).items
    assert (item.status, item.attempts) == (ItemStatus.FAILED, 3)
    assert item.error == "abandoned by a runner that stopped (attempt 3)"
    assert charter.jobs.job(None, job.id).job.status is JobStatus.FAILED


def test_a_runner_that_lost_its_item_commits_nothing(
    charter: Charter, recording: Recording, clock: FakeClock
) -> None:
    charter.jobs.start(None, "test-recording", {"keys": ["once"]})
    slow = charter.jobs.claim("slow-runner")
    assert slow is not None
    outlive_holds(charter, clock)  # e.g. it was too slow to renew its hold
    assert charter.jobs.resume_abandoned() == 1
    fast = charter.jobs.claim("fast-runner")
    assert fast is not None
    assert charter.jobs.complete(fast, "ONCE") is not None
    assert charter.jobs.complete(slow, "ONCE") is None
    assert charter.jobs.fail(slow, "late") is None
    assert committed(charter) == Counter({"once": 1})


# -- the write lock -----------------------------------------------------------------------


def test_work_runs_without_holding_the_write_lock(
    charter: Charter, cast: Cast, blocking: Blocking, runner: JobRunner
) -> None:
    charter.jobs.start(None, "test-blocking", {"keys": ["slow"]})
    runner.start()
    assert blocking.entered.wait(10)
    proposed: list[str] = []
    writer = threading.Thread(
        target=lambda: proposed.append(charter.guidelines.propose(cast.author, PROPOSAL).id)
    )
    writer.start()
    writer.join(10)
    assert not writer.is_alive(), "a write waited for the job's work: the lock was held"
    assert proposed == ["G-0001"]
    blocking.release.set()
    wait_until(lambda: committed(charter) == Counter({"slow": 1}))


# -- scheduling and waking ----------------------------------------------------------------


def test_the_scheduler_starts_close_due_only_when_something_is_due(
    charter: Charter, cast: Cast, clock: FakeClock
) -> None:
    assert charter.jobs.schedule("close-due") is None
    assert charter.jobs.job_list(None).total == 0, "a quiet round leaves no row"
    due(charter, cast, clock, 2)
    job = charter.jobs.schedule("close-due")
    assert job is not None and job.total == 2 and job.created_by is None
    assert charter.jobs.schedule("close-due") is None, "one is already queued"
    JobRunner(charter, scheduled=()).run_until_idle()
    assert charter.jobs.schedule("close-due") is None, "nothing is due any more"
    assert charter.jobs.job_list(None).total == 1


def test_the_background_runner_closes_votes_whose_window_ended(
    charter: Charter, cast: Cast, clock: FakeClock
) -> None:
    first, second = due(charter, cast, clock, 2)
    runner = JobRunner(charter, poll_s=60.0, schedule_s=0.05)
    runner.start()

    def closed() -> bool:
        page = charter.jobs.job_list(None)
        return page.total == 1 and not page.active

    try:
        wait_until(closed)
    finally:
        runner.stop(timeout=20)
    approved = charter.guidelines.detail(first, None)
    assert approved.guideline.status is Status.APPROVED
    assert approved.decision is not None and approved.decision.decided_by is None
    assert charter.guidelines.detail(second, None).guideline.status is Status.REJECTED
    assert len(events(charter, "guideline.decided")) == 2
    (job,) = charter.jobs.job_list(None).jobs
    assert (job.status, job.done, job.total, job.created_by) == (JobStatus.DONE, 2, 2, None)


def test_workers_wake_at_once_when_a_job_is_enqueued(
    charter: Charter, recording: Recording, runner: JobRunner
) -> None:
    runner.start()  # polls every 60 s: only the wake-up can be this quick
    time.sleep(0.2)  # let the workers go idle
    job = charter.jobs.start(None, "test-recording", {"keys": ["now"]})
    wait_until(lambda: charter.jobs.job(None, job.id).job.status is JobStatus.DONE, timeout=5)


def test_a_guideline_no_longer_due_is_skipped_not_failed(
    charter: Charter, cast: Cast, clock: FakeClock
) -> None:
    amended, decided = due(charter, cast, clock, 2)
    job = charter.jobs.start(cast.moderator, "close-due")
    charter.guidelines.amend(cast.author, amended, {**PROPOSAL, "title": "Clearer"}, "clarify")
    JobRunner(charter, scheduled=()).run_until_idle()
    detail = charter.jobs.job(None, job.id)
    assert detail.job.status is JobStatus.DONE
    assert [i.result for i in detail.items] == [
        {"guideline": amended, "outcome": None, "message": f"{amended} skipped: not due"},
        {"guideline": decided, "outcome": "rejected", "message": f"{decided} rejected"},
    ]
    assert charter.guidelines.detail(amended, None).guideline.status is Status.DELIBERATION


def test_registering_another_kind_under_a_taken_name_is_refused() -> None:
    with pytest.raises(ValueError, match="another job kind is registered as 'close-due'"):
        register(type("Impostor", (JobKind,), {"name": "close-due", "title": "x"})())
    assert KINDS["close-due"].title == "Close due votes"


# -- several processes on one PostgreSQL database --------------------------------------------


@pytest.fixture
def replica(charter: Charter, clock: FakeClock) -> Iterator[Charter]:
    """A second Charter on the same PostgreSQL database with its own pool: to the server,
    another process."""
    assert charter.db.shared, "mark the test postgres_only"
    other = open_database(charter.db.url)  # type: ignore[attr-defined]
    yield Charter(other, charter.settings, clock=clock)
    other.close()


@pytest.mark.postgres_only
def test_runners_of_two_processes_share_a_job_and_do_each_item_once(
    charter: Charter, replica: Charter, recording: Recording
) -> None:
    keys = [f"k{n}" for n in range(40)]
    job = charter.jobs.start(None, "test-recording", {"keys": keys})
    runners = [JobRunner(c, workers=4, scheduled=()) for c in (charter, replica)]
    threads = [threading.Thread(target=r.run_until_idle) for r in runners]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    detail = charter.jobs.job(None, job.id)
    assert detail.job.status is JobStatus.DONE and detail.job.done == 40
    assert committed(charter) == Counter({k: 1 for k in keys}), "each item committed once"
    assert all(i.attempts == 1 for i in detail.items), "no item claimed twice"
    assert recording.attempts == Counter({k: 1 for k in keys}), "nor worked twice"
    assert {i.claimed_by for i in detail.items} <= {r.id for r in runners}


@pytest.mark.postgres_only
def test_two_processes_scheduling_at_once_start_one_job(
    charter: Charter, replica: Charter, recording: Recording
) -> None:
    started: list[Job | None] = []
    barrier = threading.Barrier(8)

    def schedule(c: Charter) -> None:
        barrier.wait()
        started.append(c.jobs.schedule("test-recording", {"keys": ["only"]}))

    threads = [threading.Thread(target=schedule, args=(c,)) for c in (charter, replica) * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len([j for j in started if j is not None]) == 1
    with charter.db.read() as tx:
        rows = tx.cursor.execute("SELECT count(*) FROM jobs WHERE kind = 'test-recording'")
        assert rows.fetchall() == [(1,)]


@pytest.mark.postgres_only
def test_a_live_runner_in_another_process_keeps_its_items(
    charter: Charter, replica: Charter, recording: Recording, clock: FakeClock
) -> None:
    charter.jobs.start(None, "test-recording", {"keys": ["mine"]})
    held = replica.jobs.claim("replica-runner")
    assert held is not None
    clock.advance(seconds=charter.settings.job_lease_s / 2)
    assert replica.jobs.renew("replica-runner") == 1
    clock.advance(seconds=charter.settings.job_lease_s / 2 + 1)
    assert charter.jobs.resume_abandoned() == 0, "renewed: still the replica's"
    assert replica.jobs.complete(held, "MINE") is not None
    assert committed(charter) == Counter({"mine": 1})
