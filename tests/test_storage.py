"""Storage on real DuckDB files: migrations, constraints, transactions, one process per file."""

import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from governance.errors import Conflict
from governance.events import Event, EventAction
from governance.models import Choice, Vote
from governance.services import Charter
from governance.storage import Database, open_database
from governance.storage.base import BULK_MIN
from governance.storage.cursors import to_numbered
from governance.storage.migrations import MIGRATIONS
from tests.conftest import CONSTRAINT_ERRORS

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_migrations_are_recorded_once(db_path: Path) -> None:
    open_database(db_path).close()
    again = open_database(db_path)
    with again.read() as tx:
        rows = tx.cursor.execute("SELECT version, name FROM schema_migrations").fetchall()
    again.close()
    assert rows == [(n, name) for n, (name, _) in enumerate(MIGRATIONS, start=1)]


def test_a_database_from_a_newer_charter_is_refused(db_path: Path) -> None:
    db = open_database(db_path)
    with db.transaction() as tx:
        tx.cursor.execute(
            "INSERT INTO schema_migrations VALUES (?, 'from the future', ?)", [99, NOW]
        )
    db.close()
    with pytest.raises(RuntimeError, match="newer than this Charter"):
        open_database(db_path)


def test_the_database_refuses_a_second_ballot_for_the_same_version(
    charter: Charter, in_voting: str, cast
) -> None:  # type: ignore[no-untyped-def]
    voter = cast.voters["public"][0]
    charter.ballots.cast(voter, in_voting, "approve")
    twin = Vote(
        guideline_id=in_voting,
        version=1,
        stakeholder_id=voter.id,
        choice=Choice.REJECT,
        cast_at=NOW,
    )
    # PostgreSQL: a Conflict, so the service reads again and retries. DuckDB: its one
    # writer read the stored ballots first, and the primary key refuses the twin.
    refusal = Conflict if charter.db.shared else CONSTRAINT_ERRORS
    with pytest.raises(refusal), charter.db.transaction() as tx:
        tx.votes.insert_votes([twin])
    with charter.db.read() as tx:
        assert tx.votes.get_vote(in_voting, 1, voter.id).choice is Choice.APPROVE  # type: ignore[union-attr]
        assert tx.votes.count_votes() == 1


def test_the_database_refuses_an_unknown_choice(db: Database) -> None:
    with pytest.raises(CONSTRAINT_ERRORS), db.transaction() as tx:
        tx.cursor.execute("INSERT INTO votes VALUES (1, 1, 1, 'maybe', '', ?)", [NOW])


def test_a_failed_transaction_leaves_nothing(db: Database) -> None:
    event = Event(at=NOW, actor_id=None, action=EventAction.RULES_UPDATED, subject="rules")
    with pytest.raises(RuntimeError), db.transaction() as tx:
        tx.events.append(event)
        raise RuntimeError("boom")
    with db.read() as tx:
        assert tx.events.find(actions=[EventAction.RULES_UPDATED]) == []


def test_events_keep_order_and_content(db: Database) -> None:
    with db.transaction() as tx:
        tx.events.append_all(
            [
                Event(
                    at=NOW,
                    actor_id=7,
                    action=EventAction.GUIDELINE_PROPOSED,
                    subject="G-0001",
                    before={"x": 1},
                ),
                Event(
                    at=NOW,
                    actor_id=None,
                    action=EventAction.GUIDELINE_AMENDED,
                    subject="G-0001",
                    after={"ü": "✓"},
                ),
            ]
        )
    with db.read() as tx:
        first, second = tx.events.find(subject="G-0001", ascending=True)
    assert (first.action, first.actor_id, first.before) == (
        EventAction.GUIDELINE_PROPOSED,
        7,
        {"x": 1},
    )
    assert (second.action, second.actor_id, second.after) == (
        EventAction.GUIDELINE_AMENDED,
        None,
        {"ü": "✓"},
    )
    assert first.id is not None and second.id is not None and first.id < second.id


@pytest.mark.duckdb_only
def test_a_second_process_is_told_the_database_is_busy(db: Database, db_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "governance", "rules", "--db", str(db_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {db_path} is in use by another process (is the app running?); stop it and try again"
    ]


STORAGE = ROOT / "governance" / "storage"
# DuckDB-only syntax that PostgreSQL would not run.
NOT_POSTGRES = [
    r"INSERT OR REPLACE",
    r"INSERT OR IGNORE",
    r"\bBY NAME\b",
    r"\bQUALIFY\b",
    r"::",
    r"\bUSING SAMPLE\b",
    r"\bPIVOT\b",
    r"CREATE OR REPLACE TABLE",
    r"\bSTRUCT\b",
    r"\bLIST\(",
]


@pytest.mark.parametrize("path", sorted(STORAGE.glob("*.py")), ids=lambda p: p.name)
def test_sql_stays_in_the_postgres_subset(path: Path) -> None:
    source = path.read_text()
    for pattern in NOT_POSTGRES:
        assert not re.search(pattern, source), f"{path.name} uses {pattern}"


# -- what differs between the engines --------------------------------------------------------


def test_question_marks_are_numbered_outside_quoted_text() -> None:
    assert to_numbered("SELECT ? WHERE a LIKE 'G-%' AND b = '?' AND c = ?") == (
        "SELECT $1 WHERE a LIKE 'G-%' AND b = '?' AND c = $2"
    )
    assert to_numbered("SELECT 'it''s ?', \"odd?col\", 5 % 2, ?") == (
        "SELECT 'it''s ?', \"odd?col\", 5 % 2, $1"
    )


def test_a_statement_keeps_its_literal_percent_and_quoted_marks_on_either_engine(
    db: Database,
) -> None:
    with db.read() as tx:
        row = tx.cursor.execute(
            "SELECT ? || '%', '?', 7 % 4, ? LIKE 'G-%'", ["a", "G-0001"]
        ).fetchall()
    assert row == [("a%", "?", 3, True)]


def test_many_rows_load_at_once_with_nulls_and_any_text(db: Database) -> None:
    texts = ["plain", "ünïcödé ✓", "'; DROP TABLE events; --", "{{ 7*7 }} %s ? \\N", ""]
    rows = [
        (n, 1, NOW, None if n % 7 == 0 else n % 5, "rules.updated", f"S-{n}", texts[n % 5], None)
        for n in range(1, BULK_MIN + 51)
    ]
    columns = ["id", "schema_version", "occurred_at", "actor_id", "action", "subject"]
    columns += ["reason", "before_state"]
    with db.transaction() as tx:
        tx.events._bulk("events", columns, rows)
    with db.read() as tx:
        stored = tx.cursor.execute(
            f"SELECT {', '.join(columns)} FROM events ORDER BY id"
        ).fetchall()
    assert stored == rows


def test_frames_and_sums_come_back_typed_alike_on_both_engines(db: Database) -> None:
    with db.transaction() as tx:
        tx.cursor.execute(
            "INSERT INTO ballot_days (day, guideline_id, group_name, ballots)"
            " VALUES (?, 1, 'public', 3), (?, 1, 'public', 4)",
            [NOW.date(), (NOW + timedelta(days=1)).date()],
        )
    with db.read() as tx:
        (total,) = tx.cursor.execute("SELECT sum(ballots) FROM ballot_days").fetchall()
        frame = tx.cursor.execute(
            "SELECT day, sum(ballots), CAST(? AS TIMESTAMPTZ) FROM ballot_days"
            " GROUP BY day ORDER BY day",
            [NOW],
        ).df()
    assert total == (7,) and isinstance(total[0], int)
    assert [str(t) for t in frame.dtypes] == ["datetime64[us]", "float64", "datetime64[us, UTC]"]
    assert list(frame.iloc[:, 1]) == [3.0, 4.0]
    assert frame.iloc[0, 0] == pd.Timestamp(NOW.date())


def test_every_process_sees_the_data_versions_move_with_the_others_writes(
    pg_url: str,
) -> None:
    # Two Database objects with their own pools and listeners: two replicas, as far as
    # PostgreSQL can tell.
    first, second = open_database(pg_url), open_database(pg_url)
    try:
        before = second.versions(["events", "votes"])
        with first.transaction() as tx:
            tx.events.append(
                Event(at=NOW, actor_id=None, action=EventAction.RULES_UPDATED, subject="rules")
            )
        deadline = time.monotonic() + 5
        while second.versions(["events"])[0] == before[0] and time.monotonic() < deadline:
            time.sleep(0.01)
        after = second.versions(["events", "votes"])
        assert after[0] > before[0], "the other replica's write moved events"
        assert after[1] == before[1], "and nothing it did not write"
        with pytest.raises(RuntimeError), first.transaction() as tx:
            tx.events.append(
                Event(at=NOW, actor_id=None, action=EventAction.RULES_UPDATED, subject="x")
            )
            raise RuntimeError("rolled back: no announcement")
        time.sleep(0.3)
        assert second.versions(["events"]) == after[:1]
    finally:
        first.close()
        second.close()


def test_postgres_adds_the_event_log_indexes_once_and_a_replica_starting_changes_nothing(
    pg_url: str,
) -> None:
    first = open_database(pg_url)
    try:
        with first.read() as tx:
            names = {
                r[0]
                for r in tx.cursor.execute(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'events'"
                ).fetchall()
            }
            # A guideline's history and the recent activity can be read from an index, not
            # the whole log.
            tx.cursor.execute("SET LOCAL enable_seqscan = off")
            plans = [
                " ".join(str(r[0]) for r in tx.cursor.execute(f"EXPLAIN {sql}").fetchall())
                for sql in (
                    "SELECT id FROM events WHERE subject = 'G-0001'"
                    " ORDER BY occurred_at DESC, id DESC LIMIT 100",
                    "SELECT id FROM events WHERE action IN ('comment.posted', 'vote.decided')"
                    " ORDER BY occurred_at DESC, id DESC LIMIT 60",
                )
            ]
        assert {"events_by_subject", "events_by_action"} <= names
        assert "events_by_subject" in plans[0] and "events_by_action" in plans[1]
        before = first.versions(["events", "votes"])
        open_database(pg_url).close()  # another replica starting: the indexes are there
        time.sleep(0.3)
        assert first.versions(["events", "votes"]) == before
    finally:
        first.close()
