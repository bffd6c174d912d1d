"""What the verdicts show: the judge's agreement with people, drift over audits, comparisons.

Stewards may send a flagged principle's guideline back to deliberation from here.
"""

from __future__ import annotations

import streamlit as st

from governance.audit_charts import agreement_figure, drift_figure
from governance.errors import GovernanceError
from governance.models import REASON_MAX, Stakeholder
from governance.services import Charter
from governance.services.audit_reviews import Drift
from governance.storage.audits import AuditRunRow
from pages import ui
from pages.components.audit_runs import csv_download, run_label
from pages.components.fields import limited_text

KAPPA_CAPTION = (
    "**Raw agreement**: the share of reviewed verdicts where the person kept the judge's"
    " verdict. **Cohen's kappa** corrects it for the agreement expected by chance with the"
    " same mix of verdicts: 1 is perfect agreement, 0 no better than chance, below 0 worse."
    " It is **undefined** when chance alone explains every match (the judge and the people"
    " gave one and the same verdict every time)."
)


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def agreement(charter: Charter) -> None:
    """Per principle: reviewed verdicts, raw agreement, Cohen's kappa; chart and CSV."""
    rows = charter.audit_reviews.agreement()
    if not rows:
        st.caption("Nobody has reviewed a verdict yet.")
        return
    table = [
        {
            "principle": r.principle_id,
            "reviewed": r.reviewed,
            "agreed": r.agreed,
            "raw agreement": None if r.raw is None else round(r.raw, 3),
            "kappa": "undefined" if r.kappa is None else f"{r.kappa:.3f}",
        }
        for r in rows
    ]
    st.dataframe(table, hide_index=True)
    st.caption(KAPPA_CAPTION)
    figure = agreement_figure(rows)
    if figure is not None:
        st.plotly_chart(figure, key="audits:agreement:chart")
    csv_download("Agreement (CSV)", table, "charter-audit-agreement.csv", "audits:agreement.csv")


def drift(
    charter: Charter, principal: Stakeholder | None, runs: list[AuditRunRow], steward: bool
) -> None:
    """A model's pass rates over its audits, the flags raised, and sending one back."""
    models = sorted({r.model_name for r in runs})
    model = st.selectbox("Model", models, key="audits:drift:model")
    found = charter.audit_reviews.drift(model)
    figure = drift_figure(found.points, found.threshold)
    if figure is None:
        st.caption("No scored verdict for this model yet.")
    else:
        st.plotly_chart(figure, key="audits:drift:chart")
        st.caption(
            "One line per principle; a point's symbol names its release and a dotted line"
            " marks where the release changes. The dashed line is the pass rate below which"
            f" an audit counts against a principle (violation rate above {found.threshold:.0%})."
        )
    rows = [
        {
            "principle": p.principle_id,
            "run": p.run_id,
            "at": f"{p.at:%Y-%m-%d %H:%M} UTC",
            "release": p.release_version,
            "source": p.source,
            "scored": p.scored,
            "violates": p.violates,
            "pass rate": _rate(p.pass_rate),
            "violation rate": _rate(p.violation_rate),
            "basis": p.basis,
        }
        for p in sorted(found.points, key=lambda p: (p.at, p.run_id, p.principle_id))
    ]
    if rows:
        csv_download("Drift (CSV)", rows, f"charter-audit-drift-{model}.csv", "audits:drift.csv")
    _flags(charter, principal, found, steward)


def _flags(charter: Charter, principal: Stakeholder | None, found: Drift, steward: bool) -> None:
    st.subheader("Flags", anchor=False)
    if not found.flags:
        st.caption(
            f"No principle is flagged: none has a violation rate above {found.threshold:.0%}"
            " in its last two audits of this model."
        )
        return
    st.dataframe(
        [
            {
                "principle": f.principle_id,
                "model": f.model,
                "runs": f"{f.run_ids[0]}, {f.run_ids[1]}",
                "violation rates": f"{f.rates[0]:.0%}, {f.rates[1]:.0%}",
                "threshold": f"{f.threshold:.0%}",
            }
            for f in found.flags
        ],
        hide_index=True,
    )
    if not steward:
        return
    for flag in found.flags:
        key = f"audits:reopen:{flag.model}:{flag.principle_id}"
        with st.popover(f"Send {flag.principle_id} back to deliberation…"):
            limited_text(
                "Reason (required; logged with the two audits)",
                f"{key}:reason",
                REASON_MAX,
                error_key=key,
                field="reason",
            )
            st.button(
                "Send back to deliberation",
                key=f"{key}:go",
                on_click=_reopen,
                args=(charter, principal, flag.principle_id, flag.model, key),
            )
        ui.show_outcome(key, with_fields=True)


def _reopen(
    charter: Charter, principal: Stakeholder | None, principle_id: str, model: str, key: str
) -> None:
    reason = st.session_state.get(f"{key}:reason", "")
    ui.run_action(
        key,
        lambda: charter.audit_reviews.reopen(principal, principle_id, model=model, reason=reason),
        f"Sent back: the guideline of {principle_id} is in deliberation again.",
    )


def compare(charter: Charter, runs: list[AuditRunRow]) -> None:
    """Two audits of one model, principle by principle."""
    st.subheader("Compare two audits", anchor=False)
    if len(runs) < 2:
        st.caption("Two audits are needed to compare.")
        return
    labels = {r.id: run_label(r) for r in runs}
    ids = list(labels)
    first_column, second_column = st.columns(2)
    first = first_column.selectbox(
        "First", ids, index=1, format_func=labels.__getitem__, key="audits:compare:a"
    )
    second = second_column.selectbox(
        "Second", ids, index=0, format_func=labels.__getitem__, key="audits:compare:b"
    )
    try:
        found = charter.audit_reviews.compare(first, second)
    except GovernanceError as exc:  # two models, or one run twice: said where chosen
        ui.show_error(exc)
        return
    st.dataframe(
        [
            {
                "principle": c.principle_id,
                "title": c.title,
                "change": c.change,
                "pass rate before": _rate(c.before.pass_rate if c.before else None),
                "pass rate after": _rate(c.after.pass_rate if c.after else None),
                "delta": _rate(c.delta),
            }
            for c in found
        ],
        hide_index=True,
        column_config={
            k: st.column_config.NumberColumn(format="%.1f%%")
            for k in ("pass rate before", "pass rate after", "delta")
        },
    )
