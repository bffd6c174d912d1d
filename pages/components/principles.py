"""A constitution's principles as the Constitution page lists them, with a steward's edits."""

from __future__ import annotations

import streamlit as st

from governance.constitution.model import Constitution, Principle
from governance.models import PROMPT_MAX, REASON_MAX, Stakeholder
from governance.services import Charter
from pages import ui
from pages.components.fields import limited_text


def provenance(principle: Principle) -> None:
    """How each group voted on the approved version."""
    origin = principle.provenance
    st.caption(
        f"{origin.guideline_id} v{origin.guideline_version} · approved"
        f" {origin.decided_at:%d %b %Y} under rules v{origin.rules_version} ·"
        f" {origin.approve} approve, {origin.reject} reject, {origin.abstain} abstain"
    )
    st.dataframe(
        [
            {
                "group": g.group,
                "approve": g.approve,
                "reject": g.reject,
                "abstain": g.abstain,
                "support met": "yes" if g.met else "no",
            }
            for g in origin.groups
        ],
        hide_index=True,
    )


def _edit(charter: Charter, principal: Stakeholder | None, p: Principle) -> None:
    """A steward's edits before release: the comparison prompt and the place."""
    key = f"edit:{p.provenance.guideline_id}"
    with st.popover("Edit prompt or place", icon=":material/edit:"):
        limited_text(
            "Comparison prompt (empty: derived from the guideline)",
            f"{key}:prompt",
            PROMPT_MAX,
            error_key=key,
            field="comparison_prompt",
            multiline=True,
            value=p.comparison_prompt,
        )
        st.number_input("Place (1 comes first)", min_value=1, value=p.priority, key=f"{key}:place")
        ui.field_error(key, "priority")

        def save(gid: str = p.provenance.guideline_id, key: str = key) -> None:
            ui.run_action(
                key,
                lambda: charter.constitution.edit_principle(
                    principal,
                    gid,
                    comparison_prompt=st.session_state.get(f"{key}:prompt") or None,
                    priority=st.session_state.get(f"{key}:place"),
                ),
                "Saved to the draft.",
            )

        st.button("Save", key=f"{key}:save", on_click=save)
    ui.show_outcome(key)


def _retire(charter: Charter, principal: Stakeholder | None, p: Principle) -> None:
    """Retire the guideline behind an adopted principle; the next release leaves it out."""
    key = f"retire:{p.provenance.guideline_id}"
    with st.popover("Retire", icon=":material/archive:"):
        limited_text("Reason (logged)", f"{key}:reason", REASON_MAX)

        def retire(gid: str = p.provenance.guideline_id, key: str = key) -> None:
            ui.run_action(
                key,
                lambda: charter.constitution.retire(
                    principal, gid, st.session_state.get(f"{key}:reason", "")
                ),
                "Retired: the next release leaves it out.",
            )

        st.button("Retire guideline", key=f"{key}:go", on_click=retire)
    ui.show_outcome(key, with_fields=True)


def principles(
    charter: Charter,
    principal: Stakeholder | None,
    constitution: Constitution,
    key: str,
    *,
    edit: bool = False,
    retire: bool = False,
) -> None:
    """Every principle, in priority order, expandable; with a steward's actions if asked."""
    for p in constitution.principles:
        label = f"{p.priority}. {ui.plain(p.title)}  ·  {p.id}"
        with st.expander(label, key=f"{key}:{p.id}"):
            ui.user_text(p.statement)
            st.markdown("**Critique request**")
            ui.user_text(p.critique_request)
            st.markdown("**Revision request**")
            ui.user_text(p.revision_request)
            st.markdown("**Comparison prompt**")
            ui.user_text(p.comparison_prompt)
            provenance(p)
            ui.guideline_link(p.provenance.guideline_id, "the guideline and its discussion")
            if edit:
                _edit(charter, principal, p)
            if retire:
                _retire(charter, principal, p)
