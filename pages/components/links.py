"""Links between pages that keep the demo sign-in, so a new tab or a reload keeps the person.

In demo mode the chosen stakeholder's id is kept in the URL as ``?as=12``: a reload or a link
opened in a new tab starts a new Streamlit session, which knows only its URL. ``signin.py``
reads the parameter and puts it back after each page switch (Streamlit drops query parameters
then); the links here carry it. With OpenID Connect nobody is ever signed in from the URL.
"""

from __future__ import annotations

import streamlit as st

from pages.components.render import plain

#: The query parameter naming the demo stakeholder acted as.
DEMO_PARAM = "as"

#: Session key of the demo stakeholder acted as (set in demo mode only).
PRINCIPAL_KEY = "demo_stakeholder_id"


def link_params(**params: str) -> dict[str, str]:
    """``params`` for an ``st.page_link``, plus the demo sign-in of this session, if any."""
    acting = st.session_state.get(PRINCIPAL_KEY)
    return params if acting is None else {**params, DEMO_PARAM: str(acting)}


def guideline_link(guideline_id: str, title: str) -> None:
    """A link to a guideline's page."""
    st.page_link(
        "pages/guideline.py",
        label=f"{guideline_id} · {plain(title)}",
        query_params=link_params(id=guideline_id),
    )
