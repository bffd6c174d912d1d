"""Summary tables the dashboard reads, kept current by the writes that change their sources.

A ballot, a changed ballot, a voided ballot and a membership granted or removed each append
their effect to ``ballot_moves`` in the same transaction as the rows they change (a plain
insert: the cheapest write there is, on the path of every ballot); readers add the pending
moves to the folded summaries (``TALLY_NOW``, ``DAYS_NOW``), so a chart is never behind a
vote. ``fold`` moves them into the summaries every ``FOLD_EVERY`` ballots. Status changes
and releases, rare, update their summaries directly. ``rebuild_rows`` recomputes everything
from the source tables (the migration that added them, a bulk load, the
``analytics-refresh`` job that checks and repairs them).

The tables (migration 9):

- ``ballot_moves``: the effect of each write on the three below, until folded.
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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from governance.ids import guideline_key
from governance.models import Vote
from governance.storage.base import Queries, placeholders

#: Ballots written between two folds of ``ballot_moves`` into the summaries.
FOLD_EVERY = 1_000
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

_ADD_TALLY = """ON CONFLICT (guideline_id, version, group_name) DO UPDATE SET
        approve = tally_counts.approve + EXCLUDED.approve,
        reject = tally_counts.reject + EXCLUDED.reject,
        abstain = tally_counts.abstain + EXCLUDED.abstain"""
_ADD_DAY = """ON CONFLICT (day, guideline_id, group_name) DO UPDATE SET
        ballots = ballot_days.ballots + EXCLUDED.ballots"""
#: ``ballot_moves``' columns: a ballot (or a voter's group) entering or leaving the count.
MOVE_COLUMNS = (
    "guideline_id",
    "version",
    "group_name",
    "stakeholder_id",
    "moved_at",
    "approve",
    "reject",
    "abstain",
    "casts",
)
#: Current tallies: the folded summary plus the moves not folded yet (a subquery).
TALLY_NOW = """(SELECT guideline_id, version, group_name, sum(approve) AS approve,
        sum(reject) AS reject, sum(abstain) AS abstain
    FROM (SELECT guideline_id, version, group_name, approve, reject, abstain FROM tally_counts
          UNION ALL
          SELECT guideline_id, version, group_name, approve, reject, abstain FROM ballot_moves
    ) folded_and_pending
    GROUP BY guideline_id, version, group_name)"""
#: Everyone who has cast a ballot: folded plus pending (a subquery, one row per person).
VOTERS_NOW = """(SELECT stakeholder_id FROM voter_firsts
    UNION ALL
    SELECT DISTINCT m.stakeholder_id FROM ballot_moves m
    WHERE m.casts > 0 AND m.group_name = '' AND NOT EXISTS (
        SELECT 1 FROM voter_firsts f WHERE f.stakeholder_id = m.stakeholder_id))"""
#: Ballots cast per day, guideline and group: folded plus pending (a subquery).
DAYS_NOW = """(SELECT day, guideline_id, group_name, ballots FROM ballot_days
    UNION ALL
    SELECT CAST(moved_at AS DATE), guideline_id, group_name, casts FROM ballot_moves
    WHERE casts > 0)"""


@dataclass(frozen=True)
class BallotChange:
    """One ballot entering or leaving the count."""

    guideline_key: int
    version: int
    stakeholder_id: int
    choice: str
    sign: int
    """+1 when the ballot is counted, -1 when it leaves the count."""
    at: datetime


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

    def ballots_written(
        self,
        changes: Sequence[BallotChange],
        cast: Sequence[Vote],
        groups: Mapping[int, Sequence[str]] | None = None,
    ) -> None:
        """A batch of ballots written: one row per voter, guideline and group in ``ballot_moves``.

        Args:
            changes: Ballots entering (+1) or leaving (-1) the count.
            cast: The ballots cast (new or changed), counted per day.
            groups: Each voter's groups now, if the caller has them (else read here).
        """
        if not changes and not cast:
            return
        if groups is None:
            people = [*(c.stakeholder_id for c in changes), *(v.stakeholder_id for v in cast)]
            groups = self.groups_of(people)
        moves: dict[tuple[int, int, str, int], list[Any]] = {}

        def row(key: int, version: int, person: int, at: datetime) -> Iterator[list[Any]]:
            for group in (EVERYONE, *groups.get(person, ())):
                yield moves.setdefault((key, version, group, person), [at, 0, 0, 0, 0])

        for change in changes:
            index = 1 + _CHOICES.index(change.choice)
            for move in row(change.guideline_key, change.version, change.stakeholder_id, change.at):
                move[index] += change.sign
        for vote in cast:
            key = guideline_key(vote.guideline_id)
            for move in row(key, vote.version, vote.stakeholder_id, vote.cast_at):
                move[0] = vote.cast_at
                move[4] += 1
        self._many(
            f"INSERT INTO ballot_moves ({', '.join(MOVE_COLUMNS)})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*key, *move) for key, move in moves.items()],
        )

    def membership_changed(self, stakeholder_id: int, group: str, sign: int, at: datetime) -> None:
        """A person joined (+1) or left (-1) ``group``: move their current ballots with them."""
        self._all(
            f"""INSERT INTO ballot_moves ({", ".join(MOVE_COLUMNS)})
               SELECT guideline_id, version, ?, stakeholder_id, ?,
                      ? * (CASE WHEN choice = 'approve' THEN 1 ELSE 0 END),
                      ? * (CASE WHEN choice = 'reject' THEN 1 ELSE 0 END),
                      ? * (CASE WHEN choice = 'abstain' THEN 1 ELSE 0 END), 0
               FROM votes WHERE stakeholder_id = ?""",
            [group, at, sign, sign, sign, stakeholder_id],
        )

    def pending_moves(self) -> int:
        """Rows in ``ballot_moves`` not yet folded into the summaries."""
        return int(self._scalar("SELECT count(*) FROM ballot_moves"))

    def fold(self, *, alone: bool = False) -> int:
        """Fold ``ballot_moves`` into ``tally_counts``, ``ballot_days`` and ``voter_firsts``.

        Returns the rows folded. Readers see the same numbers before and after (they add
        the pending moves to the summaries).

        Args:
            alone: This is the first statement of a transaction that does nothing else.
                It then reads one snapshot throughout, so other processes' ballots go on
                being written meanwhile: the delete removes exactly the moves folded, and
                those committed since stay for the next fold. (Two processes folding the
                same moves at once: the second fails with ``Conflict``, changing nothing.)
                Otherwise ``ballot_moves`` is locked against other processes' writes until
                the caller's transaction ends, best from its first statement.
        """
        if alone:
            self.cursor.snapshot()
        else:
            # A move another process added between the folding and the delete below would
            # otherwise be deleted without being folded.
            self.cursor.lock_table("ballot_moves")
        pending = self.pending_moves()
        if not pending:
            return 0
        self._all(
            f"""INSERT INTO tally_counts
                   (guideline_id, version, group_name, approve, reject, abstain)
               SELECT guideline_id, version, group_name, sum(approve), sum(reject),
                      sum(abstain)
               FROM ballot_moves GROUP BY guideline_id, version, group_name
               {_ADD_TALLY}"""
        )
        self._all(
            f"""INSERT INTO ballot_days (day, guideline_id, group_name, ballots)
               SELECT CAST(moved_at AS DATE), guideline_id, group_name, sum(casts)
               FROM ballot_moves WHERE casts > 0
               GROUP BY CAST(moved_at AS DATE), guideline_id, group_name
               {_ADD_DAY}"""
        )
        self._all(
            """INSERT INTO voter_firsts (stakeholder_id, first_cast_at)
               SELECT stakeholder_id, min(moved_at) FROM ballot_moves
               WHERE casts > 0 AND group_name = '' GROUP BY stakeholder_id
               ON CONFLICT (stakeholder_id) DO UPDATE SET
                   first_cast_at = least(voter_firsts.first_cast_at, EXCLUDED.first_cast_at)"""
        )
        self._all("DELETE FROM ballot_moves")
        return pending

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

    def rows(self, table: str, columns: Sequence[str]) -> list[tuple[object, ...]]:
        """Every row of one summary table (``SUMMARY_COLUMNS`` names them)."""
        if table not in SUMMARY_COLUMNS or list(columns) != list(SUMMARY_COLUMNS[table]):
            raise ValueError(f"not a summary table: {table!r}")
        return self._all(f"SELECT {', '.join(columns)} FROM {table}")

    def replace_all(self, rows: dict[str, list[tuple[object, ...]]]) -> None:
        """Replace every summary table's rows with ``rows`` (from ``rebuild_rows``)."""
        self._all("DELETE FROM ballot_moves")
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
