"""What the Model revision and Audits pages share about a run: the live list, the run chosen,
its title and status, and Resume and Cancel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

import streamlit as st

from governance.models import REASON_MAX, Stakeholder
from governance.services import Charter
from pages import ui
from pages.components.fields import limited_text

#: How often the run list refreshes itself while a run is under way.
REFRESH_S = 2.0
STATUS_COLORS = {
    "queued": "gray",
    "running": "blue",
    "done": "green",
    "failed": "red",
    "cancelled": "orange",
    "imported": "violet",
}
ACTIVE = ("queued", "running")


class Run(Protocol):
    """A run as both pages list it."""

    @property
    def id(self) -> int:
        """The run's number."""
        ...


R = TypeVar("R", bound=Run)


def live_list(
    fetch: Callable[[], Sequence[R]],
    first: Sequence[R],
    status: Callable[[R], str],
    table: Callable[[Sequence[R]], None],
) -> None:
    """The runs as ``table`` draws them; the list refreshes itself while one is under way."""
    active = any(status(r) in ACTIVE for r in first)

    @st.fragment(run_every=REFRESH_S if active else None)
    def refreshed() -> None:
        runs = fetch()
        if active and not any(status(r) in ACTIVE for r in runs):
            st.rerun(scope="app")  # everything finished: the detail shows the results
        table(runs)

    refreshed()


def chosen(runs: Sequence[R], key: str, label: Callable[[R], str]) -> int:
    """The run to show: ``?run=ID`` when it names one, else the one picked, else the newest."""
    ids = [r.id for r in runs]
    wanted = st.query_params.get("run", "")
    if key not in st.session_state and wanted.isdigit() and int(wanted) in ids:
        st.session_state[key] = int(wanted)
    if st.session_state.get(key) not in ids:
        st.session_state[key] = ids[0]
    labels = {r.id: label(r) for r in runs}
    picked: int = st.selectbox("Run", ids, format_func=labels.__getitem__, key=key)
    st.query_params["run"] = str(picked)  # the address names the run shown, for sharing
    return picked


def title(run_id: int, status: str) -> None:
    """``Run 3`` with its status as a badge."""
    heading, badge = st.columns([5, 1])
    heading.subheader(f"Run {run_id}", anchor=False)
    with badge:
        st.badge(status, color=STATUS_COLORS.get(status, "gray"))  # type: ignore[arg-type]


def resume_or_cancel(
    charter: Charter,
    principal: Stakeholder | None,
    *,
    prefix: str,
    noun: str,
    run_id: int,
    job_id: int | None,
    status: str,
    resumable: bool,
    may_act: bool,
    resume: Callable[[], object],
) -> None:
    """Resume a stopped run, or cancel one under way with a reason (for those who may act).

    Args:
        charter: The services.
        principal: Who acts.
        prefix: The page's widget keys (``revision``, ``audits``).
        noun: What the page calls a run (``run``, ``audit``).
        run_id: The run.
        job_id: The run's job.
        status: The run's status.
        resumable: Whether some prompts failed or never ran.
        may_act: Whether the person may start and stop such runs (the services check again).
        resume: Resumes the run.
    """
    key = f"{prefix}:resume:{run_id}"
    if may_act and status not in ACTIVE and resumable:

        def resumed() -> None:
            ui.run_action(
                key,
                resume,
                "Resumed: the prompts left are queued again; answered calls are not repeated.",
            )

        st.button(
            "Resume", key=f"{key}:go", on_click=resumed, help="Run the failed and unrun prompts"
        )
    ui.show_outcome(key, with_fields=True)
    cancel_key = f"{prefix}:cancel:{run_id}"
    if may_act and status in ACTIVE and job_id is not None:
        with st.popover(f"Cancel the {noun}…"):
            limited_text(
                "Reason (required; logged)",
                f"{cancel_key}:reason",
                REASON_MAX,
                error_key=cancel_key,
                field="reason",
            )
            st.button(
                f"Cancel this {noun}",
                key=f"{cancel_key}:go",
                on_click=_cancel,
                args=(charter, principal, job_id, cancel_key, noun),
            )
    ui.show_outcome(cancel_key)


def _cancel(
    charter: Charter, principal: Stakeholder | None, job_id: int, key: str, noun: str
) -> None:
    reason = st.session_state.get(f"{key}:reason", "")
    ui.run_action(
        key,
        lambda: charter.jobs.cancel(principal, job_id, reason),
        f"Cancelled: prompts under way finish their calls and are dropped; resume the {noun} to"
        " finish it, with no answered call repeated.",
    )
