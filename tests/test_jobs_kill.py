"""The job runner survives ``kill -9`` mid-job, and exits cleanly while it queries DuckDB.

A worker process closing a few hundred due votes is killed after it has committed some of
them; a second worker resumes the job. Every guideline must be decided exactly once. On
both engines: on PostgreSQL the item in flight goes back to the queue once its hold runs
out (``CHARTER_JOB_LEASE_S``, one second here).
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from governance.bench import bulk_guidelines
from governance.config import Settings
from governance.jobs.models import ItemStatus, JobStatus
from governance.models import AccountStatus, Role, Status
from governance.services import Charter
from governance.services.base import utc_now
from governance.storage import open_database

ROOT = Path(__file__).resolve().parent.parent
GUIDELINES = 160
VOTERS = 300
PROGRESS = re.compile(r"^job (\d+) close-due: (\d+)/(\d+) (G-\d{4}) (approved|rejected)$")


#: The lease of a job runner's hold on PostgreSQL, in the workers these tests start.
LEASE_S = 1.0


@pytest.fixture
def store(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where the workers work: a DuckDB file, or a PostgreSQL database."""
    if engine == "duckdb":
        return str(tmp_path / "charter.duckdb")
    return str(request.getfixturevalue("pg_url"))


def due_votes(path: Path | str, guidelines: int = GUIDELINES, voters: int = VOTERS) -> None:
    """A database where ``guidelines`` votes, with ballots, closed an hour ago.

    Written straight to storage: it is set-up, not the thing under test.
    """
    db = open_database(path)
    Charter(db, Settings(db=path))  # the default rules
    now = utc_now()
    people = np.arange(1, voters + 1)
    groups = ("ethicist", "engineer", "public")
    gids = np.arange(1, guidelines + 1)
    db.bulk_insert(
        "stakeholders",
        pd.DataFrame(
            {
                "id": people,
                "display_name": [f"Voter {i}" for i in people.tolist()],
                "status": AccountStatus.ACTIVE.value,
                "is_demo": False,
                "created_at": now - timedelta(days=30),
            }
        ),
    )
    db.bulk_insert(
        "stakeholder_groups",
        pd.DataFrame({"stakeholder_id": people, "group_name": [groups[i % 3] for i in people]}),
    )
    db.bulk_insert(
        "stakeholder_roles",
        pd.DataFrame({"stakeholder_id": people, "role": Role.PARTICIPANT.value}),
    )
    bulk_guidelines(
        db,
        gids,
        status=Status.VOTING,
        created=now - timedelta(days=20),
        opens=now - timedelta(days=15),
        closes=now - timedelta(hours=1),
        titles=[f"Guideline {g}" for g in gids.tolist()],
    )
    # Everyone votes on every guideline; odd guidelines are approved, even ones rejected.
    g_index, v_index = np.divmod(np.arange(guidelines * voters), voters)
    approve = (gids[g_index] % 2 == 1) ^ (v_index % 10 == 0)
    db.bulk_insert(
        "votes",
        pd.DataFrame(
            {
                "guideline_id": gids[g_index],
                "version": 1,
                "stakeholder_id": people[v_index],
                "choice": np.where(approve, "approve", "reject"),
                "reason": "",
                "cast_at": now - timedelta(days=2),
            }
        ),
    )
    db.checkpoint()
    db.close()


WORKER_ENV = {**os.environ, "CHARTER_JOB_LEASE_S": str(LEASE_S)}


def worker(path: Path | str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "governance", "worker", "--db", str(path), "--once"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=WORKER_ENV,
    )


def test_a_worker_killed_mid_job_is_resumed_with_no_item_done_twice(store: str) -> None:
    path = store
    due_votes(path)

    first = worker(path)
    assert first.stdout is not None
    seen = 0
    started = time.monotonic()
    guard = threading.Timer(60, first.kill)  # a worker that hangs fails the test, not the run
    guard.start()
    try:
        for line in first.stdout:
            match = PROGRESS.match(line.strip())
            assert match, line
            seen = int(match[2])
            if seen >= GUIDELINES // 5:
                break
        # Right after a line is printed, its item has committed and the next is not claimed
        # yet; a moment later an item is usually in flight, which is the case worth killing.
        time.sleep(random.uniform(0.005, 0.03))
        os.kill(first.pid, signal.SIGKILL)
    finally:
        guard.cancel()
    first.wait(timeout=30)
    killed_after = time.monotonic() - started
    assert first.returncode == -signal.SIGKILL
    assert GUIDELINES // 5 <= seen < GUIDELINES

    db = open_database(path)
    charter = Charter(db, Settings(db=path))
    (job,) = charter.jobs.job_list(None).jobs
    in_flight = sum(i.status is ItemStatus.RUNNING for i in charter.jobs.job(None, 1).items)
    assert job.status is JobStatus.RUNNING, "killed mid-job"
    assert seen <= job.done < GUIDELINES, "every line printed was committed; not all were"
    db.close()

    time.sleep(LEASE_S * 1.5)  # on PostgreSQL, the dead runner's hold runs out
    second = subprocess.run(
        [sys.executable, "-m", "governance", "worker", "--db", str(path), "--once"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=WORKER_ENV,
    )
    assert second.returncode == 0, second.stderr[-2000:]
    lines = second.stdout.splitlines()
    assert lines[-1] == f"job 1 close-due: done, {GUIDELINES} of {GUIDELINES} items"
    resumed = [PROGRESS.match(line) for line in lines[:-1]]
    assert all(resumed), lines
    assert len(resumed) == GUIDELINES - job.done, "only the items not committed before"

    db = open_database(path)
    charter = Charter(db, Settings(db=path))
    detail = charter.jobs.job(None, 1)
    assert (detail.job.status, detail.job.done, detail.job.total) == (
        JobStatus.DONE,
        GUIDELINES,
        GUIDELINES,
    )
    assert {i.status for i in detail.items} == {ItemStatus.DONE}
    assert max(i.attempts for i in detail.items) <= 2  # the ones in flight ran again
    with db.read() as tx:
        cur = tx.cursor
        decisions = cur.execute(
            "SELECT guideline_id, count(*) FROM decisions GROUP BY guideline_id"
        ).fetchall()
        decided = cur.execute(
            "SELECT subject, count(*) FROM events WHERE action = 'guideline.decided'"
            " GROUP BY subject"
        ).fetchall()
        statuses = dict(
            cur.execute("SELECT status, count(*) FROM guidelines GROUP BY status").fetchall()
        )
    assert len(decisions) == GUIDELINES and {n for _, n in decisions} == {1}
    assert len(decided) == GUIDELINES and {n for _, n in decided} == {1}
    assert statuses == {"approved": GUIDELINES // 2, "rejected": GUIDELINES // 2}
    for item in detail.items:
        number = int(item.params["guideline"].removeprefix("G-"))
        assert item.result is not None
        assert item.result["outcome"] == ("approved" if number % 2 else "rejected")
    db.close()
    print(
        f"killed after {killed_after:.2f} s at {seen}/{GUIDELINES}: {job.done} committed,"
        f" {in_flight} in flight"
    )
