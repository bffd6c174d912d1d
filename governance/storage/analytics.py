"""Read-only analytics: the dashboard's counts and series.

Kept apart from the use cases' queries so they can be cached or pointed at a replica.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from governance.events import EventAction
from governance.models import Guideline, Status
from governance.storage.base import Queries
from governance.storage.guidelines import GUIDELINE_COLUMNS, GUIDELINE_FROM, guideline_from_row


class Analytics(Queries):
    """Read-only queries for the dashboard; never writes."""

    def participation(self) -> dict[str, int]:
        """Headline numbers for the dashboard."""
        row = self._one(
            """SELECT (SELECT count(*) FROM stakeholders),
                      (SELECT count(DISTINCT stakeholder_id) FROM votes),
                      (SELECT count(*) FROM votes),
                      (SELECT count(*) FROM comments)"""
        )
        assert row is not None
        return {"stakeholders": row[0], "voters": row[1], "ballots": row[2], "comments": row[3]}

    def ballots_per_day(self, first_day: date) -> list[tuple[date, str, int]]:
        """(day, group, ballots cast) from ``first_day`` (UTC) on, from the event log.

        Only days and groups with ballots have a row; the dashboard fills in the zeros.
        """
        since = datetime.combine(first_day, time(), tzinfo=UTC)
        return self._all(
            """SELECT CAST(e.occurred_at AS DATE) AS day, m.group_name, count(*)
               FROM events e JOIN stakeholder_groups m ON m.stakeholder_id = e.actor_id
               WHERE e.action = ? AND e.occurred_at >= ?
               GROUP BY 1, 2 ORDER BY 1, 2""",
            [EventAction.VOTE_CAST.value, since],
        )

    def status_counts(self) -> dict[Status, int]:
        """How many guidelines are in each status."""
        rows = self._all("SELECT status, count(*) FROM guidelines GROUP BY status")
        return {Status(s): int(n) for s, n in rows}

    def open_for_voting_without_ballot(
        self, stakeholder_id: int, now: datetime, limit: int = 20
    ) -> list[Guideline]:
        """Open votes on which this person has no ballot for the version under vote."""
        rows = self._all(
            f"""SELECT {GUIDELINE_COLUMNS} {GUIDELINE_FROM}
                WHERE g.status = 'voting' AND g.voting_closes_at > ? AND NOT EXISTS (
                    SELECT 1 FROM votes b WHERE b.guideline_id = g.id
                       AND b.version = g.voting_version AND b.stakeholder_id = ?)
                ORDER BY g.voting_closes_at, g.id LIMIT ?""",
            [now, stakeholder_id, limit],
        )
        return [guideline_from_row(r) for r in rows]
