"""Suites and tools: the suites, adding one, exports for Inspect and promptfoo, log imports."""

from __future__ import annotations

import streamlit as st

from governance.audit.suites import AuditSuite
from governance.errors import ValidationFailed
from governance.models import Stakeholder
from governance.services import Charter
from governance.services.audits import ImportReport, parse_mapping
from pages import ui

ADD = "audits:suite"
IMPORT = "audits:import"
EXPORT = "audits:export"
TOOLS = {"inspect": "Inspect AI", "promptfoo": "promptfoo"}
#: The last import's report, shown until the next import.
REPORT = f"{IMPORT}:report"


def suites(charter: Charter) -> None:
    """Every suite, built-in and stored (latest version)."""
    st.dataframe(
        [
            {
                "suite": s.name,
                "kind": "built-in" if s.builtin else "stored",
                "version": s.version,
                "prompts": s.prompts,
                "principles": ", ".join(s.principle_ids),
                "description": s.description,
                "sha256": s.content_hash,
            }
            for s in charter.audits.suites()
        ],
        hide_index=True,
    )


def _add(charter: Charter, principal: Stakeholder | None) -> None:
    state = st.session_state
    upload = state.get(f"{ADD}:file")

    def add() -> AuditSuite:
        if upload is None:
            raise ValidationFailed({"file": "choose a CSV or JSONL file of prompts"})
        return charter.audits.add_suite(
            principal,
            upload.getvalue(),
            name=state.get(f"{ADD}:name", ""),
            description=state.get(f"{ADD}:description", ""),
            fmt="csv" if upload.name.lower().endswith(".csv") else "jsonl",
        )

    suite = ui.run_action(ADD, add, "Suite stored.")
    if suite is not None:
        st.session_state[f"{ADD}:ok"] = (
            f"Suite {ui.plain(suite.name)} stored as version {suite.version}"
            f" ({ui.count(len(suite.prompts), 'prompt')})."
        )


def add_form(charter: Charter, principal: Stakeholder | None) -> None:
    """Add a suite from a CSV or JSONL file (auditors, stewards)."""
    with ui.action_expander("Add a suite", ADD):
        st.caption(
            "The revision prompt format with one more column, `principles`: the ids of the"
            " principles each prompt tests (e.g. `P-0001 P-0004`). The same name again"
            " stores a new version when the prompts changed."
        )
        st.text_input("Name", key=f"{ADD}:name")
        ui.field_error(ADD, "name")
        st.text_input("Description (optional)", key=f"{ADD}:description")
        ui.field_error(ADD, "description")
        st.file_uploader("Suite file", type=["csv", "jsonl"], key=f"{ADD}:file")
        ui.field_error(ADD, "file")
        st.button("Add suite", key=f"{ADD}:go", on_click=_add, args=(charter, principal))
    ui.show_outcome(ADD)


def export(charter: Charter) -> None:
    """A suite and a release as an Inspect task or a promptfoo config, to download."""
    st.subheader("Export for Inspect AI or promptfoo", anchor=False)
    suite_column, release_column, tool_column = st.columns(3)
    suite = suite_column.selectbox(
        "Suite", [s.name for s in charter.audits.suites()], key=f"{EXPORT}:suite"
    )
    versions = [r.row.version for r in charter.constitution.releases()]
    release = release_column.selectbox("Release", versions, key=f"{EXPORT}:release")
    fmt = tool_column.selectbox(
        "Tool", list(TOOLS), format_func=TOOLS.__getitem__, key=f"{EXPORT}:tool"
    )
    if suite is None or release is None:
        st.caption("A suite and a release are needed.")
        return
    chosen = (suite, release, fmt)
    st.button("Prepare the file", key=f"{EXPORT}:go", on_click=_export, args=(charter, chosen))
    ui.show_outcome(EXPORT, with_fields=True)
    made: tuple[tuple[str, str, str], str, str] | None = st.session_state.get(f"{EXPORT}:file")
    if made is not None and made[0] == chosen:  # only the file of what is chosen now
        _, name, text = made
        st.download_button(
            f"Download {name}",
            text.encode("utf-8"),
            file_name=name,
            mime="text/plain",
            key=f"{EXPORT}:download",
            icon=":material/download:",
        )


def _export(charter: Charter, chosen: tuple[str, str, str]) -> None:
    made = ui.run_action(EXPORT, lambda: charter.audits.export(*chosen), "")
    if made is not None:
        st.session_state[f"{EXPORT}:file"] = (chosen, *made)


def _import(charter: Charter, principal: Stakeholder | None) -> None:
    state = st.session_state
    upload = state.get(f"{IMPORT}:file")
    mapping_file = state.get(f"{IMPORT}:map")

    def read() -> ImportReport:
        if upload is None:
            raise ValidationFailed({"file": "choose a log or results file"})
        mapping = parse_mapping(mapping_file.getvalue()) if mapping_file is not None else None
        key = (state.get(f"{IMPORT}:key") or "").strip()
        return charter.audits.import_log(
            principal,
            upload.getvalue(),
            state.get(f"{IMPORT}:format", "inspect"),
            release=state.get(f"{IMPORT}:release") or "latest",
            mapping=mapping,
            file_name=upload.name,
            **({"key": key} if key else {}),
        )

    report = ui.run_action(IMPORT, read, "Imported.")
    if report is not None:
        state[REPORT] = report
        state[f"{IMPORT}:ok"] = (
            f"{ui.count(report.imported, 'result')} imported as audit run {report.run.id}."
        )


def import_form(charter: Charter, principal: Stakeholder | None) -> None:
    """Import an Inspect log or promptfoo results as a run (auditors, stewards)."""
    with ui.action_expander("Import an Inspect log or promptfoo results", IMPORT):
        st.selectbox("Format", list(TOOLS), format_func=TOOLS.__getitem__, key=f"{IMPORT}:format")
        ui.field_error(IMPORT, "format")
        st.file_uploader("Log or results file", type=["json", "eval"], key=f"{IMPORT}:file")
        ui.field_error(IMPORT, "file")
        versions = [r.row.version for r in charter.constitution.releases()]
        st.selectbox("Release the scores are about", versions, key=f"{IMPORT}:release")
        ui.field_error(IMPORT, "release")
        st.text_input(
            "Metadata key naming the principle (optional)",
            key=f"{IMPORT}:key",
            help="The sample metadata key (Inspect) or variable (promptfoo) that holds a"
            " principle id; left empty, the default one.",
        )
        st.file_uploader(
            "Mapping from labels to principle ids (optional JSON)",
            type=["json"],
            key=f"{IMPORT}:map",
        )
        ui.field_error(IMPORT, "map")
        st.button("Import", key=f"{IMPORT}:go", on_click=_import, args=(charter, principal))
    ui.show_outcome(IMPORT)
    report: ImportReport | None = st.session_state.get(REPORT)
    if report is not None and report.unmapped:
        st.warning(
            f"{ui.count(len(report.unmapped), 'score')} mapped to no principle of release"
            f" {report.run.release_version} and were not stored; give a mapping file to"
            " import them.",
            icon=":material/warning:",
        )
        st.dataframe(
            [{"sample id": s.sample_id, "label": s.label} for s in report.unmapped],
            hide_index=True,
        )
