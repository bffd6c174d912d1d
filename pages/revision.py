"""Model revision: a release's principles run on a model, what each round did, and the data."""

import streamlit as st

from governance.auth import Action, may
from governance.errors import GovernanceError
from pages import ui
from pages.components import revision, revision_detail, revision_prompts

ui.page_gate(__file__)

charter = ui.charter()
principal = ui.current_principal()
# Anyone may read runs; starting, resuming and curating are for those who may run models
# (the services check it again: hiding the controls is a courtesy).
steward = principal is not None and may(principal, Action.RUN_MODELS)
st.title("Model revision")
st.caption(
    "A run sends each prompt of a set to a chat model, then has the model critique and revise"
    " its answer under the principles of a released constitution (Constitutional AI's"
    " supervised phase). Everyone may read the runs; stewards start them and choose which"
    " rows go into the training data."
)

if steward:
    revision.start_form(charter, principal)

runs = charter.revisions.runs()
if not runs:
    st.info("No run yet.")
    st.stop()
revision.run_list(charter, runs)

run_id = revision.chosen_run(runs)
try:
    detail = charter.revisions.run(run_id)
except GovernanceError as exc:
    ui.show_error(exc)
    st.stop()
revision_detail.header(charter, principal, detail, steward)
revision_detail.stats(detail)
revision_detail.downloads(charter, detail)
revision_prompts.prompts(charter, principal, detail, steward)
