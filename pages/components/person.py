"""The steward's panel for one person: groups, roles, account status and voided ballots."""

from __future__ import annotations

import streamlit as st

from governance.config import PUBLIC_GROUP
from governance.models import AccountStatus, Role, Source, Stakeholder
from governance.services import Charter
from governance.services.people_screens import Profile
from pages import ui


def manage(
    charter: Charter, principal: Stakeholder, profile: Profile, grantable: tuple[Role, ...]
) -> None:
    """Groups, roles, status and ballots of one person, with the steward's actions."""
    person = profile.person
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
        for role in grantable:
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
            args=(lambda r: charter.ballots.void(principal, person.id, r),),
            help="Removes this person's ballots from every vote still open; they stay on record.",
        )
        if profile.voided:
            st.caption(f"{len(profile.voided)} ballots voided so far.")
    with st.expander("History"):
        for event in profile.history:
            why = f": {event.reason}" if event.reason else ""
            st.markdown(ui.safe_markdown(f"- {event.at:%d %b %Y %H:%M} · {event.action}{why}"))
