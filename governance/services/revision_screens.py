"""What the Model revision page and the command line read about a run."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from governance.storage.revisions import ResultRow, RunRow


@dataclass(frozen=True)
class PrincipleStats:
    """How one principle fared in a run."""

    principle_id: str
    title: str
    rounds: int
    revised: int
    no_critique: int
    unparseable: int
    changed_chars: int
    """Characters that differ between the answer before and after its revisions."""

    @property
    def critique_rate(self) -> float:
        """Share of parsed critiques that asked for a revision."""
        parsed = self.revised + self.no_critique
        return self.revised / parsed if parsed else 0.0


@dataclass(frozen=True)
class RunDetail:
    """A run with every result and the per-principle statistics."""

    run: RunRow
    results: tuple[ResultRow, ...]
    principles: tuple[dict[str, str], ...]
    stats: tuple[PrincipleStats, ...] = field(default=())

    @property
    def scripted(self) -> bool:
        """Whether the scripted stand-in made it (its text is templates, not a model's)."""
        return self.run.model_settings.get("model") == "charter:scripted"


def _changed_chars(before: str, after: str) -> int:
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return max(len(before), len(after)) - same


def principle_stats(run: RunRow, results: Sequence[ResultRow]) -> tuple[PrincipleStats, ...]:
    """How each principle fared in a run, in the run's priority order."""
    by_id: dict[str, dict[str, int]] = {}
    for result in results:
        for step in result.steps:
            counts = by_id.setdefault(
                step.principle_id,
                {"rounds": 0, "revised": 0, "no_critique": 0, "unparseable": 0, "chars": 0},
            )
            counts["rounds"] += 1
            counts[step.outcome] += 1
            if step.outcome == "revised":
                counts["chars"] += _changed_chars(step.before, step.revision)
    titles = {str(p["id"]): str(p["title"]) for p in run.principles}
    return tuple(
        PrincipleStats(
            principle_id=pid,
            title=str(titles.get(pid, "")),
            rounds=c["rounds"],
            revised=c["revised"],
            no_critique=c["no_critique"],
            unparseable=c["unparseable"],
            changed_chars=c["chars"],
        )
        for pid, c in sorted(by_id.items(), key=lambda kv: _order(titles, kv[0]))
    )


def _order(titles: dict[str, str], principle_id: str) -> int:
    """A principle's place in the run (its priority order); unknown ones first."""
    order = list(titles)
    return order.index(principle_id) if principle_id in order else -1
