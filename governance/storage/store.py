"""Every query Charter runs, as methods on a cursor inside one transaction.

Guidelines are stored under integer keys and leave this module under their public ids
(``G-0007``); stakeholders are integers throughout.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from governance.models import (
    Choice,
    Comment,
    Event,
    GovernanceRules,
    Guideline,
    GuidelineText,
    GuidelineVersion,
    HiddenNote,
    RulesRecord,
    Status,
    Vote,
    VotingWindow,
    guideline_number,
    guideline_ref,
)
from governance.storage.base import like_pattern
from governance.storage.base import placeholders as _placeholders
from governance.storage.people import PeopleStore
from governance.storage.releases import ReleaseStore
from governance.voting import Counts

_GUIDELINE_COLUMNS = """
    g.id, g.status, g.current_version, g.author_id, a.display_name, g.created_at, g.updated_at,
    g.voting_version, g.voting_opens_at, g.voting_closes_at, g.voting_rules_version,
    v.title, v.statement, v.critique_request, v.revision_request, v.rationale, v.category,
    v.tags, v.language
"""
_GUIDELINE_FROM = """
    FROM guidelines g
    JOIN guideline_versions v ON v.guideline_id = g.id AND v.version = g.current_version
    LEFT JOIN stakeholders a ON a.id = g.author_id
"""
_VERSION_COLUMNS = """
    guideline_id, version, title, statement, critique_request, revision_request, rationale,
    category, tags, language, author_id, reason, created_at
"""


def _key(ref: str) -> int:
    # An id that cannot be a guideline matches nothing, like an unknown number.
    number = guideline_number(ref)
    return -1 if number is None else number


def _text(row: Sequence[Any]) -> GuidelineText:
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


def _guideline(row: Sequence[Any]) -> Guideline:
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
        text=_text(row[11:19]),
    )


def _dump(value: dict[str, object] | None) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


@dataclass(frozen=True)
class GuidelineFilter:
    """What the guideline list is narrowed to; empty means no restriction."""

    statuses: tuple[Status, ...] = ()
    """Only these statuses."""
    categories: tuple[str, ...] = ()
    """Only these categories."""
    languages: tuple[str, ...] = ()
    """Only these languages."""
    text: str = ""
    """Every word must appear in the title, statement, tags or id."""
    author_id: int | None = None
    """Only guidelines proposed by this stakeholder."""


@dataclass(frozen=True)
class DecisionRecord:
    """The stored outcome of a closed vote."""

    version: int
    outcome: Status
    rules_version: int
    decided_at: datetime
    decided_by: int | None
    reason: str
    tally: dict[str, Any]


class Store(PeopleStore, ReleaseStore):
    """Queries over one cursor; create through ``Database.transaction()`` or ``.read()``.

    The people side (stakeholders, identities, groups, roles) lives in ``PeopleStore``; the
    constitution side (releases, edits, flag resolutions) in ``ReleaseStore``.
    """

    # -- guidelines -----------------------------------------------------------------------

    def next_guideline_id(self) -> str:
        """A fresh public guideline id such as ``G-0042``."""
        return guideline_ref(int(self._scalar("SELECT nextval('guideline_ids')")))

    def insert_guideline(self, guideline: Guideline) -> None:
        """Store a new guideline's state row (its text goes in with ``insert_version``)."""
        self._all(
            "INSERT INTO guidelines (id, status, current_version, author_id, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                _key(guideline.id),
                guideline.status.value,
                guideline.version,
                guideline.author_id,
                guideline.created_at,
                guideline.updated_at,
            ],
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
                _key(guideline.id),
            ],
        )

    def insert_version(self, version: GuidelineVersion) -> None:
        """Store one version of a guideline's text; versions are never changed."""
        t = version.text
        self._all(
            f"INSERT INTO guideline_versions ({_VERSION_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                _key(version.guideline_id),
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
            f"SELECT {_GUIDELINE_COLUMNS} {_GUIDELINE_FROM} WHERE g.id = ?", [_key(guideline_id)]
        )
        return None if row is None else _guideline(row)

    def voting_states(
        self, guideline_ids: Sequence[str]
    ) -> dict[str, tuple[Status, VotingWindow | None]]:
        """Just status and voting window of the given guidelines (the path of every ballot)."""
        keys = sorted({_key(g) for g in guideline_ids})
        rows = self._all(
            "SELECT id, status, voting_version, voting_opens_at, voting_closes_at,"
            f" voting_rules_version FROM guidelines WHERE id IN ({_placeholders(keys)})",
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
            [_key(guideline_id)],
        )
        return [
            GuidelineVersion.model_construct(
                guideline_id=guideline_ref(r[0]),
                version=r[1],
                text=_text(r[2:10]),
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
                clauses.append(f"{column} IN ({_placeholders(values)})")
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
        total = int(self._scalar(f"SELECT count(*) {_GUIDELINE_FROM} WHERE {condition}", params))
        rows = self._all(
            f"SELECT {_GUIDELINE_COLUMNS} {_GUIDELINE_FROM} WHERE {condition}"
            " ORDER BY g.updated_at DESC, g.id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_guideline(r) for r in rows], total

    def titles(self, guideline_ids: Iterable[str]) -> dict[str, str]:
        """Current titles of the given guidelines (unknown ids are left out)."""
        keys = sorted({_key(g) for g in guideline_ids} - {-1})
        if not keys:
            return {}
        rows = self._all(
            f"SELECT g.id, v.title {_GUIDELINE_FROM} WHERE g.id IN ({_placeholders(keys)})", keys
        )
        return {guideline_ref(r[0]): r[1] for r in rows}

    def status_counts(self) -> dict[Status, int]:
        """How many guidelines are in each status."""
        rows = self._all("SELECT status, count(*) FROM guidelines GROUP BY status")
        return {Status(s): int(n) for s, n in rows}

    def open_for_voting_without_ballot(
        self, stakeholder_id: int, now: datetime, limit: int = 20
    ) -> list[Guideline]:
        """Open votes on which this person has no ballot for the version under vote."""
        rows = self._all(
            f"""SELECT {_GUIDELINE_COLUMNS} {_GUIDELINE_FROM}
                WHERE g.status = 'voting' AND g.voting_closes_at > ? AND NOT EXISTS (
                    SELECT 1 FROM votes b WHERE b.guideline_id = g.id
                       AND b.version = g.voting_version AND b.stakeholder_id = ?)
                ORDER BY g.voting_closes_at, g.id LIMIT ?""",
            [now, stakeholder_id, limit],
        )
        return [_guideline(r) for r in rows]

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

    # -- comments -------------------------------------------------------------------------

    def insert_comment(self, comment: Comment) -> int:
        """Store a comment and return its new id (the given id is ignored)."""
        new_id = int(self._scalar("SELECT nextval('comment_ids')"))
        self._all(
            "INSERT INTO comments (id, guideline_id, guideline_version, parent_id, author_id,"
            " body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                new_id,
                _key(comment.guideline_id),
                comment.guideline_version,
                comment.parent_id,
                comment.author_id,
                comment.body,
                comment.created_at,
            ],
        )
        return new_id

    def comments(self, guideline_id: str, *, comment_id: int | None = None) -> list[Comment]:
        """A guideline's comments in the order written (or one comment by id)."""
        where = "c.guideline_id = ?"
        params: list[object] = [_key(guideline_id)]
        if comment_id is not None:
            where += " AND c.id = ?"
            params.append(comment_id)
        rows = self._all(
            f"""SELECT c.id, c.guideline_id, c.guideline_version, c.parent_id, c.author_id,
                    s.display_name,
                    (SELECT string_agg(group_name, ',' ORDER BY group_name)
                       FROM stakeholder_groups WHERE stakeholder_id = c.author_id),
                    c.body, c.created_at, c.hidden_at, c.hidden_reason, h.display_name
                FROM comments c LEFT JOIN stakeholders s ON s.id = c.author_id
                LEFT JOIN stakeholders h ON h.id = c.hidden_by
                WHERE {where} ORDER BY c.created_at, c.id""",
            params,
        )
        return [
            Comment.model_construct(
                id=r[0],
                guideline_id=guideline_ref(r[1]),
                guideline_version=r[2],
                parent_id=r[3],
                author_id=r[4],
                author_name=r[5] or f"#{r[4]}",
                author_groups=tuple(r[6].split(",")) if r[6] else (),
                body=r[7],
                created_at=r[8],
                hidden=None
                if r[9] is None
                else HiddenNote(by_name=r[11] or "a moderator", at=r[9], reason=r[10] or ""),
            )
            for r in rows
        ]

    def comment_location(self, comment_id: int) -> str | None:
        """The guideline a comment belongs to, or None."""
        key = self._scalar("SELECT guideline_id FROM comments WHERE id = ?", [comment_id])
        return None if key is None else guideline_ref(int(key))

    def set_comment_hidden(
        self, comment_id: int, *, by: int | None, at: datetime | None, reason: str | None
    ) -> None:
        """Hide a comment (with who, when and why) or, with all None, show it again."""
        self._all(
            "UPDATE comments SET hidden_by = ?, hidden_at = ?, hidden_reason = ? WHERE id = ?",
            [by, at, reason, comment_id],
        )

    # -- votes ----------------------------------------------------------------------------

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
            f" WHERE stakeholder_id IN ({_placeholders(wanted)})",
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
        for start in range(0, len(votes), 200):
            chunk = votes[start : start + 200]
            self._all(
                "INSERT INTO votes (guideline_id, version, stakeholder_id, choice, reason,"
                " cast_at) VALUES " + ", ".join("(?, ?, ?, ?, ?, ?)" for _ in chunk),
                [
                    x
                    for v in chunk
                    for x in (
                        _key(v.guideline_id),
                        v.version,
                        v.stakeholder_id,
                        v.choice.value,
                        v.reason,
                        v.cast_at,
                    )
                ],
            )

    def replace_vote(self, vote: Vote) -> None:
        """Replace a person's ballot on a version with a changed one."""
        self._all(
            "UPDATE votes SET choice = ?, reason = ?, cast_at = ?"
            " WHERE guideline_id = ? AND version = ? AND stakeholder_id = ?",
            [
                vote.choice.value,
                vote.reason,
                vote.cast_at,
                _key(vote.guideline_id),
                vote.version,
                vote.stakeholder_id,
            ],
        )

    def count_votes(self, guideline_id: str | None = None) -> int:
        """Ballots stored (for one guideline, or all)."""
        if guideline_id is None:
            return int(self._scalar("SELECT count(*) FROM votes"))
        return int(
            self._scalar("SELECT count(*) FROM votes WHERE guideline_id = ?", [_key(guideline_id)])
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
            [_key(guideline_id), version],
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
            [x for gid, version in keys for x in (_key(gid), version)],
        )
        totals: dict[str, Counts] = defaultdict(Counts)
        for key, choice, n in rows:
            ref = guideline_ref(key)
            totals[ref] = totals[ref].add(Choice(choice), int(n))
        return dict(totals)

    # -- decisions ------------------------------------------------------------------------

    def insert_decision(self, guideline_id: str, record: DecisionRecord) -> None:
        """Record the outcome of a closed vote."""
        self._all(
            "INSERT INTO decisions (guideline_id, version, outcome, rules_version, decided_at,"
            " decided_by, reason, tally) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                _key(guideline_id),
                record.version,
                record.outcome.value,
                record.rules_version,
                record.decided_at,
                record.decided_by,
                record.reason,
                json.dumps(record.tally, sort_keys=True, ensure_ascii=False),
            ],
        )

    def decision(self, guideline_id: str) -> DecisionRecord | None:
        """The latest decision on a guideline, or None."""
        row = self._one(
            "SELECT version, outcome, rules_version, decided_at, decided_by, reason, tally"
            " FROM decisions WHERE guideline_id = ? ORDER BY version DESC LIMIT 1",
            [_key(guideline_id)],
        )
        if row is None:
            return None
        return DecisionRecord(
            version=row[0],
            outcome=Status(row[1]),
            rules_version=row[2],
            decided_at=row[3],
            decided_by=row[4],
            reason=row[5],
            tally=json.loads(row[6]),
        )

    # -- rules ----------------------------------------------------------------------------

    def insert_rules(self, record: RulesRecord) -> None:
        """Store a new rules version."""
        self._all(
            "INSERT INTO rules (version, body, created_at, created_by, reason)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                record.rules.version,
                record.rules.model_dump_json(),
                record.created_at,
                record.created_by,
                record.reason,
            ],
        )

    def rules_history(self, version: int | None = None) -> list[RulesRecord]:
        """Rules versions, newest first (or only ``version``)."""
        where, params = ("WHERE version = ?", [version]) if version is not None else ("", [])
        rows = self._all(
            f"SELECT body, created_at, created_by, reason FROM rules {where} ORDER BY version DESC",
            params,
        )
        return [
            RulesRecord(
                rules=GovernanceRules.model_validate_json(r[0]),
                created_at=r[1],
                created_by=r[2],
                reason=r[3],
            )
            for r in rows
        ]

    # -- events ---------------------------------------------------------------------------

    def append_event(self, event: Event) -> None:
        """Append to the event log."""
        self.append_events([event])

    def append_events(self, events: Sequence[Event]) -> None:
        """Append several entries to the event log, in order."""
        for start in range(0, len(events), 200):
            chunk = events[start : start + 200]
            self._all(
                "INSERT INTO events (id, schema_version, occurred_at, actor_id, action, subject,"
                " reason, before_state, after_state) VALUES "
                + ", ".join("(nextval('event_ids'), ?, ?, ?, ?, ?, ?, ?, ?)" for _ in chunk),
                [
                    x
                    for e in chunk
                    for x in (
                        e.schema_version,
                        e.at,
                        e.actor_id,
                        e.action,
                        e.subject,
                        e.reason,
                        _dump(e.before),
                        _dump(e.after),
                    )
                ],
            )

    def events(
        self,
        *,
        subject: str | None = None,
        actions: Sequence[str] = (),
        limit: int = 100,
        ascending: bool = False,
    ) -> list[Event]:
        """Event log entries by time, newest first unless ``ascending``."""
        clauses: list[str] = ["TRUE"]
        params: list[object] = []
        if subject is not None:
            clauses.append("subject = ?")
            params.append(subject)
        if actions:
            clauses.append(f"action IN ({_placeholders(actions)})")
            params.extend(actions)
        direction = "ASC" if ascending else "DESC"
        rows = self._all(
            "SELECT id, schema_version, occurred_at, actor_id, action, subject, reason,"
            f" before_state, after_state FROM events WHERE {' AND '.join(clauses)}"
            f" ORDER BY occurred_at {direction}, id {direction} LIMIT ?",
            [*params, limit],
        )
        return [
            Event(
                id=r[0],
                schema_version=r[1],
                at=r[2],
                actor_id=r[3],
                action=r[4],
                subject=r[5],
                reason=r[6],
                before=None if r[7] is None else json.loads(r[7]),
                after=None if r[8] is None else json.loads(r[8]),
            )
            for r in rows
        ]

    # -- analytics ------------------------------------------------------------------------

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

    def ballots_per_day(self, days: int, now: datetime) -> list[tuple[Any, str, int]]:
        """(day, group, ballots cast) for the last ``days`` days, from the event log."""
        return self._all(
            """SELECT CAST(e.occurred_at AS DATE) AS day, m.group_name, count(*)
               FROM events e JOIN stakeholder_groups m ON m.stakeholder_id = e.actor_id
               WHERE e.action = 'vote.cast' AND e.occurred_at >= ?
               GROUP BY 1, 2 ORDER BY 1, 2""",
            [now - timedelta(days=days)],
        )
