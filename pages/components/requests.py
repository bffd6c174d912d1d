"""A person's own group requests: pending ones (withdraw), asking to join, earlier ones."""

from __future__ import annotations

import streamlit as st

from governance.config import PUBLIC_GROUP
from governance.models import REASON_MAX, RequestStatus, Stakeholder
from governance.services import Charter
from governance.services.people_screens import Profile
from pages import ui
from pages.components.fields import limited_text


def group_requests(charter: Charter, principal: Stakeholder, profile: Profile) -> None:
    """The requests block of the Profile page."""
    person = profile.person
    verifiable = [
        g for g in charter.settings.groups if g != PUBLIC_GROUP and g not in person.groups
    ]
    pending = [r for r in profile.requests if r.status is RequestStatus.PENDING]
    for request in pending:
        with st.container(border=True):
            st.markdown(
                f"Request to join **{request.group}** · pending since "
                f"{request.requested_at:%d %b %Y}"
            )
            ui.user_text(request.justification)

            def withdraw(request_id: int = request.id) -> None:
                ui.run_action(
                    "request",
                    lambda: charter.people.withdraw_request(principal, request_id),
                    "Request withdrawn.",
                )

            st.button("Withdraw", key=f"request:withdraw:{request.id}", on_click=withdraw)
    if verifiable and not person.suspended:
        with ui.action_expander("Ask to join a group", "request"):
            st.selectbox("Group", verifiable, key="request:group")
            ui.field_error("request", "group")
            limited_text(
                "Why you belong to this group (a steward reads it; say what you do, not who"
                " you know)",
                "request:justification",
                REASON_MAX,
                error_key="request",
                field="justification",
                multiline=True,
            )

            def ask() -> None:
                group = st.session_state.get("request:group", "")
                why = st.session_state.get("request:justification", "")
                ui.run_action(
                    "request",
                    lambda: charter.people.request_group(principal, group, why),
                    "Request sent: a steward will decide.",
                )
                if not ui.action_errors("request"):
                    st.session_state["request:justification"] = ""

            st.button("Send request", key="request:send", on_click=ask, type="primary")
    ui.show_outcome("request")
    decided = [r for r in profile.requests if r.status is not RequestStatus.PENDING]
    if decided:
        st.caption("Earlier requests")
        for request in decided:
            reason = f": {request.decision_reason}" if request.decision_reason else ""
            st.markdown(ui.safe_markdown(f"- {request.group}: {request.status.value}{reason}"))
