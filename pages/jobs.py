"""Jobs (moderators and stewards): background work, its progress, and cancelling it."""

import streamlit as st

from governance.errors import GovernanceError
from governance.jobs.deadlines import CLOSE_DUE
from governance.jobs.models import Job, JobPage, JobStatus
from governance.models import REASON_MAX
from pages import ui
from pages.components.fields import limited_text

ui.page_gate(__file__)

#: How often the list refreshes itself while a job is queued or running.
REFRESH_S = 2.0
JOB_COLORS = {
    JobStatus.QUEUED: "gray",
    JobStatus.RUNNING: "blue",
    JobStatus.DONE: "green",
    JobStatus.FAILED: "red",
    JobStatus.CANCELLED: "orange",
}

charter = ui.charter()
principal = ui.current_principal()
st.title("Jobs")
st.caption(
    "Long work runs in the background, one item at a time, and picks up where it stopped"
    " if the app restarts. Votes whose window has ended are closed here every minute."
)
if principal is None:
    st.stop()


def load() -> JobPage | None:
    try:
        return charter.jobs.job_list(principal, page=int(st.session_state.get("jobs:page", 1)))
    except GovernanceError as exc:
        ui.show_error(exc)
        return None


def start_close_due() -> None:
    ui.run_action(
        "jobs:start",
        lambda: charter.jobs.start(principal, CLOSE_DUE),
        "Started: due votes are being closed.",
    )


def cancel(job_id: int) -> None:
    key = f"cancel:{job_id}"
    reason = st.session_state.get(f"{key}:reason", "")
    ui.run_action(key, lambda: charter.jobs.cancel(principal, job_id, reason), "Cancelled.")


def job_card(job: Job, page: JobPage) -> None:
    with st.container(border=True):
        title_col, badge_col = st.columns([5, 1])
        title_col.markdown(f"**{page.titles.get(job.kind, job.kind)}** :gray[job {job.id}]")
        with badge_col:
            st.badge(job.status.value, color=JOB_COLORS[job.status])  # type: ignore[arg-type]
        st.progress(job.progress, text=f"{job.done}/{job.total} · {job.message}")
        when = f"started by {job.created_by_name} · {job.created_at:%d %b %Y, %H:%M} UTC"
        if job.finished_at is not None:
            when += f" · ended {job.finished_at:%d %b %Y, %H:%M} UTC"
        st.caption(ui.safe_markdown(when))
        if job.error:
            st.error(ui.escape_markdown(job.error), icon=":material/error:")
        if job.cancel_reason:
            st.caption(ui.safe_markdown(f"Cancelled: {job.cancel_reason}"))
        key = f"cancel:{job.id}"
        if job.id in page.cancellable:
            with st.popover("Cancel…"):
                limited_text("Reason (required; logged)", f"{key}:reason", REASON_MAX)
                st.button("Cancel this job", key=f"{key}:go", on_click=cancel, args=(job.id,))
        ui.show_outcome(key, with_fields=True)


first = load()
if first is None:
    st.stop()
if CLOSE_DUE in first.can_start:
    st.button("Close due votes now", key="jobs:start:go", on_click=start_close_due, type="primary")
ui.show_outcome("jobs:start", with_fields=True)


@st.fragment(run_every=REFRESH_S if first.active else None)
def job_list() -> None:
    page = load()
    if page is None:
        return
    if first.active and not page.active:
        st.rerun(scope="app")  # everything finished: stop refreshing
    ui.show_settled_outcomes("cancel:", {f"cancel:{j.id}" for j in page.jobs})
    if not page.jobs:
        st.info("No job has run yet.")
    for job in page.jobs:
        job_card(job, page)
    if page.pages > 1:
        st.number_input("Page", min_value=1, max_value=page.pages, key="jobs:page")
    st.caption(ui.count(page.total, "job"))


job_list()
