"""Export a constitution in the formats other tools read.

Every format is one module exposing ``EXPORTER``; add a module and list it in ``EXPORTERS``
to add a format. Rendering is pure and deterministic: the same constitution gives the same
bytes, so the sha256 values in ``manifest.json`` identify a release's files.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from governance.constitution.exports import (
    comparisons,
    hf_cai,
    json_export,
    langchain_principles,
    markdown,
    promptfoo,
    yaml_export,
)
from governance.constitution.exports.exporter import Exporter
from governance.constitution.model import Constitution
from governance.errors import ValidationFailed

__all__ = ["EXPORTERS", "MANIFEST", "Exporter", "render", "write_all"]

#: The formats, in the order they are offered.
EXPORTERS: dict[str, Exporter] = {
    module.EXPORTER.name: module.EXPORTER
    for module in (
        json_export,
        markdown,
        yaml_export,
        hf_cai,
        langchain_principles,
        comparisons,
        promptfoo,
    )
}

#: The file ``write_all`` lists every written file in, with its sha256.
MANIFEST = "manifest.json"


def render(constitution: Constitution, fmt: str) -> str:
    """Render a constitution in one format.

    Args:
        constitution: The constitution to export.
        fmt: A format name from ``EXPORTERS``.

    Raises:
        ValidationFailed: Under ``format`` when the format is unknown.
    """
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        known = ", ".join(EXPORTERS)
        raise ValidationFailed({"format": f"unknown format {fmt!r}; one of: {known}"})
    return exporter.render(constitution)


def write_all(constitution: Constitution, folder: Path) -> dict[str, str]:
    """Write every format into ``folder``, plus ``manifest.json`` listing them.

    Existing files of the same names are replaced. The manifest maps each format to its file
    and sha256, beside the constitution's version and content hash; like the files, it is
    the same bytes for the same constitution.

    Args:
        constitution: The constitution to export.
        folder: Where to write; created if missing.

    Returns:
        The sha256 (hex) of each written file, by format name.
    """
    folder.mkdir(parents=True, exist_ok=True)
    digests: dict[str, str] = {}
    for name, exporter in EXPORTERS.items():
        data = exporter.render(constitution).encode()
        (folder / exporter.filename).write_bytes(data)
        digests[name] = hashlib.sha256(data).hexdigest()
    manifest = {
        "content_hash": constitution.content_hash,
        "formats": {
            name: {"file": EXPORTERS[name].filename, "sha256": digest}
            for name, digest in digests.items()
        },
        "version": constitution.version,
    }
    (folder / MANIFEST).write_bytes(json_export.pretty_json(manifest).encode())
    return digests
