"""Figure builders: pure functions of data, checked on the figures they return."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import pytest

from governance import charts
from governance.models import GovernanceRules
from governance.voting import Counts, Tally, tally

GROUPS = ("ethicist", "engineer", "public")
RULES = GovernanceRules(group_threshold_pct={"public": 55})


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
    assert figure.layout.xaxis.ticksuffix == "%"
    # "100%" is a tick with room to be drawn: plotly hides a label that overflows the chart.
    assert list(figure.layout.xaxis.tickvals) == [0, 20, 40, 60, 80, 100]
    assert figure.layout.margin.r >= 30
    assert figure.layout.xaxis.fixedrange, "zooming never hides part of the scale"


@pytest.mark.parametrize(
    "overall", [Counts(), Counts(abstain=3)], ids=["no ballots", "only abstentions"]
)
def test_tally_without_approve_or_reject_draws_no_figure(overall: Counts) -> None:
    result = tally(overall, {"public": overall}, RULES, GROUPS)
    assert charts.tally_figure(result) is None
