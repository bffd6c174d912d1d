"""Rules: the published rules that decide every vote, and their history."""

import streamlit as st

from pages import ui

ui.page_gate(__file__)

screen = ui.charter().rules.screen()
current = screen.current
rules = current.rules

blocking = (
    f"no group with quorum rejects with {rules.blocking_pct}% or more"
    if rules.blocking_pct is not None
    else "there is no blocking rule"
)
st.title("Rules")
st.caption(
    f"Version {rules.version}, in force since {current.created_at:%d %b %Y}. A vote is decided"
    " under the rules in force when it opened."
)
st.markdown(
    f"""
A guideline is **approved** when voting closes only if all of these hold:

1. **Overall quorum**: at least **{rules.overall_quorum}** ballots, abstentions included, each
   person counted once.
2. **Overall support**: at least **{rules.overall_threshold_pct}%** of approve-or-reject
   ballots approve.
3. **Support across groups**: at least **{rules.min_groups_with_quorum}** groups reach their quorum.
4. **Every group with quorum approves**: its approve share reaches its threshold.
5. **No blocking group**: {blocking}.

Voting stays open for **{rules.voting_window_days} days**. You may change your ballot while
it is open; only your last ballot counts. A person in two groups counts in both groups and
once overall. Amending a guideline during voting sends it back to deliberation, and ballots on
the old text do not carry over.
"""
)
st.subheader("Per group", anchor=False)
st.table(
    [
        {
            "group": g.group,
            "quorum (ballots)": g.quorum,
            "approval threshold": f"{g.threshold_pct}%",
        }
        for g in screen.groups
    ]
)
st.subheader("History", anchor=False)
for record, who in screen.history:
    line = f"**Version {record.rules.version}** · {record.created_at:%d %b %Y} · {who}"
    st.markdown(ui.safe_markdown(f"{line} — {record.reason}"))
