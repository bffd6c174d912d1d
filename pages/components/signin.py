"""Who is signed in: from ``st.user`` (OpenID Connect) or the demo pick, and the sidebar."""

from __future__ import annotations

from typing import Any

import streamlit as st

from governance.auth import SignInMode, sign_in_mode
from governance.errors import GovernanceError
from governance.identity import DEFAULT_PROVIDER, SignInConfig, identity_from_claims, sign_in_config
from governance.models import Stakeholder
from governance.text import escape_markdown, safe_markdown
from pages.components.links import DEMO_PARAM, PRINCIPAL_KEY
from pages.components.render import person_label
from pages.components.services import charter, settings

#: (issuer, subject, stakeholder id) of the OpenID Connect sign-in this session synced.
IDENTITY_KEY = "oidc_identity"


#: Claim values from this sign-in that map to nothing here (shown on the profile).
IGNORED_CLAIMS_KEY = "oidc_ignored_claims"


def _secrets() -> dict[str, Any]:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets file at all, or one Streamlit cannot parse
        return {}


def sign_in_setup() -> SignInConfig | None:
    """The validated ``[auth]`` set-up, or None; raises ``ConfigurationError`` if half-done."""
    return sign_in_config(_secrets(), settings().groups)


def mode() -> SignInMode:
    """How people sign in here; raises ``ConfigurationError`` for impossible settings."""
    setup = sign_in_setup()
    return sign_in_mode(demo_requested=settings().demo, oidc_configured=setup is not None)


def current_principal() -> Stakeholder | None:
    """The signed-in person, or None: from ``st.user`` (OpenID Connect) or the demo pick."""
    sign_in = mode()
    if sign_in is SignInMode.OIDC:
        return _oidc_principal()
    if sign_in is not SignInMode.DEMO:
        return None
    return _demo_principal()


def _demo_principal() -> Stakeholder | None:
    """The demo pick of this session, or of its URL (``?as=12``), kept in the URL."""
    _follow_demo_link()
    stakeholder_id = st.session_state.get(PRINCIPAL_KEY)
    if stakeholder_id is None:
        return None
    try:
        person = charter().people.stakeholder(int(stakeholder_id))
    except GovernanceError:
        _forget_demo_pick()
        return None
    # Streamlit drops query parameters on a page switch: put the person back, so a reload
    # or a copied link keeps them.
    if st.query_params.get(DEMO_PARAM) != str(person.id):
        st.query_params[DEMO_PARAM] = str(person.id)
    return person


def _follow_demo_link() -> None:
    """Act as the demo stakeholder the URL names, if a link may sign in as them."""
    requested = st.query_params.get(DEMO_PARAM)
    if requested is None or requested == str(st.session_state.get(PRINCIPAL_KEY)):
        return
    try:
        st.session_state[PRINCIPAL_KEY] = charter().people.demo_stakeholder(requested).id
    except GovernanceError as exc:
        del st.query_params[DEMO_PARAM]
        st.toast(escape_markdown(f"The link's demo sign-in was ignored: {exc.message}."))


def _forget_demo_pick() -> None:
    st.session_state.pop(PRINCIPAL_KEY, None)
    if DEMO_PARAM in st.query_params:
        del st.query_params[DEMO_PARAM]


def _oidc_principal() -> Stakeholder | None:
    if not st.user.is_logged_in:
        st.session_state.pop(IDENTITY_KEY, None)
        return None
    setup = sign_in_setup()
    identity = identity_from_claims(st.user.to_dict(), setup.mapping if setup else None)
    if identity is None:
        st.error("Your identity provider did not say who you are (no issuer or subject).")
        return None
    # Sign in (create, or sync claims) once per session; afterwards read the stored record,
    # which a steward's change or a suspension updates at once.
    known = st.session_state.get(IDENTITY_KEY)
    if known and known[:2] == (identity.issuer, identity.subject):
        try:
            return charter().people.stakeholder(int(known[2]))
        except GovernanceError:
            pass
    person = charter().people.sign_in(identity)
    st.session_state[IDENTITY_KEY] = (identity.issuer, identity.subject, person.id)
    st.session_state[IGNORED_CLAIMS_KEY] = identity.grants.ignored
    return person


def _signed_in(principal: Stakeholder, mode: SignInMode) -> bool:
    """Who is signed in, and a sign-out button; True when it was clicked."""
    st.markdown(safe_markdown(f"Signed in as **{principal.display_name}**"))
    st.caption(safe_markdown(person_label(principal)))
    return st.button("Sign out", key=f"{mode.value}_sign_out")


def oidc_sign_in(principal: Stakeholder | None) -> None:
    """The sidebar's sign-in buttons (one per provider) or the signed-in person and sign-out."""
    if principal is not None:
        if _signed_in(principal, SignInMode.OIDC):
            st.session_state.pop(IDENTITY_KEY, None)
            st.logout()
        return
    setup = sign_in_setup()
    for provider in setup.providers if setup else ():
        label = "Sign in" if provider == DEFAULT_PROVIDER else f"Sign in with {provider.title()}"
        if st.button(label, key=f"sign_in:{provider}", type="primary", width="stretch"):
            st.login() if provider == DEFAULT_PROVIDER else st.login(provider)
    st.caption("Anyone can read. Sign in to propose, discuss and vote.")


def demo_sign_in(principal: Stakeholder | None) -> None:
    """The demo sign-in in the sidebar: pick any seeded demo stakeholder."""
    if principal is not None:
        if _signed_in(principal, SignInMode.DEMO):
            _forget_demo_pick()
            st.rerun()
        return
    people = charter().people.demo_stakeholders()
    if not people:
        st.info("No demo stakeholders yet: run `python -m governance init --demo`.")
        return
    # People with roles first, so a moderator is easy to find.
    people.sort(key=lambda p: (len(p.roles) == 1, p.display_name))
    chosen = st.selectbox(
        "Act as (demo)",
        people,
        index=None,
        format_func=person_label,
        placeholder="Pick a demo stakeholder",
        key="demo_pick",
    )
    if st.button("Sign in", key="demo_sign_in", disabled=chosen is None, type="primary"):
        assert chosen is not None
        st.session_state[PRINCIPAL_KEY] = chosen.id
        st.rerun()
