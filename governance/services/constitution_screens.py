"""Read models of the constitution area: the draft, a release, and the Constitution page.

The draft is a pure function of ``DraftInputs`` (the approved guidelines with their
decisions, the steward's edits and resolutions, the latest release), so the same inputs
always compile the same draft: a release checks the inputs again under the write lock
instead of compiling twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from governance.constitution.changes import ConstitutionDiff, diff, next_version
from governance.constitution.compiler import Edit, compile_constitution
from governance.constitution.conflicts import Flag, FlagKind, detect
from governance.constitution.model import Constitution
from governance.storage.constitution import ReleaseRow, Resolution
from governance.voting import Decided

#: How a steward may resolve each kind of flag.
RESOLUTIONS: dict[FlagKind, tuple[str, ...]] = {
    FlagKind.DUPLICATE: ("keep_both", "merge", "send_back"),
    FlagKind.CONTRADICTION: ("keep_both", "merge", "send_back"),
    FlagKind.STEERING: ("acknowledge", "send_back"),
}
#: What each kind of flag is, in words.
FLAG_KINDS = {
    FlagKind.DUPLICATE: "Possible duplicate",
    FlagKind.CONTRADICTION: "Possible contradiction",
    FlagKind.STEERING: "Steering text",
}
#: What each resolution does, for forms and messages.
RESOLUTION_LABELS = {
    "keep_both": "keep both, the chosen one first",
    "merge": "keep only the chosen one (the other leaves the constitution)",
    "send_back": "send the chosen one back to deliberation",
    "acknowledge": "keep it: the text is safe as written",
}


@dataclass(frozen=True)
class Draft:
    """What the next release would be, and what stands in its way."""

    constitution: Constitution
    """Stamped with the version it would be released as."""
    latest: Constitution | None
    changes: ConstitutionDiff
    flags: list[Flag]
    """Unresolved flags: each blocks the release."""
    resolved: list[tuple[Flag, Resolution]]
    excluded: list[str]
    """Guidelines left out by a merge."""

    @property
    def releasable(self) -> bool:
        """Whether a steward could release this draft now."""
        return not self.flags and not self.changes.empty

    def name(self, guideline_id: str) -> str:
        """How people read a guideline in the draft: ``P-0007 “Admit uncertainty” (G-0007)``."""
        for principle in self.constitution.principles:
            if principle.provenance.guideline_id == guideline_id:
                return f"{principle.id} \u201c{principle.title}\u201d ({guideline_id})"
        return guideline_id


@dataclass(frozen=True)
class DraftInputs:
    """Everything the draft is compiled from; the same inputs compile the same draft."""

    decided: tuple[Decided, ...]
    edits: dict[str, tuple[str | None, int | None]]
    resolutions: tuple[Resolution, ...]
    latest: ReleaseRow | None


@dataclass(frozen=True)
class ReleaseInfo:
    """A release as listed: its version, hash, notes, who and when."""

    row: ReleaseRow
    constitution: Constitution
    files: Path
    """The folder with every export format and the manifest."""


def release_constitution(row: ReleaseRow) -> Constitution:
    """The constitution a stored release says."""
    return Constitution.model_validate_json(row.body)


@dataclass(frozen=True)
class Download:
    """One export file of a release, ready to hand to a person."""

    format: str
    filename: str
    description: str
    data: bytes


@dataclass(frozen=True)
class ConstitutionScreen:
    """Everything the Constitution page shows."""

    releases: list[ReleaseInfo]
    """Every release, newest first."""
    shown: ReleaseInfo | None
    """The release the page shows (the latest unless one was chosen)."""
    downloads: list[Download]
    """The shown release's files, one per export format."""
    draft: Draft
    steward: bool
    """Whether the viewer may edit the draft, release, roll back and retire."""
    can_import: bool
    """Whether the viewer may import a constitution as drafts."""
    import_formats: tuple[str, ...]
    resolutions: dict[FlagKind, tuple[str, ...]] = field(default_factory=lambda: RESOLUTIONS)
    resolution_labels: dict[str, str] = field(default_factory=lambda: RESOLUTION_LABELS)
    flag_kinds: dict[FlagKind, str] = field(default_factory=lambda: FLAG_KINDS)


def compile_draft(inputs: DraftInputs, *, now: datetime, categories: Sequence[str]) -> Draft:
    """The draft the inputs make: compiled, versioned against the latest release, flagged."""
    resolutions = inputs.resolutions
    excluded = sorted(
        {
            other
            for r in resolutions
            if r.resolution == "merge"
            for other in r.guideline_ids
            if other != r.chosen_id
        }
    )
    edits = {
        gid: Edit(comparison_prompt=prompt, priority=priority)
        for gid, (prompt, priority) in inputs.edits.items()
    }
    decided = [d for d in inputs.decided if d.guideline_id not in excluded]
    latest = None if inputs.latest is None else release_constitution(inputs.latest)
    compiled = compile_constitution(
        decided,
        version="0.0.0",
        created_at=now,
        categories=categories,
        edits=edits,
    )
    changes = diff(latest, compiled)
    if changes.bump is None:
        version = latest.version if latest else "1.0.0"
    else:
        version = next_version(latest.version if latest else None, changes.bump)
    compiled = compiled.model_copy(update={"version": version})
    by_key = {r.flag_key: r for r in resolutions}
    flags = detect(compiled.principles)
    return Draft(
        constitution=compiled,
        latest=latest,
        changes=changes,
        flags=[f for f in flags if f.key not in by_key],
        resolved=[(f, by_key[f.key]) for f in flags if f.key in by_key],
        excluded=excluded,
    )
