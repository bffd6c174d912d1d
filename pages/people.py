"""People (stewards): decide group requests; manage roles, suspension and voided ballots."""

import streamlit as st

from governance.config import PUBLIC_GROUP
from governance.errors import GovernanceError
from governance.models import AccountStatus, Role, Source, Stakeholder
from governance.services.people import GRANTABLE_ROLES
from pages import ui

ui.page_gate(__file__)

charter = ui.charter()
principal = ui.current_principal()
st.title("People")
if principal is None:
    st.stop()
try:
    pending = charter.people.pending_requests(principal)
except GovernanceError as exc:
    ui.show_error(exc)
    st.stop()

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
            st.text_input("Reason for your decision", key=f"{key}:reason", max_chars=1000)
            ui.field_error(key, "reason")

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


def _manage(person: Stakeholder) -> None:
    """Groups, roles, status and ballots of one person, with the steward's actions."""
    profile = charter.people.profile(principal, person.id)
    key = f"person:{person.id}"
    st.markdown(
        ui.safe_markdown(f"### {person.display_name}")
        + f" :gray[#{person.id} · {person.status.value} ·"
        f" {ui.count(profile.ballots, 'current ballot')}]"
    )
    st.text_input("Reason (required for every change; logged)", key=f"{key}:reason")
    ui.show_outcome(key, with_fields=True)

    def act(call) -> None:  # type: ignore[no-untyped-def]
        reason = st.session_state.get(f"{key}:reason", "")
        ui.run_action(key, lambda: call(reason), "Done.")

    groups_col, roles_col, account_col = st.columns(3)
    with groups_col:
        st.markdown("**Groups**")
        for grant in profile.groups:
            st.markdown(f"{grant.name} :gray[({grant.source.value})]")
            if grant.name != PUBLIC_GROUP and grant.source is not Source.CLAIM:
                st.button(
                    f"Remove from {grant.name}",
                    key=f"{key}:ungroup:{grant.name}",
                    on_click=act,
                    args=(
                        lambda r, g=grant.name: charter.people.remove_group(
                            principal, person.id, g, r
                        ),
                    ),
                )
    with roles_col:
        st.markdown("**Roles**")
        held = {Role(g.name): g for g in profile.roles}
        for role in GRANTABLE_ROLES:
            grant = held.get(role)
            if grant is None:
                st.button(
                    f"Make {role.value}",
                    key=f"{key}:grant:{role.value}",
                    on_click=act,
                    args=(
                        lambda r, role=role: charter.people.grant_role(
                            principal, person.id, role, r
                        ),
                    ),
                )
            elif grant.source is Source.CLAIM:
                st.markdown(f"{role.value} :gray[(from the identity provider)]")
            else:
                st.button(
                    f"Revoke {role.value}",
                    key=f"{key}:revoke:{role.value}",
                    on_click=act,
                    args=(
                        lambda r, role=role: charter.people.revoke_role(
                            principal, person.id, role, r
                        ),
                    ),
                )
    with account_col:
        st.markdown("**Account**")
        target = AccountStatus.ACTIVE if person.suspended else AccountStatus.SUSPENDED
        st.button(
            "Reinstate" if person.suspended else "Suspend",
            key=f"{key}:status",
            on_click=act,
            args=(lambda r: charter.people.set_account_status(principal, person.id, target, r),),
        )
        st.button(
            "Void ballots in open votes",
            key=f"{key}:void",
            on_click=act,
            args=(lambda r: charter.people.void_ballots(principal, person.id, r),),
            help="Removes this person's ballots from every vote still open; they stay on record.",
        )
        if profile.voided:
            st.caption(f"{len(profile.voided)} ballots voided so far.")
    with st.expander("History"):
        for event in profile.history:
            why = f": {event.reason}" if event.reason else ""
            st.markdown(ui.safe_markdown(f"- {event.at:%d %b %Y %H:%M} · {event.action}{why}"))


with people_tab:
    search_col, group_col, role_col, status_col = st.columns([3, 1, 1, 1])
    text = search_col.text_input("Search by name or number", key="people:text", max_chars=120)
    group = group_col.selectbox(
        "Group", charter.settings.groups, index=None, key="people:group", placeholder="Any"
    )
    role = role_col.selectbox("Role", list(Role), index=None, key="people:role", placeholder="Any")
    status = status_col.selectbox(
        "Status", list(AccountStatus), index=None, key="people:status", placeholder="Any"
    )
    found = charter.people.people(
        principal,
        text=text,
        group=group,
        role=role,
        status=status,
        page=st.session_state.get("people:page", 1),
    )
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
    if chosen is not None:
        with st.container(border=True):
            _manage(charter.people.stakeholder(chosen))
