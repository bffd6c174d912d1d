"""People (stewards): decide group requests; manage roles, suspension and voided ballots."""

import streamlit as st

from governance.errors import GovernanceError
from governance.models import REASON_MAX, AccountStatus, Role
from governance.services.people_screens import PeopleQuery
from pages import ui
from pages.components import person
from pages.components.fields import limited_text

ui.page_gate(__file__)

charter = ui.charter()
principal = ui.current_principal()
st.title("People")
if principal is None:
    st.stop()
query = PeopleQuery(
    text=st.session_state.get("people:text") or "",
    group=st.session_state.get("people:group"),
    role=st.session_state.get("people:role"),
    status=st.session_state.get("people:status"),
    page=st.session_state.get("people:page", 1),
)
try:
    screen = charter.people.screen(principal, query, st.session_state.get("people:chosen"))
except GovernanceError as exc:
    ui.show_error(exc)
    st.stop()
pending = screen.pending

requests_tab, people_tab = st.tabs(
    [f"Group requests ({len(pending)})", "Stakeholders"], key="people:tabs"
)

with requests_tab:
    st.caption(
        "Approve a request only when the community would recognise the person as a member of"
        " the group. Your reason goes into the public event log."
    )
    ui.show_settled_outcomes("decide:", {f"decide:{r.id}" for r in pending})
    if not pending:
        st.info("No requests are waiting.")
    for request in pending:
        key = f"decide:{request.id}"
        with st.container(border=True):
            st.markdown(
                ui.safe_markdown(f"**{request.stakeholder_name}** (#{request.stakeholder_id})")
                + f" asks to join **{request.group}** · {request.requested_at:%d %b %Y}"
            )
            ui.user_text(request.justification)
            limited_text(
                "Reason for your decision",
                f"{key}:reason",
                REASON_MAX,
                error_key=key,
                field="reason",
            )

            def decide(approve: bool, request_id: int = request.id, key: str = key) -> None:
                reason = st.session_state.get(f"{key}:reason", "")
                ui.run_action(
                    key,
                    lambda: charter.people.decide_request(
                        principal, request_id, approve=approve, reason=reason
                    ),
                    "Approved." if approve else "Declined.",
                )

            approve_col, decline_col, _ = st.columns([1, 1, 4])
            approve_col.button(
                "Approve", key=f"{key}:approve", on_click=decide, args=(True,), type="primary"
            )
            decline_col.button("Decline", key=f"{key}:decline", on_click=decide, args=(False,))
            ui.show_outcome(key)


with people_tab:
    search_col, group_col, role_col, status_col = st.columns([3, 1, 1, 1])
    # No max_chars: it drops a longer paste without a word; the search reads the first
    # NAME_MAX characters, as long as any name.
    search_col.text_input("Search by name or number", key="people:text")
    group_col.selectbox("Group", screen.groups, index=None, key="people:group", placeholder="Any")
    role_col.selectbox("Role", list(Role), index=None, key="people:role", placeholder="Any")
    status_col.selectbox(
        "Status", list(AccountStatus), index=None, key="people:status", placeholder="Any"
    )
    found = screen.found
    st.caption(f"{found.total:,} people")
    labels = {p.id: ui.person_label(p) for p in found.people}
    # Options are ids, so the choice survives a change to the person's groups or roles.
    chosen = st.selectbox(
        "Manage",
        list(labels),
        index=None,
        format_func=lambda i: labels.get(i, f"#{i}"),
        placeholder="Pick a person from the results",
        key="people:chosen",
    )
    st.dataframe(
        [
            {
                "#": p.id,
                "name": p.display_name,
                "groups": ", ".join(p.groups),
                "roles": ", ".join(r.value for r in p.roles if r is not Role.PARTICIPANT),
                "status": p.status.value,
            }
            for p in found.people
        ],
        hide_index=True,
    )
    if st.session_state.get("people:page", 1) != found.page:
        st.session_state["people:page"] = found.page
    if found.pages > 1:
        st.number_input(
            f"Page (of {found.pages})", min_value=1, max_value=found.pages, key="people:page"
        )
    if chosen is not None and screen.chosen is not None and screen.chosen.person.id == chosen:
        with st.container(border=True):
            person.manage(charter, principal, screen.chosen, screen.grantable)
