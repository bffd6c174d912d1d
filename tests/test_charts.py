"""Figure builders: pure functions of data, checked on the figures they return."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from governance import charts, dashboard_charts, dashboard_frames
from governance.models import GovernanceRules
from governance.voting import Counts, Tally, tally

GROUPS = ("ethicist", "engineer", "public")
RULES = GovernanceRules(group_threshold_pct={"public": 55})
HEX = re.compile(r"#[0-9A-Fa-f]{6}\b")


def a_tally() -> Tally:
    """Overall 2 approve / 1 reject / 1 abstain: 66.7% support, though 50% of all ballots."""
    return tally(
        Counts(approve=2, reject=1, abstain=1),
        {"public": Counts(approve=2, reject=1, abstain=1), "engineer": Counts(approve=1, reject=3)},
        RULES,
        GROUPS,
    )


def bars(figure: go.Figure) -> dict[str, Any]:
    return {t.name: t for t in figure.data if t.type == "bar"}


def days(n: int) -> tuple[date, ...]:
    return tuple(date(2026, 3, 1) + timedelta(days=i) for i in range(n))


def colours(figure: go.Figure) -> set[str]:
    """Every colour a figure names, its template's defaults left out."""
    drawn = figure.to_plotly_json()
    drawn["layout"].pop("template", None)
    return {c.upper() for c in HEX.findall(repr(drawn))}


# -- the live tally ----------------------------------------------------------------------


def test_tally_bars_are_the_rules_shares_of_approve_plus_reject() -> None:
    result = a_tally()
    figure = charts.tally_figure(result)
    assert figure is not None
    approve, reject = bars(figure)["approve"], bars(figure)["reject"]
    assert list(approve.y) == ["overall", *GROUPS] == list(reject.y)
    # Abstentions count towards quorum only: 2 of 3, not 2 of 4.
    assert list(approve.x) == pytest.approx([200 / 3, 0, 25, 200 / 3])
    assert list(reject.x) == pytest.approx([100 / 3, 0, 75, 100 / 3])
    # The figure's words are the text's words.
    assert list(approve.text) == ["66.7%", "", "25%", "66.7%"]
    assert result.lines[0].startswith("overall: 66.7% approve of 3 (1 abstain")


def test_tally_marks_each_bars_threshold() -> None:
    figure = charts.tally_figure(a_tally())
    assert figure is not None
    (marks,) = [t for t in figure.data if t.name == "threshold"]
    assert list(marks.y) == ["overall", *GROUPS]
    assert list(marks.x) == [60, 50, 50, 55]


def test_tally_axis_runs_from_0_to_100_percent() -> None:
    figure = charts.tally_figure(a_tally())
    assert figure is not None
    assert tuple(figure.layout.xaxis.range) == (0, 100)
    # "100%" is a tick, labelled, with room to be drawn: plotly hides a label that overflows.
    assert list(figure.layout.xaxis.tickvals) == [0, 20, 40, 60, 80, 100]
    assert list(figure.layout.xaxis.ticktext) == ["0%", "20%", "40%", "60%", "80%", "100%"]
    assert figure.layout.margin.r >= 30
    assert figure.layout.xaxis.fixedrange, "zooming never hides part of the scale"


@pytest.mark.parametrize(
    "overall", [Counts(), Counts(abstain=3)], ids=["no ballots", "only abstentions"]
)
def test_tally_without_approve_or_reject_draws_no_figure(overall: Counts) -> None:
    result = tally(overall, {"public": overall}, RULES, GROUPS)
    assert charts.tally_figure(result) is None


# -- one palette, one colour per group ---------------------------------------------------


def every_figure() -> dict[str, go.Figure]:
    figure = charts.tally_figure(a_tally())
    assert figure is not None
    return {
        "tally": figure,
        "participation": dashboard_charts.participation(
            days(3), {g: (0, i, 2) for i, g in enumerate(GROUPS)}
        ),
        "turnout": dashboard_charts.turnout(
            pd.DataFrame({"group_name": GROUPS, "members": [9, 20, 300], "voters": [3, 20, 120]}),
            5,
        ),
        "funnel": dashboard_charts.funnel(
            pd.DataFrame(
                {
                    "stage": ["proposed", "voting"],
                    "guidelines": [10, 4],
                    "conversion": [None, 0.4],
                    "median_days": [None, 3.5],
                }
            )
        ),
        "contested": dashboard_charts.contested(
            pd.DataFrame(
                {"guideline_id": ["G-0001"], "title": ["T"], "approve": [40], "reject": [38]}
            )
        ),
    }


@pytest.mark.parametrize("name", ["tally", "participation", "turnout", "funnel", "contested"])
def test_every_figure_draws_in_the_colour_blind_safe_palette(name: str) -> None:
    figure = every_figure()[name]
    used = colours(figure)
    assert used and used <= {c.upper() for c in charts.OKABE_ITO}, used
    for trace in figure.data:  # nothing left to plotly's default colourway
        assert HEX.search(repr(trace.to_plotly_json())), trace.name


def test_a_group_keeps_its_colour_in_every_figure() -> None:
    palette = charts.group_colors(GROUPS)
    assert len(set(palette.values())) == len(GROUPS), "each group its own colour"
    figures = every_figure()
    lines = {t.name: t.line.color for t in figures["participation"].data}
    assert lines == palette
    ticks = dict(
        zip(
            figures["tally"].layout.yaxis.tickvals,
            figures["tally"].layout.yaxis.ticktext,
            strict=True,
        )
    )
    for group in GROUPS:
        assert palette[group] in ticks[group] and group in ticks[group]


# -- ballots per day ---------------------------------------------------------------------


def test_participation_draws_one_point_per_day_zero_days_included() -> None:
    series = {"ethicist": (1, 0, 0, 0, 4), "engineer": (0, 0, 0, 0, 0), "public": (2, 0, 3, 0, 1)}
    figure = dashboard_charts.participation(days(5), series)
    assert [t.name for t in figure.data] == list(GROUPS)
    for trace in figure.data:
        assert list(trace.x) == list(days(5))
        assert tuple(trace.y) == series[trace.name]


# -- the dashboard's figures ----------------------------------------------------------------


def test_the_split_heatmap_draws_a_share_per_group_and_blanks_small_counts() -> None:
    shares = pd.DataFrame(
        {
            "guideline_id": [1, 2],
            "title": ["Cite <b>sources</b>", "Admit uncertainty"],
            "status": ["voting"] * 2,
            "category": ["honesty"] * 2,
            "approve": [30, 12],
            "reject": [10, 12],
            "ethicist_approve": [2, 9],
            "ethicist_reject": [1, 1],
            "public_approve": [28, 3],
            "public_reject": [9, 11],
        }
    )
    table = dashboard_frames.group_split(shares, ("ethicist", "public"), 5)
    assert list(table["guideline_id"]) == ["G-0002", "G-0001"], "most divided first"
    figure = dashboard_charts.split_heatmap(table, ("ethicist", "public"), 5)
    (heatmap,) = figure.data
    assert heatmap.type == "heatmap" and list(heatmap.x) == ["ethicist", "public"]
    assert [[None if math.isnan(v) else v for v in row] for row in heatmap.z] == [
        [90.0, 21.4],
        [None, 75.7],
    ], "a share under k is a gap"
    assert "fewer than 5" in heatmap.customdata[1][0]
    assert heatmap.y[1] == "G-0001 Cite &lt;b&gt;sources&lt;/b&gt;", "markup is escaped"


def test_the_funnel_and_adoption_draw_their_numbers() -> None:
    funnel = dashboard_charts.funnel(
        pd.DataFrame(
            {
                "stage": ["proposed", "deliberation"],
                "guidelines": [10, 4],
                "conversion": [None, 0.4],
                "median_days": [None, 2.5],
            }
        )
    )
    (trace,) = funnel.data
    assert list(trace.x) == [10, 4] and list(trace.y) == ["proposed", "deliberation"]
    assert trace.text[1] == "4 (40%)"
    assert trace.customdata[1] == "4 guidelines (40% of the stage before, median 2.5 days)"
    adoption = dashboard_charts.adoption(
        pd.DataFrame(
            {
                "release": ["1.0.0", "2.0.0"],
                "released_at": [None, None],
                "principles": [3, 4],
                "entered": [3, 2],
                "left": [0, 1],
                "median_days_to_adoption": [12.5, None],
            }
        )
    )
    entered, left = adoption.data
    assert list(entered.y) == [3, 2] and list(left.y) == [0, -1]
    assert list(entered.x) == ["1.0.0", "2.0.0"]
