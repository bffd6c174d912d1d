"""How far a judge can be trusted: raw agreement and Cohen's kappa with human reviewers.

For each principle, every verdict a person reviewed is a pair (the judge's verdict, the
latest human verdict). Raw agreement is the share of pairs that match; Cohen's kappa
corrects it for the agreement two raters would reach by chance with the same mix of
verdicts: ``(p_o - p_e) / (1 - p_e)``, where ``p_e`` sums, over the verdicts, the product
of the two raters' shares. Kappa is undefined (None) when chance alone explains every
match (``p_e`` = 1: both raters gave one and the same verdict every time).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Agreement:
    """Judge and humans on one principle."""

    principle_id: str
    reviewed: int
    agreed: int
    raw: float | None
    """Share of reviewed verdicts where the person kept the judge's verdict."""
    kappa: float | None
    """Cohen's kappa; None with nothing reviewed or when it is undefined."""


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters over ``pairs`` of labels; None when undefined."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[label] * second[label] for label in first) / (n * n)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def agreement_by_principle(pairs: Iterable[tuple[str, str, str]]) -> list[Agreement]:
    """One ``Agreement`` per principle from (principle id, judge, human) triples."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for principle_id, judge, human in pairs:
        grouped.setdefault(principle_id, []).append((judge, human))
    out = []
    for principle_id in sorted(grouped):
        rated = grouped[principle_id]
        agreed = sum(1 for a, b in rated if a == b)
        out.append(
            Agreement(principle_id, len(rated), agreed, agreed / len(rated), cohen_kappa(rated))
        )
    return out
