"""What changed between two constitutions, and the semantic-version bump that follows.

major: a principle was removed, or its meaning changed (a newer voted version of its
guideline: the statement, critique or revision request differ); minor: a principle was added;
patch: wording only (name, title or comparison prompt) or order. Nothing changed: no release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from governance.constitution.model import Constitution, Principle

_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_MEANING = ("statement", "critique_request", "revision_request")
_WORDING = ("name", "title", "comparison_prompt", "category", "language")


class Bump(StrEnum):
    """Which part of the version a release increments."""

    MAJOR = "major"
    MINOR = "minor"
    PATCH = "patch"


@dataclass(frozen=True)
class Change:
    """One principle that differs, with the fields that differ."""

    before: Principle
    after: Principle
    fields: tuple[str, ...]


@dataclass(frozen=True)
class ConstitutionDiff:
    """Principles added, removed, reworded (meaning or wording) and reordered."""

    added: tuple[Principle, ...] = ()
    removed: tuple[Principle, ...] = ()
    meaning_changed: tuple[Change, ...] = ()
    reworded: tuple[Change, ...] = ()
    reordered: tuple[str, ...] = field(default=())
    """Ids of principles kept whose relative order changed."""

    @property
    def empty(self) -> bool:
        """Whether the two constitutions say the same thing in the same order."""
        return not (
            self.added or self.removed or self.meaning_changed or self.reworded or self.reordered
        )

    @property
    def bump(self) -> Bump | None:
        """The version bump these changes need (None when nothing changed)."""
        if self.removed or self.meaning_changed:
            return Bump.MAJOR
        if self.added:
            return Bump.MINOR
        if self.reworded or self.reordered:
            return Bump.PATCH
        return None

    def lines(self) -> list[str]:
        """The changes in words, one per line."""
        out = [f"added {p.id} {p.title}" for p in self.added]
        out += [f"removed {p.id} {p.title}" for p in self.removed]
        out += [
            f"meaning changed {c.after.id} {c.after.title} ({', '.join(c.fields)})"
            for c in self.meaning_changed
        ]
        out += [
            f"reworded {c.after.id} {c.after.title} ({', '.join(c.fields)})" for c in self.reworded
        ]
        out += [f"reordered {pid}" for pid in self.reordered]
        return out


def diff(before: Constitution | None, after: Constitution) -> ConstitutionDiff:
    """Compare ``after`` with ``before`` (None: everything is added)."""
    if before is None:
        return ConstitutionDiff(added=after.principles)
    old = {p.id: p for p in before.principles}
    new = {p.id: p for p in after.principles}
    meaning, wording = [], []
    for pid in old.keys() & new.keys():
        a, b = old[pid], new[pid]
        changed_meaning = tuple(f for f in _MEANING if getattr(a, f) != getattr(b, f))
        if changed_meaning or a.provenance.guideline_version != b.provenance.guideline_version:
            meaning.append(Change(a, b, changed_meaning or ("guideline version",)))
            continue
        changed_words = tuple(f for f in _WORDING if getattr(a, f) != getattr(b, f))
        if changed_words:
            wording.append(Change(a, b, changed_words))
    kept_old = [p.id for p in before.principles if p.id in new]
    kept_new = [p.id for p in after.principles if p.id in old]
    reordered = _moved(kept_old, kept_new)
    return ConstitutionDiff(
        added=tuple(p for p in after.principles if p.id not in old),
        removed=tuple(p for p in before.principles if p.id not in new),
        meaning_changed=tuple(sorted(meaning, key=lambda c: c.after.id)),
        reworded=tuple(sorted(wording, key=lambda c: c.after.id)),
        reordered=reordered,
    )


def _moved(before: list[str], after: list[str]) -> tuple[str, ...]:
    # The fewest principles to move: everything outside a longest common subsequence.
    n, m = len(before), len(after)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = (
                best[i + 1][j + 1] + 1
                if before[i] == after[j]
                else max(best[i + 1][j], best[i][j + 1])
            )
    stay, i, j = set(), 0, 0
    while i < n and j < m:
        if before[i] == after[j]:
            stay.add(before[i])
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return tuple(pid for pid in after if pid not in stay)


def parse_version(text: str) -> tuple[int, int, int]:
    """``1.2.3`` -> (1, 2, 3); ValueError for anything else."""
    match = _SEMVER.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a version like 1.2.0")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def next_version(current: str | None, bump: Bump) -> str:
    """The version after ``current`` (None: the first release is 1.0.0)."""
    if current is None:
        return "1.0.0"
    major, minor, patch = parse_version(current)
    if bump is Bump.MAJOR:
        return f"{major + 1}.0.0"
    if bump is Bump.MINOR:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"
