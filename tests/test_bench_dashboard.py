"""The dashboard benchmark runs at a tiny scale, prints its figures, and builds a database
whose summaries agree with what the dashboard's sources say."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from governance.cli import main
from governance.config import Settings
from governance.models import DashboardFilter
from governance.services import Charter
from governance.services.dashboard import CHARTS
from governance.storage import Database


def test_tiny_dashboard_benchmark_prints_one_json_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bench.duckdb"
    args = ["bench", "dashboard", "--votes", "20000", "--voters", "2000", "--guidelines", "200"]
    args += ["--audit-results", "4000", "--casts", "80", "--loads", "3", "--db", str(db)]
    assert main(args) == 0
    (line,) = capsys.readouterr().out.splitlines()
    figures = json.loads(line)
    assert set(figures["chart_ms"]) == set(CHARTS)
    assert all(ms > 0 for ms in figures["chart_ms"].values())
    for key in ("page_first_s", "page_cached_ms", "cast_p99_ms", "cast_p99_ratio"):
        assert figures[key] > 0, key
    assert figures["page_loads_during_casts"] > 0
    charter = Charter.open(Settings(db=db))
    with charter.db.read() as tx:
        assert tx.votes.count_votes() >= 20000
        assert tx.analytics.headline()["ballots"] == tx.votes.count_votes()
        assert tx.analytics.tallies_under_vote() == tx.votes.ballot_counts_under_vote()
    charts = {c.name: c for c in charter.dashboard.charts()}
    assert all(c.figure is not None for c in charts.values()), [
        c.name for c in charts.values() if c.figure is None
    ]
    year = DashboardFilter(since=datetime.now(UTC).date() - timedelta(days=400))
    assert list(charter.dashboard.chart("funnel", year).table["guidelines"])[0] == 200
    assert 0 < list(charts["funnel"].table["guidelines"])[0] < 200, "the last 60 days"
    charter.close()


def test_the_charts_are_timed_on_an_existing_database_of_either_engine(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    location = getattr(demo_db, "url", None) or str(demo_db.location)
    demo_db.close()  # a DuckDB file takes one process... and one opening
    assert main(["bench", "charts", "--db", location, "--repeats", "1"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    figures = json.loads(line)
    assert figures["store"] == ("postgresql" if location.startswith("postgresql") else "duckdb")
    assert set(figures["chart_ms"]) == set(figures["chart_filtered_ms"]) == set(CHARTS)
    assert figures["votes"] > 0 and figures["page_first_s"] > 0


def test_timing_the_charts_of_an_empty_database_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.duckdb"
    assert main(["bench", "charts", "--db", str(missing)]) == 1
    assert f"no database at {missing}" in capsys.readouterr().err and not missing.exists()
    Charter.open(Settings(db=tmp_path / "empty.duckdb")).close()
    assert main(["bench", "charts", "--db", str(tmp_path / "empty.duckdb")]) == 1
    assert "holds no ballots" in capsys.readouterr().err
