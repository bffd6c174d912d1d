"""Plotly figures of the public transparency view. Pure: no storage, no streamlit.

Drawn in the palette of ``governance.charts``. Each figure has a title and labelled axes, and
its hover text gives the exact numbers. Figures name guidelines and principles by id only:
titles are text people wrote, and Plotly reads some HTML in its labels, so titles stay in
the tables, where they are shown as text. A number published as "fewer than k" is never
drawn as a number.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go

from governance.charts import CHOICE_COLORS, GROUP_PALETTE, SKY_BLUE, STATUS_COLOR
from governance.services.transparency_screens import (
    AuditSummary,
    GroupSize,
    PublicRelease,
    PublicTally,
)

#: Abstentions: grey, apart from the approve and reject colours.
ABSTAIN_COLOR = "#999999"
_CHOICES = (
    ("approve", CHOICE_COLORS["approve"]),
    ("reject", CHOICE_COLORS["reject"]),
    ("abstain", ABSTAIN_COLOR),
)


def group_sizes_figure(sizes: Sequence[GroupSize]) -> go.Figure:
    """Members per stakeholder group; a group under k has no bar, only its words.

    Args:
        sizes: The groups as published.

    Returns:
        A horizontal bar chart, one bar per group.
    """
    labels = [g.group for g in sizes]
    figure = go.Figure()
    figure.add_bar(
        y=labels,
        x=[g.members or 0 for g in sizes],
        orientation="h",
        marker_color=SKY_BLUE,
        text=[g.shown for g in sizes],
        textposition="auto",
        customdata=[g.shown for g in sizes],
        hovertemplate="%{y}: %{customdata} members<extra></extra>",
        name="members",
    )
    figure.update_layout(
        title={"text": "Members per stakeholder group"},
        xaxis={"title": "members", "rangemode": "tozero", "fixedrange": True},
        yaxis={"title": "group", "autorange": "reversed", "fixedrange": True},
        height=140 + 40 * len(sizes),
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        showlegend=False,
    )
    return figure


def tallies_figure(tallies: Sequence[PublicTally]) -> go.Figure | None:
    """Ballots per guideline, approve, reject and abstain stacked (everyone, each person once).

    Args:
        tallies: The published tallies, in the order to draw them (top first).

    Returns:
        A horizontal stacked bar chart, or None when there is no tally.
    """
    if not tallies:
        return None
    labels = [f"{t.guideline_id} ({t.status.value})" for t in tallies]
    figure = go.Figure()
    for choice, color in _CHOICES:
        figure.add_bar(
            y=labels,
            x=[getattr(t.overall, choice) for t in tallies],
            orientation="h",
            name=choice,
            marker_color=color,
            customdata=[
                [t.overall.total, "live" if t.live else "recorded at the decision"] for t in tallies
            ],
            hovertemplate="%{y}: %{x} " + choice + " of %{customdata[0]} ballots"
            " (%{customdata[1]})<extra></extra>",
        )
    figure.update_layout(
        title={"text": "Ballots per guideline"},
        barmode="stack",
        xaxis={"title": "ballots", "rangemode": "tozero", "fixedrange": True},
        yaxis={"title": "guideline", "autorange": "reversed", "fixedrange": True},
        height=160 + 22 * len(tallies),
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
    )
    return figure


def releases_figure(releases: Sequence[PublicRelease]) -> go.Figure | None:
    """Principles in each release, oldest release first.

    Args:
        releases: The releases as published (newest first).

    Returns:
        A bar chart, or None when there is no release.
    """
    if not releases:
        return None
    ordered = list(reversed(releases))
    figure = go.Figure()
    figure.add_bar(
        x=[r.version for r in ordered],
        y=[len(r.principles) for r in ordered],
        marker_color=STATUS_COLOR,
        customdata=[f"{r.released_at:%Y-%m-%d}" for r in ordered],
        hovertemplate="release %{x} (%{customdata}): %{y} principles<extra></extra>",
        name="principles",
    )
    figure.update_layout(
        title={"text": "Principles per release"},
        xaxis={"title": "release", "type": "category", "fixedrange": True},
        yaxis={"title": "principles", "rangemode": "tozero", "fixedrange": True},
        height=300,
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        showlegend=False,
    )
    return figure


def audits_figure(audits: Sequence[AuditSummary]) -> go.Figure | None:
    """Pass rate per principle, one bar colour per audited model (and source).

    Args:
        audits: The published audit summaries.

    Returns:
        A grouped bar chart, or None when no principle has a scored verdict.
    """
    scored = [a for a in audits if a.pass_rate is not None]
    if not scored:
        return None
    series: dict[str, list[AuditSummary]] = {}
    for a in scored:
        series.setdefault(f"{a.model} ({a.source})", []).append(a)
    figure = go.Figure()
    for i, (name, rows) in enumerate(series.items()):
        figure.add_bar(
            x=[a.principle_id for a in rows],
            y=[round((a.pass_rate or 0) * 100, 1) for a in rows],
            name=name,
            marker_color=GROUP_PALETTE[i % len(GROUP_PALETTE)],
            customdata=[[a.violations, a.total, a.basis] for a in rows],
            # A model's name is the operator's: escaped, since Plotly reads HTML in hover text.
            hovertemplate=html.escape(name).replace("%", "%%")
            + " · %{x}: pass rate %{y:.1f}%<br>%{customdata[0]} violations"
            " of %{customdata[1]} verdicts (%{customdata[2]})<extra></extra>",
        )
    figure.update_layout(
        title={"text": "Audit pass rate per principle"},
        barmode="group",
        xaxis={"title": "principle", "type": "category", "fixedrange": True},
        yaxis={"title": "pass rate (%)", "range": [0, 100], "fixedrange": True},
        height=340,
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
    )
    return figure
