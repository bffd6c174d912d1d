"""Many threads voting at once through the service: every ballot stored exactly once."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from governance.config import Settings
from governance.models import Stakeholder
from governance.services import Charter
from governance.storage import open_database
from tests.conftest import PROPOSAL, Cast
from tests.test_dashboard import summaries_match_sources


def run_threads(n: int, work) -> list[BaseException]:  # type: ignore[no-untyped-def]
    errors: list[BaseException] = []
    start = threading.Barrier(n)

    def wrapped(i: int) -> None:
        start.wait()
        try:
            work(i)
        except BaseException as exc:  # collected and asserted on by the test
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_sixteen_threads_voting_on_three_guidelines(charter: Charter, cast: Cast) -> None:
    ids = []
    for n in range(3):
        g = charter.guidelines.propose(cast.author, {**PROPOSAL, "title": f"Guideline {n}"})
        charter.guidelines.submit(cast.author, g.id)
        charter.guidelines.open_voting(cast.moderator, g.id)
        ids.append(g.id)
    voters = cast.everyone()
    # Every thread casts for its own slice of voters, including changed ballots.
    plan: list[list[tuple[Stakeholder, str, str]]] = [[] for _ in range(16)]
    rng = random.Random(5)
    final: dict[tuple[int, str], str] = {}
    casts = 0
    for i, voter in enumerate(voters):
        for gid in ids:
            for choice in rng.sample(["approve", "reject", "abstain"], k=rng.choice([1, 2])):
                plan[i % 16].append((voter, gid, choice))
                final[(voter.id, gid)] = choice
                casts += 1

    errors = run_threads(16, lambda t: [charter.ballots.cast(v, g, c) for v, g, c in plan[t]])

    assert errors == []
    with charter.db.read() as tx:
        assert tx.votes.count_votes() == len(final)
        events = tx.events.find(actions=["vote.cast"], limit=100_000)
        stored = {
            (v.stakeholder_id, v.guideline_id): v.choice.value
            for voter in voters
            for v in tx.votes.votes_of([voter.id]).values()
        }
    assert stored == final
    assert len(events) == casts  # each distinct ballot is in the history once
    for gid in ids:
        tally = charter.ballots.tally(gid)
        expected = Counter(c for (_, g), c in final.items() if g == gid)
        assert tally.overall.approve == expected["approve"]
        assert tally.overall.reject == expected["reject"]
        assert tally.overall.abstain == expected["abstain"]


def test_double_clicks_from_many_threads_count_once(
    charter: Charter, cast: Cast, in_voting: str
) -> None:
    voter = cast.voters["public"][0]
    errors = run_threads(8, lambda _: charter.ballots.cast(voter, in_voting, "approve", "sure"))
    assert errors == []
    with charter.db.read() as tx:
        assert tx.votes.count_votes() == 1
        assert len(tx.events.find(actions=["vote.cast"])) == 1


def test_a_refused_ballot_in_a_batch_does_not_affect_the_others(
    charter: Charter, cast: Cast, in_voting: str
) -> None:
    good = cast.voters["engineer"][:6]
    nobody = charter.people.create_stakeholder(None, display_name="No Group", groups=())

    def work(i: int) -> None:
        if i < 6:
            charter.ballots.cast(good[i], in_voting, "approve")
        else:
            charter.ballots.cast(nobody, in_voting, "approve")

    errors = run_threads(8, work)
    assert len(errors) == 2 and all("not in any stakeholder group" in str(e) for e in errors)
    assert charter.ballots.tally(in_voting).overall.approve == 6


def close_during_a_rush(closer: Charter, taker: Charter, cast: Cast, guideline_id: str) -> None:
    """``closer`` closes the vote while ``taker`` takes ballots from seven threads; then the
    decision must have counted exactly the ballots stored (none lost, none after it)."""
    voters = cast.everyone()

    def work(i: int) -> None:
        if i == 0:
            closer.guidelines.close_voting(cast.moderator, guideline_id, "closing during a rush")
            return
        for voter in voters[i - 1 :: 7]:
            try:
                taker.ballots.cast(voter, guideline_id, "approve")
            except Exception as exc:
                assert "not open for voting" in str(exc)

    assert run_threads(8, work) == []
    detail = closer.guidelines.detail(guideline_id, None)
    assert detail.decision is not None
    with closer.db.read() as tx:
        stored = tx.votes.count_votes(guideline_id)
    assert detail.decision.tally.tally.overall.total == stored


def test_votes_and_closing_race_without_losing_or_sneaking_ballots(
    charter: Charter, cast: Cast, in_voting: str
) -> None:
    close_during_a_rush(charter, charter, cast, in_voting)


RUNNING_AT_EXIT = """
import sys
from pathlib import Path
from governance.config import Settings
from governance.jobs.runner import JobRunner
from governance.services import Charter

folder = Path(sys.argv[1])
for n in range(4):
    path = folder / f"charter-{n}.duckdb"
    charter = Charter.open(Settings(db=path))
    JobRunner(charter, poll_s=0, schedule_s=0).start()  # query DuckDB without a pause
print("leaving", flush=True)
"""


def test_exiting_while_runners_query_duckdb_is_clean(tmp_path: Path) -> None:
    # A daemon thread still inside DuckDB when Python finalizes takes the whole process down
    # ("terminate called ... FATAL: exception not rethrown", exit 134): the runners must stop
    # before that. Several runs, since an unlucky moment is what it takes.
    for attempt in range(5):
        folder = tmp_path / str(attempt)
        folder.mkdir()
        done = subprocess.run(
            [sys.executable, "-c", RUNNING_AT_EXIT, str(folder)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).resolve().parent.parent,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip() == "leaving"


# -- two processes on one PostgreSQL database ------------------------------------------------


@pytest.fixture
def replica(charter: Charter) -> Iterator[Charter]:
    """A second Charter on the same PostgreSQL database with its own connection pool and no
    shared lock: to the server, another process (another app replica)."""
    assert charter.db.shared, "mark the test postgres_only"
    other = open_database(charter.db.url)  # type: ignore[attr-defined]
    yield Charter(other, charter.settings, clock=charter.clock)
    other.close()


@pytest.mark.postgres_only
def test_two_replicas_voting_for_the_same_people_store_each_ballot_once(
    charter: Charter, replica: Charter, cast: Cast, in_voting: str
) -> None:
    voters = cast.everyone()
    rng = random.Random(11)
    # Each voter votes through both replicas at once, often changing their mind.
    plans = [[(v, rng.choice(["approve", "reject", "abstain"])) for v in voters] for _ in range(8)]
    sides = [charter, replica]
    for side in sides:  # folding often, while the other replica writes (and folds)
        side.ballots.fold_every = 3

    errors = run_threads(
        8, lambda t: [sides[t % 2].ballots.cast(v, in_voting, c) for v, c in plans[t]]
    )

    assert errors == []
    with charter.db.read() as tx:
        assert tx.votes.count_votes(in_voting) == len(voters), "one ballot per person"
        stored = tx.votes.votes_of([v.id for v in voters])
    for voter in voters:
        (vote,) = [x for k, x in stored.items() if k[2] == voter.id]
        assert vote.choice.value in {plan[i][1] for plan in plans for i in [voters.index(voter)]}
    tally = charter.ballots.tally(in_voting)
    assert tally.overall.total == len(voters)
    summaries_match_sources(charter.db)  # every change moved the summaries exactly once


@pytest.mark.postgres_only
def test_a_vote_closed_in_one_replica_while_another_takes_ballots_counts_each_once(
    charter: Charter, replica: Charter, cast: Cast, in_voting: str
) -> None:
    close_during_a_rush(charter, replica, cast, in_voting)


@pytest.mark.postgres_only
def test_replicas_starting_together_on_a_new_database_all_start(
    pg_url: str, settings: Settings
) -> None:
    # A new database has no rules: the first replica to start publishes the defaults, and
    # the others, starting in the same instant, must find them instead of failing.
    databases = [open_database(pg_url) for _ in range(4)]
    started: list[Charter] = []
    try:
        errors = run_threads(4, lambda i: started.append(Charter(databases[i], settings)))
        assert errors == []
        assert [r.rules.version for r in started[0].rules.history()] == [1]
    finally:
        for db in databases:
            db.close()
