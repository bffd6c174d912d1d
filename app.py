"""Charter: sign the person in, then build the navigation from what they may do."""

import streamlit as st

from governance.auth import SignInMode
from governance.errors import ConfigurationError
from pages import ui

st.set_page_config(page_title="Charter", page_icon=":material/balance:", layout="wide")

try:
    sign_in = ui.mode()
except ConfigurationError as exc:
    st.error(exc.message)
    st.stop()

if sign_in is SignInMode.DEMO:
    st.warning(
        "**Demo mode**: anyone can act as any demo stakeholder. Do not use for a real vote.",
        icon=":material/science:",
    )

principal = ui.current_principal()
pages = [
    st.Page(
        "pages/dashboard.py", title="Dashboard", icon=":material/space_dashboard:", default=True
    ),
    st.Page("pages/guidelines.py", title="Guidelines", icon=":material/list:"),
    st.Page("pages/guideline.py", title="Guideline", url_path="guideline", visibility="hidden"),
    st.Page("pages/rules.py", title="Rules", icon=":material/gavel:"),
]
if principal is not None and not principal.suspended:
    pages.insert(2, st.Page("pages/propose.py", title="Propose", icon=":material/edit_note:"))

with st.sidebar:
    if sign_in is SignInMode.DEMO:
        ui.demo_sign_in(principal)
    elif sign_in is SignInMode.READ_ONLY:
        st.caption("Sign-in is not configured: you can read everything but not act.")

st.navigation(pages).run()
