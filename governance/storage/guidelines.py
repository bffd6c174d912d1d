"""Queries about guidelines: their state, versions, voting windows and decisions.

Guidelines are stored under integer keys and leave this module under their public ids
(``G-0007``): ``governance.ids`` converts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from governance.ids import guideline_key, guideline_number, guideline_ref
from governance.models import (
    Guideline,
    GuidelineFilter,
    GuidelineText,
    GuidelineVersion,
    Status,
    VotingWindow,
)
from governance.storage.base import Queries, like_pattern, placeholders
from governance.storage.summaries import Summaries
from governance.voting import Decided, Decision, RecordedTally

GUIDELINE_COLUMNS = """
    g.id, g.status, g.current_version, g.author_id, a.display_name, g.created_at, g.updated_at,
    g.voting_version, g.voting_opens_at, g.voting_closes_at, g.voting_rules_version,
    v.title, v.statement, v.critique_request, v.revision_request, v.rationale, v.category,
    v.tags, v.language
"""
GUIDELINE_FROM = """
    FROM guidelines g
    JOIN guideline_versions v ON v.guideline_id = g.id AND v.version = g.current_version
    LEFT JOIN stakeholders a ON a.id = g.author_id
"""
_VERSION_COLUMNS = """
    guideline_id, version, title, statement, critique_request, revision_request, rationale,
    category, tags, language, author_id, reason, created_at
"""


def text_from_row(row: Sequence[Any]) -> GuidelineText:
    """A guideline text from its stored columns (validated when it was stored)."""
    title, statement, critique, revision, rationale, category, tags, language = row
    # Stored text was validated on the way in; construct without re-validating.
    return GuidelineText.model_construct(
        title=title,
        statement=statement,
        critique_request=critique,
        revision_request=revision,
        rationale=rationale,
        category=category,
        tags=tuple(json.loads(tags)),
        language=language,
    )


def guideline_from_row(row: Sequence[Any]) -> Guideline:
    """A guideline from ``GUIDELINE_COLUMNS``."""
    voting = None
    if row[7] is not None:
        voting = VotingWindow(
            version=row[7], opens_at=row[8], closes_at=row[9], rules_version=row[10]
        )
    return Guideline.model_construct(
        id=guideline_ref(row[0]),
        status=Status(row[1]),
        version=row[2],
        author_id=row[3],
        author_name=row[4] or f"#{row[3]}",
        created_at=row[5],
        updated_at=row[6],
        voting=voting,
        text=text_from_row(row[11:19]),
    )


_DECISION_COLUMNS = (
    "d.version, d.outcome, d.rules_version, d.decided_at, d.decided_by, d.reason, d.tally"
)


def _decision(row: Sequence[Any]) -> Decision:
    return Decision.model_construct(
        version=row[0],
        outcome=Status(row[1]),
        rules_version=row[2],
        decided_at=row[3],
        decided_by=row[4],
        reason=row[5],
        tally=RecordedTally.from_json(row[6]),
    )


class GuidelineQueries(Queries):
    """Guidelines, their versions and the decisions on them."""

    def next_guideline_id(self) -> str:
        """A fresh public guideline id such as ``G-0042``."""
        return guideline_ref(int(self._scalar("SELECT nextval('guideline_ids')")))

    def insert_guideline(self, guideline: Guideline) -> None:
        """Store a new guideline's state row (its text goes in with ``insert_version``)."""
        self._all(
            "INSERT INTO guidelines (id, status, current_version, author_id, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                guideline_key(guideline.id),
                guideline.status.value,
                guideline.version,
                guideline.author_id,
                guideline.created_at,
                guideline.updated_at,
            ],
        )
        key = guideline_key(guideline.id)
        entered = [(key, "draft", guideline.created_at)]
        Summaries(self.cursor).stages_entered(
            [*entered, (key, guideline.status.value, guideline.updated_at)]
        )

    def update_guideline(self, guideline: Guideline) -> None:
        """Store a guideline's new state: status, current version and voting window."""
        voting = guideline.voting
        self._all(
            """UPDATE guidelines SET status = ?, current_version = ?, updated_at = ?,
                   voting_version = ?, voting_opens_at = ?, voting_closes_at = ?,
                   voting_rules_version = ?
               WHERE id = ?""",
            [
                guideline.status.value,
                guideline.version,
                guideline.updated_at,
                voting.version if voting else None,
                voting.opens_at if voting else None,
                voting.closes_at if voting else None,
                voting.rules_version if voting else None,
                guideline_key(guideline.id),
            ],
        )
        Summaries(self.cursor).stages_entered(
            [(guideline_key(guideline.id), guideline.status.value, guideline.updated_at)]
        )

    def insert_version(self, version: GuidelineVersion) -> None:
        """Store one version of a guideline's text; versions are never changed."""
        t = version.text
        self._all(
            f"INSERT INTO guideline_versions ({_VERSION_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                guideline_key(version.guideline_id),
                version.version,
                t.title,
                t.statement,
                t.critique_request,
                t.revision_request,
                t.rationale,
                t.category,
                json.dumps(list(t.tags), ensure_ascii=False),
                t.language,
                version.author_id,
                version.reason,
                version.created_at,
            ],
        )

    def get_guideline(self, guideline_id: str) -> Guideline | None:
        """A guideline with its current text, or None."""
        row = self._one(
            # In a write transaction the row stays locked until it ends: a use case that
            # reads a guideline and then changes it sees no other process change it between.
            f"SELECT {GUIDELINE_COLUMNS} {GUIDELINE_FROM} WHERE g.id = ?{self.cursor.locking('g')}",
            [guideline_key(guideline_id)],
        )
        return None if row is None else guideline_from_row(row)

    def states(self, guideline_ids: Sequence[str]) -> dict[str, tuple[Status, int]]:
        """Status and current version of the given guidelines (unknown ids are left out)."""
        keys = sorted({guideline_key(g) for g in guideline_ids})
        found: dict[str, tuple[Status, int]] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self._all(
                "SELECT id, status, current_version FROM guidelines"
                f" WHERE id IN ({placeholders(chunk)}) ORDER BY id",
                chunk,
            )
            found.update((guideline_ref(r[0]), (Status(r[1]), int(r[2]))) for r in rows)
        return found

    def set_status_many(self, guideline_ids: Sequence[str], status: Status, at: datetime) -> None:
        """Move several guidelines to one status at once (their voting windows stay)."""
        keys = sorted({guideline_key(g) for g in guideline_ids})
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            self._all(
                "UPDATE guidelines SET status = ?, updated_at = ?"
                f" WHERE id IN ({placeholders(chunk)})",
                [status.value, at, *chunk],
            )
        Summaries(self.cursor).stages_entered([(key, status.value, at) for key in keys])

    def voting_states(
        self, guideline_ids: Sequence[str]
    ) -> dict[str, tuple[Status, VotingWindow | None]]:
        """Just status and voting window of the given guidelines (the path of every ballot)."""
        keys = sorted({guideline_key(g) for g in guideline_ids})
        rows = self._all(
            # Shared locks, in id order: ballots do not wait for each other, but a vote closing
            # (which locks its guideline for update first) waits for the ballots in flight to
            # commit, and the ballots after it see it closed.
            "SELECT id, status, voting_version, voting_opens_at, voting_closes_at,"
            f" voting_rules_version FROM guidelines WHERE id IN ({placeholders(keys)})"
            f" ORDER BY id{self.cursor.locking(mode='share')}",
            keys,
        )
        states: dict[str, tuple[Status, VotingWindow | None]] = {}
        for r in rows:
            window = None
            if r[2] is not None:
                window = VotingWindow(
                    version=r[2], opens_at=r[3], closes_at=r[4], rules_version=r[5]
                )
            states[guideline_ref(r[0])] = (Status(r[1]), window)
        return states

    def versions(self, guideline_id: str) -> list[GuidelineVersion]:
        """Every version of a guideline, oldest first."""
        rows = self._all(
            f"SELECT {_VERSION_COLUMNS} FROM guideline_versions WHERE guideline_id = ?"
            " ORDER BY version",
            [guideline_key(guideline_id)],
        )
        return [
            GuidelineVersion.model_construct(
                guideline_id=guideline_ref(r[0]),
                version=r[1],
                text=text_from_row(r[2:10]),
                author_id=r[10],
                reason=r[11],
                created_at=r[12],
            )
            for r in rows
        ]

    def search_guidelines(
        self, where: GuidelineFilter, *, limit: int = 50, offset: int = 0
    ) -> tuple[list[Guideline], int]:
        """Guidelines matching the filter, most recently changed first, and the total count."""
        clauses: list[str] = ["TRUE"]
        params: list[object] = []
        for column, values in (
            ("g.status", [s.value for s in where.statuses]),
            ("v.category", list(where.categories)),
            ("v.language", list(where.languages)),
        ):
            if values:
                clauses.append(f"{column} IN ({placeholders(values)})")
                params.extend(values)
        if where.author_id is not None:
            clauses.append("g.author_id = ?")
            params.append(where.author_id)
        for word in where.text.split():
            number = guideline_number(word)
            clauses.append(
                "(lower(v.title) LIKE ? ESCAPE '\\' OR lower(v.statement) LIKE ? ESCAPE '\\'"
                " OR lower(v.tags) LIKE ? ESCAPE '\\' OR g.id = ?)"
            )
            params.extend([like_pattern(word)] * 3 + [-1 if number is None else number])
        condition = " AND ".join(clauses)
        total = int(self._scalar(f"SELECT count(*) {GUIDELINE_FROM} WHERE {condition}", params))
        rows = self._all(
            f"SELECT {GUIDELINE_COLUMNS} {GUIDELINE_FROM} WHERE {condition}"
            " ORDER BY g.updated_at DESC, g.id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [guideline_from_row(r) for r in rows], total

    def titles(self, guideline_ids: Iterable[str]) -> dict[str, str]:
        """Current titles of the given guidelines (unknown ids are left out)."""
        keys = sorted({guideline_key(g) for g in guideline_ids} - {-1})
        if not keys:
            return {}
        rows = self._all(
            f"SELECT g.id, v.title {GUIDELINE_FROM} WHERE g.id IN ({placeholders(keys)})", keys
        )
        return {guideline_ref(r[0]): r[1] for r in rows}

    def voting_windows(self) -> dict[str, VotingWindow]:
        """The voting window of every guideline that has been put to a vote."""
        rows = self._all(
            "SELECT id, voting_version, voting_opens_at, voting_closes_at, voting_rules_version"
            " FROM guidelines WHERE voting_version IS NOT NULL"
        )
        return {
            guideline_ref(r[0]): VotingWindow(
                version=r[1], opens_at=r[2], closes_at=r[3], rules_version=r[4]
            )
            for r in rows
        }

    def voting_due(self, now: datetime) -> list[str]:
        """Ids of guidelines whose voting window has ended but which are still in voting."""
        rows = self._all(
            "SELECT id FROM guidelines WHERE status = 'voting' AND voting_closes_at <= ?"
            " ORDER BY id",
            [now],
        )
        return [guideline_ref(r[0]) for r in rows]

    def insert_decision(self, guideline_id: str, decision: Decision) -> None:
        """Record the outcome of a closed vote; decisions are never changed."""
        self._all(
            "INSERT INTO decisions (guideline_id, version, outcome, rules_version, decided_at,"
            " decided_by, reason, tally) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                guideline_key(guideline_id),
                decision.version,
                decision.outcome.value,
                decision.rules_version,
                decision.decided_at,
                decision.decided_by,
                decision.reason,
                decision.tally.model_dump_json(),
            ],
        )

    def decision(self, guideline_id: str) -> Decision | None:
        """The latest decision on a guideline, or None."""
        row = self._one(
            f"SELECT {_DECISION_COLUMNS} FROM decisions d"
            " WHERE d.guideline_id = ? ORDER BY d.version DESC LIMIT 1",
            [guideline_key(guideline_id)],
        )
        return None if row is None else _decision(row)

    def latest_decisions(self, statuses: Sequence[Status]) -> dict[str, Decision]:
        """The latest decision on each guideline now in one of ``statuses``, in one query."""
        if not statuses:
            return {}
        values = [s.value for s in statuses]
        rows = self._all(
            f"""SELECT g.id, {_DECISION_COLUMNS}
                FROM guidelines g
                JOIN decisions d ON d.guideline_id = g.id
                    AND d.version = (SELECT max(version) FROM decisions
                                     WHERE guideline_id = g.id)
                WHERE g.status IN ({placeholders(values)})""",
            values,
        )
        return {guideline_ref(r[0]): _decision(r[1:]) for r in rows}

    def decided_for_constitution(self) -> list[Decided]:
        """Approved and adopted guidelines, each with its voted version and decision."""
        rows = self._all(
            f"""SELECT g.id, v.title, v.statement, v.critique_request, v.revision_request,
                      v.rationale, v.category, v.tags, v.language, {_DECISION_COLUMNS}
               FROM guidelines g
               JOIN decisions d ON d.guideline_id = g.id AND d.outcome = 'approved'
                   AND d.version = (SELECT max(version) FROM decisions
                                    WHERE guideline_id = g.id AND outcome = 'approved')
               JOIN guideline_versions v ON v.guideline_id = g.id AND v.version = d.version
               WHERE g.status IN ('approved', 'adopted')
               ORDER BY g.id"""
        )
        return [
            Decided(
                guideline_id=guideline_ref(r[0]),
                version=r[9],
                text=text_from_row(r[1:9]),
                decision=_decision(r[9:]),
            )
            for r in rows
        ]

    def approvals(self, guideline_ids: Sequence[str]) -> dict[tuple[str, int], Decision]:
        """The approving decisions on ``guideline_ids``, by (guideline id, version voted on).

        A release's principles name the guideline version that was approved; the recorded
        tally of that decision (with each group's threshold) is what the release report shows.
        """
        if not guideline_ids:
            return {}
        keys = sorted({guideline_key(g) for g in guideline_ids})
        rows = self._all(
            f"SELECT d.guideline_id, {_DECISION_COLUMNS} FROM decisions d"
            f" WHERE d.outcome = 'approved' AND d.guideline_id IN ({placeholders(keys)})"
            " ORDER BY d.guideline_id, d.version, d.decided_at",
            keys,
        )
        # A later approval of the same version (decided again) replaces the earlier one.
        return {(guideline_ref(r[0]), r[1]): _decision(r[1:]) for r in rows}
