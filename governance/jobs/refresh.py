"""``analytics-refresh``: recompute the dashboard's summary tables and repair any drift.

The writes keep the summaries current (``storage/summaries.py``); this job is for after a
bulk load or a restore, and to check that they still agree with their sources. The
recomputation reads a snapshot with no lock held (``work``); the item's transaction then
replaces the summaries only if no source table changed since that snapshot, and says how
many rows differed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from governance.errors import GovernanceError
from governance.jobs.kinds import JobKind, register
from governance.jobs.models import JSONObject
from governance.storage.summaries import SUMMARY_COLUMNS, SUMMARY_SOURCES

if TYPE_CHECKING:
    from governance.services import Charter
    from governance.storage import Tx

#: The kind's name, as stored and as the command line starts it.
ANALYTICS_REFRESH = "analytics-refresh"

Rows = dict[str, list[tuple[object, ...]]]


class SourcesChanged(GovernanceError):
    """A source table changed while the summaries were recomputed; the item is tried again."""


class AnalyticsRefresh(JobKind):
    """Recompute every summary table from its sources (the operator, from the CLI)."""

    name = ANALYTICS_REFRESH
    title = "Refresh the dashboard's summaries"
    permission = None
    exclusive = True
    max_attempts = 5

    def plan(self, ctx: Charter, tx: Tx, params: JSONObject) -> list[JSONObject]:
        """One item: the whole recomputation."""
        return [{}]

    def work(self, ctx: Charter, params: JSONObject) -> object:
        """Recompute the summaries from a snapshot, with no lock held."""
        versions = ctx.db.versions(SUMMARY_SOURCES)
        with ctx.db.read() as tx:
            return versions, tx.summaries.rebuild_rows()

    def commit(
        self, ctx: Charter, tx: Tx, params: JSONObject, output: object, at: datetime
    ) -> JSONObject:
        """Replace the summaries, unless a source changed since ``work``'s snapshot."""
        assert isinstance(output, tuple)
        versions: tuple[int, ...] = output[0]
        rows: Rows = output[1]
        if ctx.db.versions(SUMMARY_SOURCES) != versions:
            raise SourcesChanged(
                "the data changed while the summaries were recomputed; trying again"
            )
        tx.summaries.fold()
        differing: dict[str, int] = {}
        for table, columns in SUMMARY_COLUMNS.items():
            stored = tx.summaries.rows(table, columns)
            wanted = {repr(r) for r in rows[table]}
            have = {repr(r) for r in stored}
            differing[table] = len(wanted ^ have)
        tx.summaries.replace_all(rows)
        total = sum(len(r) for r in rows.values())
        changed = {t: n for t, n in differing.items() if n}
        message = f"{total:,} summary rows recomputed; " + (
            "all matched"
            if not changed
            else "rows that differed: " + ", ".join(f"{t} {n:,}" for t, n in changed.items())
        )
        return {"rows": total, "differed": differing, "message": message}


register(AnalyticsRefresh())
