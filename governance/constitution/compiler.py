"""The compiler: approved guidelines -> a constitution. Pure: same inputs, same bytes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from governance.constitution.model import Constitution, GroupVote, Principle, Provenance
from governance.ids import guideline_number
from governance.models import GuidelineText
from governance.voting import Decided

DEFAULT_NAME = "Charter constitution"


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
    decision = item.decision
    recorded = decision.tally
    overall = recorded.tally.overall
    # Inputs come from stored, validated decisions: construct without validating again.
    groups = tuple(
        GroupVote.model_construct(
            group=g.group,
            approve=g.counts.approve,
            reject=g.counts.reject,
            abstain=g.counts.abstain,
            met=g.met,
        )
        for g in recorded.tally.groups
    )
    return Provenance.model_construct(
        guideline_id=item.guideline_id,
        guideline_version=item.version,
        rules_version=decision.rules_version,
        decided_at=decision.decided_at,
        approve=overall.approve,
        reject=overall.reject,
        abstain=overall.abstain,
        groups=groups,
        summary=recorded.lines,
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
        key=lambda d: (rank.get(d.text.category, len(rank)), d.decision.decided_at, d.guideline_id),
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


def edits_of(constitution: Constitution) -> dict[str, Edit]:
    """The steward edits that make the compiler give ``constitution``'s prompts and order.

    A prompt equal to the one derived from the guideline is no edit; every place is kept.
    """
    edits = {}
    for principle in constitution.principles:
        derived = comparison_prompt(
            GuidelineText.model_construct(
                title=principle.title,
                statement=principle.statement,
                critique_request=principle.critique_request,
                revision_request=principle.revision_request,
                category=principle.category,
            )
        )
        prompt = None if principle.comparison_prompt == derived else principle.comparison_prompt
        edits[principle.provenance.guideline_id] = Edit(prompt, principle.priority)
    return edits
