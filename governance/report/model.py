"""The release report as data: what ``charter.reports`` reads and the renderer draws.

Pure values, no storage: the service fills them in one read snapshot, ``render_html`` turns
them into a page. Counts a group is too small to publish are already gone here (None), so
no renderer can show them by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from governance.constitution.changes import ConstitutionDiff
from governance.voting import Counts


@dataclass(frozen=True)
class VoteRow:
    """How one stakeholder group (or everyone) voted on a principle's approved version."""

    name: str
    """The group, or ``overall``."""
    counts: Counts | None
    """Approve, reject and abstain; None when fewer than k ballots (k-anonymity)."""
    threshold_pct: int | None
    """The approval share the rules asked of it (None: not recorded)."""
    outcome: str
    """``met``, ``not met`` or ``no quorum``; empty when the counts are withheld."""


@dataclass(frozen=True)
class PrincipleEntry:
    """One principle of the release, with the decision behind it."""

    id: str
    title: str
    statement: str
    category: str
    language: str
    priority: int
    guideline_id: str
    guideline_version: int
    rules_version: int
    decided_at: datetime
    overall: VoteRow
    groups: tuple[VoteRow, ...]
    """Per group, in the deployment's group order."""


@dataclass(frozen=True)
class AuditFigures:
    """A principle's effective verdicts in one audit run."""

    pass_rate: float | None
    """Mean score of the scored verdicts (0-1); None when none was scored."""
    violations: int
    total: int
    basis: str
    """``judge``, ``reviewed`` (every verdict) or ``mixed``."""


@dataclass(frozen=True)
class ModelAudit:
    """The audit run a model is reported by, with its figures per principle."""

    model: str
    run_id: int
    release_version: str
    """The release the run audited."""
    against_release: bool
    """Whether that is the reported release (else it is the model's latest run overall)."""
    created_at: datetime
    source: str
    status: str | None
    """The run's job status (None for an imported run)."""
    results: dict[str, AuditFigures]
    """By principle id; a principle the run did not audit is missing."""


@dataclass(frozen=True)
class ReleaseReport:
    """Everything the release report shows about one release."""

    name: str
    version: str
    content_hash: str
    released_at: datetime
    notes: str
    rollback_of: str | None
    previous: str | None
    """The release before it (None: the first release)."""
    changes: ConstitutionDiff
    """What changed since ``previous`` (everything is added for the first release)."""
    principles: tuple[PrincipleEntry, ...]
    groups: tuple[str, ...]
    audits: tuple[ModelAudit, ...]
    """One per audited model, by model name."""
    k: int
    """Fewer ballots than this are shown as "fewer than k"."""
    generated_at: datetime
