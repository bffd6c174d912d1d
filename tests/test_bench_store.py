"""``bench votes --store ... --processes P`` at a tiny scale: several replicas cast at once and
no ballot is lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from governance.cli import main
from governance.storage import open_database


def test_two_replicas_on_postgres_cast_without_losing_a_ballot(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["bench", "votes", "--store", pg_url, "--processes", "2", "--threads", "4"]
    args += ["--voters", "300", "--guidelines", "20", "--votes", "2000", "--casts", "400"]
    assert main(args) == 0
    (line,) = capsys.readouterr().out.splitlines()
    figures = json.loads(line)
    assert (figures["store"], figures["processes"]) == ("postgresql", 2)
    assert figures["ballots_per_s"] > 0, figures
    assert figures["cast_p99_ms"] >= figures["cast_p50_ms"] > 0, figures
    assert (figures["lost_votes"], figures["cast_errors"]) == (0, 0), figures
    db = open_database(pg_url)
    try:
        with db.read() as tx:
            assert tx.votes.count_votes() >= 2000
    finally:
        db.close()


def test_a_duckdb_file_takes_one_process_and_a_store_with_data_is_refused(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    several = ["bench", "votes", "--store", str(tmp_path / "b.duckdb"), "--processes", "2"]
    assert main(several) == 1
    assert "a DuckDB file takes one process" in capsys.readouterr().err
    small = ["--voters", "50", "--guidelines", "5", "--votes", "100", "--casts", "20"]
    assert main(["bench", "votes", "--store", pg_url, "--processes", "1", *small]) == 0
    capsys.readouterr()
    assert main(["bench", "votes", "--store", pg_url, "--processes", "1", *small]) == 1
    assert "holds data already" in capsys.readouterr().err
