"""Test data: approved guideline versions (``Decided``) with hand-written tallies."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from governance.models import GuidelineText, Status
from governance.voting import Counts, Decided, Decision, GroupTally, RecordedTally, Tally


def recorded(tally: Mapping[str, Any], rules_version: int = 1) -> RecordedTally:
    """A recorded tally from the short form ``{"overall": {...}, "groups": [...], "lines": [...]}``."""
    groups = tuple(
        GroupTally(
            group=g["group"],
            counts=Counts(**g["counts"]),
            quorum=0,
            threshold_pct=0,
            has_quorum=True,
            met=g.get("met", False),
            blocks=False,
        )
        for g in tally.get("groups", [])
    )
    return RecordedTally(
        tally=Tally(
            overall=Counts(**tally.get("overall", {})),
            groups=groups,
            rules_version=rules_version,
            overall_quorum=0,
            overall_threshold_pct=0,
            min_groups_with_quorum=0,
            approved=True,
            reasons=(),
        ),
        lines=tuple(tally.get("lines", ())),
    )


def decided(
    *,
    guideline_id: str,
    version: int,
    text: GuidelineText,
    rules_version: int,
    decided_at: datetime,
    tally: Mapping[str, Any],
) -> Decided:
    """An approved guideline version, decided under ``rules_version`` with ``tally``."""
    return Decided(
        guideline_id=guideline_id,
        version=version,
        text=text,
        decision=Decision(
            version=version,
            outcome=Status.APPROVED,
            rules_version=rules_version,
            decided_at=decided_at,
            decided_by=None,
            reason="",
            tally=recorded(tally, rules_version),
        ),
    )
