"""Constitution: the current release with each principle's provenance, the draft, releasing."""

import streamlit as st

from governance.errors import GovernanceError
from pages import ui
from pages.components import principles
from pages.components.draft import draft_tab
from pages.components.release_report import report_downloads
from pages.components.releases import history_tab, import_tab

ui.page_gate(__file__)

charter = ui.charter()
principal = ui.current_principal()
st.title("Constitution")
st.caption(
    "Approved guidelines compile into a Constitutional-AI constitution: for each principle a"
    " critique request and a revision request (supervised phase) and a comparison prompt (AI"
    " feedback), each carrying the vote that approved it."
)

try:
    screen = charter.constitution.screen(principal, st.session_state.get("constitution:version"))
except GovernanceError as exc:
    ui.show_error(exc)
    st.stop()

labels = ["Current release", "Draft", f"Releases ({len(screen.releases)})"]
current, draft, history, *importing = st.tabs(
    [*labels, "Import"] if screen.can_import else labels, key="constitution:tabs"
)

with current:
    if not screen.releases:
        st.info("Nothing has been released yet; the draft shows what the first release holds.")
    else:
        latest = screen.releases[0].row.version
        # None is "the latest", whatever that is on each render: a new release shows at once.
        st.selectbox(
            "Release",
            [None, *(r.row.version for r in screen.releases[1:])],
            format_func=lambda v: f"{v}" if v else f"{latest} (latest)",
            key="constitution:version",
        )
        info = screen.shown
        assert info is not None
        chosen = info.row.version
        c = info.constitution
        st.markdown(
            f"**{c.name} {c.version}** · {len(c.principles)} principles · released"
            f" {info.row.released_at:%d %b %Y}"
            + (f" · rollback to {info.row.rollback_of}" if info.row.rollback_of else "")
        )
        st.caption(f"sha256 {c.content_hash}")
        ui.user_text(info.row.notes)
        columns = st.columns(4)
        for i, file in enumerate(screen.downloads):
            # The format's short name fits the button; the file name and what it is for
            # are in the tooltip.
            columns[i % 4].download_button(
                file.format,
                file.data,
                file_name=f"charter-{chosen}-{file.filename}",
                key=f"download:{chosen}:{file.format}",
                help=f"{file.filename}: {file.description}",
                icon=":material/download:",
                width="stretch",
            )
        report_downloads(charter, chosen)
        principles.principles(
            charter,
            principal,
            c,
            f"release:{chosen}",
            retire=screen.steward and info is screen.releases[0],
        )

with draft:
    draft_tab(charter, principal, screen)
with history:
    history_tab(charter, principal, screen)
if importing:
    with importing[0]:
        import_tab(charter, principal, screen)
