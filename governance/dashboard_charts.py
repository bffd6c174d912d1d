"""The dashboard's Plotly figures, built from ``dashboard_frames`` tables. Pure.

Each figure has a title, labelled axes and hover text with the exact numbers; colours are
``charts``' colour-blind-safe palette, a group in the same colour everywhere.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from governance.charts import BLUE, BLUISH_GREEN, CHOICE_COLORS, SKY_BLUE, VERMILLION, group_colors
from governance.privacy import fewer_than

_MARGIN = {"l": 10, "r": 10, "t": 50, "b": 10}
Trace = dict[str, object]


def _figure(
    traces: list[Trace],
    title: str,
    x: str,
    y: str,
    *,
    height: int = 320,
    xaxis: dict[str, object] | None = None,
    yaxis: dict[str, object] | None = None,
    **layout: object,
) -> go.Figure:
    """A figure from plain dicts, validated once (adding traces one by one re-validates)."""
    return go.Figure(
        data=traces,
        layout={
            "title": {"text": title},
            "xaxis": {"title": {"text": x}, **(xaxis or {})},
            "yaxis": {"title": {"text": y}, **(yaxis or {})},
            "height": height,
            "margin": _MARGIN,
            **layout,
        },
    )


def participation(days: Sequence[date], by_group: Mapping[str, Sequence[int]]) -> go.Figure:
    """Ballots cast per day, one line per group; days without ballots are drawn at zero."""
    colors = group_colors(list(by_group))
    traces: list[Trace] = [
        {
            "type": "scatter",
            "x": list(days),
            "y": list(ballots),
            "name": group,
            "mode": "lines",
            "line": {"color": colors[group], "width": 2},
            "hovertemplate": f"{group}: %{{y:,}} ballots on %{{x|%d %b %Y}}<extra></extra>",
        }
        for group, ballots in by_group.items()
    ]
    return _figure(
        traces,
        "Ballots cast per day, by group",
        "day (UTC)",
        "ballots",
        yaxis={"rangemode": "tozero"},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
    )


def turnout(table: pd.DataFrame, k: int) -> go.Figure:
    """Members of each group and how many have voted; groups under k are not drawn."""
    shown = table[table["members"] >= k]
    groups = list(shown["group_name"])
    traces: list[Trace] = [
        {
            "type": "bar",
            "x": groups,
            "y": list(shown["members"]),
            "name": "members",
            "marker": {"color": SKY_BLUE},
            "hovertemplate": "%{x}: %{y:,} members<extra></extra>",
        },
        {
            "type": "bar",
            "x": groups,
            "y": list(shown["voters"]),
            "name": "have voted",
            "marker": {"color": BLUE},
            "customdata": [
                [_pct(v, m)] for v, m in zip(shown["voters"], shown["members"], strict=True)
            ],
            "hovertemplate": "%{x}: %{y:,} have voted (%{customdata[0]})<extra></extra>",
        },
    ]
    hidden = [g for g in table["group_name"] if g not in set(groups)]
    title = "Who votes: members of each group and how many have voted"
    if hidden:
        title += f" ({', '.join(hidden)}: {fewer_than(k)} members, not shown)"
    return _figure(traces, title, "group", "people", barmode="group")


def funnel(table: pd.DataFrame) -> go.Figure:
    """Guidelines reaching each stage, with the share of the stage before and median days."""
    text, hover = [], []
    for row in table.itertuples(index=False):
        if row.conversion is None or pd.isna(row.conversion):
            text.append(f"{row.guidelines:,}")
            hover.append(f"{row.guidelines:,} guidelines")
        else:
            days = "" if pd.isna(row.median_days) else f", median {row.median_days:g} days"
            text.append(f"{row.guidelines:,} ({row.conversion:.0%})")
            hover.append(
                f"{row.guidelines:,} guidelines ({row.conversion:.0%} of the stage before{days})"
            )
    trace: Trace = {
        "type": "funnel",
        "y": list(table["stage"]),
        "x": list(table["guidelines"]),
        "text": text,
        "textinfo": "text",
        "marker": {"color": BLUE},
        "customdata": hover,
        "hovertemplate": "%{y}: %{customdata}<extra></extra>",
    }
    return _figure([trace], "From proposal to adoption", "guidelines", "stage")


def split_heatmap(table: pd.DataFrame, groups: Sequence[str], k: int) -> go.Figure:
    """Approval share per group for each guideline, most divided at the top."""
    rows = table.head(30)
    labels = [f"{g} {_short(t)}" for g, t in zip(rows["guideline_id"], rows["title"], strict=True)]
    # Arrays, not nested lists: Plotly checks a list of lists cell by cell.
    z = np.full((len(rows), len(groups)), np.nan)
    hover = np.empty((len(rows), len(groups)), dtype=object)
    for j, group in enumerate(groups):
        for i, (share, ballots) in enumerate(
            zip(rows[f"{group}_share"], rows[f"{group}_ballots"], strict=True)
        ):
            if pd.isna(share):
                hover[i, j] = f"{group}: {fewer_than(k)} approve or reject ballots"
            else:
                z[i, j] = round(share * 100, 1)
                hover[i, j] = f"{group}: {share:.1%} approve of {ballots:,} decisive ballots"
    trace: Trace = {
        "type": "heatmap",
        "z": z,
        "x": list(groups),
        "y": labels,
        "zmin": 0,
        "zmax": 100,
        "colorscale": [[0, VERMILLION], [0.5, "#F7F7F7"], [1, BLUISH_GREEN]],
        "colorbar": {"title": {"text": "approve %"}},
        "customdata": hover,
        "hovertemplate": "%{y}<br>%{customdata}<extra></extra>",
    }
    return _figure(
        [trace],
        "Approval by group, most divided first",
        "group",
        "guideline",
        height=max(320, 60 + 22 * len(rows)),
        yaxis={"autorange": "reversed", "type": "category"},
    )


def adoption(summary: pd.DataFrame) -> go.Figure:
    """Principles entering (up) and leaving (down) each release, with time to adoption."""
    releases = list(summary["release"])
    entered_ids = summary.get("entered_ids", pd.Series([""] * len(summary)))
    left_ids = summary.get("left_ids", pd.Series([""] * len(summary)))
    medians = summary["median_days_to_adoption"]
    traces: list[Trace] = [
        {
            "type": "bar",
            "x": releases,
            "y": list(summary["entered"]),
            "name": "entered",
            "marker": {"color": BLUISH_GREEN},
            "customdata": [
                [p, "" if pd.isna(d) else f"; median {d:g} days from proposal", ids]
                for p, d, ids in zip(summary["principles"], medians, entered_ids, strict=True)
            ],
            "hovertemplate": "release %{x}: %{y} entered%{customdata[1]}"
            "<br>%{customdata[2]}<br>%{customdata[0]} principles in all<extra></extra>",
        },
        {
            "type": "bar",
            "x": releases,
            "y": [-n for n in summary["left"]],
            "name": "left",
            "marker": {"color": VERMILLION},
            "customdata": [[n, ids] for n, ids in zip(summary["left"], left_ids, strict=True)],
            "hovertemplate": "release %{x}: %{customdata[0]} left<br>%{customdata[1]}"
            "<extra></extra>",
        },
    ]
    return _figure(
        traces,
        "Principles entering and leaving each release",
        "release",
        "principles",
        barmode="relative",
        xaxis={"type": "category"},
    )


def contested(table: pd.DataFrame) -> go.Figure:
    """The most contested guidelines: approve and reject ballots side by side."""
    labels = [
        f"{g} {_short(t)}" for g, t in zip(table["guideline_id"], table["title"], strict=True)
    ]
    traces: list[Trace] = [
        {
            "type": "bar",
            "y": labels,
            "x": list(table[choice]),
            "name": choice,
            "orientation": "h",
            "marker": {"color": CHOICE_COLORS[choice]},
            "hovertemplate": f"%{{y}}: %{{x:,}} {choice}<extra></extra>",
        }
        for choice in ("approve", "reject")
    ]
    return _figure(
        traces,
        "Most contested: many people on each side",
        "approve and reject ballots",
        "guideline",
        height=max(300, 80 + 28 * len(table)),
        barmode="stack",
        yaxis={"autorange": "reversed", "type": "category"},
    )


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def _short(title: object, limit: int = 40) -> str:
    """A title cut to ``limit`` characters, its markup escaped (Plotly reads tags in labels)."""
    text = str(title)
    text = text if len(text) <= limit else text[: limit - 1] + "\u2026"
    return html.escape(text, quote=False)
