"""The constitution: export a release, import a file as drafts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from governance.cli.common import (
    _charter,
    _not_a_file,
    _write_file,
)
from governance.config import Settings
from governance.errors import DatabaseBusy, ValidationFailed
from governance.services import Charter


def _open_for_constitution(args: argparse.Namespace) -> Charter:
    try:
        return _charter(args)
    except DatabaseBusy as exc:
        settings = Settings.from_env()
        if args.db:
            settings = settings.model_copy(update={"db": args.db})
        exports = settings.exports_dir
        raise DatabaseBusy(
            f"{exc.message}; every release's files are also in {exports}/<version>/"
        ) from None


def cmd_export(args: argparse.Namespace) -> int:
    """Write one release in one format to a file (or stdout with --out -)."""
    from governance.constitution import exports

    if args.format not in exports.EXPORTERS:
        raise ValidationFailed(
            {"--format": f"unknown format {args.format!r}; one of {', '.join(exports.EXPORTERS)}"}
        )
    charter = _open_for_constitution(args)
    release = charter.constitution.release(args.release)
    text = exports.render(release.constitution, args.format)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        _write_file(args.out, text, "--out")
        print(f"{args.out}: {args.format} of release {release.row.version}", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Create draft guidelines from a constitution file, all or nothing."""
    data = None
    if args.format != "langchain-builtin":
        if args.file is None:
            raise ValidationFailed({"FILE": f"the {args.format} import needs a file"})
        path = Path(args.file)
        problem = _not_a_file(args.file)
        if problem:
            raise ValidationFailed({"FILE": problem})
        from governance.constitution.imports import MAX_IMPORT_BYTES

        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise ValidationFailed(
                {"FILE": f"{args.file} is over {MAX_IMPORT_BYTES // (1024 * 1024)} MB"}
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ValidationFailed(
                {"FILE": f"{args.file}: cannot be read ({exc.strerror})"}
            ) from None
    charter = _open_for_constitution(args)
    created = charter.imports.create_drafts(
        None, args.format, data, author_id=args.author, source=args.file or ""
    )
    for guideline_id in created:
        print(guideline_id)
    print(f"{len(created)} draft guidelines created", file=sys.stderr)
    return 0
