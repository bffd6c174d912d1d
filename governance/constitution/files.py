"""A release's files: every export format and a sha256 manifest, in ``exports/<version>/``.

Rendering is the slow part of a release, so it happens first, into a staging folder beside
the final one and outside any transaction; the release then commits and the folder is moved
into place with one rename. A failure at any step leaves neither a release nor its files.
"""

from __future__ import annotations

import json
import multiprocessing
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from governance.constitution import exports
from governance.constitution.model import Constitution

#: From this many principles on, the files are rendered in a child process.
OUT_OF_PROCESS_FROM = 200


def render_staged(
    constitution: Constitution, exports_dir: Path, *, out_of_process_from: int = OUT_OF_PROCESS_FROM
) -> Path:
    """Render every format and the manifest into a new staging folder in ``exports_dir``.

    Rendering is CPU-bound Python. In the app's process a large render would hold the GIL
    against every thread casting a ballot (casts slowed from ~20 ms to ~300 ms during a
    1,000-principle release), so a large constitution is rendered in a child process; a
    small one renders here, where starting a process would cost more than it saves.
    """
    exports_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{constitution.version}-", dir=exports_dir))
    try:
        if len(constitution.principles) >= out_of_process_from:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
                pool.submit(_write_all, constitution.model_dump_json(), str(staging)).result()
        else:
            exports.write_all(constitution, staging)
    except BaseException:
        discard(staging)
        raise
    return staging


def _write_all(body: str, folder: str) -> None:
    # Runs in the child process: the constitution crosses as JSON, the files stay on disk.
    exports.write_all(Constitution.model_validate_json(body), Path(folder))


def place(staging: Path, final: Path) -> None:
    """Move a staged folder into place, replacing what a failed attempt left there."""
    if final.exists():
        shutil.rmtree(final)
    staging.rename(final)


def discard(folder: Path) -> None:
    """Remove a staged or placed folder whose release did not commit."""
    shutil.rmtree(folder, ignore_errors=True)


def read_or_render(folder: Path, constitution: Constitution, fmt: str) -> bytes:
    """A release's file in one format, from its folder, or rendered again if it is missing.

    Releases are immutable and rendering is deterministic, so both give the same bytes.
    """
    path = folder / exports.EXPORTERS[fmt].filename
    return path.read_bytes() if path.is_file() else exports.render(constitution, fmt).encode()


def manifest(folder: Path) -> dict[str, object]:
    """The manifest of a release folder."""
    loaded: dict[str, object] = json.loads((folder / "manifest.json").read_text("utf-8"))
    return loaded
