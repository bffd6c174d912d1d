"""The Constitution page's release history (with rollback) and import tabs."""

from __future__ import annotations

import streamlit as st

from governance.models import NOTES_MAX, Stakeholder
from governance.services import Charter
from governance.services.constitution_screens import ConstitutionScreen
from pages import ui
from pages.components.fields import limited_text


def history_tab(
    charter: Charter, principal: Stakeholder | None, screen: ConstitutionScreen
) -> None:
    """Every release, newest first; stewards roll back to an older one."""
    for info in screen.releases:
        with st.container(border=True):
            st.markdown(
                f"**{info.row.version}** · {info.row.released_at:%d %b %Y %H:%M} UTC ·"
                f" {len(info.constitution.principles)} principles"
                + (f" · rollback to {info.row.rollback_of}" if info.row.rollback_of else "")
            )
            st.caption(f"sha256 {info.row.content_hash}")
            ui.user_text(info.row.notes)
            if screen.steward and info is not screen.releases[0]:
                key = f"rollback:{info.row.version}"
                with st.popover("Roll back to this release"):
                    limited_text("Notes (why)", f"{key}:notes", NOTES_MAX)

                    def rollback(version: str = info.row.version, key: str = key) -> None:
                        released = ui.run_action(
                            key,
                            lambda: charter.constitution.rollback(
                                principal, version, st.session_state.get(f"{key}:notes", "")
                            ),
                            f"Rolled back to {version} as a new release.",
                        )
                        if released is not None:
                            st.session_state["constitution:version"] = None

                    st.button("Release it again", key=f"{key}:go", on_click=rollback)
                ui.show_outcome(key, with_fields=True)


def _run_import(charter: Charter, principal: Stakeholder | None, token: str) -> None:
    fmt = st.session_state.get("import:format", "")
    upload = st.session_state.get("import:file") if fmt != "langchain-builtin" else None
    created = ui.run_action(
        "import",
        lambda: charter.imports.create_drafts(
            principal,
            fmt,
            upload.getvalue() if upload is not None else None,
            source=upload.name if upload is not None else "",
            token=token,
        ),
        "",
    )
    if created is not None:
        ui.renew_form_token("import")
        st.session_state["imported"] = created  # listed by this render


def import_tab(charter: Charter, principal: Stakeholder | None, screen: ConstitutionScreen) -> None:
    """Import a constitution as draft guidelines (stewards)."""
    st.caption(
        "Start from an existing constitution: every principle becomes a draft guideline,"
        " credited to you, that the community can discuss, amend and vote on. A file is"
        " imported whole or not at all."
    )
    fmt = st.selectbox("Format", screen.import_formats, key="import:format")
    if fmt != "langchain-builtin":
        st.file_uploader("File", type=["json"], key="import:file")
    ui.field_error("import", "file")
    token = ui.form_token("import")  # on the button: a double click imports once
    st.button(
        "Import as drafts",
        key=f"import:go:{token}",
        on_click=_run_import,
        args=(charter, principal, token),
        type="primary",
    )
    ui.show_outcome("import")
    created = st.session_state.pop("imported", None)
    if created:
        more = "…" if len(created) > 20 else ""
        st.success(f"{len(created)} draft guidelines created: {', '.join(created[:20])}{more}")
