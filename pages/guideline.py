"""Guideline: its text, a live tally with the vote buttons, discussion, versions and history."""

import streamlit as st

from governance import charts
from governance.config import category_label
from governance.errors import GovernanceError
from governance.events import EventAction
from governance.languages import language_label
from governance.models import Status
from pages import ui
from pages.components import ballot, discussion, text_form

ui.page_gate(__file__)

charter = ui.charter()
principal = ui.current_principal()
requested = st.query_params.get("id", "")
try:
    detail = charter.guidelines.detail(requested, principal)
except GovernanceError as exc:
    ui.show_error(exc)
    st.page_link(
        "pages/guidelines.py",
        label="All guidelines",
        icon=":material/list:",
        query_params=ui.link_params(),
    )
    st.stop()

g, can = detail.guideline, detail.can
facts = [g.id, f"version {g.version}", category_label(g.text.category)]
st.caption(" · ".join([*facts, language_label(g.text.language)]))
st.title(ui.plain(g.text.title), anchor=False)
ui.status_badge(g.status)
st.caption(ui.safe_markdown(f"Proposed by {g.author_name} on {g.created_at:%d %b %Y}"))
ui.user_text(g.text.statement)
with st.expander("Critique and revision requests, rationale"):
    st.markdown("**Critique request**")
    ui.user_text(g.text.critique_request)
    st.markdown("**Revision request**")
    ui.user_text(g.text.revision_request)
    if g.text.rationale:
        st.markdown("**Rationale**")
        ui.user_text(g.text.rationale)
    if g.text.tags:
        st.caption("tags: " + ", ".join(g.text.tags))

# Fixed labels: a label that changes (a count) makes Streamlit reset to the first tab.
vote_tab, talk_tab, versions_tab, history_tab = st.tabs(
    ["Vote", "Discussion", "Versions", "History"], key=f"tabs:{g.id}"
)

with vote_tab:
    if detail.decision is not None:
        d = detail.decision
        outcome = "Approved" if d.outcome is Status.APPROVED else "Rejected"
        st.subheader(f"{outcome} on {d.decided_at:%d %b %Y}", anchor=False)
        decided = (
            f"Version {d.version}, decided under rules version {d.rules_version}"
            f" by {detail.names.get(d.decided_by, '?')}" + (f": {d.reason}" if d.reason else "")
        )
        st.caption(ui.safe_markdown(decided))
        for line in d.tally.lines:
            st.markdown(f"- {line}")
    elif g.voting is not None and g.status is Status.VOTING:
        first = [detail.tally]  # this run already counted; later refreshes count anew

        @st.fragment(run_every="15s")
        def live_tally() -> None:
            result = first.pop() if first else charter.ballots.tally(g.id)
            st.subheader("Live tally", anchor=False)
            figure = charts.tally_figure(result)
            if figure is not None:
                st.plotly_chart(figure, key="tally_chart")
            elif result.overall.total == 0:
                st.info("No ballots yet: the chart appears with the first ballot.")
            else:
                st.info("Only abstentions so far: no approve or reject ballot to chart.")
            for line in result.lines:
                st.markdown(f"- {line}")
            verdict = st.success if result.approved else st.warning
            verdict(("If voting closed now: " + result.summary), icon=":material/how_to_vote:")
            st.caption(
                f"Decided under rules version {result.rules_version}; counts refresh every 15 s."
            )

        live_tally()
        ballot.ballot(charter, principal, detail)
    else:
        st.info(f"Not being voted on (status: {g.status.value}).")
    if g.status is not Status.VOTING:
        # A ballot cast from a page drawn before voting closed is refused; say why here,
        # since the ballot (and the place its messages go) is no longer drawn.
        ui.show_outcome(f"vote:{g.id}", with_fields=True)
    if detail.ballots_on_earlier_versions:
        st.caption(
            f"{detail.ballots_on_earlier_versions} ballot(s) were cast on earlier versions."
            " They do not count: each version is voted on afresh."
        )
    ballot.lifecycle_actions(charter, principal, detail)

with talk_tab:
    comments = sum(1 + len(t.replies) for t in detail.threads)
    st.caption(f"{comments} comment{'s' if comments != 1 else ''}")
    discussion.discussion(charter, principal, detail)

with versions_tab:
    st.caption(f"{len(detail.versions)} version{'s' if len(detail.versions) != 1 else ''}")
    text_form.versions(detail)
    if can.amend:
        text_form.amend_form(charter, principal, detail)

with history_tab:
    for event in detail.history:
        after = event.after or {}
        what = event.action.removeprefix("guideline.")
        if event.action is EventAction.GUIDELINE_TRANSITIONED:
            what = f"{(event.before or {}).get('status')} → {after.get('status')}"
        st.markdown(
            ui.safe_markdown(
                f"**{event.at:%d %b %Y, %H:%M} UTC** · {detail.names.get(event.actor_id, '?')}"
                f" · {what}" + (f" — {event.reason}" if event.reason else "")
            )
        )
