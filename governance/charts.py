"""Plotly figures, built from domain objects. Pure: no storage, no streamlit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from governance.models import Status
from governance.voting import Tally

CHOICE_COLORS = {"approve": "#2e7d32", "reject": "#c62828", "abstain": "#9e9e9e"}
STATUS_ORDER = [s for s in Status]


def tally_figure(result: Tally) -> go.Figure:
    """Stacked bars of approve / reject / abstain per group and overall, with thresholds."""
    rows = [("overall", result.overall)] + [(g.group, g.counts) for g in result.groups]
    labels = [name for name, _ in rows]
    figure = go.Figure()
    for choice in ("approve", "reject", "abstain"):
        counts = [getattr(c, choice) for _, c in rows]
        shares = [
            n / c.total * 100 if c.total else 0 for n, (_, c) in zip(counts, rows, strict=True)
        ]
        figure.add_bar(
            y=labels,
            x=shares,
            name=choice,
            orientation="h",
            marker_color=CHOICE_COLORS[choice],
            customdata=counts,
            hovertemplate="%{y}: %{customdata} "
            + choice
            + " (%{x:.1f}% of ballots)<extra></extra>",
        )
    figure.update_layout(
        barmode="stack",
        height=60 + 45 * len(rows),
        margin={"l": 10, "r": 10, "t": 10, "b": 30},
        xaxis={"range": [0, 100], "ticksuffix": "%", "title": None},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def status_figure(counts: Mapping[Status, int]) -> go.Figure:
    """How many guidelines are in each status."""
    present = [s for s in STATUS_ORDER if counts.get(s)]
    figure = go.Figure(
        go.Bar(x=[s.value for s in present], y=[counts[s] for s in present], marker_color="#5c6bc0")
    )
    figure.update_layout(height=260, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return figure


def participation_figure(rows: Sequence[tuple[Any, str, int]]) -> go.Figure:
    """Ballots cast per day, one line per group."""
    figure = go.Figure()
    for group in sorted({g for _, g, _ in rows}):
        points = [(day, n) for day, g, n in rows if g == group]
        figure.add_scatter(
            x=[d for d, _ in points], y=[n for _, n in points], name=group, mode="lines+markers"
        )
    figure.update_layout(
        height=260,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"title": "ballots"},
        legend={"orientation": "h"},
    )
    return figure
