"""Plotly figures, built from domain objects. Pure: no storage, no streamlit.

Every figure draws in one colour-blind-safe palette (Okabe and Ito's), and a stakeholder
group has one colour in every figure (``group_colors``).
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from governance.models import Status
from governance.voting import Counts, Tally, percent, share_text

#: Okabe & Ito's eight colours, told apart with every common colour-vision deficiency.
OKABE_ITO = (
    "#000000",  # black
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
)
BLACK, ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE, VERMILLION, REDDISH_PURPLE = OKABE_ITO

CHOICE_COLORS = {"approve": BLUISH_GREEN, "reject": VERMILLION}
THRESHOLD_COLOR = BLACK
STATUS_COLOR = BLUE
#: Groups take these in the deployment's group order; the two blues are kept far apart.
GROUP_PALETTE = (ORANGE, SKY_BLUE, REDDISH_PURPLE, BLACK, YELLOW, BLUE)
STATUS_ORDER = [s for s in Status]


def group_colors(groups: Sequence[str]) -> dict[str, str]:
    """The colour of each group, in the deployment's group order (the one mapping figures use).

    Args:
        groups: The deployment's groups, in their configured order.

    Returns:
        Group name to colour; past six groups the palette repeats.
    """
    return {g: GROUP_PALETTE[i % len(GROUP_PALETTE)] for i, g in enumerate(groups)}


def tally_figure(result: Tally) -> go.Figure | None:
    """Approve and reject shares per group and overall, each bar with its threshold marked.

    Shares are the rules' own: of approve + reject ballots; abstentions count towards quorum
    only, so they are in the hover text, not in the bars. The bar labels use ``share_text``,
    the same words as the tally's lines.

    Args:
        result: The live tally.

    Returns:
        The figure, or None when there is no approve or reject ballot to draw.
    """
    if result.overall.decisive == 0:
        return None
    rows: list[tuple[str, Counts, int]] = [
        ("overall", result.overall, result.overall_threshold_pct),
        *((g.group, g.counts, g.threshold_pct) for g in result.groups),
    ]
    labels = [name for name, _, _ in rows]
    colors = group_colors([g.group for g in result.groups])
    figure = go.Figure()
    for choice in ("approve", "reject"):
        counts = [(getattr(c, choice), c) for _, c, _ in rows]
        figure.add_bar(
            y=labels,
            x=[percent(n, c.decisive) or 0 for n, c in counts],
            name=choice,
            orientation="h",
            marker_color=CHOICE_COLORS[choice],
            text=[share_text(n, c.decisive) if c.decisive else "" for n, c in counts]
            if choice == "approve"
            else None,
            textposition="inside",
            insidetextanchor="start",
            customdata=[[n, c.decisive, c.abstain, share_text(n, c.decisive)] for n, c in counts],
            hovertemplate=(
                "%{y}: %{customdata[0]} " + choice + " of %{customdata[1]} (%{customdata[3]});"
                " %{customdata[2]} abstain<extra></extra>"
            ),
        )
    figure.add_scatter(
        y=labels,
        x=[threshold for _, _, threshold in rows],
        name="threshold",
        mode="markers",
        marker={
            "symbol": "line-ns",
            "size": 30,
            "color": THRESHOLD_COLOR,
            "line": {"width": 3, "color": THRESHOLD_COLOR},
        },
        hovertemplate="%{y}: needs %{x}% approve<extra></extra>",
    )
    figure.update_layout(
        barmode="stack",
        height=80 + 45 * len(rows),
        margin={"l": 10, "r": 40, "t": 10, "b": 30},
        xaxis={
            "range": [0, 100],
            # Spelled out: a ticksuffix did not show on these ticks in the app.
            "tickvals": [0, 20, 40, 60, 80, 100],
            "ticktext": ["0%", "20%", "40%", "60%", "80%", "100%"],
            "fixedrange": True,
            "title": None,
        },
        yaxis={
            "autorange": "reversed",
            "fixedrange": True,
            "tickvals": labels,
            "ticktext": [
                f'<span style="color:{colors[name]}">\u25a0</span> {name}'
                if name in colors
                else f"<b>{name}</b>"
                for name in labels
            ],
        },
        legend={"orientation": "h", "y": -0.25, "traceorder": "normal"},
    )
    return figure
