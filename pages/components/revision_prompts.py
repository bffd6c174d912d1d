"""A run's prompts on the Model revision page: each round side by side, and curation."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from governance.diff import diff_words
from governance.models import REASON_MAX, Stakeholder
from governance.services import Charter
from governance.services.revision_screens import RunDetail
from governance.storage.revisions import ResultRow, StepRow
from pages import ui
from pages.components.fields import limited_text

PER_PAGE = 10
#: The outcome filter: what each choice keeps.
OUTCOMES: dict[str, Callable[[ResultRow], bool]] = {
    "any outcome": lambda r: True,
    "revised": lambda r: any(s.outcome == "revised" for s in r.steps),
    "unchanged": lambda r: r.final is not None and all(s.outcome != "revised" for s in r.steps),
    "with an unparseable round": lambda r: any(s.outcome == "unparseable" for s in r.steps),
    "failed": lambda r: r.error is not None,
    "not run yet": lambda r: r.initial is None and r.error is None,
    "excluded from datasets": lambda r: r.excluded,
}
VERDICTS = {
    "revised": "revised",
    "no_critique": "no critique needed: the answer is kept",
    "unparseable": "unparseable critique: the answer is kept (not counted as no critique)",
}


def _round(step: StepRow, principle: dict[str, str]) -> None:
    verdict = VERDICTS.get(step.outcome, step.outcome)
    st.markdown(f"**Round {step.round}** · {ui.plain(step.principle_id)} · {verdict}")
    if principle.get("guideline_id"):
        ui.guideline_link(principle["guideline_id"], principle.get("title", ""))
    critique, revision = st.columns(2)
    with critique:
        st.caption("Critique")
        if step.outcome == "unparseable":
            st.warning(ui.escape_markdown(f"Could not be read: {step.parse_error}"))
        ui.user_text(step.critique)
    with revision:
        st.caption("Revision")
        if step.outcome == "revised":
            ui.user_text(step.revision)
        else:
            st.markdown("*None: the answer is kept as it was.*")
    if step.outcome == "revised":
        st.caption("What this round changed")
        changes = ui.diff_html(diff_words(step.before, step.revision))
        st.html(f'<div class="charter-diff">{changes}</div>')


def _curate(
    charter: Charter, principal: Stakeholder | None, run_id: int, position: int, exclude: bool
) -> None:
    key = f"revision:{run_id}:curate:{position}"
    reason = st.session_state.get(f"{key}:reason", "")
    ui.run_action(
        key,
        lambda: charter.revisions.exclude(principal, run_id, position, reason, excluded=exclude),
        f"Row {position + 1} {'excluded from' if exclude else 'included again in'} the datasets.",
    )
    if not ui.action_errors(key):
        st.session_state[f"{key}:reason"] = ""  # the next decision needs its own reason


def _curation(
    charter: Charter, principal: Stakeholder | None, run_id: int, result: ResultRow
) -> None:
    position = result.prompt.position
    key = f"revision:{run_id}:curate:{position}"
    label = "Include again" if result.excluded else "Exclude from datasets"
    with st.popover(label):
        limited_text(
            "Reason (required; logged)", f"{key}:reason", REASON_MAX, error_key=key, field="reason"
        )
        st.button(
            label,
            key=f"{key}:go",
            on_click=_curate,
            args=(charter, principal, run_id, position, not result.excluded),
        )
    ui.field_error(key, "row")
    ui.show_outcome(key)


def prompt_card(
    charter: Charter,
    principal: Stakeholder | None,
    detail: RunDetail,
    result: ResultRow,
    steward: bool,
) -> None:
    """One prompt: its text, the initial answer, then each round; its curation."""
    prompt = result.prompt
    category, language = ui.labels()
    with st.container(border=True):
        about = [
            category(prompt.category) if prompt.category else "no category",
            language(prompt.language),
            prompt.kind,
        ]
        st.markdown(
            f"**{prompt.position + 1}. {ui.plain(prompt.prompt_id)}** · "
            + ui.plain(" · ".join(about))
        )
        st.text(prompt.text)  # the prompt is data: shown exactly as written, never as markup
        if result.excluded:
            st.info(
                ui.escape_markdown(f"Excluded from datasets: {result.exclusion_reason}"),
                icon=":material/block:",
            )
        if result.error is not None:
            st.error(ui.escape_markdown(result.error), icon=":material/error:")
        elif result.initial is None:
            st.caption("Not run yet.")
        if result.initial is not None:
            st.caption("Initial answer")
            ui.user_text(result.initial)
            principles = {p["id"]: p for p in detail.principles}
            for step in result.steps:
                _round(step, principles.get(step.principle_id, {}))
        if steward:
            _curation(charter, principal, detail.run.id, result)


def prompts(
    charter: Charter, principal: Stakeholder | None, detail: RunDetail, steward: bool
) -> None:
    """The run's prompts, filtered and ten to a page."""
    st.subheader("Prompts", anchor=False)
    key = f"revision:{detail.run.id}:prompts"
    results = detail.results
    category, language = ui.labels()

    def first_page() -> None:
        st.session_state[f"{key}:page"] = 1

    by_category, by_language, by_outcome = st.columns(3)
    chosen_category = by_category.selectbox(
        "Category",
        ["", *sorted({r.prompt.category for r in results})],
        format_func=lambda c: category(c) if c else "all categories",
        key=f"{key}:category",
        on_change=first_page,
    )
    chosen_language = by_language.selectbox(
        "Language",
        ["", *sorted({r.prompt.language for r in results})],
        format_func=lambda c: language(c) if c else "all languages",
        key=f"{key}:language",
        on_change=first_page,
    )
    outcome = by_outcome.selectbox(
        "Outcome", list(OUTCOMES), key=f"{key}:outcome", on_change=first_page
    )
    shown = [
        r
        for r in results
        if chosen_category in ("", r.prompt.category)
        and chosen_language in ("", r.prompt.language)
        and OUTCOMES[outcome](r)
    ]
    pages = max(1, -(-len(shown) // PER_PAGE))
    if st.session_state.get(f"{key}:page", 1) > pages:
        st.session_state[f"{key}:page"] = 1
    paging, where = st.columns([1, 4], vertical_alignment="bottom")
    page = int(paging.number_input("Page", 1, pages, key=f"{key}:page")) if pages > 1 else 1
    first = (page - 1) * PER_PAGE
    on_page = shown[first : first + PER_PAGE]
    if on_page:
        last = first + len(on_page)
        where.caption(
            f"{ui.count(len(shown), 'prompt')} of {len(results)}; {first + 1}-{last} here"
        )
    else:
        where.caption("No prompt matches.")
    curate = f"revision:{detail.run.id}:curate:"
    ui.show_settled_outcomes(curate, {f"{curate}{r.prompt.position}" for r in on_page})
    for result in on_page:
        prompt_card(charter, principal, detail, result, steward)
