"""Summary tables the dashboard reads, kept current by the writes that change their sources.

A ballot, a changed ballot, a voided ballot, a membership granted or removed, a status
change and a release each update the summaries in the same transaction as the rows they
summarize, so a chart read from them is never behind a vote. ``rebuild_rows`` recomputes
them from the source tables (the migration that added them, a bulk load, the
``analytics-refresh`` job that checks and repairs them).

The tables (migration 9):

- ``tally_counts``: current ballots per guideline version and group (``''`` is everyone,
  each person once), the numbers a live tally counts.
- ``ballot_days``: ballots cast per day (UTC), guideline and group, changed ballots included,
  by the groups the voter was in when casting.
- ``voter_firsts``: when each person first cast a ballot.
- ``guideline_stages``: when each guideline first entered each status.
- ``release_principles``: which guideline (and version) each principle of a release came from.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from governance.ids import guideline_key
from governance.models import Vote
from governance.storage.base import Queries, placeholders

#: The ``group_name`` of a summary row that counts everyone (each person once).
EVERYONE = ""
_CHOICES = ("approve", "reject", "abstain")
#: Each summary table and the columns ``rebuild_rows`` fills, in order.
SUMMARY_COLUMNS: dict[str, tuple[str, ...]] = {
    "tally_counts": ("guideline_id", "version", "group_name", "approve", "reject", "abstain"),
    "ballot_days": ("day", "guideline_id", "group_name", "ballots"),
    "voter_firsts": ("stakeholder_id", "first_cast_at"),
    "guideline_stages": ("guideline_id", "stage", "entered_at"),
    "release_principles": (
        "release_version",
        "position",
        "principle_id",
        "guideline_id",
        "guideline_version",
    ),
}
#: The source tables each summary is computed from (for data versions).
SUMMARY_SOURCES = (
    "votes",
    "stakeholder_groups",
    "events",
    "guidelines",
    "constitution_releases",
)

_TALLY_UPSERT = """INSERT INTO tally_counts
        (guideline_id, version, group_name, approve, reject, abstain) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (guideline_id, version, group_name) DO UPDATE SET
        approve = tally_counts.approve + EXCLUDED.approve,
        reject = tally_counts.reject + EXCLUDED.reject,
        abstain = tally_counts.abstain + EXCLUDED.abstain"""
_DAY_UPSERT = """INSERT INTO ballot_days (day, guideline_id, group_name, ballots)
    VALUES (?, ?, ?, ?)
    ON CONFLICT (day, guideline_id, group_name) DO UPDATE SET
        ballots = ballot_days.ballots + EXCLUDED.ballots"""


@dataclass(frozen=True)
class BallotChange:
    """One ballot entering or leaving the count."""

    guideline_key: int
    version: int
    stakeholder_id: int
    choice: str
    sign: int
    """+1 when the ballot is counted, -1 when it leaves the count."""


class Summaries(Queries):
    """Keeps the summary tables in step with the writes; used by the area query classes."""

    def groups_of(self, stakeholder_ids: Iterable[int]) -> dict[int, list[str]]:
        """Each person's groups now."""
        wanted = sorted(set(stakeholder_ids))
        found: dict[int, list[str]] = defaultdict(list)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self._all(
                "SELECT stakeholder_id, group_name FROM stakeholder_groups"
                f" WHERE stakeholder_id IN ({placeholders(chunk)})",
                chunk,
            )
            for person, group in rows:
                found[int(person)].append(str(group))
        return found

    def ballots_written(self, changes: Sequence[BallotChange], cast: Sequence[Vote]) -> None:
        """A batch of ballots written: move the tallies and count the casts, in one pass."""
        if not changes and not cast:
            return
        groups = self.groups_of(
            [*(c.stakeholder_id for c in changes), *(v.stakeholder_id for v in cast)]
        )
        self.ballots_changed(changes, groups)
        self.ballots_cast(cast, groups)

    def ballots_changed(
        self, changes: Sequence[BallotChange], groups: dict[int, list[str]] | None = None
    ) -> None:
        """Add ballots to, or take them from, the tallies (by the voters' groups now)."""
        if not changes:
            return
        if groups is None:
            groups = self.groups_of(c.stakeholder_id for c in changes)
        deltas: dict[tuple[int, int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        for change in changes:
            index = _CHOICES.index(change.choice)
            for group in (EVERYONE, *groups.get(change.stakeholder_id, ())):
                deltas[(change.guideline_key, change.version, group)][index] += change.sign
        self._many(_TALLY_UPSERT, [(*key, *counts) for key, counts in sorted(deltas.items())])

    def ballots_cast(
        self, votes: Sequence[Vote], groups: dict[int, list[str]] | None = None
    ) -> None:
        """Count cast ballots (new or changed) per day, and note each voter's first ballot."""
        if not votes:
            return
        if groups is None:
            groups = self.groups_of(v.stakeholder_id for v in votes)
        days: dict[tuple[object, int, str], int] = defaultdict(int)
        firsts: dict[int, datetime] = {}
        for vote in votes:
            day = vote.cast_at.astimezone(UTC).date()
            key = guideline_key(vote.guideline_id)
            for group in (EVERYONE, *groups.get(vote.stakeholder_id, ())):
                days[(day, key, group)] += 1
            seen = firsts.get(vote.stakeholder_id)
            firsts[vote.stakeholder_id] = vote.cast_at if seen is None else min(seen, vote.cast_at)
        self._many(_DAY_UPSERT, [(*key, n) for key, n in sorted(days.items(), key=str)])
        self._many(
            "INSERT INTO voter_firsts (stakeholder_id, first_cast_at) VALUES (?, ?)"
            " ON CONFLICT (stakeholder_id) DO UPDATE SET"
            " first_cast_at = least(voter_firsts.first_cast_at, EXCLUDED.first_cast_at)",
            sorted(firsts.items()),
        )

    def membership_changed(self, stakeholder_id: int, group: str, sign: int) -> None:
        """A person joined (+1) or left (-1) ``group``: move their current ballots with them."""
        self._all(
            """INSERT INTO tally_counts
                   (guideline_id, version, group_name, approve, reject, abstain)
               SELECT guideline_id, version, ?,
                      ? * sum(CASE WHEN choice = 'approve' THEN 1 ELSE 0 END),
                      ? * sum(CASE WHEN choice = 'reject' THEN 1 ELSE 0 END),
                      ? * sum(CASE WHEN choice = 'abstain' THEN 1 ELSE 0 END)
               FROM votes WHERE stakeholder_id = ?
               GROUP BY guideline_id, version
               ON CONFLICT (guideline_id, version, group_name) DO UPDATE SET
                   approve = tally_counts.approve + EXCLUDED.approve,
                   reject = tally_counts.reject + EXCLUDED.reject,
                   abstain = tally_counts.abstain + EXCLUDED.abstain""",
            [group, sign, sign, sign, stakeholder_id],
        )

    def stages_entered(self, entries: Sequence[tuple[int, str, datetime]]) -> None:
        """Guidelines entering statuses; only the first entry into each status is kept."""
        self._many(
            "INSERT INTO guideline_stages (guideline_id, stage, entered_at) VALUES (?, ?, ?)"
            " ON CONFLICT (guideline_id, stage) DO UPDATE SET"
            " entered_at = least(guideline_stages.entered_at, EXCLUDED.entered_at)",
            sorted(_earliest(entries)),
        )

    def release_stored(self, version: str, body: str) -> None:
        """Note where each principle of a newly stored release came from."""
        self._many(
            "INSERT INTO release_principles (release_version, position, principle_id,"
            " guideline_id, guideline_version) VALUES (?, ?, ?, ?, ?)",
            release_rows(version, body),
        )

    # -- rebuilding ----------------------------------------------------------------------

    def rebuild_rows(self) -> dict[str, list[tuple[object, ...]]]:
        """Every summary table's rows, computed from the source tables (reads only).

        Per-day counts come from the event log's ``vote.cast`` entries, by the voters'
        groups now (the groups at casting time are not on record).
        """
        rows: dict[str, list[tuple[object, ...]]] = {}
        rows["tally_counts"] = self._all(
            """WITH counted AS (
                   SELECT guideline_id, version, stakeholder_id, choice FROM votes)
               SELECT guideline_id, version, '',
                      count(*) FILTER (WHERE choice = 'approve'),
                      count(*) FILTER (WHERE choice = 'reject'),
                      count(*) FILTER (WHERE choice = 'abstain')
               FROM counted GROUP BY guideline_id, version
               UNION ALL
               SELECT c.guideline_id, c.version, m.group_name,
                      count(*) FILTER (WHERE c.choice = 'approve'),
                      count(*) FILTER (WHERE c.choice = 'reject'),
                      count(*) FILTER (WHERE c.choice = 'abstain')
               FROM counted c JOIN stakeholder_groups m ON m.stakeholder_id = c.stakeholder_id
               GROUP BY c.guideline_id, c.version, m.group_name"""
        )
        rows["ballot_days"] = self._all(
            """WITH cast_ballots AS (
                   SELECT CAST(occurred_at AS DATE) AS day,
                          CAST(substr(subject, 3) AS INTEGER) AS guideline_id, actor_id
                   FROM events WHERE action = 'vote.cast')
               SELECT day, guideline_id, '', count(*) FROM cast_ballots
               GROUP BY day, guideline_id
               UNION ALL
               SELECT b.day, b.guideline_id, m.group_name, count(*)
               FROM cast_ballots b JOIN stakeholder_groups m ON m.stakeholder_id = b.actor_id
               GROUP BY b.day, b.guideline_id, m.group_name"""
        )
        rows["voter_firsts"] = self._all(
            """SELECT actor_id, min(occurred_at) FROM events
               WHERE action = 'vote.cast' AND actor_id IS NOT NULL GROUP BY actor_id"""
        )
        rows["guideline_stages"] = self._stage_rows()
        rows["release_principles"] = [
            row
            for version, body in self._all("SELECT version, body FROM constitution_releases")
            for row in release_rows(str(version), str(body))
        ]
        return rows

    def _stage_rows(self) -> list[tuple[object, ...]]:
        # Creation is the first stage; every later status is on the log as a transition or
        # a decision (a guideline proposed straight into deliberation logs that too).
        rows = self._all(
            """SELECT id, 'draft', created_at FROM guidelines
               UNION ALL
               SELECT CAST(substr(subject, 3) AS INTEGER), after_state, occurred_at
               FROM events
               WHERE action IN ('guideline.transitioned', 'guideline.decided')
                 AND subject LIKE 'G-%'"""
        )
        first: dict[tuple[int, str], datetime] = {}
        for key, state, at in rows:
            if state == "draft":
                stage = "draft"
            else:
                after = json.loads(state or "{}")
                stage = str(after.get("status") or after.get("outcome") or "")
            if stage:
                slot = (int(key), stage)
                first[slot] = min(first.get(slot, at), at)
        return [(key, stage, at) for (key, stage), at in sorted(first.items())]

    def replace_all(self, rows: dict[str, list[tuple[object, ...]]]) -> None:
        """Replace every summary table's rows with ``rows`` (from ``rebuild_rows``)."""
        for table, columns in SUMMARY_COLUMNS.items():
            self._all(f"DELETE FROM {table}")
            self._bulk(table, columns, rows[table])


def release_rows(version: str, body: str) -> list[tuple[object, ...]]:
    """``release_principles`` rows of one release from its canonical JSON."""
    principles = json.loads(body).get("principles", [])
    return [
        (
            version,
            position,
            str(p["id"]),
            guideline_key(str(p["provenance"]["guideline_id"])),
            int(p["provenance"]["guideline_version"]),
        )
        for position, p in enumerate(principles, start=1)
    ]


def _earliest(entries: Iterable[tuple[int, str, datetime]]) -> list[tuple[int, str, datetime]]:
    # One row per key: an upsert may not touch a row twice in one statement.
    first: dict[tuple[int, str], datetime] = {}
    for key, stage, at in entries:
        first[(key, stage)] = min(first.get((key, stage), at), at)
    return [(key, stage, at) for (key, stage), at in first.items()]
