"""The release report, rendered: a self-contained HTML page, and PDF by headless chromium.

Pure over ``model.ReleaseReport`` (no storage, no streamlit); ``charter.reports`` gathers
the report and calls these.
"""

from governance.report.page import render_html
from governance.report.pdf import chromium_path, pdf_bytes, render_pdf

__all__ = ["chromium_path", "pdf_bytes", "render_html", "render_pdf"]
