"""Two app replicas and a worker on one PostgreSQL database, voted through in two browsers.

Each replica is its own `streamlit run` process with its own job runner; the worker is
`python -m governance worker`. Two people vote on one guideline, each through a different
replica and browser, and one of them changes their ballot through the other replica. Every
ballot must be stored once, the live tally must equal a recount of the stored ballots, and
a vote whose window had ended when they started must be closed exactly once, though three
schedulers race to close it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect

from governance.config import Settings
from governance.ids import guideline_key
from governance.models import GuidelineFilter, Status
from governance.services import Charter
from governance.services.base import utc_now
from governance.storage import open_database
from tests import postgres_server
from tests.browser_support import (
    REPO_ROOT,
    WAIT_MS,
    choose,
    stop_process,
    wait_idle,
)
from tests.browser_support import browser as browser  # fixture
from tests.browser_support import chromium_available as chromium_available  # fixture
from tests.browser_support import xdg_env as xdg_env  # fixture
from tests.test_browser import running_app
from tests.test_dashboard import summaries_match_sources

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_url(pg_server: postgres_server.Server, pg_demo_template: str) -> Iterator[str]:
    """A private copy of the demo data in its own PostgreSQL database."""
    with pg_server.copy_of(pg_demo_template) as url:
        yield url


def sign_in_as(page: Page, address: str, name: str) -> None:
    page.goto(address)
    expect(page.get_by_text("Demo mode")).to_be_visible(timeout=WAIT_MS)
    sidebar = page.get_by_test_id("stSidebar")
    choose(sidebar.get_by_role("combobox", name="Act as (demo)"), name, re.compile(re.escape(name)))
    sidebar.get_by_role("button", name="Sign in", exact=True).click()
    expect(sidebar.get_by_text("Signed in as")).to_be_visible(timeout=WAIT_MS)
    wait_idle(page)


def vote(page: Page, address: str, guideline_id: str, choice: str) -> None:
    found = re.search(r"[?&]as=(\d+)", page.url)
    assert found is not None, page.url
    page.goto(f"{address}/guideline?id={guideline_id}&as={found.group(1)}")
    expect(page.get_by_role("heading", name="Your ballot")).to_be_visible()
    wait_idle(page)
    page.get_by_role("button", name=choice.capitalize(), exact=True).click()
    expect(page.get_by_text(f"Ballot recorded: {choice}.")).to_be_visible()


def test_two_replicas_and_a_worker_share_one_postgres(
    demo_url: str, browser: Browser, xdg_env: dict[str, str], tmp_path: Path
) -> None:
    db = open_database(demo_url)
    charter = Charter(db, Settings(db=demo_url))
    try:
        with db.read() as tx:
            voting, _ = tx.guidelines.search_guidelines(
                GuidelineFilter(statuses=(Status.VOTING,)), limit=2
            )
            target, due = voting[0].id, voting[1].id
            voted = {
                int(r[0])
                for r in tx.cursor.execute(
                    "SELECT stakeholder_id FROM votes WHERE guideline_id = ?",
                    [guideline_key(target)],
                ).fetchall()
            }
            version = voting[0].voting.version  # type: ignore[union-attr]
        people = [p for p in charter.people.demo_stakeholders() if p.groups and p.id not in voted][
            :2
        ]
        assert len(people) == 2, "the demo has people who have not voted on it"
        with db.transaction() as tx:  # a vote whose window ended a minute ago
            tx.cursor.execute(
                "UPDATE guidelines SET voting_closes_at = ? WHERE id = ?",
                [utc_now() - timedelta(minutes=1), guideline_key(due)],
            )
        before = charter.ballots.tally(target).overall.total
    finally:
        db.close()

    worker_log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "governance", "worker", "--db", demo_url],
        cwd=REPO_ROOT,
        env={**os.environ, **xdg_env},
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        with (
            running_app(demo_url, xdg_env, logs=tmp_path, name="first") as first,
            running_app(demo_url, xdg_env, logs=tmp_path, name="second") as second,
        ):
            pages = [c.new_page() for c in contexts]
            for page in pages:
                page.set_default_timeout(WAIT_MS)
            sign_in_as(pages[0], first, people[0].display_name)
            sign_in_as(pages[1], second, people[1].display_name)
            vote(pages[0], first, target, "approve")
            vote(pages[1], second, target, "reject")
            # The first person changes their mind through the other replica.
            pages[1].get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
            sign_in_as(pages[1], second, people[0].display_name)
            vote(pages[1], second, target, "abstain")
            # The other replica shows it: its cache heard the write.
            pages[0].reload()
            expect(pages[0].get_by_text("You voted abstain")).to_be_visible()
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                with psycopg.connect(demo_url) as conn:
                    decided = conn.execute(
                        "SELECT count(*) FROM decisions WHERE guideline_id = %s",
                        [guideline_key(due)],
                    ).fetchone()
                if decided and decided[0]:
                    break
                time.sleep(0.5)
            time.sleep(2)  # time for a second, wrong close to show up if there were one
    finally:
        for context in contexts:
            context.close()
        stop_process(worker)  # type: ignore[arg-type]
        worker_log.close()

    db = open_database(demo_url)
    charter = Charter(db, Settings(db=demo_url))
    try:
        with db.read() as tx:
            cur = tx.cursor
            ballots = cur.execute(
                "SELECT stakeholder_id, choice FROM votes WHERE guideline_id = ?"
                " AND stakeholder_id IN (?, ?)",
                [guideline_key(target), people[0].id, people[1].id],
            ).fetchall()
            recount = cur.execute(
                "SELECT count(*) FROM votes WHERE guideline_id = ? AND version = ?",
                [guideline_key(target), version],
            ).fetchall()[0][0]
            decisions = cur.execute(
                "SELECT count(*) FROM decisions WHERE guideline_id = ?", [guideline_key(due)]
            ).fetchall()[0][0]
            decided_events = cur.execute(
                "SELECT count(*) FROM events WHERE action = 'guideline.decided' AND subject = ?",
                [due],
            ).fetchall()[0][0]
        assert sorted(ballots) == sorted([(people[0].id, "abstain"), (people[1].id, "reject")])
        tally = charter.ballots.tally(target)
        assert tally.overall.total == before + 2 == recount, "each ballot once; tally = recount"
        assert (decisions, decided_events) == (1, 1), "the due vote closed exactly once"
        summaries_match_sources(db)
    finally:
        db.close()
