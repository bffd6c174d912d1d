"""What every page shares: the frame (settings check, banner, sign-in), navigation, the gate.

The helpers pages call through ``ui`` live in ``pages/components/``: the services
(``charter``), sign-in (``current_principal``), feedback (``run_action``, ``show_outcome``:
the only place a ``GovernanceError`` becomes a message) and small renderers.
"""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.pages_manager import PagesManager

from governance.auth import SignInMode
from governance.errors import ConfigurationError
from governance.models import Stakeholder
from governance.text import escape_markdown as escape_markdown
from governance.text import safe_markdown as safe_markdown
from pages.components.closed import CLOSED_PAGES, closed_notice
from pages.components.feedback import action_errors as action_errors
from pages.components.feedback import action_expander as action_expander
from pages.components.feedback import close_action_expander as close_action_expander
from pages.components.feedback import field_error as field_error
from pages.components.feedback import form_token as form_token
from pages.components.feedback import outcomes_kept_if_interrupted as outcomes_kept_if_interrupted
from pages.components.feedback import renew_form_token as renew_form_token
from pages.components.feedback import run_action as run_action
from pages.components.feedback import show_error as show_error
from pages.components.feedback import show_outcome as show_outcome
from pages.components.feedback import show_settled_outcomes as show_settled_outcomes
from pages.components.links import guideline_link as guideline_link
from pages.components.links import link_params as link_params
from pages.components.menu import offered_pages
from pages.components.render import count as count
from pages.components.render import diff_html as diff_html
from pages.components.render import escape as escape
from pages.components.render import labels as labels
from pages.components.render import person_label as person_label
from pages.components.render import plain as plain
from pages.components.render import status_badge as status_badge
from pages.components.render import user_text as user_text
from pages.components.services import charter as charter
from pages.components.services import settings as settings
from pages.components.signin import IGNORED_CLAIMS_KEY as IGNORED_CLAIMS_KEY
from pages.components.signin import current_principal as current_principal
from pages.components.signin import demo_sign_in, mode, oidc_sign_in

#: The tab's icon. Streamlit inlines an SVG file as a data URL; a ``:material/...:`` page icon
#: would be fetched from Google's font servers by every visitor's browser (assets/README.md).
FAVICON = str(Path(__file__).resolve().parent.parent / "assets" / "favicon.svg")


def frame(*, entrypoint: bool = False) -> Stakeholder | None:
    """What surrounds every page: settings check, demo banner, sign-in. Returns the person."""
    # First of all: until a run sets the page icon, the browser shows the current page's icon
    # in the tab, and fetches a :material/...: one from Google (assets/README.md).
    st.set_page_config(page_title="Charter", page_icon=FAVICON, layout="wide")
    if entrypoint and PagesManager.uses_pages_directory:
        # Widgets drawn while Streamlit is in its old pages mode (see page_gate) get other
        # ids than in the run after, so the first choice of the first visitor after a restart
        # would be lost: register the real navigation, which ends that mode for the process,
        # and start again before drawing anything.
        navigation(None)
        st.rerun()
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


def navigation(principal: Stakeholder | None) -> StreamlitPage:
    """The pages this person may use; the dashboard is the default.

    A page closed to them keeps its address, hidden, and says why there (a bookmark or a
    shared link to /propose should not end on Streamlit's "page not found" dashboard).
    """
    offered = offered_pages(principal)
    pages = [st.Page(path, default=(i == 0), **opts) for i, (path, opts) in enumerate(offered)]
    for path, (title, _, _) in CLOSED_PAGES.items():
        if path not in {p for p, _ in offered}:
            say_why = functools.partial(closed_notice, path, principal)
            url_path = Path(path).stem
            pages.append(st.Page(say_why, title=title, url_path=url_path, visibility="hidden"))
    return st.navigation(pages)


def page_gate(page_file: str) -> None:
    """Make sure a page never runs without the frame, whoever started it.

    Streamlit treats a folder named ``pages/`` beside the main script as old-style pages until
    ``st.navigation`` has run once in the process, so the first request for ``/propose`` after a
    restart (and every AppTest rerun) runs the page file alone, without app.py. Then draw the
    frame here and register the navigation (which ends the old mode for the process). If the
    person may not use the page, say why and stop, as the navigation would have; a helper
    module run as a page leaves for the dashboard.
    """
    if not PagesManager.uses_pages_directory:
        return
    principal = frame()
    navigation(principal)
    page = f"pages/{Path(page_file).name}"
    if page in [path for path, _ in offered_pages(principal)]:
        return
    if page in CLOSED_PAGES:
        closed_notice(page, principal)
        st.stop()
    st.switch_page("pages/dashboard.py")


if __name__ == "__main__":  # Streamlit's old pages mode can run this helper module as a page
    page_gate(__file__)
