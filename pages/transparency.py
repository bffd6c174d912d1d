"""Transparency: the public view of votes, releases and audits; nothing personal in it."""

import plotly.graph_objects as go
import streamlit as st

from governance import public_charts
from governance.errors import GovernanceError
from pages import ui
from pages.components.audit_runs import csv_download

ui.page_gate(__file__)


def chart(figure: go.Figure | None, key: str, empty: str, caption: str) -> bool:
    """Draw ``figure`` with its caption, or say why there is none; whether it was drawn."""
    if figure is None:
        st.caption(empty)
        return False
    st.plotly_chart(figure, key=key)
    st.caption(caption)
    return True


principal = ui.current_principal()
st.title("Transparency")
try:
    view = ui.charter().transparency.view(principal)
except GovernanceError as exc:  # the view was switched off after the menu was built
    ui.show_error(exc)
    st.stop()

k = view.k
st.caption(
    "What anyone may see, signed in or not: how many take part, every tally, every release"
    " with the votes behind its principles, and what audits found. People are counted, never"
    f" named. A group with fewer than {k} members, or with fewer than {k} ballots on a"
    f" guideline, is shown as \u201c{view.hidden}\u201d: a smaller number could tell how"
    " identifiable people voted."
)

head = view.headline
cols = st.columns(5)
cols[0].metric("Stakeholders", f"{head.stakeholders:,}")
cols[1].metric("Have voted", f"{head.voters:,}")
cols[2].metric("Ballots", f"{head.ballots:,}")
cols[3].metric("Open votes", f"{head.guidelines_by_status.get('voting', 0):,}")
cols[4].metric("Releases", f"{head.releases:,}")

left, right = st.columns(2)
with left:
    st.subheader("Stakeholder groups", anchor=False)
    st.plotly_chart(public_charts.group_sizes_figure(view.group_sizes), key="public:groups_chart")
    st.caption(
        f"Members of each group; a group under {k} has no bar and reads \u201c{view.hidden}\u201d."
    )
    csv_download("Groups (CSV)", view.group_size_rows(), "groups.csv", "public:groups_csv")
with right:
    st.subheader("Guidelines by status", anchor=False)
    statuses = [{"status": s, "guidelines": n} for s, n in head.guidelines_by_status.items()]
    st.dataframe(statuses, hide_index=True, key="public:status_table")
    csv_download("Statuses (CSV)", statuses, "statuses.csv", "public:status_csv")

st.subheader("Tallies", anchor=False)
chart(
    public_charts.tallies_figure(view.tallies),
    "public:tallies_chart",
    "No guideline has been put to a vote yet.",
    "Each bar is one guideline's ballots, each person counted once: approve, reject and"
    " abstain stacked. Open votes (live) come first; decided ones show the tally recorded"
    " when voting closed. Hover for the exact numbers.",
)
st.dataframe(view.tally_rows(), hide_index=True, key="public:tallies_table")
csv_download("Tallies (CSV)", view.tally_rows(), "tallies.csv", "public:tallies_csv")
st.markdown("**By group**")
st.dataframe(view.group_tally_rows(), hide_index=True, key="public:group_tallies_table")
csv_download(
    "Tallies by group (CSV)", view.group_tally_rows(), "tallies-by-group.csv", "public:groups_tally"
)

st.subheader("Releases", anchor=False)
if chart(
    public_charts.releases_figure(view.releases),
    "public:releases_chart",
    "No constitution has been released yet.",
    "How many principles each release holds, oldest release on the left. The table gives"
    " each release's content hash; pick a release below for the votes behind it.",
):
    st.dataframe(view.release_rows(), hide_index=True, key="public:releases_table")
    csv_download("Releases (CSV)", view.release_rows(), "releases.csv", "public:releases_csv")
    version = st.selectbox(
        "Provenance of release",
        [r.version for r in view.releases],
        key="public:release",
    )
    provenance = view.provenance_rows(version or "")
    st.dataframe(provenance, hide_index=True, key="public:provenance_table")
    csv_download(
        "Provenance (CSV)", provenance, f"provenance-{version}.csv", "public:provenance_csv"
    )

st.subheader("Audits", anchor=False)
chart(
    public_charts.audits_figure(view.audits),
    "public:audits_chart",
    "No audit has a scored verdict yet.",
    "For each principle, the share of an audited model's answers that complied (higher is"
    " better), one colour per model; hover for violations, verdicts and whose verdicts"
    " count (the judge's, people's reviews, or both).",
)
st.dataframe(view.audit_rows(), hide_index=True, key="public:audits_table")
csv_download("Audits (CSV)", view.audit_rows(), "audits.csv", "public:audits_csv")
