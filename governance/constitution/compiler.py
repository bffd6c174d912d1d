"""The compiler: approved guidelines -> a constitution. Pure: same inputs, same bytes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from governance.constitution.model import Constitution, GroupVote, Principle, Provenance
from governance.models import GuidelineText, guideline_number

DEFAULT_NAME = "Charter constitution"


@dataclass(frozen=True)
class Decided:
    """One approved guideline version with the decision that approved it."""

    guideline_id: str
    version: int
    text: GuidelineText
    rules_version: int
    decided_at: datetime
    tally: Mapping[str, Any]
    """The stored tally: ``overall`` and ``groups`` counts, ``lines`` in words."""


@dataclass(frozen=True)
class Edit:
    """A steward's edits to a principle before release."""

    comparison_prompt: str | None = None
    priority: int | None = None


def principle_id(guideline_id: str) -> str:
    """``G-0007`` -> ``P-0007``."""
    number = guideline_number(guideline_id)
    return f"P-{number:04d}" if number is not None else f"P-{guideline_id}"


def slug(title: str) -> str:
    """``Admit uncertainty!`` -> ``admit-uncertainty`` (ASCII, at most 60 characters)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    return "-".join(words)[:60].strip("-") or "principle"


def comparison_prompt(text: GuidelineText) -> str:
    """The default comparison prompt for AI feedback, derived from the guideline."""
    statement = " ".join(text.statement.split())
    return (
        f"Consider this principle, {text.title!r}: {statement}\n"
        "Which of these assistant responses follows the principle better?"
    )


def _provenance(item: Decided) -> Provenance:
    overall = item.tally.get("overall", {})
    # Inputs come from stored, validated decisions: construct without validating again.
    groups = tuple(
        GroupVote.model_construct(
            group=str(g["group"]),
            approve=int(g["counts"].get("approve", 0)),
            reject=int(g["counts"].get("reject", 0)),
            abstain=int(g["counts"].get("abstain", 0)),
            met=bool(g.get("met", False)),
        )
        for g in item.tally.get("groups", [])
    )
    return Provenance.model_construct(
        guideline_id=item.guideline_id,
        guideline_version=item.version,
        rules_version=item.rules_version,
        decided_at=item.decided_at,
        approve=int(overall.get("approve", 0)),
        reject=int(overall.get("reject", 0)),
        abstain=int(overall.get("abstain", 0)),
        groups=groups,
        summary=tuple(str(line) for line in item.tally.get("lines", [])),
    )


def compile_constitution(
    decided: Sequence[Decided],
    *,
    version: str,
    created_at: datetime,
    categories: Sequence[str] = (),
    edits: Mapping[str, Edit] | None = None,
    name: str = DEFAULT_NAME,
) -> Constitution:
    """Compile approved guidelines into a constitution.

    Principles are ordered by the steward's priority where one was set, otherwise by
    category (in the deployment's order), then decision time, then id; their ``priority``
    is their position from 1. The input order does not matter.

    Args:
        decided: The approved guideline versions with their decisions.
        version: The semantic version to stamp.
        created_at: The creation time to stamp.
        categories: The deployment's categories, for the default order.
        edits: Steward edits by guideline id (comparison prompt, priority).
        name: The constitution's name.
    """
    edits = edits or {}
    rank = {c: i for i, c in enumerate(categories)}
    default = sorted(
        decided,
        key=lambda d: (rank.get(d.text.category, len(rank)), d.decided_at, d.guideline_id),
    )
    position = {d.guideline_id: i for i, d in enumerate(default, start=1)}

    def order(d: Decided) -> tuple[float, int, str]:
        chosen = edits.get(d.guideline_id, Edit()).priority
        # A chosen priority goes just ahead of the principle that holds that place by default.
        return (chosen - 0.5 if chosen is not None else position[d.guideline_id], 0, d.guideline_id)

    principles = []
    for priority, item in enumerate(sorted(default, key=order), start=1):
        edit = edits.get(item.guideline_id, Edit())
        text = item.text
        principles.append(
            Principle.model_construct(
                id=principle_id(item.guideline_id),
                name=slug(text.title),
                title=text.title,
                statement=text.statement,
                critique_request=text.critique_request,
                revision_request=text.revision_request,
                comparison_prompt=edit.comparison_prompt or comparison_prompt(text),
                category=text.category,
                priority=priority,
                language=text.language,
                provenance=_provenance(item),
            )
        )
    return Constitution(
        name=name,
        version=version,
        created_at=created_at,
        principles=tuple(principles),
        decisions=tuple(
            f"{p.provenance.guideline_id}@v{p.provenance.guideline_version}" for p in principles
        ),
    ).with_hash()
