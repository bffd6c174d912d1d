"""Plotly figures of audits: pass rates per principle, judge agreement, drift over audits.

Pure functions of the audit read models (no storage, no streamlit), drawn in the palette of
``governance.charts``. Every bar and point carries its exact counts in the hover text, so
a rate is never read without what it rests on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from governance.audit.agreement import Agreement
from governance.audit.drift import DriftPoint
from governance.charts import BLUE, BLUISH_GREEN, OKABE_ITO, ORANGE, THRESHOLD_COLOR
from governance.storage.audit_reviews import PrincipleCounts

#: One marker symbol per release of a drift series, in the order the releases appear.
RELEASE_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross")


def _pct(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _counts_text(c: PrincipleCounts) -> str:
    return (
        f"{c.complies} complies, {c.violates} violates, {c.partial} partial,"
        f" {c.not_applicable} not applicable, {c.unparseable} unparseable"
        f"<br>{c.scored} scored of {c.total}; {c.reviewed} reviewed ({c.basis})"
    )


def pass_rate_figure(
    counts: Sequence[PrincipleCounts], titles: Mapping[str, str] | None = None
) -> go.Figure | None:
    """One bar per principle: its pass rate in percent, exact counts in the hover.

    Args:
        counts: Effective verdicts per principle (a run's).
        titles: Principle titles by id, shown in the hover.

    Returns:
        The figure, or None when no principle has a scored verdict.
    """
    scored = [c for c in counts if c.pass_rate is not None]
    if not scored:
        return None
    names = titles or {}
    figure = go.Figure()
    figure.add_bar(
        x=[c.principle_id for c in scored],
        y=[_pct(c.pass_rate) for c in scored],
        name="pass rate",
        marker_color=BLUISH_GREEN,
        text=[f"{_pct(c.pass_rate):g}%" for c in scored],
        textposition="auto",
        customdata=[[names.get(c.principle_id, ""), _counts_text(c)] for c in scored],
        hovertemplate="<b>%{x}</b> %{customdata[0]}<br>pass rate %{y:.1f}%<br>"
        "%{customdata[1]}<extra></extra>",
    )
    figure.update_layout(
        title={"text": "Pass rate per principle"},
        yaxis={"title": "pass rate (%)", "range": [0, 100]},
        xaxis={"title": "principle", "type": "category"},
        margin={"t": 50, "b": 40},
        height=340,
    )
    return figure


def agreement_figure(rows: Sequence[Agreement]) -> go.Figure | None:
    """Raw agreement and Cohen's kappa per principle, side by side (kappa left out if undefined).

    Returns:
        The figure, or None when nothing was reviewed.
    """
    reviewed = [r for r in rows if r.reviewed]
    if not reviewed:
        return None
    ids = [r.principle_id for r in reviewed]
    figure = go.Figure()
    figure.add_bar(
        x=ids,
        y=[r.raw for r in reviewed],
        name="raw agreement",
        marker_color=BLUE,
        customdata=[[r.agreed, r.reviewed] for r in reviewed],
        hovertemplate="<b>%{x}</b><br>raw agreement %{y:.2f}"
        "<br>%{customdata[0]} of %{customdata[1]} kept<extra></extra>",
    )
    figure.add_bar(
        x=ids,
        y=[r.kappa for r in reviewed],
        name="Cohen's kappa",
        marker_color=ORANGE,
        customdata=[
            ["undefined" if r.kappa is None else f"{r.kappa:.2f}", r.reviewed] for r in reviewed
        ],
        hovertemplate="<b>%{x}</b><br>kappa %{customdata[0]}"
        "<br>%{customdata[1]} reviewed<extra></extra>",
    )
    figure.update_layout(
        title={"text": "Judge and reviewers: raw agreement and Cohen's kappa"},
        barmode="group",
        yaxis={"title": "agreement", "range": [-1, 1]},
        xaxis={"title": "principle", "type": "category"},
        margin={"t": 50, "b": 40},
        height=340,
    )
    return figure


def _symbols(symbols: list[str]) -> str | list[str]:
    """One symbol for a line whose points share it (checked once, not per point)."""
    return symbols[0] if len(set(symbols)) == 1 else symbols


def drift_figure(points: Sequence[DriftPoint], threshold: float | None = None) -> go.Figure | None:
    """Pass rate per principle over successive audits of one model, one line per principle.

    A point's marker symbol names its release, and a dotted vertical line marks each audit
    where the release changes. Hover: the exact rate, counts, run, release and basis.

    Args:
        points: Drift points; with several models, each line is named by model and principle.
        threshold: The violation rate above which audits count against a principle; drawn as
            the pass rate it leaves (``1 - threshold``).

    Returns:
        The figure, or None when no point has a pass rate.
    """
    drawn = sorted((p for p in points if p.pass_rate is not None), key=lambda p: (p.at, p.run_id))
    if not drawn:
        return None
    releases: list[str] = []
    for point in drawn:
        if point.release_version not in releases:
            releases.append(point.release_version)
    symbol = {r: RELEASE_SYMBOLS[i % len(RELEASE_SYMBOLS)] for i, r in enumerate(releases)}
    palette = OKABE_ITO[1:] + OKABE_ITO[:1]  # black last: it is the threshold's colour
    several = len({p.model for p in drawn}) > 1
    # Traces, shapes and notes are built as plain dicts and handed to Plotly at once: adding
    # them one by one re-validates the whole figure each time (seconds at a hundred lines).
    traces: list[dict[str, object]] = []
    lines: dict[tuple[str, str], list[DriftPoint]] = {}
    for point in drawn:
        lines.setdefault((point.model, point.principle_id), []).append(point)
    for i, ((model, principle_id), series) in enumerate(sorted(lines.items())):
        traces.append(
            {
                "type": "scatter",
                "x": np.array([p.at for p in series], dtype=object),
                "y": np.array([_pct(p.pass_rate) for p in series], dtype=float),
                "name": f"{model} \u00b7 {principle_id}" if several else principle_id,
                "mode": "lines+markers",
                "line": {"color": palette[i % len(palette)]},
                "marker": {
                    "symbol": _symbols([symbol[p.release_version] for p in series]),
                    "size": 9,
                },
                # An array: Plotly takes it as it is, where a list of lists is checked
                # cell by cell.
                "customdata": np.array(
                    [
                        [p.run_id, p.release_version, p.basis, p.violates, p.scored, p.source]
                        for p in series
                    ],
                    dtype=object,
                ),
                "hovertemplate": f"<b>{principle_id}</b><br>pass rate %{{y:.1f}}%"
                "<br>%{customdata[3]} violations of %{customdata[4]} scored"
                "<br>run %{customdata[0]} (%{customdata[5]}), release %{customdata[1]}"
                "<br>basis: %{customdata[2]}<extra></extra>",
            }
        )
    shapes: list[dict[str, object]] = []
    notes: list[dict[str, object]] = []
    runs = sorted({(p.at, p.run_id, p.release_version) for p in drawn})
    for (at, _, release), (_, _, before) in zip(runs[1:], runs[:-1], strict=True):
        if release != before:
            shapes.append(
                {
                    "type": "line",
                    "x0": at,
                    "x1": at,
                    "y0": 0,
                    "y1": 1,
                    "xref": "x",
                    "yref": "paper",
                    "line": {"dash": "dot", "color": THRESHOLD_COLOR, "width": 1},
                }
            )
            notes.append(
                {
                    "x": at,
                    "y": 1,
                    "xref": "x",
                    "yref": "paper",
                    "text": f"release {release}",
                    "showarrow": False,
                }
            )
    figure = go.Figure(data=traces, layout={"shapes": shapes, "annotations": notes})
    if threshold is not None:
        figure.add_hline(
            y=round((1 - threshold) * 100, 1),
            line={"dash": "dash", "color": THRESHOLD_COLOR, "width": 1},
        )
    figure.update_layout(
        title={"text": "Pass rate per principle over successive audits"},
        yaxis={"title": "pass rate (%)", "range": [0, 105]},
        xaxis={"title": "audit"},
        legend={"title": "principle"},
        margin={"t": 50, "b": 40},
        height=380,
    )
    return figure
