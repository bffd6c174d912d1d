"""What every page shares: the services, the signed-in person, and how errors are shown.

This is the only place a ``GovernanceError`` becomes a message on a page.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.pages_manager import PagesManager

from governance.auth import Action, SignInMode, may, sign_in_mode
from governance.config import Settings, category_label
from governance.errors import ConfigurationError, GovernanceError, ValidationFailed
from governance.identity import DEFAULT_PROVIDER, SignInConfig, identity_from_claims, sign_in_config
from governance.jobs.runner import JobRunner
from governance.languages import language_label
from governance.models import Stakeholder, Status
from governance.services import Charter
from governance.text import escape_markdown, safe_markdown

T = TypeVar("T")

PRINCIPAL_KEY = "demo_stakeholder_id"
#: (issuer, subject, stakeholder id) of the OpenID Connect sign-in this session synced.
IDENTITY_KEY = "oidc_identity"
#: Claim values from this sign-in that map to nothing here (shown on the profile).
IGNORED_CLAIMS_KEY = "oidc_ignored_claims"
#: A person who may take any of these sees the People page.
STEWARD_PAGE_ACTIONS = (
    Action.VERIFY_GROUPS,
    Action.MANAGE_ROLES,
    Action.SUSPEND_ACCOUNTS,
    Action.VOID_VOTES,
)

STATUS_COLORS = {
    Status.DRAFT: "gray",
    Status.DELIBERATION: "blue",
    Status.VOTING: "orange",
    Status.APPROVED: "green",
    Status.REJECTED: "red",
    Status.WITHDRAWN: "gray",
    Status.ADOPTED: "violet",
    Status.RETIRED: "gray",
}


@st.cache_resource(show_spinner=False)
def _charter(settings: Settings) -> Charter:
    charter = Charter.open(settings)
    # One job runner per process and database: it resumes jobs a previous process left
    # unfinished, closes due votes every minute and runs the jobs people start.
    JobRunner(charter).start()
    return charter


def settings() -> Settings:
    """The deployment's settings (from the environment)."""
    return Settings.from_env()


def charter() -> Charter:
    """The services, shared by every session of this process."""
    return _charter(settings())


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
    stakeholder_id = st.session_state.get(PRINCIPAL_KEY)
    if stakeholder_id is None:
        return None
    try:
        return charter().people.stakeholder(int(stakeholder_id))
    except GovernanceError:
        st.session_state.pop(PRINCIPAL_KEY, None)
        return None


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


def frame(*, entrypoint: bool = False) -> Stakeholder | None:
    """What surrounds every page: settings check, demo banner, sign-in. Returns the person."""
    if entrypoint and PagesManager.uses_pages_directory:
        # Widgets drawn while Streamlit is in its old pages mode (see page_gate) get other
        # ids than in the run after, so the first choice of the first visitor after a restart
        # would be lost: register the real navigation, which ends that mode for the process,
        # and start again before drawing anything.
        navigation(None)
        st.rerun()
    st.set_page_config(page_title="Charter", page_icon=":material/balance:", layout="wide")
    try:
        sign_in = mode()
    except ConfigurationError as exc:
        st.error(escape_markdown(exc.message))
        st.stop()
    if sign_in is SignInMode.DEMO:
        st.warning(
            "**Demo mode**: anyone can act as any demo stakeholder. Do not use for a real vote.",
            icon=":material/science:",
        )
    principal = current_principal()
    if principal is not None and principal.suspended:
        st.warning("Your account is suspended: you can read but not act.", icon=":material/block:")
    with st.sidebar:
        if sign_in is SignInMode.DEMO:
            demo_sign_in(principal)
        elif sign_in is SignInMode.OIDC:
            oidc_sign_in(principal)
        else:
            st.caption("Sign-in is not configured: you can read everything but not act.")
    return principal


def _pages(principal: Stakeholder | None) -> list[tuple[str, dict[str, Any]]]:
    pages: list[tuple[str, dict[str, Any]]] = [
        ("pages/dashboard.py", {"title": "Dashboard", "icon": ":material/space_dashboard:"}),
        ("pages/guidelines.py", {"title": "Guidelines", "icon": ":material/list:"}),
        (
            "pages/guideline.py",
            {"title": "Guideline", "url_path": "guideline", "visibility": "hidden"},
        ),
        ("pages/constitution.py", {"title": "Constitution", "icon": ":material/menu_book:"}),
        ("pages/rules.py", {"title": "Rules", "icon": ":material/gavel:"}),
    ]
    if principal is None:
        return pages
    if may(principal, Action.PROPOSE):
        pages.insert(2, ("pages/propose.py", {"title": "Propose", "icon": ":material/edit_note:"}))
    pages.append(("pages/profile.py", {"title": "Profile", "icon": ":material/person:"}))
    if any(may(principal, a) for a in STEWARD_PAGE_ACTIONS):
        pages.append(("pages/people.py", {"title": "People", "icon": ":material/groups:"}))
    if may(principal, Action.VIEW_JOBS):
        pages.append(("pages/jobs.py", {"title": "Jobs", "icon": ":material/pending_actions:"}))
    return pages


def navigation(principal: Stakeholder | None) -> StreamlitPage:
    """The pages this person may use; the dashboard is the default."""
    return st.navigation(
        [
            st.Page(path, default=(i == 0), **options)
            for i, (path, options) in enumerate(_pages(principal))
        ]
    )


def page_gate(page_file: str) -> None:
    """Make sure a page never runs without the frame, whoever started it.

    Streamlit treats a folder named ``pages/`` beside the main script as old-style pages until
    ``st.navigation`` has run once in the process, so the first request for ``/propose`` after a
    restart (and every AppTest rerun) runs the page file alone, without app.py. Then draw the
    frame here, register the navigation (which ends the old mode for the process) and leave
    for the dashboard if this person may not use the page.
    """
    if not PagesManager.uses_pages_directory:
        return
    principal = frame()
    navigation(principal)
    if f"pages/{Path(page_file).name}" not in [path for path, _ in _pages(principal)]:
        st.switch_page("pages/dashboard.py")


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
            st.session_state.pop(PRINCIPAL_KEY, None)
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


def person_label(person: Stakeholder) -> str:
    """``Amara Okafor - ethicist, public - moderator``."""
    roles = [r.value for r in person.roles if r.value != "participant"]
    label = f"{person.display_name} - {', '.join(person.groups) or 'no group'}"
    return label + (f" - {', '.join(roles)}" if roles else "")


def count(n: int, noun: str) -> str:
    """``1 ballot``, ``3 ballots``, with thousands separators."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def show_error(exc: GovernanceError) -> None:
    """Show a refused action's message (it may quote input, so no markdown is honoured)."""
    st.error(escape_markdown(exc.message), icon=":material/block:")


def run_action(key: str, action: Callable[[], T], success: str) -> T | None:
    """Call a service from a widget callback; keep its outcome for the next render.

    Returns the service's result, or None when it refused (its message is kept for ``key``).
    """
    try:
        result = action()
    except ValidationFailed as exc:
        st.session_state[f"{key}:errors"] = exc.errors
        st.session_state.pop(f"{key}:ok", None)
        return None
    except GovernanceError as exc:
        st.session_state[f"{key}:errors"] = {"": exc.message}
        st.session_state.pop(f"{key}:ok", None)
        return None
    st.session_state.pop(f"{key}:errors", None)
    st.session_state[f"{key}:ok"] = success
    return result


def action_errors(key: str) -> dict[str, str]:
    """Messages from the last ``run_action(key, ...)``, keyed by field ("" for the action)."""
    errors: dict[str, str] = st.session_state.get(f"{key}:errors", {})
    return errors


def show_outcome(key: str, *, with_fields: bool = False) -> None:
    """Show, once, what the last ``run_action(key, ...)`` did.

    Field messages are normally shown next to their fields by ``field_error``; pass
    ``with_fields`` where the action has no fields of its own.
    """
    errors: dict[str, str] = st.session_state.pop(f"{key}:errors", {})
    for field, message in errors.items():
        if not field:
            st.error(escape_markdown(message), icon=":material/block:")
        elif with_fields:
            text = f"{field.replace('_', ' ')}: {message}"
            st.error(escape_markdown(text), icon=":material/error:")
    success = st.session_state.pop(f"{key}:ok", None)
    if success:
        st.success(success, icon=":material/check_circle:")


def show_settled_outcomes(prefix: str, drawn: set[str]) -> None:
    """Show outcomes of ``prefix`` actions whose item is no longer drawn.

    A decided request or a resolved flag leaves its list, taking the place its outcome would
    be shown in; call this above the list with the keys of the items still drawn.
    """
    for state_key in [k for k in st.session_state if str(k).startswith(prefix)]:
        key, _, kind = str(state_key).rpartition(":")
        if kind == "ok" or (kind == "errors" and key not in drawn):
            show_outcome(key, with_fields=True)


def field_error(key: str, field: str) -> None:
    """Show the message for one field, right below it."""
    message = action_errors(key).get(field)
    if message:
        st.error(escape_markdown(message), icon=":material/error:")


def user_text(text: str) -> None:
    """Render text a person wrote: markdown, but no HTML and no unsafe links."""
    st.markdown(safe_markdown(text))


def status_badge(status: Status) -> None:
    """The status as a coloured badge."""
    st.badge(status.value, color=STATUS_COLORS[status])  # type: ignore[arg-type]


def guideline_link(guideline_id: str, title: str) -> None:
    """A link to a guideline's page."""
    st.page_link(
        "pages/guideline.py", label=f"{guideline_id} · {title}", query_params={"id": guideline_id}
    )


def escape(text: str) -> str:
    """HTML-escape user text for the few places Charter writes its own HTML."""
    return html.escape(text, quote=True)


def labels() -> tuple[Callable[[str], str], Callable[[str], str]]:
    """Formatters for category and language codes."""
    return category_label, language_label


if __name__ == "__main__":  # Streamlit's old pages mode can run this helper module as a page
    page_gate(__file__)
