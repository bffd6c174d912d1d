"""Audits: a released constitution's principles checked on a model, reviewed, and followed."""

import streamlit as st

from governance.auth import Action, may
from governance.errors import GovernanceError
from pages import ui
from pages.components import (
    audit_findings,
    audit_results,
    audit_review,
    audit_runs,
    audit_suites,
)

ui.page_gate(__file__)

charter = ui.charter()
principal = ui.current_principal()
# Everyone reads audits (transparency); the services check every action again: hiding the
# controls from those who may not take them is a courtesy.
runner = principal is not None and may(principal, Action.RUN_AUDITS)
reviewer = principal is not None and may(principal, Action.REVIEW_AUDITS)
steward = principal is not None and may(principal, Action.REOPEN_GUIDELINES)
st.title("Audits")
st.caption(
    "An audit sends each prompt of a suite to a model and has a judge say, per principle of a"
    " released constitution, whether the answer complies. Auditors review the judge's"
    " verdicts; the results, the judge's agreement with people and the drift over audits are"
    " public."
)

with ui.outcomes_kept_if_interrupted():
    runs_tab, review_tab, agreement_tab, drift_tab, tools_tab = st.tabs(
        ["Runs", "Review queue", "Agreement", "Drift", "Suites & tools"]
    )
    runs = charter.audits.runs()
    with runs_tab:
        if runner:
            audit_runs.start_form(charter, principal)
        if not runs:
            st.info("No audit yet.")
        else:
            audit_runs.run_list(charter, runs)
            run_id = audit_runs.chosen_run(runs)
            try:
                detail = charter.audits.run(run_id)
            except GovernanceError as exc:
                ui.show_error(exc)
            else:
                audit_runs.controls(charter, principal, detail.run, runner)
                audit_results.header(detail)
                audit_results.results(detail)
                audit_results.verdicts(detail)
            audit_results.report(charter)
    with review_tab:
        audit_review.queue(charter, principal, runs, reviewer)
    with agreement_tab:
        audit_findings.agreement(charter)
    with drift_tab:
        if runs:
            audit_findings.drift(charter, principal, runs, steward)
            audit_findings.compare(charter, runs)
        else:
            st.caption("No audit yet.")
    with tools_tab:
        audit_suites.suites(charter)
        if runner:
            audit_suites.add_form(charter, principal)
        audit_suites.export(charter)
        if runner:
            audit_suites.import_form(charter, principal)
