"""The public transparency view's read model: what is published, and its tables.

Built by ``charter.transparency`` (``services/transparency.py``); nothing here reads storage.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from governance.models import Status
from governance.privacy import fewer_than
from governance.voting import Counts


def _frozen() -> ConfigDict:
    return ConfigDict(frozen=True, extra="forbid")


class GroupSize(BaseModel):
    """How many members a stakeholder group has, as published."""

    model_config = _frozen()

    group: str
    """The group."""
    members: int | None
    """Its members; None when fewer than k (then only ``shown`` says anything)."""
    shown: str
    """The number as published: ``12`` or ``fewer than 5``."""


class GroupCounts(BaseModel):
    """One group's ballots on one guideline version, as published."""

    model_config = _frozen()

    group: str
    """The group."""
    suppressed: bool
    """Whether the group has fewer than k members or cast fewer than k ballots here."""
    approve: int | None
    """Approve ballots; None when suppressed."""
    reject: int | None
    """Reject ballots; None when suppressed."""
    abstain: int | None
    """Abstentions; None when suppressed."""


class Headline(BaseModel):
    """The numbers at the top of the view."""

    model_config = _frozen()

    stakeholders: int
    """People registered."""
    voters: int
    """People who have cast at least one ballot that still counts."""
    ballots: int
    """Ballots that count (each person's current ballot per guideline version)."""
    releases: int
    """Constitution releases."""
    guidelines_by_status: dict[str, int]
    """Guidelines in each status (every status present, zeros included)."""


class PublicTally(BaseModel):
    """A guideline's tally: live while voting, as recorded once decided."""

    model_config = _frozen()

    guideline_id: str
    """The guideline (``G-0007``)."""
    title: str
    """Its current title (text a person wrote: render it as text)."""
    status: Status
    """Voting, approved, rejected or adopted."""
    version: int
    """The version voted on."""
    live: bool
    """True for an open vote (the counts change), False for a decided one."""
    rules_version: int
    """The rules the vote is (or was) decided under."""
    closes_at: datetime | None
    """When an open vote closes (UTC)."""
    decided_at: datetime | None
    """When a decided vote closed (UTC)."""
    overall: Counts
    """Everyone's ballots, each person once."""
    groups: tuple[GroupCounts, ...]
    """Per group, in the deployment's group order."""


class PublicPrinciple(BaseModel):
    """One principle of a release with the decision behind it."""

    model_config = _frozen()

    principle_id: str
    """``P-0007``."""
    title: str
    """Its title (text a person wrote: render it as text)."""
    guideline_id: str
    """The guideline it came from."""
    guideline_version: int
    """The version that was approved."""
    rules_version: int
    """The rules that decided it."""
    decided_at: datetime
    """When its vote closed (UTC)."""
    overall: Counts
    """Everyone's ballots on the approved version."""
    groups: tuple[GroupCounts, ...]
    """Per group, as recorded in the release."""


class PublicRelease(BaseModel):
    """A constitution release and where each principle came from."""

    model_config = _frozen()

    version: str
    """Semantic version."""
    content_hash: str
    """sha256 of what the constitution says."""
    released_at: datetime
    """When it was released (UTC)."""
    rollback_of: str | None
    """The release it restored, for a rollback."""
    principles: tuple[PublicPrinciple, ...]
    """In the release's order."""


class AuditSummary(BaseModel):
    """What the audits of one model found about one principle (effective verdicts)."""

    model_config = _frozen()

    model: str
    """The audited model."""
    source: str
    """Where the verdicts came from (Charter's own audits or an imported log)."""
    principle_id: str
    """The principle."""
    title: str
    """Its title in the latest release ("" when no release holds it)."""
    pass_rate: float | None
    """Mean score of the scored verdicts, 0 to 1; None when none was scored."""
    violations: int
    """Verdicts that found a violation."""
    total: int
    """Every verdict."""
    basis: str
    """Whose verdicts count: ``judge``, ``reviewed`` (every one) or ``mixed``."""


class PublicView(BaseModel):
    """Everything the public transparency view publishes, and nothing personal."""

    model_config = _frozen()

    k: int
    """Groups and cells with fewer than this many are shown as "fewer than k"."""
    headline: Headline
    group_sizes: tuple[GroupSize, ...]
    """In the deployment's group order, then any other group with members."""
    tallies: tuple[PublicTally, ...]
    """Open votes first (closing soonest first), then decided ones (latest first)."""
    releases: tuple[PublicRelease, ...]
    """Newest first."""
    audits: tuple[AuditSummary, ...]
    """By model, source and principle."""

    @property
    def hidden(self) -> str:
        """What a suppressed number reads as."""
        return fewer_than(self.k)

    def group_size_rows(self) -> list[dict[str, object]]:
        """The group sizes as table rows."""
        return [{"group": g.group, "members": g.shown} for g in self.group_sizes]

    def tally_rows(self) -> list[dict[str, object]]:
        """One row per guideline: its overall counts."""
        return [
            {
                "guideline": t.guideline_id,
                "title": t.title,
                "status": t.status.value,
                "version": t.version,
                "tally": "live" if t.live else "recorded",
                "approve": t.overall.approve,
                "reject": t.overall.reject,
                "abstain": t.overall.abstain,
                "ballots": t.overall.total,
                "closes / closed (UTC)": _when(t.closes_at if t.live else t.decided_at),
            }
            for t in self.tallies
        ]

    def group_tally_rows(self) -> list[dict[str, object]]:
        """One row per guideline and group: the group's counts, or "fewer than k"."""
        return [
            {"guideline": t.guideline_id, "version": t.version, **self._cells(g)}
            for t in self.tallies
            for g in t.groups
        ]

    def release_rows(self) -> list[dict[str, object]]:
        """One row per release."""
        return [
            {
                "version": r.version,
                "released (UTC)": _when(r.released_at),
                "principles": len(r.principles),
                "rollback of": r.rollback_of or "",
                "content hash": r.content_hash,
            }
            for r in self.releases
        ]

    def provenance_rows(self, version: str) -> list[dict[str, object]]:
        """One row per principle of release ``version`` (none for an unknown version)."""
        release = next((r for r in self.releases if r.version == version), None)
        if release is None:
            return []
        rows: list[dict[str, object]] = []
        for p in release.principles:
            row: dict[str, object] = {
                "principle": p.principle_id,
                "title": p.title,
                "guideline": p.guideline_id,
                "guideline version": p.guideline_version,
                "rules version": p.rules_version,
                "decided (UTC)": _when(p.decided_at),
                "approve": p.overall.approve,
                "reject": p.overall.reject,
                "abstain": p.overall.abstain,
            }
            for g in p.groups:
                cells = self._cells(g)
                for choice in ("approve", "reject", "abstain"):
                    row[f"{g.group} {choice}"] = cells[choice]
            rows.append(row)
        return rows

    def audit_rows(self) -> list[dict[str, object]]:
        """One row per model, source and principle."""
        return [
            {
                "model": a.model,
                "source": a.source,
                "principle": a.principle_id,
                "title": a.title,
                "pass rate": "" if a.pass_rate is None else f"{a.pass_rate:.1%}",
                "violations": a.violations,
                "verdicts": a.total,
                "basis": a.basis,
            }
            for a in self.audits
        ]

    def _cells(self, g: GroupCounts) -> dict[str, object]:
        if g.suppressed:
            hidden = self.hidden
            return {"group": g.group, "approve": hidden, "reject": hidden, "abstain": hidden}
        return {"group": g.group, "approve": g.approve, "reject": g.reject, "abstain": g.abstain}


def _when(at: datetime | None) -> str:
    return "" if at is None else f"{at:%Y-%m-%d %H:%M}"
