"""Moving a deployment between engines: ``migrate-store`` and ``storage/transfer.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from governance.config import Settings
from governance.constitution.exports import EXPORTERS, render
from governance.errors import ValidationFailed
from governance.services import Charter
from governance.storage import Database, open_database
from governance.storage.transfer import copy_store, row_counts
from tests.conftest import PROPOSAL, Cast, FakeClock
from tests.test_cli import cli


def exports(db: Database) -> dict[tuple[str, str], bytes]:
    """Every release in every format, as bytes."""
    charter = Charter(db, Settings())
    return {
        (info.row.version, fmt): render(info.constitution, fmt).encode("utf-8")
        for info in charter.constitution.releases()
        for fmt in EXPORTERS
    }


def test_a_round_trip_through_postgres_gives_byte_identical_exports(
    seeded_path: Path, pg_url: str, tmp_path: Path
) -> None:
    back = tmp_path / "back.duckdb"
    there = cli("migrate-store", "--from", str(seeded_path), "--to", pg_url)
    assert there.returncode == 0, there.stderr
    assert "row counts match in every table" in there.stdout
    assert "release 2.0.0: content hash" in there.stdout
    again = cli("migrate-store", "--from", pg_url, "--to", str(back))
    assert again.returncode == 0, again.stderr

    original, returned, middle = (open_database(p) for p in (seeded_path, back, pg_url))
    try:
        assert row_counts(returned) == row_counts(original) == row_counts(middle)
        before, after = exports(original), exports(returned)
        assert len(before) == 2 * len(EXPORTERS)
        assert after == before, "every export byte for byte"
        assert exports(middle) == before
        # Ids continue where they were: the next guideline gets the same id on each.
        with original.read() as a, returned.read() as b, middle.read() as c:
            assert original.next_values(a) == returned.next_values(b) == middle.next_values(c)
        with original.read() as a, returned.read() as b:
            for table in ("votes", "events", "audit_verdicts", "ballot_days"):
                query = f"SELECT * FROM {table} ORDER BY 1, 2, 3"
                assert b.cursor.execute(query).fetchall() == a.cursor.execute(query).fetchall()
    finally:
        for db in (original, returned, middle):
            db.close()


def test_ids_continue_on_the_other_engine_where_the_source_left_off(
    db: Database,
    cast: Cast,
    clock: FakeClock,
    engine: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    other = open_database(
        tmp_path / "copy.duckdb" if engine == "postgresql" else request.getfixturevalue("pg_url")
    )
    try:
        report = copy_store(db, other)
        assert report.rows["stakeholders"] == len(cast.everyone()) + 3
        if other.shared:  # PostgreSQL: the planner knows the rows at once
            with other.read() as tx:
                analyzed = tx.cursor.execute(
                    "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables"
                    " WHERE relname = 'stakeholders'"
                ).fetchall()
            assert analyzed == [(True,)]
        here = Charter(db, Settings(), clock=clock).guidelines.propose(cast.author, PROPOSAL)
        there = Charter(other, Settings(), clock=clock).guidelines.propose(cast.author, PROPOSAL)
        assert here.id == there.id
        assert row_counts(other) == row_counts(db)
    finally:
        other.close()


def test_a_target_with_data_is_refused_and_left_alone(
    charter: Charter, cast: Cast, tmp_path: Path
) -> None:
    other = open_database(tmp_path / "other.duckdb")
    try:
        with pytest.raises(ValidationFailed) as refused:
            copy_store(other, charter.db)
        assert "already holds data" in refused.value.errors["--to"]
        assert "stakeholders" in refused.value.errors["--to"]
        assert row_counts(charter.db)["stakeholders"] == len(cast.everyone()) + 3
    finally:
        other.close()


def test_migrate_store_refuses_the_same_database_and_a_missing_file(tmp_path: Path) -> None:
    same = cli(
        "migrate-store", "--from", str(tmp_path / "a.duckdb"), "--to", str(tmp_path / "a.duckdb")
    )
    assert same.returncode != 0 and "same database" in same.stderr
    missing = cli(
        "migrate-store", "--from", str(tmp_path / "none.duckdb"), "--to", str(tmp_path / "b.duckdb")
    )
    assert missing.returncode != 0 and "no database file" in missing.stderr
    assert not (tmp_path / "none.duckdb").exists()


def test_a_release_whose_text_no_longer_matches_its_hash_stops_the_copy_and_leaves_nothing(
    seeded_path: Path, tmp_path: Path
) -> None:
    source = open_database(seeded_path)
    with source.transaction() as tx:
        tx.cursor.execute(
            "UPDATE constitution_releases SET body = replace(body, 'assistant', 'helper')"
            " WHERE version = '1.0.0'"
        )
    target = open_database(tmp_path / "copy.duckdb")
    try:
        with pytest.raises(ValidationFailed) as refused:
            copy_store(source, target)
        assert refused.value.errors == {"--from": "release 1.0.0's text no longer matches its hash"}
        left = {t: n for t, n in row_counts(target).items() if t != "schema_migrations"}
        assert set(left.values()) == {0}, "the copy was rolled back"
    finally:
        source.close()
        target.close()
