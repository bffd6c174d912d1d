"""What an audit found: a run's header, its per-principle results, its verdicts; the report."""

from __future__ import annotations

import streamlit as st

from governance.audit_charts import pass_rate_figure
from governance.services import Charter
from governance.services.audits import AuditRunDetail
from governance.storage.audit_reviews import PrincipleCounts, VerdictRow
from pages import ui
from pages.components.audit_runs import csv_download, source
from pages.components.run_controls import ACTIVE

PER_PAGE = 10
RESULTS_CAPTION = (
    "**Pass rate**: mean score of the scored verdicts (complies 1, violates 0, partial in"
    " between); not applicable and unparseable verdicts are not scored, and an unparseable"
    " one never counts as a pass. A person's review replaces the judge's verdict it"
    " reviews: **basis** says whether the figures rest on the judge's verdicts, reviewed"
    " ones, or a mix."
)


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def counts_row(c: PrincipleCounts) -> dict[str, object]:
    """A principle's figures as a table row."""
    return {
        "principle": c.principle_id,
        "verdicts": c.total,
        "complies": c.complies,
        "violates": c.violates,
        "partial": c.partial,
        "not applicable": c.not_applicable,
        "unparseable": c.unparseable,
        "pass rate": _rate(c.pass_rate),
        "violation rate": _rate(c.violation_rate),
        "reviewed": c.reviewed,
        "basis": c.basis,
    }


PERCENT = {
    "pass rate": st.column_config.NumberColumn(format="%.1f%%"),
    "violation rate": st.column_config.NumberColumn(format="%.1f%%"),
}


SCRIPTED_WARNING = (
    "**Made by the scripted stand-in, not a model.** Its answers and verdicts are templates"
    " written for Charter, so these figures show how an audit looks, not how any model"
    " behaves."
)


def header(detail: AuditRunDetail) -> None:
    """What made the run: model, judge, release and suite with their hashes, progress."""
    run = detail.run
    # Names come from secrets.toml or an imported file: shown as plain text.
    lines = [
        f"Model **{ui.plain(run.model_name)}**, judged by **{ui.plain(run.judge_name)}**",
        f"Release **{run.release_version}**, sha256 `{run.release_hash}`",
        f"Suite **{ui.plain(run.suite_name)}@{run.suite_version}** ({run.total} prompts),"
        f" sha256 `{run.suite_hash}`",
        f"Source: {ui.plain(source(run))}",
        f"Started {run.created_at:%d %b %Y %H:%M} UTC; {run.finished} of {run.total} prompts"
        f" judged, {run.errors} failed",
    ]
    st.markdown("\n".join(f"- {line}" for line in lines))
    if detail.scripted:
        st.warning(SCRIPTED_WARNING, icon=":material/warning:")
    if (run.job_status or "") in ACTIVE:
        st.caption("The audit is under way: this shows the prompts judged so far.")


def results(detail: AuditRunDetail) -> None:
    """Per principle: the table, the pass-rate chart, a CSV of the table."""
    st.subheader("Results per principle", anchor=False)
    if not detail.counts:
        st.caption("No verdict yet.")
        return
    rows = [counts_row(c) for c in detail.counts]
    st.dataframe(rows, hide_index=True, column_config=PERCENT)
    titles = {str(p.get("id")): str(p.get("title", "")) for p in detail.run.principles}
    figure = pass_rate_figure(detail.counts, titles)
    if figure is not None:
        st.plotly_chart(figure, key=f"audits:{detail.run.id}:chart")
    st.caption(RESULTS_CAPTION)
    csv_download(
        "Results (CSV)",
        rows,
        f"charter-audit-{detail.run.id}-results.csv",
        f"audits:{detail.run.id}:results.csv",
    )


def verdict_row(v: VerdictRow) -> dict[str, object]:
    """A verdict as a CSV row."""
    return {
        "verdict id": v.id,
        "prompt id": v.prompt_id,
        "prompt": v.prompt,
        "response": v.response,
        "principle": v.principle_id,
        "judge verdict": v.verdict,
        "confidence": v.confidence,
        "explanation": v.explanation,
        "reviewed verdict": v.reviewed_verdict or "",
        "effective verdict": v.effective,
    }


def verdicts(detail: AuditRunDetail) -> None:
    """The run's verdicts, ten to a page, in an expander; all of them as CSV."""
    run_id = detail.run.id
    found = detail.verdicts
    with st.expander(f"Verdicts ({len(found)})"):
        if not found:
            st.caption("No verdict yet.")
            return
        pages = max(1, -(-len(found) // PER_PAGE))
        key = f"audits:{run_id}:verdicts:page"
        page = int(st.number_input("Page", 1, pages, key=key)) if pages > 1 else 1
        for v in found[(page - 1) * PER_PAGE : page * PER_PAGE]:
            with st.container(border=True):
                reviewed = f" · reviewed: {v.reviewed_verdict}" if v.reviewed_verdict else ""
                confidence = "" if v.confidence is None else f" · confidence {v.confidence:.2f}"
                st.markdown(
                    f"**{ui.plain(v.prompt_id)}** · {ui.plain(v.principle_id)} ·"
                    f" **{v.verdict}**{confidence}{reviewed}"
                )
                # Prompts, answers and explanations are data: shown exactly, never as markup.
                st.caption("Prompt")
                st.text(v.prompt)
                st.caption("Response")
                st.text(v.response)
                st.caption("Judge's explanation")
                st.text(v.explanation or v.parse_error)
        csv_download(
            "Verdicts (CSV)",
            [verdict_row(v) for v in found],
            f"charter-audit-{run_id}-verdicts.csv",
            f"audits:{run_id}:verdicts.csv",
        )


def report(charter: Charter) -> None:
    """Effective verdicts by model, source and principle, across every audit."""
    st.subheader("Results by model and release", anchor=False)
    rows = [
        {"model": r.model, "source": r.source, **counts_row(r.counts)}
        for r in charter.audit_reviews.report()
    ]
    if not rows:
        st.caption("No verdict yet.")
        return
    st.dataframe(rows, hide_index=True, column_config=PERCENT)
    csv_download("Report (CSV)", rows, "charter-audit-report.csv", "audits:report.csv")
