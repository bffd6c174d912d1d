"""Profile: what Charter stores about you, your name, and requests to join a group."""

import streamlit as st

from governance.config import PUBLIC_GROUP
from governance.errors import GovernanceError
from governance.models import RequestStatus, Source
from pages import ui

ui.page_gate(__file__)

SOURCES = {
    Source.SEED: "set up by an administrator",
    Source.SIGNUP: "everyone, from the first sign-in",
    Source.CLAIM: "from your identity provider",
    Source.STEWARD: "verified by a steward",
}

charter = ui.charter()
principal = ui.current_principal()
st.title("Your profile")
if principal is None:
    st.info("Sign in to see your profile.")
    st.stop()
try:
    profile = charter.people.profile(principal)
except GovernanceError as exc:
    ui.show_error(exc)
    st.stop()
person = profile.person

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader("Name")
    st.text_input(
        "Display name (shown beside your comments and proposals)",
        value=person.display_name,
        key="profile:display_name",
        max_chars=120,
    )
    ui.field_error("profile", "display_name")

    def rename() -> None:
        name = st.session_state.get("profile:display_name", "")
        ui.run_action("profile", lambda: charter.people.rename(principal, name), "Name saved.")

    st.button("Save name", key="profile:save", on_click=rename)
    ui.show_outcome("profile")

    st.subheader("Groups")
    st.caption(
        "Your ballot counts once overall and once in each group you belong to. A group other"
        " than public needs verification: a claim from your identity provider or a steward's"
        " decision. Pending requests do not count."
    )
    for grant in profile.groups:
        st.markdown(f"- **{grant.name}** :gray[{SOURCES[grant.source]}]")
    ignored = st.session_state.get(ui.IGNORED_CLAIMS_KEY) or ()
    if ignored:
        st.caption(
            ui.safe_markdown(
                "Your provider also sent values that map to no group or role here: "
                + ", ".join(ignored)
            )
        )

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
        with st.expander("Ask to join a group", expanded=bool(ui.action_errors("request"))):
            st.selectbox("Group", verifiable, key="request:group")
            ui.field_error("request", "group")
            st.text_area(
                "Why you belong to this group (a steward reads it; say what you do, not who"
                " you know)",
                key="request:justification",
                max_chars=1000,
            )
            ui.field_error("request", "justification")

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

with right:
    st.subheader("Roles")
    for grant in profile.roles:
        st.markdown(f"- **{grant.name}** :gray[{SOURCES[grant.source]}]")
    st.subheader("Account")
    st.markdown(f"Status: **{person.status.value}** · member since {person.created_at:%d %b %Y}")
    st.markdown(
        f"{ui.count(profile.proposals, 'proposal')} · {ui.count(profile.comments, 'comment')}"
        f" · {ui.count(profile.ballots, 'current ballot')}"
    )
    if profile.voided:
        st.warning(
            f"{len(profile.voided)} of your ballots were voided by a steward: "
            + ui.escape_markdown(profile.voided[0].void_reason)
        )
    st.subheader("What Charter stores about you")
    st.markdown(
        "Your display name; the issuer and subject your identity provider uses for you, and"
        " when you first and last signed in; your groups and roles and where each came from;"
        " your group requests; and what you did here (proposals, comments, ballots), each"
        " recorded in the public event log. Charter does **not** store your e-mail address or"
        " any other claim from your provider."
    )
    if profile.identities:
        st.dataframe(
            [
                {
                    "provider": i.provider,
                    "issuer": i.issuer,
                    "subject": i.subject,
                    "first sign-in": i.first_seen_at,
                    "latest sign-in": i.last_seen_at,
                }
                for i in profile.identities
            ],
            hide_index=True,
        )
    else:
        st.caption("No sign-in identity is linked: this is a demo or set-up account.")
