"""Constitution: the current release with each principle's provenance, the draft, releasing."""

import streamlit as st

from governance.auth import Action, may
from governance.constitution.imports import FORMATS as IMPORT_FORMATS
from governance.constitution.model import Constitution, Principle
from governance.errors import GovernanceError
from governance.services.constitution import RESOLUTION_LABELS, RESOLUTIONS
from pages import ui

ui.page_gate(__file__)

charter = ui.charter()
principal = ui.current_principal()
steward = principal is not None and may(principal, Action.RELEASE_CONSTITUTION)
st.title("Constitution")
st.caption(
    "Approved guidelines compile into a Constitutional-AI constitution: for each principle a"
    " critique request and a revision request (supervised phase) and a comparison prompt (AI"
    " feedback), each carrying the vote that approved it."
)

releases = charter.constitution.releases()
try:
    draft = charter.constitution.draft()
except GovernanceError as exc:
    ui.show_error(exc)
    st.stop()


def provenance(principle: Principle) -> None:
    """How each group voted on the approved version."""
    origin = principle.provenance
    st.caption(
        f"{origin.guideline_id} v{origin.guideline_version} · approved"
        f" {origin.decided_at:%d %b %Y} under rules v{origin.rules_version} ·"
        f" {origin.approve} approve, {origin.reject} reject, {origin.abstain} abstain"
    )
    st.dataframe(
        [
            {
                "group": g.group,
                "approve": g.approve,
                "reject": g.reject,
                "abstain": g.abstain,
                "support met": "yes" if g.met else "no",
            }
            for g in origin.groups
        ],
        hide_index=True,
    )


def _edit(p: Principle) -> None:
    """A steward's edits before release: the comparison prompt and the place."""
    key = f"edit:{p.provenance.guideline_id}"
    with st.popover("Edit prompt or place", icon=":material/edit:"):
        st.text_area(
            "Comparison prompt (empty: derived from the guideline)",
            value=p.comparison_prompt,
            key=f"{key}:prompt",
            max_chars=5500,
        )
        ui.field_error(key, "comparison_prompt")
        st.number_input("Place (1 comes first)", min_value=1, value=p.priority, key=f"{key}:place")
        ui.field_error(key, "priority")

        def save(gid: str = p.provenance.guideline_id, key: str = key) -> None:
            ui.run_action(
                key,
                lambda: charter.constitution.edit_principle(
                    principal,
                    gid,
                    comparison_prompt=st.session_state.get(f"{key}:prompt") or None,
                    priority=st.session_state.get(f"{key}:place"),
                ),
                "Saved to the draft.",
            )

        st.button("Save", key=f"{key}:save", on_click=save)
    ui.show_outcome(key)


def _retire(p: Principle) -> None:
    """Retire the guideline behind an adopted principle; the next release leaves it out."""
    key = f"retire:{p.provenance.guideline_id}"
    with st.popover("Retire", icon=":material/archive:"):
        st.text_input("Reason (logged)", key=f"{key}:reason", max_chars=1000)

        def retire(gid: str = p.provenance.guideline_id, key: str = key) -> None:
            ui.run_action(
                key,
                lambda: charter.constitution.retire(
                    principal, gid, st.session_state.get(f"{key}:reason", "")
                ),
                "Retired: the next release leaves it out.",
            )

        st.button("Retire guideline", key=f"{key}:go", on_click=retire)
    ui.show_outcome(key, with_fields=True)


def principles(
    constitution: Constitution, key: str, *, edit: bool = False, retire: bool = False
) -> None:
    """Every principle, in priority order, expandable; with a steward's actions if asked."""
    for p in constitution.principles:
        label = f"{p.priority}. {ui.escape_markdown(p.title)}  ·  {p.id}"
        with st.expander(label, key=f"{key}:{p.id}"):
            ui.user_text(p.statement)
            st.markdown("**Critique request**")
            ui.user_text(p.critique_request)
            st.markdown("**Revision request**")
            ui.user_text(p.revision_request)
            st.markdown("**Comparison prompt**")
            ui.user_text(p.comparison_prompt)
            provenance(p)
            ui.guideline_link(p.provenance.guideline_id, "the guideline and its discussion")
            if edit:
                _edit(p)
            if retire:
                _retire(p)


labels = ["Current release", "Draft", f"Releases ({len(releases)})"]
current_tab, draft_tab, history_tab, *import_tab = st.tabs(
    [*labels, "Import"] if steward else labels, key="constitution:tabs"
)

with current_tab:
    if not releases:
        st.info("Nothing has been released yet; the draft shows what the first release holds.")
    else:
        versions = [r.row.version for r in releases]
        chosen = st.selectbox("Release", versions, key="constitution:version")
        info = next(r for r in releases if r.row.version == chosen)
        c = info.constitution
        st.markdown(
            f"**{c.name} {c.version}** · {len(c.principles)} principles · released"
            f" {info.row.released_at:%d %b %Y}"
            + (f" · rollback to {info.row.rollback_of}" if info.row.rollback_of else "")
        )
        st.caption(f"sha256 {c.content_hash}")
        ui.user_text(info.row.notes)
        from governance.constitution.exports import EXPORTERS

        columns = st.columns(4)
        for i, (fmt, exporter) in enumerate(EXPORTERS.items()):
            name, data = charter.constitution.download(chosen, fmt)
            columns[i % 4].download_button(
                f"{fmt} · {name}",
                data,
                file_name=f"charter-{chosen}-{name}",
                key=f"download:{chosen}:{fmt}",
                help=exporter.description,
                icon=":material/download:",
                width="stretch",
            )
        principles(c, f"release:{chosen}", retire=steward and info is releases[0])

with draft_tab:
    d = draft
    changes = d.changes.lines()
    st.markdown(
        f"The next release would be **{d.constitution.version}** with"
        f" {len(d.constitution.principles)} principles"
        + (f", compared with {d.latest.version}:" if d.latest else ":")
    )
    if changes:
        for line in changes:
            st.markdown(ui.safe_markdown(f"- {line}"))
    else:
        st.caption("No changes since the last release.")
    if d.excluded:
        st.caption("Left out by a merge: " + ", ".join(d.excluded))

    st.subheader(f"Flags ({len(d.flags)} open)")
    ui.show_settled_outcomes("flag:", {f"flag:{f.key}" for f in d.flags})
    if not d.flags:
        st.caption("No open flags.")
    for flag in d.flags:
        key = f"flag:{flag.key}"
        with st.container(border=True):
            st.markdown(
                ui.safe_markdown(
                    f"**{flag.kind.value}** · {' and '.join(flag.guideline_ids)}:"
                    f" {flag.explanation}"
                )
            )
            if not steward:
                continue
            options = RESOLUTIONS[flag.kind]
            st.radio(
                "Resolution",
                options,
                format_func=lambda o: RESOLUTION_LABELS[o],
                key=f"{key}:resolution",
            )
            st.selectbox("Chosen guideline", flag.guideline_ids, key=f"{key}:chosen")
            st.text_input("Reason (logged)", key=f"{key}:reason", max_chars=1000)
            ui.field_error(key, "reason")

            def resolve(flag_key: str = flag.key, key: str = key) -> None:
                ui.run_action(
                    key,
                    lambda: charter.constitution.resolve_flag(
                        principal,
                        flag_key,
                        st.session_state.get(f"{key}:resolution", ""),
                        st.session_state.get(f"{key}:reason", ""),
                        chosen=st.session_state.get(f"{key}:chosen"),
                    ),
                    "Flag resolved.",
                )

            st.button("Resolve", key=f"{key}:go", on_click=resolve)
            ui.show_outcome(key, with_fields=True)
    for flag, resolution in d.resolved:
        st.caption(
            ui.safe_markdown(
                f"Resolved: {flag.kind.value} {' and '.join(flag.guideline_ids)} →"
                f" {resolution.resolution} ({resolution.chosen_id}): {resolution.reason}"
            )
        )

    if steward:
        st.subheader("Release")
        with st.form("release"):
            st.text_area("Release notes", key="release:notes", max_chars=5000)
            submitted = st.form_submit_button(
                f"Release {d.constitution.version}", type="primary", disabled=not d.releasable
            )
        if submitted:
            ui.run_action(
                "release",
                lambda: charter.constitution.release_draft(
                    principal,
                    st.session_state.get("release:notes", ""),
                    expected_hash=d.constitution.content_hash,
                ),
                f"Released {d.constitution.version}.",
            )
            st.rerun()
        ui.show_outcome("release", with_fields=True)
        if not d.releasable:
            st.caption(
                "Resolve every flag first." if d.flags else "Nothing to release: no changes."
            )
    st.subheader("Principles in the draft")
    principles(d.constitution, "draft", edit=steward)

with history_tab:
    for info in releases:
        with st.container(border=True):
            st.markdown(
                f"**{info.row.version}** · {info.row.released_at:%d %b %Y %H:%M} UTC ·"
                f" {len(info.constitution.principles)} principles"
                + (f" · rollback to {info.row.rollback_of}" if info.row.rollback_of else "")
            )
            st.caption(f"sha256 {info.row.content_hash}")
            ui.user_text(info.row.notes)
            if steward and info is not releases[0]:
                key = f"rollback:{info.row.version}"
                with st.popover("Roll back to this release"):
                    st.text_input("Notes (why)", key=f"{key}:notes", max_chars=1000)

                    def rollback(version: str = info.row.version, key: str = key) -> None:
                        ui.run_action(
                            key,
                            lambda: charter.constitution.rollback(
                                principal, version, st.session_state.get(f"{key}:notes", "")
                            ),
                            f"Rolled back to {version} as a new release.",
                        )

                    st.button("Release it again", key=f"{key}:go", on_click=rollback)
                ui.show_outcome(key, with_fields=True)


def run_import() -> None:
    fmt = st.session_state.get("import:format", "")
    upload = st.session_state.get("import:file") if fmt != "langchain-builtin" else None
    ui.run_action(
        "import",
        lambda: st.session_state.update(
            imported=charter.constitution.import_principles(
                principal,
                fmt,
                upload.getvalue() if upload is not None else None,
                source=upload.name if upload is not None else "",
            )
        ),
        "",
    )


if import_tab:
    with import_tab[0]:
        st.caption(
            "Start from an existing constitution: every principle becomes a draft guideline,"
            " credited to you, that the community can discuss, amend and vote on. A file is"
            " imported whole or not at all."
        )
        fmt = st.selectbox("Format", [*IMPORT_FORMATS, "langchain-builtin"], key="import:format")
        if fmt != "langchain-builtin":
            st.file_uploader("File", type=["json"], key="import:file")
        ui.field_error("import", "file")
        st.button("Import as drafts", key="import:go", on_click=run_import, type="primary")
        ui.show_outcome("import")
        created = st.session_state.pop("imported", None)
        if created:
            more = "…" if len(created) > 20 else ""
            st.success(f"{len(created)} draft guidelines created: {', '.join(created[:20])}{more}")
