"""Read-only analytics: the dashboard's counts and series.

Kept apart from the use cases' queries so they can be cached or pointed at a replica.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd

from governance.ids import guideline_ref
from governance.models import DashboardFilter, Guideline, Status
from governance.storage.audit_reviews import LATEST_REVIEW, VERDICT_COUNTS
from governance.storage.base import Queries, placeholders
from governance.storage.guidelines import GUIDELINE_COLUMNS, GUIDELINE_FROM, guideline_from_row
from governance.storage.summaries import DAYS_NOW, TALLY_NOW, VOTERS_NOW
from governance.voting import Counts

#: The columns of ``audit_results``: the audit, then ``PrincipleCounts``' fields in order.
AUDIT_RESULT_COLUMNS = (
    "run_id",
    "model_name",
    "release_version",
    "created_at",
    "source",
    "principle_id",
    "total",
    "complies",
    "violates",
    "partial",
    "not_applicable",
    "unparseable",
    "scored",
    "score_sum",
    "reviewed",
)


class Analytics(Queries):
    """Read-only queries for the dashboard; never writes."""

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

    # -- the dashboard's charts: read from the summary tables (storage/summaries.py) ------

    def ballots_by_day(self, where: DashboardFilter, first: date, last: date) -> pd.DataFrame:
        """Ballots cast per day and group (``day``, ``group_name``, ``ballots``)."""
        facts, params = _facts(where)
        join = f"JOIN ({facts}) f ON f.id = d.guideline_id" if _narrows(where) else ""
        groups, group_params = _groups(where, "d.group_name")
        return self._frame(
            f"""SELECT d.day, d.group_name, sum(d.ballots) AS ballots
                FROM {DAYS_NOW} d {join}
                WHERE d.day >= ? AND d.day <= ? AND {groups}
                GROUP BY d.day, d.group_name ORDER BY d.day, d.group_name""",
            [*(params if join else []), first, last, *group_params],
        )

    def group_turnout(self, where: DashboardFilter) -> pd.DataFrame:
        """Members of each group and how many of them had cast a ballot at the last fold.

        ``new_voters`` adds the people whose first ballot is still among the pending moves.
        """
        groups, params = _groups(where, "m.group_name")
        return self._frame(
            f"""SELECT m.group_name, count(*) AS members, count(b.stakeholder_id) AS voters
                FROM stakeholder_groups m LEFT JOIN voter_firsts b
                  ON b.stakeholder_id = m.stakeholder_id
                WHERE {groups} GROUP BY m.group_name ORDER BY m.group_name""",
            params,
        )

    def new_voters(self) -> dict[str, int]:
        """Per group, people whose first ballot is among the pending moves (not folded)."""
        rows = self._all(
            """SELECT m.group_name, count(DISTINCT m.stakeholder_id) FROM ballot_moves m
               WHERE m.casts > 0 AND m.group_name <> '' AND NOT EXISTS (
                   SELECT 1 FROM voter_firsts f WHERE f.stakeholder_id = m.stakeholder_id)
               GROUP BY m.group_name"""
        )
        return {str(group): int(n) for group, n in rows}

    def stage_entries(self, where: DashboardFilter) -> pd.DataFrame:
        """When each guideline proposed in the period first entered each status."""
        facts, params = _facts(where, proposed=True)
        return self._frame(
            f"""SELECT s.guideline_id, s.stage, s.entered_at
                FROM guideline_stages s JOIN ({facts}) f ON f.id = s.guideline_id
                ORDER BY s.guideline_id, s.stage""",
            params,
        )

    def group_shares(self, where: DashboardFilter, groups: Sequence[str]) -> pd.DataFrame:
        """Ballots per group on the version each guideline was last put to a vote on.

        Guidelines whose voting window overlaps the period, one row each (pivoted here, so
        the rows fetched are few): ``guideline_id``, ``title``, ``status``, ``category``,
        everyone's ``approve`` and ``reject``, then ``<group>_approve`` and
        ``<group>_reject`` for each of ``groups``.
        """
        facts, params = _facts(where, voting=True)
        picked = ", ".join(
            f"sum(CASE WHEN t.group_name = ? THEN t.{choice} ELSE 0 END)"
            for _ in groups
            for choice in ("approve", "reject")
        )
        return self._frame(
            f"""SELECT t.guideline_id, f.title, f.status, f.category,
                       sum(CASE WHEN t.group_name = '' THEN t.approve ELSE 0 END),
                       sum(CASE WHEN t.group_name = '' THEN t.reject ELSE 0 END)
                       {", " + picked if groups else ""}
                FROM {TALLY_NOW} t
                JOIN ({facts}) f ON f.id = t.guideline_id AND f.voting_version = t.version
                WHERE t.group_name IN ({placeholders(["", *groups])})
                GROUP BY t.guideline_id, f.title, f.status, f.category
                HAVING count(CASE WHEN t.group_name = '' THEN 1 END) > 0
                ORDER BY t.guideline_id""",
            [*(g for g in groups for _ in range(2)), *params, "", *groups],
            names=[
                "guideline_id",
                "title",
                "status",
                "category",
                "approve",
                "reject",
                *(f"{g}_{choice}" for g in groups for choice in ("approve", "reject")),
            ],
        )

    def release_contents(self, where: DashboardFilter) -> pd.DataFrame:
        """Every release's principles with their guideline's proposal and the release's time.

        Releases up to ``where.release`` (all without it), of principles whose guideline
        passes the category and language filters.
        """
        facts, params = _facts(where, release=False)
        upto = ""
        if where.release:
            upto = f"AND r.position <= {_POSITION_OF}"
            params = [*params, where.release]
        return self._frame(
            f"""SELECT r.version AS release_version, r.position, r.released_at,
                       p.principle_id, p.guideline_id, f.title, f.created_at AS proposed_at
                FROM release_principles p
                JOIN constitution_releases r ON r.version = p.release_version
                JOIN ({facts}) f ON f.id = p.guideline_id
                WHERE 1 = 1 {upto}
                ORDER BY r.position, p.position""",
            params,
        )

    def releases(self, upto: str | None = None) -> pd.DataFrame:
        """Releases in order (up to ``upto``, all without it): version, position, when."""
        where, params = "", []
        if upto:
            where = f"WHERE position <= {_POSITION_OF}"
            params = [upto]
        return self._frame(
            "SELECT version, position, released_at FROM constitution_releases"
            f" {where} ORDER BY position",
            params,
        )

    def review_pairs(self, where: DashboardFilter) -> list[tuple[str, str, str]]:
        """(principle, judge's verdict, latest human verdict) of every reviewed verdict.

        Of the audits of ``where.models`` against ``where.release`` (all without them).
        """
        conditions, params = _audits(where)
        rows = self._all(
            f"""SELECT v.principle_id, v.verdict, l.verdict FROM audit_verdicts v
                JOIN audit_runs r ON r.id = v.run_id
                JOIN {LATEST_REVIEW} l ON l.verdict_id = v.id
                WHERE {" AND ".join(conditions)} ORDER BY v.principle_id, v.id""",
            params,
        )
        return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]

    def audit_results(self, where: DashboardFilter) -> pd.DataFrame:
        """Effective verdicts per audit and principle, with the audit's model, release and time."""
        conditions, params = _audits(where)
        if where.since:
            conditions.append("r.created_at >= ?")
            params.append(_start(where.since))
        if where.until:
            conditions.append("r.created_at < ?")
            params.append(_start(where.until + timedelta(days=1)))
        return self._frame(
            f"""SELECT r.id AS run_id, r.model_name, r.release_version, r.created_at,
                       r.source, v.principle_id, {VERDICT_COUNTS}
                FROM audit_verdicts v JOIN audit_runs r ON r.id = v.run_id
                LEFT JOIN {LATEST_REVIEW} l ON l.verdict_id = v.id
                WHERE {" AND ".join(conditions)}
                GROUP BY r.id, r.model_name, r.release_version, r.created_at, r.source,
                         v.principle_id
                ORDER BY r.created_at, r.id, v.principle_id""",
            params,
            names=AUDIT_RESULT_COLUMNS,
        )

    def audit_models(self) -> list[str]:
        """Models with at least one audit."""
        return [r[0] for r in self._all("SELECT DISTINCT model_name FROM audit_runs ORDER BY 1")]

    def languages(self) -> list[str]:
        """Languages guidelines are written in."""
        rows = self._all("SELECT DISTINCT language FROM guideline_versions ORDER BY 1")
        return [r[0] for r in rows]

    def principle_categories(self) -> dict[str, str]:
        """Each released principle id's category (from its guideline's current version)."""
        rows = self._all(
            """SELECT DISTINCT p.principle_id, v.category FROM release_principles p
               JOIN guidelines g ON g.id = p.guideline_id
               JOIN guideline_versions v
                 ON v.guideline_id = g.id AND v.version = g.current_version"""
        )
        return {str(r[0]): str(r[1]) for r in rows}

    def tallies_under_vote(self) -> dict[str, tuple[Counts, dict[str, Counts]]]:
        """What ``votes.ballot_counts_under_vote`` counts, read from the summary table."""
        rows = self._all(
            f"""SELECT t.guideline_id, t.group_name, t.approve, t.reject, t.abstain
               FROM {TALLY_NOW} t JOIN guidelines g
                 ON g.id = t.guideline_id AND g.voting_version = t.version
               ORDER BY t.guideline_id, t.group_name"""
        )
        found: dict[str, tuple[Counts, dict[str, Counts]]] = {}
        for key, group, approve, reject, abstain in rows:
            counts = Counts(approve=int(approve), reject=int(reject), abstain=int(abstain))
            ref = guideline_ref(key)
            overall, groups = found.get(ref, (Counts(), {}))
            if group == "":
                overall = counts
            elif counts.total:
                groups[group] = counts
            found[ref] = (overall, groups)
        return {ref: value for ref, value in found.items() if value[0].total}

    def headline(self) -> dict[str, int]:
        """Stakeholders, people who have voted, current ballots and comments."""
        row = self._one(
            f"""SELECT (SELECT count(*) FROM stakeholders),
                      (SELECT count(*) FROM {VOTERS_NOW} v),
                      (SELECT coalesce(sum(approve + reject + abstain), 0) FROM {TALLY_NOW} t
                       WHERE group_name = ''),
                      (SELECT count(*) FROM comments)"""
        )
        assert row is not None
        return {
            "stakeholders": int(row[0]),
            "voters": int(row[1]),
            "ballots": int(row[2]),
            "comments": int(row[3]),
        }

    def _frame(
        self, sql: str, params: Sequence[object] = (), *, names: Sequence[str] = ()
    ) -> pd.DataFrame:
        frame = self.cursor.execute(sql, list(params)).df()
        if names:
            frame.columns = list(names)
        return frame


_POSITION_OF = "(SELECT position FROM constitution_releases WHERE version = ?)"


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _audits(where: DashboardFilter) -> tuple[list[str], list[object]]:
    """Conditions on an audit run ``r``: its model among ``where.models``, its release."""
    conditions: list[str] = ["1 = 1"]
    params: list[object] = []
    if where.models:
        conditions.append(f"r.model_name IN ({placeholders(where.models)})")
        params += list(where.models)
    if where.release:
        conditions.append("r.release_version = ?")
        params.append(where.release)
    return conditions, params


def _narrows(where: DashboardFilter) -> bool:
    return bool(where.categories or where.languages or where.release)


def _groups(
    where: DashboardFilter, column: str, *, everyone: bool = False
) -> tuple[str, list[object]]:
    """The condition keeping ``where.groups`` (all groups without it; ``''`` if ``everyone``)."""
    if not where.groups:
        return ("1 = 1" if everyone else f"{column} <> ''"), []
    keep: list[object] = [*where.groups, *([""] if everyone else [])]
    return f"{column} IN ({placeholders(keep)})", keep


def _facts(
    where: DashboardFilter, *, proposed: bool = False, voting: bool = False, release: bool = True
) -> tuple[str, list[object]]:
    """A subquery of the guidelines the filters keep, with their current text's facts.

    Args:
        where: The filters.
        proposed: Narrow the period to guidelines proposed in it.
        voting: Narrow the period to guidelines whose voting window overlaps it.
        release: Keep only the principles of ``where.release``.
    """
    conditions: list[str] = ["1 = 1"]
    params: list[object] = []
    if where.categories:
        conditions.append(f"v.category IN ({placeholders(where.categories)})")
        params += list(where.categories)
    if where.languages:
        conditions.append(f"v.language IN ({placeholders(where.languages)})")
        params += list(where.languages)
    if release and where.release:
        conditions.append(
            "g.id IN (SELECT guideline_id FROM release_principles WHERE release_version = ?)"
        )
        params.append(where.release)
    if proposed and where.since:
        conditions.append("g.created_at >= ?")
        params.append(_start(where.since))
    if proposed and where.until:
        conditions.append("g.created_at < ?")
        params.append(_start(where.until + timedelta(days=1)))
    if voting:
        conditions.append("g.voting_version IS NOT NULL")
        if where.since:
            conditions.append("g.voting_closes_at >= ?")
            params.append(_start(where.since))
        if where.until:
            conditions.append("g.voting_opens_at < ?")
            params.append(_start(where.until + timedelta(days=1)))
    sql = f"""SELECT g.id, g.status, g.created_at, g.voting_version, v.title, v.category,
                     v.language
              FROM guidelines g JOIN guideline_versions v
                ON v.guideline_id = g.id AND v.version = g.current_version
              WHERE {" AND ".join(conditions)}"""
    return sql, params
