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
