"""The release report's figures: pure Plotly builders over the report's data.

Figures name principles by id only (``P-0007``): titles are people's text, and Plotly draws
a subset of HTML in labels, so user text stays in the escaped tables beside each figure.
Group and model names come from the operator's settings; they are escaped all the same.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

from governance.charts import OKABE_ITO, group_colors
from governance.report.model import ReleaseReport
from governance.voting import percent

#: Height of one principle's band of bars, in pixels.
BAND = 26


def _label(text: str) -> str:
    return html.escape(text, quote=True)


def _layout(fig: go.Figure, rows: int, axis: str) -> go.Figure:
    fig.update_layout(
        template="simple_white",
        barmode="group",
        showlegend=True,
        height=max(220, 90 + rows * BAND),
        margin={"l": 70, "r": 20, "t": 30, "b": 40},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        font={"family": "system-ui, sans-serif", "size": 12},
    )
    fig.update_xaxes(title_text=axis, range=[0, 100], ticksuffix="%")
    fig.update_yaxes(autorange="reversed", type="category")
    return fig


def approval_figure(report: ReleaseReport) -> go.Figure | None:
    """Approval share (of approve + reject) per principle, one bar per group.

    A group with fewer than k ballots on a principle has no bar (its table cell says so).
    None when the release has no principles.
    """
    if not report.principles:
        return None
    fig = go.Figure()
    colors = group_colors(report.groups)
    names = [*report.groups]
    for p in report.principles:
        names += [g.name for g in p.groups if g.name not in names]
    for i, name in enumerate(names):
        ids, shares = [], []
        for p in report.principles:
            row = next((g for g in p.groups if g.name == name), None)
            share = None
            if row is not None and row.counts is not None:
                share = percent(row.counts.approve, row.counts.decisive)
            ids.append(p.id)
            shares.append(share)
        fig.add_bar(
            name=_label(name),
            y=ids,
            x=shares,
            orientation="h",
            marker_color=colors.get(name, OKABE_ITO[(i + 1) % len(OKABE_ITO)]),
            hovertemplate="%{y}: %{x:.1f}% approve<extra>" + _label(name) + "</extra>",
        )
    return _layout(fig, len(report.principles), "approval share (approve of approve + reject)")


def audit_figure(report: ReleaseReport) -> go.Figure | None:
    """Pass rate per principle, one bar per audited model. None when nothing was audited."""
    if not report.audits or not report.principles:
        return None
    fig = go.Figure()
    for i, audit in enumerate(report.audits):
        rates = [audit.results.get(p.id) for p in report.principles]
        fig.add_bar(
            name=_label(f"{audit.model} (run {audit.run_id})"),
            y=[p.id for p in report.principles],
            x=[None if r is None or r.pass_rate is None else r.pass_rate * 100 for r in rates],
            orientation="h",
            marker_color=OKABE_ITO[(i + 5) % len(OKABE_ITO)],
            hovertemplate="%{y}: %{x:.1f}% pass<extra>" + _label(audit.model) + "</extra>",
        )
    return _layout(fig, len(report.principles), "pass rate")
