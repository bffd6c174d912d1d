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
    if d.latest is not None and not changes:
        st.markdown(
            f"Nothing to release yet: the approved guidelines say what release"
            f" **{d.latest.version}** says. Approving, retiring or editing a principle changes"
            " the draft."
        )
    else:
        st.markdown(
            f"The next release would be **{d.constitution.version}** with"
            f" {len(d.constitution.principles)} principles"
            + (f", compared with {d.latest.version}:" if d.latest else ":")
        )
        for line in changes:
            st.markdown(ui.safe_markdown(f"- {line}"))
    if d.excluded:
        st.caption(ui.plain("Left out by a merge: " + ", ".join(d.name(g) for g in d.excluded)))

    st.subheader(f"Flags ({len(d.flags)} open)")
    ui.show_settled_outcomes("flag:", {f"flag:{f.key}" for f in d.flags})
    if not d.flags:
        st.caption("No open flags.")
    for flag in d.flags:
        key = f"flag:{flag.key}"
        with st.container(border=True):
            names = " and ".join(d.name(g) for g in flag.guideline_ids)
            st.markdown(
                f"**{screen.flag_kinds[flag.kind]}** · {ui.plain(f'{names}: {flag.explanation}')}"
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
            st.selectbox(
                "Chosen guideline",
                flag.guideline_ids,
                format_func=d.name,
                key=f"{key}:chosen",
            )
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
            ui.plain(
                f"Resolved: {screen.flag_kinds[flag.kind].lower()} of"
                f" {' and '.join(d.name(g) for g in flag.guideline_ids)} →"
                f" {screen.resolution_labels[resolution.resolution]}"
                f" ({d.name(resolution.chosen_id or '')}): {resolution.reason}"
            )
        )

    if steward:
        st.subheader("Release")

        def release(expected_hash: str = d.constitution.content_hash) -> None:
            released = ui.run_action(
                "release",
                lambda: charter.constitution.release_draft(
                    principal,
                    st.session_state.get("release:notes", ""),
                    expected_hash=expected_hash,
                ),
                f"Released {d.constitution.version}.",
            )
            if released is not None:
                st.session_state["constitution:version"] = None  # show the new release

        with st.form("release"):
            limited_text("Release notes", "release:notes", NOTES_MAX, multiline=True)
            st.form_submit_button(
                f"Release {d.constitution.version}",
                type="primary",
                disabled=not d.releasable,
                on_click=release,
            )
        ui.show_outcome("release", with_fields=True)
        if d.flags:
            st.caption("Resolve every flag first.")
    st.subheader("Principles in the draft")
    principles.principles(charter, principal, d.constitution, "draft", edit=steward)
