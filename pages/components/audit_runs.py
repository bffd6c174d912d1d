"""The Audits page's runs: the start form (auditors, stewards), the list, the run chosen."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

import streamlit as st

from governance.models import Stakeholder
from governance.services import Charter
from governance.storage.audits import AuditRunRow
from pages import ui
from pages.components import run_controls
from pages.components.run_controls import ACTIVE

KEY = "audits:start"
#: Session key of the run shown (also the run selectbox's key).
CHOSEN = "audits:run"
#: The runs this session's start forms made, by form token (see ``_start``).
STARTED = "audits:started"
#: A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(rows: Iterable[Mapping[str, object]]) -> bytes:
    """Rows as CSV (UTF-8 with a BOM, for spreadsheets); text that a spreadsheet would run
    as a formula is quoted with a leading apostrophe, so opening the file runs nothing."""
    listed = list(rows)
    out = io.StringIO()
    if listed:
        writer = csv.DictWriter(out, fieldnames=list(listed[0]))
        writer.writeheader()
        for row in listed:
            writer.writerow(
                {
                    k: f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA) else v
                    for k, v in row.items()
                }
            )
    return out.getvalue().encode("utf-8-sig")


def csv_download(label: str, rows: Iterable[Mapping[str, object]], name: str, key: str) -> None:
    """A download button for ``rows`` as a CSV file."""
    st.download_button(
        label,
        csv_bytes(rows),
        file_name=name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )


def status(run: AuditRunRow) -> str:
    """The run's status: its job's, or ``imported``."""
    if run.source != "charter":
        return "imported"
    return run.job_status or "queued"


def source(run: AuditRunRow) -> str:
    """``charter``, or the tool and the file an imported run came from."""
    return run.source if not run.origin else f"{run.source} ({run.origin})"


def run_label(run: AuditRunRow) -> str:
    """``Run 3 · scripted · release 2.0.0 · mini@1 · 30 Nov 2026 12:00`` (nothing that changes)."""
    return (
        f"Run {run.id} · {run.model_name} · release {run.release_version} ·"
        f" {run.suite_name}@{run.suite_version} · {run.created_at:%d %b %Y %H:%M}"
    )


def _start(charter: Charter, principal: Stakeholder | None, token: str) -> None:
    # The same form sent twice (a double click) made its run already: start nothing more.
    started: dict[str, int] = st.session_state.setdefault(STARTED, {})
    if token in started:
        return
    state = st.session_state
    model = state.get(f"{KEY}:model", "")
    judge = state.get(f"{KEY}:judge", "")
    run = ui.run_action(
        KEY,
        lambda: charter.audits.start(
            principal,
            suite=state.get(f"{KEY}:suite") or "",
            release=state.get(f"{KEY}:release") or "latest",
            model=model,
            judge=judge or None,
            concurrency=state.get(f"{KEY}:concurrency:{model}"),
        ),
        "Started: the audit is queued; its progress shows below.",
    )
    if run is not None:
        started[token] = run.id
        state[CHOSEN] = run.id
        ui.renew_form_token(KEY)
        ui.close_action_expander(KEY)


def start_form(charter: Charter, principal: Stakeholder | None) -> None:
    """Start an audit: suite, release, model, judge (default: the model), concurrency."""
    with ui.action_expander("Start an audit", KEY):
        suites = charter.audits.suites()
        st.selectbox(
            "Suite",
            [s.name for s in suites],
            format_func=lambda n: next(
                f"{n} (version {s.version}, {s.prompts} prompts)" for s in suites if s.name == n
            ),
            key=f"{KEY}:suite",
        )
        ui.field_error(KEY, "suite")
        versions = [r.row.version for r in charter.constitution.releases()]  # newest first
        st.selectbox("Release", versions, key=f"{KEY}:release")
        ui.field_error(KEY, "release")
        registry = charter.models.registry
        model = st.selectbox(
            "Model under audit",
            list(registry),
            format_func=lambda n: registry[n].label,
            key=f"{KEY}:model",
        )
        ui.field_error(KEY, "model")
        st.selectbox(
            "Judge",
            ["", *registry],
            format_func=lambda n: registry[n].label if n else "the same model",
            key=f"{KEY}:judge",
        )
        ui.field_error(KEY, "judge")
        default = registry[model].concurrency if model else 1
        st.number_input("Prompts at once", 1, 64, default, key=f"{KEY}:concurrency:{model}")
        ui.field_error(KEY, "concurrency")
        token = ui.form_token(KEY)  # on the button: a double click starts one run
        st.button(
            "Start audit",
            key=f"{KEY}:go:{token}",
            type="primary",
            on_click=_start,
            args=(charter, principal, token),
        )
    ui.show_outcome(KEY)


def run_table(runs: Sequence[AuditRunRow]) -> None:
    """The runs, newest first, with a progress bar for each one under way."""
    for run in runs:
        if status(run) in ACTIVE:
            done = run.finished + run.errors
            st.progress(
                done / run.total if run.total else 0.0,
                text=f"Run {run.id}: {done}/{run.total} prompts · {status(run)}",
            )
    st.dataframe(
        [
            {
                "run": run.id,
                "status": status(run),
                "source": source(run),
                "model": run.model_name,
                "judge": run.judge_name,
                "release": run.release_version,
                "suite": f"{run.suite_name}@{run.suite_version}",
                "prompts done": f"{run.finished}/{run.total}",
                "errors": run.errors,
                "started": f"{run.created_at:%d %b %Y %H:%M} UTC",
            }
            for run in runs
        ],
        hide_index=True,
    )


def run_list(charter: Charter, first: list[AuditRunRow]) -> None:
    """The list of runs; it refreshes itself while one is queued or running."""
    run_controls.live_list(charter.audits.runs, first, status, run_table)


def chosen_run(runs: list[AuditRunRow]) -> int:
    """The run to show: ``?run=ID`` when it names one, else the one picked, else the newest."""
    return run_controls.chosen(runs, CHOSEN, run_label)


def controls(
    charter: Charter, principal: Stakeholder | None, run: AuditRunRow, runner: bool
) -> None:
    """The run's title and status; Resume a stopped run, or Cancel one under way."""
    state = status(run)
    run_controls.title(run.id, state)
    run_controls.resume_or_cancel(
        charter,
        principal,
        prefix="audits",
        noun="audit",
        run_id=run.id,
        job_id=run.job_id,
        status=state,
        resumable=run.source == "charter" and (run.errors > 0 or run.finished < run.total),
        may_act=runner,
        resume=lambda: charter.audits.resume(principal, run.id),
    )
