"""Queries about ballots: current ballots, counts for tallies and voided ballots."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime

from governance.errors import Conflict
from governance.ids import guideline_key, guideline_ref
from governance.models import Choice, VoidedVote, Vote
from governance.storage.base import Queries, placeholders
from governance.storage.summaries import BallotChange, Summaries
from governance.voting import Counts


class VoteQueries(Queries):
    """Ballots: one current ballot per person per guideline version."""

    def get_vote(self, guideline_id: str, version: int, stakeholder_id: int) -> Vote | None:
        """This person's current ballot on that version, or None."""
        return self.votes_of([stakeholder_id]).get((guideline_id, version, stakeholder_id))

    def votes_of(self, stakeholder_ids: Sequence[int]) -> dict[tuple[str, int, int], Vote]:
        """Every current ballot of the given people, keyed by (guideline, version, person)."""
        wanted = sorted(set(stakeholder_ids))
        if not wanted:
            return {}
        # Filtering on the voter alone lets DuckDB use votes_by_voter; a person has few ballots.
        rows = self._all(
            "SELECT guideline_id, version, stakeholder_id, choice, reason, cast_at FROM votes"
            f" WHERE stakeholder_id IN ({placeholders(wanted)})"
            # Locked until the ballots are written: the choice each replaces stays the one read.
            f" ORDER BY guideline_id, version, stakeholder_id{self.cursor.locking()}",
            wanted,
        )
        found = {}
        for r in rows:
            vote = Vote.model_construct(
                guideline_id=guideline_ref(r[0]),
                version=r[1],
                stakeholder_id=r[2],
                choice=Choice(r[3]),
                reason=r[4],
                cast_at=r[5],
            )
            found[(vote.guideline_id, vote.version, vote.stakeholder_id)] = vote
        return found

    def insert_votes(self, votes: Sequence[Vote]) -> None:
        """Store new ballots; the primary key refuses a second ballot for the same version."""
        self.write_ballots(votes, [])

    def write_ballots(
        self,
        new: Sequence[Vote],
        changed: Sequence[tuple[Vote, Choice]],
        groups: Mapping[int, Sequence[str]] | None = None,
        cast: Sequence[Vote] | None = None,
    ) -> None:
        """Store new ballots and changed ones (each with the choice it replaces).

        One ballot per person per version: a new ballot that finds one already stored
        (another process's, written since the batch read; the insert leaves it out) raises
        ``Conflict``, and the caller rolls back and tries again, reading it. On DuckDB the one
        writer read them first, and the primary key refuses a twin. The summaries take the
        whole batch in one insert (``groups``: the voters' groups, if known; ``cast``: every
        ballot cast, when one person's two ballots on a vote came in one batch and only the
        last is stored).

        Raises:
            Conflict: A new ballot's person already has one for that version (PostgreSQL).
        """
        inserted = self._many(
            "INSERT INTO votes (guideline_id, version, stakeholder_id, choice, reason, cast_at)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            + self.cursor.skip_existing("guideline_id, version, stakeholder_id"),
            [
                (
                    guideline_key(v.guideline_id),
                    v.version,
                    v.stakeholder_id,
                    v.choice.value,
                    v.reason,
                    v.cast_at,
                )
                for v in new
            ],
        )
        if inserted != len(new):
            # Someone's ballot for the same version arrived first (another process, as
            # this one read none): nothing of this batch may stand.
            raise Conflict("a ballot for the same vote arrived at the same moment; try again")
        for vote, _ in changed:
            self._all(
                "UPDATE votes SET choice = ?, reason = ?, cast_at = ?"
                " WHERE guideline_id = ? AND version = ? AND stakeholder_id = ?",
                [
                    vote.choice.value,
                    vote.reason,
                    vote.cast_at,
                    guideline_key(vote.guideline_id),
                    vote.version,
                    vote.stakeholder_id,
                ],
            )
        moves = [_change(v, +1) for v in new]
        for vote, before in changed:
            moves += [_change(vote, -1, before), _change(vote, +1)]
        if cast is None:
            cast = [*new, *(v for v, _ in changed)]
        Summaries(self.cursor).ballots_written(moves, cast, groups)

    def count_votes(self, guideline_id: str | None = None) -> int:
        """Ballots stored (for one guideline, or all)."""
        if guideline_id is None:
            return int(self._scalar("SELECT count(*) FROM votes"))
        return int(
            self._scalar(
                "SELECT count(*) FROM votes WHERE guideline_id = ?", [guideline_key(guideline_id)]
            )
        )

    def ballot_counts(self, guideline_id: str, version: int) -> tuple[Counts, dict[str, Counts]]:
        """Counts for one guideline version: overall (each person once) and per group."""
        # "version + 0" keeps the filter off the scan, so DuckDB answers it from the
        # votes_by_guideline index instead of reading every ballot.
        rows = self._all(
            """WITH ballots AS (
                   SELECT stakeholder_id, choice FROM votes
                   WHERE guideline_id = ? AND version + 0 = ?)
               SELECT NULL, choice, count(*) FROM ballots GROUP BY choice
               UNION ALL
               SELECT m.group_name, b.choice, count(*)
               FROM ballots b JOIN stakeholder_groups m ON m.stakeholder_id = b.stakeholder_id
               GROUP BY m.group_name, b.choice""",
            [guideline_key(guideline_id), version],
        )
        overall = Counts()
        groups: dict[str, Counts] = {}
        for group, choice, n in rows:
            if group is None:
                overall = overall.add(Choice(choice), int(n))
            else:
                groups[group] = groups.get(group, Counts()).add(Choice(choice), int(n))
        return overall, groups

    def ballot_counts_under_vote(self) -> dict[str, tuple[Counts, dict[str, Counts]]]:
        """Counts of the version each guideline was last put to a vote on, in one query."""
        rows = self._all(
            """WITH ballots AS (
                   SELECT b.guideline_id, b.stakeholder_id, b.choice
                   FROM votes b JOIN guidelines g
                     ON g.id = b.guideline_id AND g.voting_version = b.version)
               SELECT guideline_id, NULL, choice, count(*) FROM ballots
               GROUP BY guideline_id, choice
               UNION ALL
               SELECT b.guideline_id, m.group_name, b.choice, count(*)
               FROM ballots b JOIN stakeholder_groups m ON m.stakeholder_id = b.stakeholder_id
               GROUP BY b.guideline_id, m.group_name, b.choice"""
        )
        overall: dict[str, Counts] = defaultdict(Counts)
        groups: dict[str, dict[str, Counts]] = defaultdict(dict)
        for key, group, choice, n in rows:
            ref = guideline_ref(key)
            if group is None:
                overall[ref] = overall[ref].add(Choice(choice), int(n))
            else:
                groups[ref][group] = groups[ref].get(group, Counts()).add(Choice(choice), int(n))
        return {ref: (overall[ref], groups.get(ref, {})) for ref in overall}

    def ballot_totals(self, keys: Sequence[tuple[str, int]]) -> dict[str, Counts]:
        """Overall counts for a few guideline versions (a page of the list)."""
        if not keys:
            return {}
        pairs = " OR ".join("(guideline_id = ? AND version = ?)" for _ in keys)
        rows = self._all(
            f"SELECT guideline_id, choice, count(*) FROM votes WHERE {pairs}"
            " GROUP BY guideline_id, choice",
            [x for gid, version in keys for x in (guideline_key(gid), version)],
        )
        totals: dict[str, Counts] = defaultdict(Counts)
        for key, choice, n in rows:
            ref = guideline_ref(key)
            totals[ref] = totals[ref].add(Choice(choice), int(n))
        return dict(totals)

    def open_ballots_of(self, stakeholder_id: int) -> list[tuple[int, int]]:
        """(guideline key, version) of a person's ballots that count in a vote still open."""
        rows = self._all(
            """SELECT v.guideline_id, v.version FROM votes v
               JOIN guidelines g ON g.id = v.guideline_id
               WHERE v.stakeholder_id = ? AND g.status = 'voting'
                 AND v.version = g.voting_version
               ORDER BY v.guideline_id""",
            [stakeholder_id],
        )
        return [(int(r[0]), int(r[1])) for r in rows]

    def void_ballots(
        self,
        stakeholder_id: int,
        ballots: Sequence[tuple[int, int]],
        *,
        by: int,
        at: datetime,
        reason: str,
    ) -> None:
        """Move the given ballots out of the count and onto the voided record."""
        for key, version in ballots:
            choice = self._scalar(
                "SELECT choice FROM votes"
                " WHERE guideline_id = ? AND version = ? AND stakeholder_id = ?",
                [key, version, stakeholder_id],
            )
            if choice is not None:
                change = BallotChange(key, version, stakeholder_id, str(choice), -1, at)
                Summaries(self.cursor).ballots_written([change], [])
            self._all(
                """INSERT INTO voided_votes (id, guideline_id, version, stakeholder_id, choice,
                       reason, cast_at, voided_by, voided_at, void_reason)
                   SELECT nextval('voided_vote_ids'), guideline_id, version, stakeholder_id,
                       choice, reason, cast_at, ?, ?, ?
                   FROM votes WHERE guideline_id = ? AND version = ? AND stakeholder_id = ?""",
                [by, at, reason, key, version, stakeholder_id],
            )
            self._all(
                "DELETE FROM votes WHERE guideline_id = ? AND version = ? AND stakeholder_id = ?",
                [key, version, stakeholder_id],
            )

    def voided_votes(self, stakeholder_id: int) -> list[VoidedVote]:
        """A person's voided ballots, latest first."""
        rows = self._all(
            """SELECT guideline_id, version, choice, cast_at, voided_by, voided_at, void_reason
               FROM voided_votes WHERE stakeholder_id = ? ORDER BY voided_at DESC, id DESC""",
            [stakeholder_id],
        )
        return [
            VoidedVote(
                guideline_id=guideline_ref(r[0]),
                version=r[1],
                choice=Choice(r[2]),
                cast_at=r[3],
                voided_by=r[4],
                voided_at=r[5],
                void_reason=r[6],
            )
            for r in rows
        ]


def _change(vote: Vote, sign: int, choice: Choice | None = None) -> BallotChange:
    """``vote`` (or, with ``choice``, the same person's ballot with that choice) moving."""
    return BallotChange(
        guideline_key(vote.guideline_id),
        vote.version,
        vote.stakeholder_id,
        (choice or vote.choice).value,
        sign,
        vote.cast_at,
    )
