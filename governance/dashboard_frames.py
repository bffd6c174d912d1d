"""What each dashboard chart shows, computed from the analytics queries' frames. Pure.

Every function takes the frames ``storage/analytics.py`` returns and gives back the table
a chart draws and its CSV download holds, so the numbers on screen and in the file agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from governance.audit.drift import DriftPoint
from governance.ids import guideline_ref

#: The funnel's stages, each with the statuses that count as having reached it.
FUNNEL = (
    ("proposed", ("draft",)),
    ("deliberation", ("deliberation",)),
    ("voting", ("voting",)),
    ("approved", ("approved", "adopted")),
    ("adopted", ("adopted",)),
)
#: How many guidelines the split heatmap and the contested chart draw (the CSV has all).
TOP = 30
CONTESTED = 10
_DAY_S = 86_400.0


def funnel(entries: pd.DataFrame) -> pd.DataFrame:
    """Guidelines reaching each stage, the share of the stage before, and the median days.

    Args:
        entries: ``guideline_id``, ``stage``, ``entered_at`` (first entry into each status).

    Returns:
        One row per stage: ``stage``, ``guidelines``, ``conversion`` (share of the previous
        stage's guidelines that reached this one; None for the first), ``median_days``
        (median time from entering the previous stage to entering this one; None when none).
    """
    first: dict[str, pd.Series] = {}
    for stage, statuses in FUNNEL:
        hits = entries[entries["stage"].isin(statuses)]
        first[stage] = hits.groupby("guideline_id")["entered_at"].min()
    rows = []
    previous: pd.Series | None = None
    for stage, _ in FUNNEL:
        reached = first[stage]
        conversion = median = None
        if previous is not None:
            reached = reached[reached.index.isin(previous.index)]
            conversion = len(reached) / len(previous) if len(previous) else None
            waits = (reached - previous[reached.index]).dt.total_seconds() / _DAY_S
            median = round(float(waits.median()), 2) if len(waits) else None
        rows.append(
            {
                "stage": stage,
                "guidelines": len(reached),
                "conversion": None if conversion is None else round(conversion, 4),
                "median_days": median,
            }
        )
        previous = reached
    return pd.DataFrame(rows, columns=["stage", "guidelines", "conversion", "median_days"])


def group_split(tallies: pd.DataFrame, groups: Sequence[str], k: int) -> pd.DataFrame:
    """Approval share per group for each guideline, most divided first.

    A group's share is approve / (approve + reject) of its ballots; a group with fewer than
    ``k`` decisive ballots on a guideline has no share (too few to publish, and too few to
    say much). ``spread`` is the largest share minus the smallest over the groups that have
    one; guidelines with two or more such groups come first, by spread, then by ballots.
    Computed on whole columns: a ballot makes every view of it compute again.

    Args:
        tallies: ``analytics.group_shares`` rows, one per guideline.
        groups: The groups to show, in order (``tallies`` has their columns).
        k: The smallest count published.

    Returns:
        One row per guideline: ``guideline_id``, ``title``, ``status``, ``category``,
        ``approve``, ``reject`` and ``ballots`` (everyone's decisive ballots), ``share``
        (everyone's, None under k), per group
        ``<group>_share`` and ``<group>_ballots``, and ``spread``.
    """
    columns = ["guideline_id", "title", "status", "category", "approve", "reject", "ballots"]
    columns.append("share")
    columns += [f"{g}_{part}" for g in groups for part in ("share", "ballots")] + ["spread"]
    if tallies.empty:
        return pd.DataFrame(columns=columns)

    def counts(prefix: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        approve = tallies[f"{prefix}approve"].to_numpy(dtype="int64")
        reject = tallies[f"{prefix}reject"].to_numpy(dtype="int64")
        decisive = approve + reject
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.round(approve / decisive, 4)
        return approve, reject, decisive, np.where(decisive >= max(k, 1), share, np.nan)

    approve, reject, decisive, share = counts("")
    out: dict[str, object] = {
        "guideline_id": [guideline_ref(int(n)) for n in tallies["guideline_id"]],
        "title": tallies["title"].to_numpy(),
        "status": tallies["status"].to_numpy(),
        "category": tallies["category"].to_numpy(),
        "approve": approve,
        "reject": reject,
        "ballots": decisive,
        "share": share,
    }
    shares: list[np.ndarray] = []
    for group in groups:
        _, _, ballots, group_share = counts(f"{group}_")
        out[f"{group}_share"], out[f"{group}_ballots"] = group_share, ballots
        shares.append(group_share)
    spread = np.full(len(tallies), np.nan)
    if shares:
        stacked: np.ndarray = np.column_stack(shares)
        known = (~np.isnan(stacked)).sum(axis=1)
        widest = np.fmax.reduce(stacked, axis=1) - np.fmin.reduce(stacked, axis=1)
        spread = np.where(known >= 2, np.round(widest, 4), np.nan)
    out["spread"] = spread
    table = pd.DataFrame(out).sort_values(
        ["spread", "ballots", "guideline_id"], ascending=[False, False, True], na_position="last"
    )
    return table[columns].reset_index(drop=True)


def contested(split: pd.DataFrame, n: int = CONTESTED) -> pd.DataFrame:
    """The guidelines with most people on each side: ranked by the smaller side's ballots.

    Args:
        split: ``group_split``'s table.
        n: How many to keep.

    Returns:
        ``guideline_id``, ``title``, ``approve``, ``reject`` (everyone's ballots),
        ``minority`` (the smaller of the two), ``share`` and ``spread``.
    """
    columns = ["guideline_id", "title", "approve", "reject", "minority", "share", "spread"]
    frame = split[split["share"].notna()].copy()
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame["minority"] = frame[["approve", "reject"]].min(axis=1)
    frame = frame.sort_values(
        ["minority", "ballots", "guideline_id"], ascending=[False, False, True]
    )
    return frame[columns].head(n).reset_index(drop=True)


def adoption(contents: pd.DataFrame, releases: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which principles entered and left each release, and how long adoption took.

    Args:
        contents: ``analytics.release_contents`` rows.
        releases: ``analytics.releases`` rows (every release, in order).

    Returns:
        Per release (``release``, ``released_at``, ``principles``, ``entered``, ``left``,
        ``median_days_to_adoption`` of the principles entering, ``entered_ids`` and
        ``left_ids`` for the hover) and the changes behind it
        (``release``, ``principle_id``, ``guideline_id``, ``title``, ``change``,
        ``days_to_adoption``).
    """
    summary, changes = [], []
    before: dict[str, object] = {}
    for row in releases.itertuples(index=False):
        version = str(row.version)
        rows = contents[contents["release_version"] == version]
        now = {str(r.principle_id): r for r in rows.itertuples(index=False)}
        entered = [now[p] for p in now if p not in before]
        left: list[object] = [before[p] for p in before if p not in now]
        days = [
            (pd.Timestamp(row.released_at) - pd.Timestamp(r.proposed_at)).total_seconds() / _DAY_S
            for r in entered
        ]
        for r, d in zip(entered, days, strict=True):
            changes.append((version, r.principle_id, _ref(r.guideline_id), r.title, "entered", d))
        for r in left:
            changes.append(
                (version, r.principle_id, _ref(r.guideline_id), r.title, "left", None)  # type: ignore[attr-defined]
            )
        summary.append(
            {
                "release": version,
                "released_at": row.released_at,
                "principles": len(now),
                "entered": len(entered),
                "left": len(left),
                "median_days_to_adoption": round(float(pd.Series(days).median()), 2)
                if days
                else None,
                "entered_ids": _listed([str(r.principle_id) for r in entered]),
                "left_ids": _listed([str(r.principle_id) for r in left]),  # type: ignore[attr-defined]
            }
        )
        before = dict(now)
    change_frame = pd.DataFrame(
        changes,
        columns=["release", "principle_id", "guideline_id", "title", "change", "days_to_adoption"],
    )
    change_frame["days_to_adoption"] = change_frame["days_to_adoption"].astype("float64").round(2)
    columns = ["release", "released_at", "principles", "entered", "left"]
    columns += ["median_days_to_adoption", "entered_ids", "left_ids"]
    return pd.DataFrame(summary, columns=columns), change_frame


def _listed(ids: list[str], most: int = 8) -> str:
    """Up to ``most`` ids, then how many more."""
    shown = ", ".join(ids[:most])
    return shown + (f" and {len(ids) - most} more" if len(ids) > most else "")


def drift_points(results: pd.DataFrame, keep: set[str] | None = None) -> list[DriftPoint]:
    """Each audit's figures per principle.

    Args:
        results: ``analytics.audit_results`` rows.
        keep: Only these principle ids (None keeps all).
    """
    if keep is not None:
        results = results[results["principle_id"].astype(str).isin(keep)]
    # Whole columns at once, then one plain loop: PrincipleCounts' rules, vectorized.
    scored = results["scored"].astype("int64")
    pass_rate = (results["score_sum"].astype("float64") / scored.where(scored > 0)).tolist()
    violation_rate = (results["violates"].astype("int64") / scored.where(scored > 0)).tolist()
    reviewed = results["reviewed"].astype("int64")
    total = results["total"].astype("int64")
    basis = [
        "judge" if r == 0 else "reviewed" if r == t else "mixed"
        for r, t in zip(reviewed, total, strict=True)
    ]
    return [
        DriftPoint(
            model=str(model),
            principle_id=str(principle),
            run_id=int(run),
            at=at.to_pydatetime(),
            release_version=str(release),
            source=str(source),
            scored=int(n),
            violates=int(bad),
            pass_rate=None if rate != rate else rate,
            violation_rate=None if share != share else share,
            basis=kind,
        )
        for model, principle, run, at, release, source, n, bad, rate, share, kind in zip(
            results["model_name"],
            results["principle_id"],
            results["run_id"],
            results["created_at"],
            results["release_version"],
            results["source"],
            scored,
            results["violates"],
            pass_rate,
            violation_rate,
            basis,
            strict=True,
        )
    ]


def drift_table(points: Sequence[DriftPoint]) -> pd.DataFrame:
    """The drift chart's data: one row per audit and principle."""
    return pd.DataFrame(
        [
            {
                "model": p.model,
                "principle_id": p.principle_id,
                "run_id": p.run_id,
                "at": p.at,
                "release": p.release_version,
                "source": p.source,
                "scored": p.scored,
                "violates": p.violates,
                "pass_rate": None if p.pass_rate is None else round(p.pass_rate, 4),
                "basis": p.basis,
            }
            for p in points
        ],
        columns=[
            "model",
            "principle_id",
            "run_id",
            "at",
            "release",
            "source",
            "scored",
            "violates",
            "pass_rate",
            "basis",
        ],
    )


def _ref(key: object) -> str:
    return f"G-{int(key):04d}"  # type: ignore[call-overload]
