"""A revision run on the Model revision page: what made it, how each principle fared, its data."""

from __future__ import annotations

import streamlit as st

from governance.models import Stakeholder
from governance.revision.datasets import DatasetFormat, Rules
from governance.services import Charter
from governance.services.revision_screens import RunDetail
from pages import ui
from pages.components import run_controls
from pages.components.run_controls import ACTIVE

SCRIPTED_WARNING = (
    "**Made by the scripted stand-in, not a model.** Every answer, critique and revision in"
    " this run is a template written for Charter, not a model's output. Use its datasets to"
    " try a training pipeline, never to train one."
)
STATS_CAPTION = (
    "Each round takes one principle: the model critiques its latest answer against it and,"
    " if the critique finds something, revises. **Revised**: rounds that changed the answer;"
    " **no critique**: rounds whose critique found nothing to change; **unparseable**: rounds"
    " whose critique could not be read (twice), so the answer was kept, never counted as"
    " no critique. **Critique rate**: revised out of revised + no critique. **Changed"
    " characters**: characters that differ before and after the principle's revisions."
)


def header(
    charter: Charter, principal: Stakeholder | None, detail: RunDetail, steward: bool
) -> None:
    """What made the run: release, model and its settings, prompts, sampling, seed."""
    run = detail.run
    status = run.job_status or "queued"
    run_controls.title(run.id, status)
    if detail.scripted:
        st.warning(SCRIPTED_WARNING, icon=":material/theater_comedy:")
    settings = run.model_settings
    # The prompt set's name is a file's name and the settings come from secrets.toml: plain.
    model = ui.plain(
        f"{settings.get('model', '')}"
        + (f" at {settings['base_url']}" if settings.get("base_url") else "")
    )
    lines = [
        f"Release **{run.release_version}**, sha256 `{run.release_hash}`",
        f"Model **{ui.plain(run.model_name)}** ({model}): temperature"
        f" {settings.get('temperature')}, max tokens {settings.get('max_tokens')}, timeout"
        f" {settings.get('timeout_s')} s, {settings.get('max_retries')} retries",
        f"Prompt set **{ui.plain(run.prompt_set)}** ({run.total} prompts), sha256"
        f" `{run.prompt_set_hash}`",
        f"{run.rounds} round(s) per prompt, principles chosen by **{run.sampling}** sampling,"
        f" seed `{run.seed}`; {run.concurrency} prompts at once",
        f"Started {run.created_at:%d %b %Y %H:%M} UTC; {run.finished} of {run.total} prompts"
        f" done, {run.errors} failed",
    ]
    st.markdown("\n".join(f"- {line}" for line in lines))
    if status in ACTIVE:
        st.caption("The run is under way: this shows the prompts done so far.")
    run_controls.resume_or_cancel(
        charter,
        principal,
        prefix="revision",
        noun="run",
        run_id=run.id,
        job_id=run.job_id,
        status=status,
        resumable=run.errors > 0 or run.finished < run.total,
        may_act=steward,
        resume=lambda: charter.revisions.resume(principal, run.id),
    )


def stats(detail: RunDetail) -> None:
    """How each principle fared, with how to read it."""
    st.subheader("Principles", anchor=False)
    if not detail.stats:
        st.caption("No round has finished yet.")
        return
    st.dataframe(
        [
            {
                "principle": s.principle_id,
                "title": s.title,
                "rounds": s.rounds,
                "revised": s.revised,
                "no critique": s.no_critique,
                "unparseable": s.unparseable,
                "critique rate": round(s.critique_rate * 100),
                "changed characters": s.changed_chars,
            }
            for s in detail.stats
        ],
        hide_index=True,
        column_config={"critique rate": st.column_config.NumberColumn(format="%d%%")},
    )
    st.caption(STATS_CAPTION)


def _left_out(excluded: dict[str, int]) -> str:
    if not excluded:
        return "nothing"
    return "; ".join(f"{n} {reason}" for reason, n in sorted(excluded.items()))


def downloads(charter: Charter, detail: RunDetail) -> None:
    """Each dataset as JSONL, with its card, under rules the person picks."""
    run_id = detail.run.id
    st.subheader("Training data", anchor=False)
    key = f"revision:{run_id}:rules"
    unchanged, refusals, shortest = st.columns(3)
    rules = Rules(
        unchanged=unchanged.checkbox("Leave out unchanged answers", True, key=f"{key}:unchanged"),
        refusals=refusals.checkbox("Leave out refusals", False, key=f"{key}:refusals"),
        min_chars=int(shortest.number_input("Minimum characters", 0, 100_000, 1, key=f"{key}:min")),
    )
    for fmt in DatasetFormat:
        name = f"charter-run-{run_id}-{fmt.value}.jsonl"
        dataset, card = charter.revisions.dataset(run_id, fmt.value, rules, file_name=name)
        data, readme, summary = st.columns([1, 1, 3], vertical_alignment="center")
        data.download_button(
            f"{fmt.value} (JSONL)",
            dataset.jsonl(),
            file_name=name,
            mime="application/jsonl",
            key=f"revision:{run_id}:download:{fmt.value}",
            icon=":material/download:",
            width="stretch",
        )
        readme.download_button(
            "Card (README.md)",
            card.encode("utf-8"),
            file_name=name.removesuffix(".jsonl") + "-README.md",
            mime="text/markdown",
            key=f"revision:{run_id}:card:{fmt.value}",
            icon=":material/description:",
            width="stretch",
        )
        rows = ui.count(len(dataset.rows), "row")
        considered = ui.count(dataset.considered, "prompt")
        # A reviewer's reason is quoted in what was left out: shown as written.
        left_out = f"{rows} from {considered}; left out: {_left_out(dataset.excluded)}"
        summary.caption(ui.escape_markdown(left_out))
