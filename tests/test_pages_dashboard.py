"""The Dashboard page: its filter bar changes what every chart shows; each has its CSV."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from governance.services.dashboard import CHARTS
from tests.apptest_support import open_page, rerun, start


def figures(at: AppTest) -> dict[str, dict[str, Any]]:
    """Each drawn chart's Plotly figure, by its chart name."""
    found = {}
    for element in at.get("plotly_chart"):
        key = str(element.proto.id)
        name = next((n for n in CHARTS if f"chart-{n}" in key), None)
        assert name is not None, key
        found[name] = json.loads(element.proto.spec)
    return found


def trace_names(figure: dict[str, Any]) -> list[str]:
    return [str(t.get("name")) for t in figure["data"]]


def test_every_chart_is_drawn_with_its_caption_and_csv(demo_env: Path) -> None:
    at = start()
    drawn = figures(at)
    assert set(drawn) == set(CHARTS)
    for name, figure in drawn.items():
        assert figure["layout"]["title"]["text"], name
    keys = {str(b.proto.id) for b in at.get("download_button")}
    for name in CHARTS:
        assert any(f"csv-{name}" in key for key in keys), name
    captions = [str(c.value) for c in at.caption]
    assert sum("Filters that apply:" in c for c in captions) == len(CHARTS)


def test_the_filters_change_what_the_charts_show(demo_env: Path) -> None:
    at = open_page(start(), "pages/dashboard.py")  # widgets keep their ids from here on
    before = figures(at)
    assert trace_names(before["participation"]) == ["ethicist", "engineer", "public"]
    rows_before = len(before["split"]["data"][0]["y"])
    at.multiselect(key="dash-groups").select("ethicist")
    rerun(at)
    after = figures(at)
    assert trace_names(after["participation"]) == ["ethicist"]
    assert after["split"]["data"][0]["x"] == ["ethicist"]
    at.multiselect(key="dash-categories").select("honesty")
    rerun(at)
    narrowed = figures(at)
    assert len(narrowed["split"]["data"][0]["y"]) < rows_before
    at.selectbox(key="dash-release").select("1.0.0")
    rerun(at)
    releases = figures(at)["adoption"]["data"][0]["x"]
    assert list(releases) == ["1.0.0"]
    assert "audit_drift" not in figures(at), "the demo's audits are against 2.0.0"
    assert any("No audit matches these filters" in str(i.value) for i in at.info)
