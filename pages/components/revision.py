"""The Model revision page's start form (stewards), its list of runs and the run chosen."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from governance.errors import ValidationFailed
from governance.models import Stakeholder
from governance.revision.prompts import PromptSet, builtin_prompt_set, parse_prompt_file
from governance.services import Charter
from governance.services.revisions import ROUNDS_MAX
from governance.storage.revisions import RunRow
from pages import ui
from pages.components import run_controls
from pages.components.run_controls import ACTIVE

KEY = "revision:start"
#: Session key of the run shown (also the run selectbox's key).
CHOSEN = "revision:run"
#: The runs this session's start forms made, by form token (see ``_start``).
STARTED = "revision:started"
BUILTIN = f"Built-in ({len(builtin_prompt_set().prompts)} prompts)"
UPLOAD = "Upload a CSV or JSONL file"
SAMPLING = {
    "random": "random: each round draws a principle at random (seeded and recorded), as in"
    " the Constitutional AI paper",
    "priority": "priority: every principle once, highest priority first (the rounds are the"
    " principles)",
}


def scripted(run: RunRow) -> bool:
    """Whether the scripted stand-in made the run (its texts are templates, not a model's)."""
    return run.model_settings.get("model") == "charter:scripted"


def _uploaded(charter: Charter) -> PromptSet | None:
    """The uploaded prompt set (None: the built-in one); ``ValidationFailed`` under ``file``."""
    if st.session_state.get(f"{KEY}:source", BUILTIN) == BUILTIN:
        return None
    upload = st.session_state.get(f"{KEY}:file")
    if upload is None:
        raise ValidationFailed({"file": "choose a CSV or JSONL file of prompts"})
    try:
        return parse_prompt_file(
            upload.getvalue(), name=upload.name, categories=charter.settings.categories
        )
    except ValidationFailed as exc:  # a bad name or format too: said under the uploader
        raise ValidationFailed({"file": "; ".join(exc.errors.values())}) from None


def _start(charter: Charter, principal: Stakeholder | None, token: str) -> None:
    # The service takes no form token, so the page keeps one per session: the same form sent
    # again (a double click sends its message twice) made its run already and starts nothing.
    started: dict[str, int] = st.session_state.setdefault(STARTED, {})
    if token in started:
        return
    state = st.session_state
    model = state.get(f"{KEY}:model", "")
    run = ui.run_action(
        KEY,
        lambda: charter.revisions.start(
            principal,
            release=state.get(f"{KEY}:release") or "latest",
            model=model,
            prompts=_uploaded(charter),
            rounds=int(state.get(f"{KEY}:rounds", 2)),
            sampling=state.get(f"{KEY}:sampling", "random"),
            concurrency=state.get(f"{KEY}:concurrency:{model}"),
        ),
        "Started: the run is queued; its progress shows below.",
    )
    if run is not None:
        started[token] = run.id
        state[CHOSEN] = run.id
        ui.renew_form_token(KEY)
        ui.close_action_expander(KEY)


def _file_field(charter: Charter) -> None:
    st.file_uploader("Prompt file", type=["csv", "jsonl"], key=f"{KEY}:file")
    message = ui.action_errors(KEY).get("file")
    if message is None and st.session_state.get(f"{KEY}:file") is not None:
        try:
            prompts = _uploaded(charter)
        except ValidationFailed as exc:
            message = exc.errors["file"]
        else:
            assert prompts is not None
            st.caption(f"{ui.count(len(prompts.prompts), 'prompt')} read from the file.")
    if message:
        st.error(ui.escape_markdown(message), icon=":material/error:")


def start_form(charter: Charter, principal: Stakeholder | None) -> None:
    """Start a run (stewards): release, prompts, model, rounds, sampling, concurrency."""
    with ui.action_expander("Start a run", KEY):
        versions = [r.row.version for r in charter.constitution.releases()]  # newest first
        st.selectbox("Release", versions, key=f"{KEY}:release")
        ui.field_error(KEY, "release")
        if st.radio("Prompts", [BUILTIN, UPLOAD], key=f"{KEY}:source", horizontal=True) == UPLOAD:
            _file_field(charter)
        registry = charter.models.registry
        model = st.selectbox(
            "Model", list(registry), format_func=lambda n: registry[n].label, key=f"{KEY}:model"
        )
        ui.field_error(KEY, "model")
        sampling = st.radio(
            "Sampling", list(SAMPLING), format_func=SAMPLING.__getitem__, key=f"{KEY}:sampling"
        )
        rounds, concurrency = st.columns(2)
        if sampling == "random":
            rounds.number_input("Rounds per prompt", 1, ROUNDS_MAX, 2, key=f"{KEY}:rounds")
        else:
            rounds.caption("Rounds per prompt: one per principle of the release.")
        with rounds:
            ui.field_error(KEY, "rounds")
        # Keyed by model: choosing another model starts from that model's own concurrency.
        default = registry[model].concurrency if model else 1
        concurrency.number_input(
            "Prompts at once", 1, 64, default, key=f"{KEY}:concurrency:{model}"
        )
        with concurrency:
            ui.field_error(KEY, "concurrency")
        token = ui.form_token(KEY)  # on the button: a double click starts one run
        st.button(
            "Start run",
            key=f"{KEY}:go:{token}",
            type="primary",
            on_click=_start,
            args=(charter, principal, token),
        )
    ui.show_outcome(KEY)  # below the expander, which closes once the run has started


def _status(run: RunRow) -> str:
    return run.job_status or "queued"


def run_label(run: RunRow) -> str:
    """``Run 3 · release 2.0.0 · scripted (scripted stand-in) · 30 Nov 2026 12:00``.

    Nothing that changes while the run is under way: a browser keeps showing the label the
    choice had when it was made, so a status here would go stale.
    """
    model = run.model_name + (" (scripted stand-in)" if scripted(run) else "")
    return (
        f"Run {run.id} · release {run.release_version} · {model} · {run.created_at:%d %b %Y %H:%M}"
    )


def run_table(runs: Sequence[RunRow]) -> None:
    """The runs, newest first, with a progress bar for each one under way."""
    for run in runs:
        if _status(run) in ACTIVE:
            done = run.finished + run.errors
            st.progress(
                done / run.total if run.total else 0.0,
                text=f"Run {run.id}: {done}/{run.total} prompts · {_status(run)}",
            )
    rows = [
        {
            "run": run.id,
            "status": _status(run),
            "release": run.release_version,
            "model": run.model_name + (" (scripted stand-in)" if scripted(run) else ""),
            "prompts done": f"{run.finished}/{run.total}",
            "errors": run.errors,
            "started": f"{run.created_at:%d %b %Y %H:%M} UTC",
        }
        for run in runs
    ]
    st.dataframe(rows, hide_index=True)


def run_list(charter: Charter, first: list[RunRow]) -> None:
    """The list of runs; it refreshes itself while one is queued or running."""
    run_controls.live_list(charter.revisions.runs, first, _status, run_table)


def chosen_run(runs: list[RunRow]) -> int:
    """The run to show: ``?run=ID`` when it names one, else the one picked, else the newest."""
    return run_controls.chosen(runs, CHOSEN, run_label)
