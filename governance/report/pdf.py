"""The release report as PDF: the HTML page printed by headless chromium.

Chromium prints the same self-contained page, so the PDF shows exactly the figures and
tables of the HTML (Plotly draws them before printing: ``--virtual-time-budget``). It runs
with a throw-away profile and configuration folder, no background networking and a timeout.
Kaleido (Plotly's static export) was not used: it adds four packages and would still need
the page printed to make one PDF of figures and text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from governance.errors import RenderFailed

#: Where chromium is looked for when it is not on PATH (Debian's package).
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
#: Seconds before a print is given up.
TIMEOUT = 60
#: Milliseconds of page time chromium lets scripts run (Plotly drawing) before printing.
VIRTUAL_TIME_MS = 10_000


def chromium_path() -> str | None:
    """The chromium binary to print with: on PATH, else Debian's; None when there is none."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in CHROMIUM_PATHS if os.access(p, os.X_OK)), None)


def pdf_bytes(html: str, *, browser: str | None = None, timeout: float = TIMEOUT) -> bytes:
    """Print ``html`` to PDF with headless chromium and return the PDF's bytes.

    Args:
        html: A self-contained page (``render_html``).
        browser: The chromium binary (default: ``chromium_path()``).
        timeout: Seconds before giving up.

    Raises:
        RenderFailed: No chromium, or it failed or took too long.
    """
    binary = browser or chromium_path()
    if binary is None or not os.access(binary, os.X_OK):
        raise RenderFailed(
            "a PDF needs chromium, and none is installed here"
            f"{f' ({binary})' if binary else ''}; download the HTML report instead"
        )
    with tempfile.TemporaryDirectory(prefix="charter-pdf-") as folder:
        work = Path(folder)
        page, out = work / "report.html", work / "report.pdf"
        page.write_text(html, encoding="utf-8")
        env = {
            **os.environ,
            "HOME": str(work),
            "XDG_CONFIG_HOME": str(work / "config"),
            "XDG_CACHE_HOME": str(work / "cache"),
        }
        command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--no-pdf-header-footer",
            f"--user-data-dir={work / 'profile'}",
            # The width of an A4 page inside its margins (182 mm at 96 dpi): Plotly sizes
            # each figure to the window when it draws, before the page is printed.
            "--window-size=688,1000",
            f"--virtual-time-budget={VIRTUAL_TIME_MS}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(
                command, env=env, capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise RenderFailed(f"chromium did not print the PDF within {timeout:g} s") from None
        except OSError as exc:
            raise RenderFailed(f"chromium could not be started ({exc.strerror})") from None
        if not out.is_file() or out.stat().st_size == 0:
            last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["-"]
            raise RenderFailed(
                f"chromium printed no PDF (exit status {done.returncode}: {last[0][:200]})"
            )
        return out.read_bytes()


def render_pdf(html: str, out: Path, *, browser: str | None = None) -> int:
    """Print ``html`` to the PDF file ``out``; returns its size in bytes.

    Raises:
        RenderFailed: No chromium, or it failed.
        OSError: ``out`` cannot be written.
    """
    data = pdf_bytes(html, browser=browser)
    out.write_bytes(data)
    return len(data)
