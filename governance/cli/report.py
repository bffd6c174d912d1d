"""The release report: ``python -m governance report --release X --out FILE``."""

from __future__ import annotations

import argparse
from pathlib import Path

from governance.cli.common import _charter
from governance.errors import ValidationFailed
from governance.report import pdf_bytes, render_html

#: Report formats by file suffix.
FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf"}


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    found = FORMATS.get(Path(args.out).suffix.lower())
    if found is None:
        raise ValidationFailed(
            {"--out": f"{args.out}: name a .html or .pdf file, or give --format html or pdf"}
        )
    return found


def cmd_report(args: argparse.Namespace) -> int:
    """Write one release's report (HTML, or PDF printed by chromium) and say what was written."""
    out = Path(args.out)
    if out.is_dir():
        raise ValidationFailed({"--out": f"{args.out}: is a directory, not a file"})
    fmt = _format(args)
    if not out.parent.is_dir():
        raise ValidationFailed({"--out": f"{args.out}: no folder {out.parent}"})
    charter = _charter(args)
    try:
        report = charter.reports.release(args.release)
    finally:
        charter.close()  # chromium may take seconds: the database is let go first
    page = render_html(report)
    data = pdf_bytes(page) if fmt == "pdf" else page.encode("utf-8")
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise ValidationFailed(
            {"--out": f"{args.out}: cannot be written ({exc.strerror})"}
        ) from None
    print(f"{args.out}: {fmt} report of release {report.version}, {len(data):,} bytes")
    return 0
