"""Dashboard: what is happening, and what awaits the signed-in person."""

import streamlit as st

from governance.errors import ValidationFailed
from governance.models import Guideline, Status
from governance.services.dashboard import Activity
from pages import ui
from pages.components import dashboard_charts

ui.page_gate(__file__)


def closing_list(guidelines: tuple[Guideline, ...]) -> None:
    for g in guidelines:
        ui.guideline_link(g.id, g.text.title)
        if g.voting:
            st.caption(f"closes {g.voting.closes_at:%d %b %Y, %H:%M} UTC")


def activity(items: tuple[Activity, ...]) -> None:
    for item in items:
        # The time on the same line: a line per item less keeps the charts in view.
        st.markdown(f"{ui.plain(item.text)} :gray[· {item.at:%d %b %Y, %H:%M} UTC]")


principal = ui.current_principal()
board = ui.charter().dashboard.screen(principal)

st.title("Charter")
st.caption("People affected by AI propose, deliberate and vote on the values it should hold.")

people = board.participation
cols = st.columns(5)
cols[0].metric("Stakeholders", f"{people['stakeholders']:,}")
cols[1].metric("Have voted", f"{people['voters']:,}")
cols[2].metric("Ballots", f"{people['ballots']:,}")
cols[3].metric("Comments", f"{people['comments']:,}")
cols[4].metric("Open votes", board.status_counts.get(Status.VOTING, 0))

# The charts first: on a laptop screen the filter bar and the first two are in view.
where = dashboard_charts.filter_bar(ui.charter().dashboard.options())
try:
    charts = ui.charter().dashboard.charts(where)
except ValidationFailed as exc:
    dashboard_charts.filter_problems(exc)
else:
    dashboard_charts.panels(charts)

left, right = st.columns(2)
with left:
    if principal is not None:
        st.subheader("Awaiting your vote")
        if principal.suspended:
            st.info("Your account is suspended: you can read but not vote.")
        elif not board.awaiting_my_vote:
            st.success("You have voted on every open guideline.")
        closing_list(board.awaiting_my_vote)
    st.subheader("Closing soon")
    if not board.closing_soon:
        st.caption("No vote is open.")
    closing_list(board.closing_soon)
with right:
    st.subheader("Recent activity")
    activity(board.recent)
    if board.earlier:
        with st.expander(f"Earlier activity ({len(board.earlier)})"):
            activity(board.earlier)
