"""The review queue: one verdict at a time, the most urgent first; confirm or override it.

One click per decision, and a key for each (Streamlit's button shortcuts; ``c`` and ``r``
are Streamlit's own, so confirming is ``y``). The next item loads as the decision is
stored: the callback runs before the page is drawn again.
"""

from __future__ import annotations

import streamlit as st

from governance.models import REASON_MAX, Stakeholder
from governance.services import Charter
from governance.services.audit_reviews import QueueItem
from governance.storage.audits import AuditRunRow
from pages import ui
from pages.components.fields import limited_text

PREFIX = "audits:review:"
#: Override choices: label, verdict stored, key.
OVERRIDES = (
    ("Complies", "complies", "a"),
    ("Violates", "violates", "v"),
    ("Not applicable", "not_applicable", "n"),
)
CONFIRM_SHORTCUT = "y"


def _decide(
    charter: Charter, principal: Stakeholder | None, verdict_id: int, verdict: str | None
) -> None:
    key = f"{PREFIX}{verdict_id}"
    reason = st.session_state.get(f"{key}:reason", "")
    said = "Confirmed" if verdict is None else f"Overridden as {verdict.replace('_', ' ')}"
    ui.run_action(
        key,
        lambda: charter.audit_reviews.review(
            principal,
            verdict_id,
            "confirm" if verdict is None else "override",
            verdict=verdict,
            reason=reason,
        ),
        f"{said}: verdict {verdict_id}. The next one is shown.",
    )


def _filters(runs: list[AuditRunRow]) -> tuple[str | None, str | None]:
    principles = sorted({str(p["id"]) for r in runs for p in r.principles if p.get("id")})
    models = sorted({r.model_name for r in runs})
    by_principle, by_model = st.columns(2)
    principle = by_principle.selectbox(
        "Principle",
        ["", *principles],
        format_func=lambda p: p or "all principles",
        key=f"{PREFIX}principle",
    )
    model = by_model.selectbox(
        "Model", ["", *models], format_func=lambda m: m or "all models", key=f"{PREFIX}model"
    )
    return principle or None, model or None


def _provenance(item: QueueItem) -> None:
    p = item.principle
    st.markdown(f"**{ui.plain(item.verdict.principle_id)} · {ui.plain(str(p.get('title', '')))}**")
    ui.user_text(str(p.get("statement", "")))  # voted text, rendered as elsewhere (no HTML)
    if p.get("guideline_id"):
        ui.guideline_link(str(p["guideline_id"]), str(p.get("title", "")))
    st.caption(
        f"Guideline version {p.get('guideline_version', '?')}; votes {p.get('approve', 0)}"
        f" approve, {p.get('reject', 0)} reject, {p.get('abstain', 0)} abstain; decided"
        f" {str(p.get('decided_at', ''))[:16].replace('T', ' ')} UTC; release"
        f" {item.run.release_version}"
    )


def _transcript(item: QueueItem) -> None:
    v = item.verdict
    st.caption(f"Run {item.run.id} · model {ui.plain(item.run.model_name)} · prompt {v.prompt_id}")
    # The prompt and the answer are data: shown exactly as written, never as markup.
    st.caption("Prompt")
    st.text(v.prompt)
    st.caption("Response")
    st.text(v.response)


def _judge(item: QueueItem) -> None:
    v = item.verdict
    confidence = "no confidence given" if v.confidence is None else f"confidence {v.confidence:.2f}"
    st.markdown(f"Judge ({ui.plain(item.run.judge_name)}): **{v.verdict}**, {confidence}")
    st.text(v.explanation or v.parse_error)


def _buttons(charter: Charter, principal: Stakeholder | None, item: QueueItem) -> None:
    v = item.verdict
    key = f"{PREFIX}{v.id}"
    st.button(
        "Confirm",
        key=f"{key}:confirm",
        type="primary",
        on_click=_decide,
        args=(charter, principal, v.id, None),
        shortcut=CONFIRM_SHORTCUT,
        help=f"Keep the judge's verdict (key {CONFIRM_SHORTCUT.upper()})",
        disabled=v.verdict == "unparseable",
    )
    limited_text(
        "Reason to override (required; logged)",
        f"{key}:reason",
        REASON_MAX,
        error_key=key,
        field="reason",
    )
    for column, (label, verdict, shortcut) in zip(
        st.columns(len(OVERRIDES)), OVERRIDES, strict=True
    ):
        column.button(
            label,
            key=f"{key}:{verdict}",
            on_click=_decide,
            args=(charter, principal, v.id, verdict),
            shortcut=shortcut,
            help=f"Override: {label.lower()} (key {shortcut.upper()})",
            disabled=verdict == v.verdict,  # the judge's own: confirm it instead
            width="stretch",
        )
    ui.field_error(key, "verdict")
    ui.field_error(key, "decision")


def queue(
    charter: Charter, principal: Stakeholder | None, runs: list[AuditRunRow], reviewer: bool
) -> None:
    """The most urgent verdict nobody reviewed, and the decisions on it."""
    principle, model = _filters(runs)
    page = charter.audit_reviews.queue(limit=1, principle_id=principle, model=model)
    item = page.items[0] if page.items else None
    drawn = {f"{PREFIX}{item.verdict.id}"} if item is not None else set()
    ui.show_settled_outcomes(PREFIX, drawn)
    st.markdown(f"**{ui.count(page.waiting, 'verdict')} waiting**")
    if not reviewer:
        st.info(
            "Auditors review the judge's verdicts; everyone may read them.", icon=":material/lock:"
        )
    if item is None:
        st.caption("Nothing to review.")
        return
    with st.container(border=True):
        transcript, principle_column = st.columns(2)
        with transcript:
            _transcript(item)
        with principle_column:
            _provenance(item)
            _judge(item)
    if reviewer:
        _buttons(charter, principal, item)
        ui.show_outcome(f"{PREFIX}{item.verdict.id}")
