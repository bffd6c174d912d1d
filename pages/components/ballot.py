"""The guideline page's ballot and lifecycle actions (submit, open/close voting, withdraw)."""

from __future__ import annotations

import streamlit as st

from governance.models import REASON_MAX, Choice, Stakeholder
from governance.services import Charter
from governance.services.guidelines import GuidelineDetail
from pages import ui
from pages.components.fields import limited_text

_CHOICE_ICONS = {
    Choice.APPROVE: ":material/thumb_up:",
    Choice.REJECT: ":material/thumb_down:",
    Choice.ABSTAIN: ":material/remove:",
}


def ballot(charter: Charter, principal: Stakeholder | None, detail: GuidelineDetail) -> None:
    """Approve / reject / abstain buttons with an optional reason."""
    g = detail.guideline
    assert g.voting is not None
    key = f"vote:{g.id}"
    st.subheader("Your ballot", anchor=False)
    if principal is None:
        st.info("Sign in to vote.")
        return
    if not detail.can.vote:
        why = "your account is suspended" if principal.suspended else "you belong to no group yet"
        st.info(f"You cannot vote here: {why}.")
        return
    if detail.my_vote is not None:
        st.markdown(
            f"You voted **{detail.my_vote.choice.value}** on {detail.my_vote.cast_at:%d %b %Y}."
            f" You can change your ballot until {g.voting.closes_at:%d %b %Y, %H:%M} UTC."
        )
    limited_text("Reason (optional)", f"{key}:reason", REASON_MAX)

    def cast(choice: Choice) -> None:
        reason = st.session_state.get(f"{key}:reason", "")
        ui.run_action(
            key,
            lambda: charter.ballots.cast(
                principal, g.id, choice.value, reason, version=g.voting.version
            ),
            f"Ballot recorded: {choice.value}.",
        )

    cols = st.columns(3)
    for col, choice in zip(cols, Choice, strict=True):
        mine = detail.my_vote is not None and detail.my_vote.choice is choice
        col.button(
            choice.value.capitalize(),
            key=f"{key}:{choice.value}",
            icon=_CHOICE_ICONS[choice],
            type="primary" if mine else "secondary",
            on_click=cast,
            args=(choice,),
            width="stretch",
        )
    ui.show_outcome(key, with_fields=True)


def lifecycle_actions(
    charter: Charter, principal: Stakeholder | None, detail: GuidelineDetail
) -> None:
    """Move the guideline on: submit, open or close voting, withdraw."""
    g, can = detail.guideline, detail.can
    moves = [
        (can.submit, "Submit for deliberation", charter.guidelines.submit),
        (can.open_voting, "Open voting", charter.guidelines.open_voting),
        (can.close_voting, "Close voting and record the decision", charter.guidelines.close_voting),
        (can.withdraw, "Withdraw", charter.guidelines.withdraw),
    ]
    allowed = [(label, act) for ok, label, act in moves if ok]
    key = f"move:{g.id}"
    if principal is not None and allowed:
        with ui.action_expander("Move this guideline on", key):
            limited_text(
                "Reason (recorded in the history; required to withdraw or to close early)",
                f"{key}:reason",
                REASON_MAX,
            )
            for label, act in allowed:
                st.button(
                    label,
                    key=f"{key}:{label}",
                    on_click=_move,
                    args=(key, act, principal, g.id, label),
                )
    # Outside the expander: after a final move there is nothing left to offer, but the
    # person should still see that it worked.
    ui.show_outcome(key, with_fields=True)


def _move(key: str, act, principal: Stakeholder, guideline_id: str, label: str) -> None:  # type: ignore[no-untyped-def]
    reason = st.session_state.get(f"{key}:reason", "")
    ui.run_action(key, lambda: act(principal, guideline_id, reason), f"Done: {label.lower()}.")
    if not ui.action_errors(key):
        st.session_state[f"{key}:reason"] = ""
