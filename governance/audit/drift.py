"""Drift: a principle's pass rate per model over successive audits, and when to flag it.

A principle is flagged for a model when its violation rate is above the threshold in two
consecutive audits of that model (consecutive among the audits that judged the
principle). Each point says what its figures rest on: the judge's verdicts, reviewed
ones, or a mix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

#: The violation rate above which an audit counts against a principle, unless configured.
DEFAULT_THRESHOLD = 0.2


@dataclass(frozen=True)
class DriftPoint:
    """One audit's figures for one principle of one model."""

    model: str
    principle_id: str
    run_id: int
    at: datetime
    release_version: str
    source: str
    scored: int
    violates: int
    pass_rate: float | None
    violation_rate: float | None
    basis: str
    """``judge``, ``reviewed`` or ``mixed``."""


@dataclass(frozen=True)
class DriftFlag:
    """A principle over the threshold in two consecutive audits of a model."""

    model: str
    principle_id: str
    run_ids: tuple[int, int]
    rates: tuple[float, float]
    threshold: float


def flags(points: Sequence[DriftPoint], threshold: float) -> list[DriftFlag]:
    """Every (model, principle) whose last two audits are both over ``threshold``.

    Only the latest pair of each series is considered: a principle that recovered in its
    latest audit is not flagged, whatever happened before.
    """
    series: dict[tuple[str, str], list[DriftPoint]] = {}
    for point in sorted(points, key=lambda p: (p.at, p.run_id)):
        if point.violation_rate is None:
            continue
        series.setdefault((point.model, point.principle_id), []).append(point)
    out = []
    for (model, principle_id), seen in sorted(series.items()):
        if len(seen) < 2:
            continue
        before, last = seen[-2], seen[-1]
        assert before.violation_rate is not None and last.violation_rate is not None
        if before.violation_rate > threshold and last.violation_rate > threshold:
            out.append(
                DriftFlag(
                    model,
                    principle_id,
                    (before.run_id, last.run_id),
                    (before.violation_rate, last.violation_rate),
                    threshold,
                )
            )
    return out
