"""Tallies and the group-aware decision rule. Pure functions: no storage, no clock.

A guideline is approved only when
  1. the overall quorum is met (every ballot counts, each person once),
  2. the overall approval share reaches the overall threshold,
  3. at least ``min_groups_with_quorum`` groups reached their quorum,
  4. every group that reached its quorum approves at or above its threshold, and
  5. no group with quorum rejects at or above the blocking share.
Shares are taken over approve + reject; abstentions count towards quorum only. A person in
two groups counts in both groups and once overall. See docs/voting.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from governance.errors import ValidationFailed
from governance.models import Choice, GovernanceRules, GuidelineText, Status

#: The format version of a tally recorded with a decision.
TALLY_SCHEMA = 1


class Counts(BaseModel):
    """Ballots of one kind of voter (a group, or everyone)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    approve: int = 0
    """Approve ballots."""
    reject: int = 0
    """Reject ballots."""
    abstain: int = 0
    """Abstentions: count towards quorum, not towards shares."""

    @property
    def total(self) -> int:
        """All ballots, abstentions included."""
        return self.approve + self.reject + self.abstain

    @property
    def decisive(self) -> int:
        """Approve plus reject ballots: the base of every share."""
        return self.approve + self.reject

    def add(self, choice: Choice, n: int = 1) -> Counts:
        """A copy with ``n`` more ballots of ``choice``."""
        return self.model_copy(update={choice.value: getattr(self, choice.value) + n})


def meets(part: int, whole: int, pct: int) -> bool:
    """Whether ``part / whole`` reaches ``pct`` percent, exactly (no floating point)."""
    if pct == 0:
        return True
    return whole > 0 and part * 100 >= pct * whole


def percent(part: int, whole: int) -> float | None:
    """``part / whole`` in percent, the share the rules compare (None when ``whole`` is 0).

    Every share shown (text or chart) is of this kind over approve + reject.
    """
    return None if whole == 0 else part * 100 / whole


def share_text(part: int, whole: int) -> str:
    """A share as people read it, to the nearest tenth: ``66.7%``, ``60%``.

    Never rounded up to a whole percent it has not reached: thresholds are whole percents,
    so 59.96% reads ``59.9%``, not ``60%``, and the figure never contradicts ``meets``.
    Exact integer arithmetic, no floating point.
    """
    if whole == 0:
        return "-"
    floor, rest = divmod(part * 1000, whole)
    tenths = floor + 1 if 2 * rest >= whole else floor
    if tenths != floor and tenths % 10 == 0:
        tenths = floor
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}%"


class GroupTally(BaseModel):
    """How one group voted and what that means under the rules."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    group: str
    """The group."""
    counts: Counts
    """Its ballots."""
    quorum: int
    """Ballots it needs for its verdict to count."""
    threshold_pct: int
    """Approval share it must reach once it has quorum."""
    has_quorum: bool
    """Whether it reached quorum."""
    met: bool
    """Whether its approval share reaches its threshold."""
    blocks: bool
    """Whether, having quorum, it rejects by a blocking share."""

    @property
    def explanation(self) -> str:
        """One line, e.g. ``public: 71% approve of 412 (needs 60%) - met``."""
        c = self.counts
        if not self.has_quorum:
            return (
                f"{self.group}: {c.total} of {self.quorum} ballots needed for quorum - not counted"
            )
        if c.decisive == 0 and self.threshold_pct > 0:
            line = f"{self.group}: only abstentions ({c.total}) - not met"
        else:
            line = (
                f"{self.group}: {share_text(c.approve, c.decisive)} approve of {c.decisive}"
                f" (needs {self.threshold_pct}%) - {'met' if self.met else 'not met'}"
            )
        if self.blocks:
            line += f"; {share_text(c.reject, c.decisive)} reject - blocks"
        return line


class Tally(BaseModel):
    """The tally of one guideline version, with the verdict and its reasons in words."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    overall: Counts
    """Everyone's ballots, each person once."""
    groups: tuple[GroupTally, ...]
    """Per group, in the deployment's group order."""
    rules_version: int
    """The rules applied."""
    overall_quorum: int
    """Ballots needed overall."""
    overall_threshold_pct: int
    """Approval share needed overall."""
    min_groups_with_quorum: int
    """Groups that must reach quorum."""
    approved: bool
    """The verdict: whether the guideline passes under the rules."""
    reasons: tuple[str, ...]
    """Why it does not pass (empty when approved)."""

    @property
    def groups_with_quorum(self) -> int:
        """How many groups reached quorum."""
        return sum(g.has_quorum for g in self.groups)

    @property
    def lines(self) -> tuple[str, ...]:
        """The tally explained line by line: overall, each group, the cross-group rule."""
        o = self.overall
        overall_met = o.total >= self.overall_quorum and meets(
            o.approve, o.decisive, self.overall_threshold_pct
        )
        needs = f"needs {self.overall_threshold_pct}% and {self.overall_quorum} ballots"
        verdict = "met" if overall_met else "not met"
        if o.total == 0:
            overall = f"overall: no ballots yet ({needs}) - {verdict}"
        elif o.decisive == 0:
            overall = f"overall: only abstentions ({o.total}; {needs}) - {verdict}"
        else:
            overall = (
                f"overall: {share_text(o.approve, o.decisive)} approve of {o.decisive}"
                f" ({o.abstain} abstain; {needs}) - {verdict}"
            )
        spread = (
            f"groups with quorum: {self.groups_with_quorum} of {len(self.groups)}"
            f" (needs {self.min_groups_with_quorum})"
            f" - {'met' if self.groups_with_quorum >= self.min_groups_with_quorum else 'not met'}"
        )
        return (overall, *(g.explanation for g in self.groups), spread)

    @property
    def summary(self) -> str:
        """The verdict in one sentence."""
        if self.approved:
            return "Approved: support reaches every threshold across groups."
        return "Not approved: " + "; ".join(self.reasons) + "."


def tally(
    overall: Counts,
    by_group: Mapping[str, Counts],
    rules: GovernanceRules,
    groups: tuple[str, ...],
) -> Tally:
    """Apply the group-aware decision rule.

    Args:
        overall: Every ballot, each person counted once.
        by_group: Ballots per group (a person in two groups is in both); missing groups have none.
        rules: The rules to decide under.
        groups: The deployment's groups, in display order.

    Returns:
        The tally with its verdict and, when not approved, every reason why not.
    """
    group_tallies = []
    for group in groups:
        counts = by_group.get(group, Counts())
        quorum = rules.quorum_for(group)
        threshold = rules.threshold_for(group)
        has_quorum = counts.total >= quorum
        blocks = (
            has_quorum
            and rules.blocking_pct is not None
            and counts.decisive > 0
            and meets(counts.reject, counts.decisive, rules.blocking_pct)
        )
        group_tallies.append(
            GroupTally(
                group=group,
                counts=counts,
                quorum=quorum,
                threshold_pct=threshold,
                has_quorum=has_quorum,
                met=meets(counts.approve, counts.decisive, threshold),
                blocks=blocks,
            )
        )

    reasons: list[str] = []
    if overall.total == 0:
        # Every quorum is at least one ballot: the one reason is that nobody voted yet.
        reasons.append("no ballots yet")
    elif overall.total < rules.overall_quorum:
        reasons.append(
            f"overall quorum not met ({overall.total} of {rules.overall_quorum} ballots)"
        )
    if overall.total and not meets(overall.approve, overall.decisive, rules.overall_threshold_pct):
        if overall.decisive == 0:
            reasons.append(
                f"overall: only abstentions ({overall.total} ballots), no approve or reject"
            )
        else:
            reasons.append(
                f"overall approval {share_text(overall.approve, overall.decisive)}"
                f" is below {rules.overall_threshold_pct}%"
            )
    with_quorum = [g for g in group_tallies if g.has_quorum]
    if overall.total and len(with_quorum) < rules.min_groups_with_quorum:
        reasons.append(
            f"only {len(with_quorum)} group(s) reached quorum;"
            f" {rules.min_groups_with_quorum} needed"
        )
    for g in with_quorum:
        if not g.met:
            reasons.append(
                f"{g.group} approval {share_text(g.counts.approve, g.counts.decisive)}"
                f" is below {g.threshold_pct}%"
            )
        if g.blocks:
            reasons.append(
                f"{g.group} blocks with {share_text(g.counts.reject, g.counts.decisive)} reject"
                f" (blocking at {rules.blocking_pct}%)"
            )

    return Tally(
        overall=overall,
        groups=tuple(group_tallies),
        rules_version=rules.version,
        overall_quorum=rules.overall_quorum,
        overall_threshold_pct=rules.overall_threshold_pct,
        min_groups_with_quorum=rules.min_groups_with_quorum,
        approved=not reasons,
        reasons=tuple(reasons),
    )


class RecordedTally(BaseModel):
    """A tally as recorded with a decision: counts, verdict and the explanation written then.

    The explanation is kept as written at the decision, so later rewording of the
    explanations never changes what a past decision said.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = TALLY_SCHEMA
    """Format version; readers migrate older records and reject newer ones."""
    tally: Tally
    """The counts and the verdict."""
    lines: tuple[str, ...]
    """The tally explained line by line, as shown when the vote closed."""

    @classmethod
    def of(cls, tally: Tally) -> RecordedTally:
        """Record ``tally`` with its explanation as of now."""
        return cls(tally=tally, lines=tally.lines)

    @classmethod
    def from_json(cls, text: str) -> RecordedTally:
        """Read a stored record, migrating the first format (a flat tally with ``lines``)."""
        data = json.loads(text)
        version = data.get("schema_version", 0)
        if not isinstance(version, int) or version > TALLY_SCHEMA:
            raise ValidationFailed(
                {"tally": f"recorded tally format {version!r} is newer than this Charter reads"}
            )
        if version == 0:
            lines = data.pop("lines", [])
            data = {"schema_version": 1, "tally": data, "lines": lines}
        return cls.model_validate(data)


class Decision(BaseModel):
    """The stored outcome of a closed vote."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    """The guideline version voted on."""
    outcome: Status
    """Approved or rejected."""
    rules_version: int
    """The rules it was decided under."""
    decided_at: datetime
    """When voting closed (UTC)."""
    decided_by: int | None
    """Who closed it (None: the system, at the end of the window)."""
    reason: str
    """Why it was closed, when closed by a person."""
    tally: RecordedTally
    """The tally at closing."""


@dataclass(frozen=True)
class Decided:
    """An approved guideline version with the decision that approved it: the compiler's input."""

    guideline_id: str
    """The guideline (``G-0007``)."""
    version: int
    """The approved version."""
    text: GuidelineText
    """The text of that version."""
    decision: Decision
    """The decision that approved it."""
