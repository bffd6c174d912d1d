"""What a page closed to this person says instead: sign in, or who may use it."""

from __future__ import annotations

import streamlit as st

from governance.auth import SignInMode
from governance.models import Stakeholder
from pages.components.signin import mode

#: Pages only some people may use: their title, what a visitor is told there, and what a
#: signed-in person who may not use it is told.
CLOSED_PAGES = {
    "pages/propose.py": ("Propose", "Sign in to propose a guideline.", "You cannot propose."),
    "pages/profile.py": ("Profile", "Sign in to see your profile.", ""),
    "pages/people.py": (
        "People",
        "Sign in as a steward to manage people.",
        "Only stewards manage people.",
    ),
    "pages/jobs.py": (
        "Jobs",
        "Sign in as a moderator or a steward to see background jobs.",
        "Only moderators and stewards see background jobs.",
    ),
    "pages/models.py": (
        "Models",
        "Sign in as a steward to manage models.",
        "Only stewards manage models.",
    ),
    "pages/transparency.py": (
        "Transparency",
        "This deployment does not publish a public view; sign in to see its data.",
        "",
    ),
}


def closed_notice(page: str, principal: Stakeholder | None) -> None:
    """Say why ``page`` (one of ``CLOSED_PAGES``) is closed to this person."""
    _, visitor, member = CLOSED_PAGES[page]
    if principal is None and mode() is SignInMode.READ_ONLY:
        why = "Sign-in is not configured here, so this page is closed."
    elif principal is None:
        why = visitor
    elif principal.suspended:
        why = "This page is closed while your account is suspended."
    else:
        why = member
    st.info(why, icon=":material/lock:")
