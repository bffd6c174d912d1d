"""Public ids and the one codec between them and storage keys.

Guidelines are stored under integer keys (fast scattered lookups in DuckDB) and are known to
people, pages, exports and the event log by their public id: ``G-0007``. Every conversion
between the two goes through this module.
"""

from __future__ import annotations

from governance.errors import NotFound

#: The key that no stored guideline has: what an id that cannot be a guideline matches.
NO_KEY = -1


def guideline_ref(number: int) -> str:
    """The public id of guideline ``number``: ``7`` -> ``G-0007``."""
    return f"G-{number:04d}"


def guideline_number(ref: str) -> int | None:
    """Parse a public guideline id (``G-0007``, ``g-7`` or ``7``); None if it is not one."""
    text = ref.strip().upper().removeprefix("G-").removeprefix("G")
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    return int(text)


def guideline_key(ref: str) -> int:
    """The storage key of a public id; ``NO_KEY`` (matching nothing) if it is not one."""
    number = guideline_number(ref)
    return NO_KEY if number is None else number


def parse_guideline_id(text: str) -> str:
    """The canonical public id of what a person typed (``g-7`` -> ``G-0007``), or ``NotFound``."""
    number = guideline_number(text)
    if number is None:
        raise NotFound(f"no guideline {text!r}")
    return guideline_ref(number)


def stakeholder_subject(stakeholder_id: int) -> str:
    """The event-log subject for a stakeholder."""
    return f"stakeholder:{stakeholder_id}"
