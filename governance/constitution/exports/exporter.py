"""What an export format is: a name, a file name and a pure render function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from governance.constitution.model import Constitution


@dataclass(frozen=True)
class Exporter:
    """One export format of a constitution."""

    name: str
    """How people and the CLI choose the format, e.g. ``hf-cai``."""
    filename: str
    """The file ``write_all`` writes it to."""
    description: str
    """One sentence on what the file is for."""
    render: Callable[[Constitution], str]
    """Pure: the same constitution always gives the same text."""
