"""The Constitution page's draft tab: what would change, the flags, and releasing."""

from __future__ import annotations

import streamlit as st

from governance.models import NOTES_MAX, REASON_MAX, Stakeholder
from governance.services import Charter
from governance.services.constitution_screens import ConstitutionScreen
from pages import ui
from pages.components import principles
from pages.components.fields import limited_text


def draft_tab(charter: Charter, principal: Stakeholder | None, screen: ConstitutionScreen) -> None:
    """The draft with its changes and flags; resolving, releasing and editing for stewards."""
    d = screen.draft
    steward = screen.steward
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
            options = screen.resolutions[flag.kind]
            st.radio(
                "Resolution",
                options,
                format_func=lambda o: screen.resolution_labels[o],
                key=f"{key}:resolution",
            )
            st.selectbox("Chosen guideline", flag.guideline_ids, key=f"{key}:chosen")
            limited_text(
                "Reason (logged)", f"{key}:reason", REASON_MAX, error_key=key, field="reason"
            )

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
            limited_text("Release notes", "release:notes", NOTES_MAX, multiline=True)
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
    principles.principles(charter, principal, d.constitution, "draft", edit=steward)
