"""Profile: what Charter stores about you, your name, and requests to join a group."""

import streamlit as st

from governance.errors import GovernanceError
from governance.models import NAME_MAX, Source
from pages import ui
from pages.components import requests
from pages.components.fields import limited_text

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
    limited_text(
        "Display name (shown beside your comments and proposals)",
        "profile:display_name",
        NAME_MAX,
        error_key="profile",
        field="display_name",
        value=person.display_name,
    )

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

    requests.group_requests(charter, principal, profile)

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
