"""The Constitution page's release report buttons: HTML, and PDF where chromium is installed."""

from __future__ import annotations

import streamlit as st

from governance.services import Charter


def report_downloads(charter: Charter, version: str) -> None:
    """Download buttons for the release report of ``version``.

    Rendering takes about half a second (a PDF a few seconds more), so each file is made
    when its button is clicked (Streamlit's deferred download, on its own thread, reading
    one snapshot), never on a rerun of the page.
    """
    html, pdf = st.columns(2)
    html.download_button(
        "Release report",
        lambda: charter.reports.html(version),
        file_name=charter.reports.filename(version, "html"),
        mime="text/html",
        key=f"report:{version}:html",
        help="One self-contained page: the principles, how each group voted, the changes"
        " since the previous release and the latest audit results per principle.",
        icon=":material/summarize:",
        on_click="ignore",
        width="stretch",
    )
    if charter.reports.pdf_available():
        pdf.download_button(
            "Release report (PDF)",
            lambda: charter.reports.pdf(version),
            file_name=charter.reports.filename(version, "pdf"),
            mime="application/pdf",
            key=f"report:{version}:pdf",
            help="The same report printed to PDF (takes a few seconds).",
            icon=":material/picture_as_pdf:",
            on_click="ignore",
            width="stretch",
        )
