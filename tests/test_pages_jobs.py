"""The Jobs page: a moderator starts closing due votes and follows it; a job is cancelled.

The app under test runs its own job runner in this process, over the same database file.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from governance.auth import Action
from governance.jobs.kinds import JobKind, register
from governance.jobs.models import ItemStatus, JobStatus, JSONObject
from governance.models import Role, Stakeholder, Status
from governance.services import Charter
from governance.services.base import utc_now
from governance.storage import Database, Tx
from tests.apptest_support import open_page, registered_pages, rerun, start, texts

PRINCIPAL_KEY = "demo_stakeholder_id"


class Held(JobKind):
    """A kind moderators may cancel, whose work waits until the test lets it go."""

    name = "test-page-held"
    title = "Held work"
    permission = Action.CLOSE_VOTING

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def plan(self, ctx: Charter, tx: Tx, params: JSONObject) -> list[JSONObject]:
        return [{"n": n} for n in range(params["items"])]

    def work(self, ctx: Charter, params: JSONObject) -> object:
        self.entered.set()
        assert self.release.wait(20), "the test never released the work"
        return None

    def commit(
        self, ctx: Charter, tx: Tx, params: JSONObject, output: object, at: datetime
    ) -> JSONObject:
        return {"message": f"item {params['n']} done"}


HELD = register(Held())


@pytest.fixture
def held() -> Iterator[Held]:
    assert isinstance(HELD, Held)
    HELD.entered.clear()
    HELD.release.clear()
    yield HELD
    HELD.release.set()


def someone(services: Charter, role: Role | None) -> Stakeholder:
    """An active demo stakeholder holding ``role`` (None: only taking part)."""
    return next(
        p
        for p in services.people.demo_stakeholders()
        if not p.suspended
        and (role in p.roles if role else p.roles == (Role.PARTICIPANT,) and p.groups)
    )


def make_due(db: Database, n: int) -> list[str]:
    """End the voting window of ``n`` guidelines in voting (set-up, straight to storage)."""
    with db.transaction() as tx:
        rows = tx.cursor.execute(
            "SELECT id FROM guidelines WHERE status = 'voting' ORDER BY id LIMIT ?", [n]
        ).fetchall()
        ids = [r[0] for r in rows]
        tx.cursor.execute(
            f"UPDATE guidelines SET voting_closes_at = ? WHERE id IN ({', '.join('?' * n)})",
            [utc_now() - timedelta(minutes=1), *ids],
        )
    return [f"G-{i:04d}" for i in ids]


def progress_bars(at: AppTest) -> list[tuple[int, str]]:
    return [(p.proto.value, p.proto.text) for p in at.get("progress")]


def badges(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value]


def wait_until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_moderator_closes_due_votes_and_follows_the_job(
    demo_env: Path, seeded_db: Database, services: Charter
) -> None:
    moderator = someone(services, Role.MODERATOR)
    at = open_page(start(moderator), "pages/jobs.py")  # the app's runner has started
    assert texts(at.title) == ["Jobs"]
    # The demo's jobs: the revision run and the two audits it seeds.
    assert [j.kind for j in services.jobs.job_list(None).jobs] == ["audit", "audit", "revise"]
    due = make_due(seeded_db, 3)

    at.button(key="jobs:start:go").click()
    rerun(at)
    assert "Started: due votes are being closed." in texts(at.success)
    job, *_ = services.jobs.job_list(None).jobs  # newest first
    assert (job.kind, job.total, job.created_by) == ("close-due", 3, moderator.id)
    assert any(f"job {job.id}" in m for m in texts(at.markdown))
    (value, text), *_ = progress_bars(at)  # drawn while the job may still be running
    assert text.split(" · ")[0] in {"0/3", "1/3", "2/3", "3/3"}
    assert value == int(text[0]) * 100 // 3

    wait_until(lambda: services.jobs.job(None, job.id).job.status is JobStatus.DONE)
    rerun(at)
    assert progress_bars(at)[0][0] == 100
    assert progress_bars(at)[0][1].startswith("3/3 · ")
    assert badges(at) == [":green-badge[done]"] * 4
    for gid in due:
        assert services.guidelines.detail(gid, None).guideline.status in {
            Status.APPROVED,
            Status.REJECTED,
        }


def test_a_moderator_cancels_a_running_job_and_its_work_is_dropped(
    demo_env: Path, seeded_db: Database, services: Charter, held: Held
) -> None:
    job = services.jobs.start(None, "test-page-held", {"items": 3})
    moderator = someone(services, Role.MODERATOR)
    at = open_page(start(moderator), "pages/jobs.py")
    assert held.entered.wait(15), "the app's runner took the first item"
    rerun(at)
    key = f"cancel:{job.id}"
    at.text_input(key=f"{key}:reason").input("started by mistake")
    at.button(key=f"{key}:go").click()
    rerun(at)
    assert "Cancelled." in texts(at.success)
    assert any("Cancelled: started by mistake" in c for c in texts(at.caption))
    assert f"{key}:go" not in {b.key for b in at.button}, "nothing left to cancel"
    held.release.set()
    wait_until(lambda: services.jobs.job(None, job.id).items[0].status is ItemStatus.CANCELLED)
    detail = services.jobs.job(None, job.id)
    assert detail.job.status is JobStatus.CANCELLED and detail.job.done == 0
    assert detail.job.cancelled_by == moderator.id
    assert {i.status for i in detail.items} == {ItemStatus.CANCELLED}


@pytest.mark.parametrize("role", [None, "visitor"], ids=["participant", "visitor"])
def test_people_without_a_role_have_no_jobs_page(
    demo_env: Path, services: Charter, role: str | None
) -> None:
    at = start(None if role == "visitor" else someone(services, None))
    assert "jobs.py" not in registered_pages(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/jobs.py")
