"""Queries about people: stakeholders, their identities, groups, roles and requests."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from governance.models import (
    AccountStatus,
    Grant,
    GroupRequest,
    LinkedIdentity,
    RequestStatus,
    Role,
    Source,
    Stakeholder,
)
from governance.storage.base import Queries, like_pattern, placeholders
from governance.storage.summaries import Summaries


def _stakeholder(row: Sequence[Any]) -> Stakeholder:
    return Stakeholder.model_construct(
        id=row[0],
        display_name=row[1],
        status=AccountStatus(row[2]),
        created_at=row[3],
        groups=tuple(row[4].split(",")) if row[4] else (),
        roles=tuple(Role(x) for x in row[5].split(",")) if row[5] else (),
    )


_REQUEST_COLUMNS = """r.id, r.stakeholder_id, s.display_name, r.group_name, r.justification,
    r.status, r.requested_at, r.decided_by, r.decided_at, r.decision_reason"""


def _request(row: Sequence[Any]) -> GroupRequest:
    return GroupRequest.model_construct(
        id=row[0],
        stakeholder_id=row[1],
        stakeholder_name=row[2] or f"#{row[1]}",
        group=row[3],
        justification=row[4],
        status=RequestStatus(row[5]),
        requested_at=row[6],
        decided_by=row[7],
        decided_at=row[8],
        decision_reason=row[9] or "",
    )


class PeopleQueries(Queries):
    """Who people are and what they may do."""

    def next_stakeholder_id(self) -> int:
        """A fresh stakeholder number."""
        return int(self._scalar("SELECT nextval('stakeholder_ids')"))

    def insert_stakeholder(
        self, person: Stakeholder, *, is_demo: bool = False, source: Source = Source.SEED
    ) -> None:
        """Store a new stakeholder with their groups and roles, all granted by ``source``."""
        self._all(
            "INSERT INTO stakeholders (id, display_name, status, is_demo, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [person.id, person.display_name, person.status.value, is_demo, person.created_at],
        )
        for group in person.groups:
            self.add_group(person.id, group, source)
        for role in person.roles:
            self.add_role(person.id, role, source)

    def set_stakeholder_status(self, stakeholder_id: int, status: AccountStatus) -> None:
        """Suspend or reinstate."""
        self._all("UPDATE stakeholders SET status = ? WHERE id = ?", [status.value, stakeholder_id])

    def get_stakeholder(self, stakeholder_id: int) -> Stakeholder | None:
        """One stakeholder with groups and roles, or None."""
        return self.stakeholders_by_id([stakeholder_id]).get(stakeholder_id)

    def is_demo(self, stakeholder_id: int) -> bool:
        """Whether the stakeholder is a seeded demo account (False for an unknown id)."""
        return bool(self._scalar("SELECT is_demo FROM stakeholders WHERE id = ?", [stakeholder_id]))

    def stakeholders_by_id(self, ids: Sequence[int]) -> dict[int, Stakeholder]:
        """The given stakeholders with groups and roles (on the path of every action)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        marks = placeholders(wanted)
        # One round trip; each branch filters one indexed column, so each uses its index.
        rows = self._all(
            f"""SELECT id, 'person', display_name, status, created_at FROM stakeholders
                WHERE id IN ({marks})
                UNION ALL
                SELECT stakeholder_id, 'group', group_name, NULL, NULL FROM stakeholder_groups
                WHERE stakeholder_id IN ({marks})
                UNION ALL
                SELECT stakeholder_id, 'role', role, NULL, NULL FROM stakeholder_roles
                WHERE stakeholder_id IN ({marks})""",
            wanted * 3,
        )
        people: dict[int, tuple[Any, ...]] = {}
        groups: dict[int, list[str]] = defaultdict(list)
        roles: dict[int, list[str]] = defaultdict(list)
        for key, kind, value, status, created_at in rows:
            if kind == "person":
                people[key] = (key, value, status, created_at)
            else:
                (groups if kind == "group" else roles)[key].append(value)
        return {
            key: _stakeholder((*row, ",".join(sorted(groups[key])), ",".join(sorted(roles[key]))))
            for key, row in people.items()
        }

    def stakeholders(self, *, demo_only: bool = False, limit: int = 10_000) -> list[Stakeholder]:
        """Stakeholders ordered by name, optionally only the demo accounts."""
        rows = self._all(
            f"""SELECT s.id, s.display_name, s.status, s.created_at,
                    (SELECT string_agg(group_name, ',' ORDER BY group_name)
                       FROM stakeholder_groups WHERE stakeholder_id = s.id),
                    (SELECT string_agg(role, ',' ORDER BY role)
                       FROM stakeholder_roles WHERE stakeholder_id = s.id)
                FROM stakeholders s WHERE {"s.is_demo" if demo_only else "TRUE"}
                ORDER BY s.display_name, s.id LIMIT ?""",
            [limit],
        )
        return [_stakeholder(r) for r in rows]

    def names(self, ids: Iterable[int | None]) -> dict[int | None, str]:
        """Display names of the given stakeholders (None and unknown ids are left out)."""
        wanted = sorted({i for i in ids if i is not None})
        if not wanted:
            return {}
        rows = self._all(
            f"SELECT id, display_name FROM stakeholders WHERE id IN ({placeholders(wanted)})",
            wanted,
        )
        return {r[0]: r[1] for r in rows}

    def count_stakeholders(self) -> int:
        """How many stakeholders exist."""
        return int(self._scalar("SELECT count(*) FROM stakeholders"))

    def group_sizes(self) -> dict[str, int]:
        """Members of each group that has any (pending requests are not members)."""
        rows = self._all("SELECT group_name, count(*) FROM stakeholder_groups GROUP BY group_name")
        return {str(r[0]): int(r[1]) for r in rows}

    def set_display_name(self, stakeholder_id: int, name: str) -> None:
        """Change how a person is shown."""
        self._all("UPDATE stakeholders SET display_name = ? WHERE id = ?", [name, stakeholder_id])

    def search_stakeholders(
        self,
        *,
        text: str = "",
        group: str | None = None,
        role: Role | None = None,
        status: AccountStatus | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[Stakeholder], int]:
        """People matching every given condition, by name; and how many match in all."""
        clauses, params = ["TRUE"], []
        if text:
            clauses.append(
                "(lower(s.display_name) LIKE ? ESCAPE '\\' OR CAST(s.id AS VARCHAR) = ?)"
            )
            params += [like_pattern(text), text.strip().lstrip("#")]
        if group:
            clauses.append(
                "s.id IN (SELECT stakeholder_id FROM stakeholder_groups WHERE group_name = ?)"
            )
            params.append(group)
        if role:
            clauses.append("s.id IN (SELECT stakeholder_id FROM stakeholder_roles WHERE role = ?)")
            params.append(role.value)
        if status:
            clauses.append("s.status = ?")
            params.append(status.value)
        where = " AND ".join(clauses)
        total = int(self._scalar(f"SELECT count(*) FROM stakeholders s WHERE {where}", params))
        rows = self._all(
            f"""SELECT s.id, s.display_name, s.status, s.created_at,
                    (SELECT string_agg(group_name, ',' ORDER BY group_name)
                       FROM stakeholder_groups WHERE stakeholder_id = s.id),
                    (SELECT string_agg(role, ',' ORDER BY role)
                       FROM stakeholder_roles WHERE stakeholder_id = s.id)
                FROM stakeholders s WHERE {where}
                ORDER BY s.display_name, s.id LIMIT ? OFFSET ?""",
            [*params, limit, offset],
        )
        return [_stakeholder(r) for r in rows], total

    def grants(self, stakeholder_id: int) -> tuple[list[Grant], list[Grant]]:
        """A person's group memberships and roles, each with where it came from."""
        rows = self._all(
            """SELECT 'group', group_name, source FROM stakeholder_groups
               WHERE stakeholder_id = ?
               UNION ALL
               SELECT 'role', role, source FROM stakeholder_roles WHERE stakeholder_id = ?
               ORDER BY 1, 2""",
            [stakeholder_id, stakeholder_id],
        )
        groups = [Grant(name=n, source=Source(s or "seed")) for k, n, s in rows if k == "group"]
        roles = [Grant(name=n, source=Source(s or "seed")) for k, n, s in rows if k == "role"]
        return groups, roles

    def add_group(self, stakeholder_id: int, group: str, source: Source) -> None:
        """Make a person a member of ``group``."""
        self._all(
            "INSERT INTO stakeholder_groups (stakeholder_id, group_name, source) VALUES (?, ?, ?)",
            [stakeholder_id, group, source.value],
        )
        Summaries(self.cursor).membership_changed(stakeholder_id, group, +1, datetime.now(UTC))

    def remove_group(self, stakeholder_id: int, group: str) -> None:
        """End a membership."""
        self._all(
            "DELETE FROM stakeholder_groups WHERE stakeholder_id = ? AND group_name = ?",
            [stakeholder_id, group],
        )
        Summaries(self.cursor).membership_changed(stakeholder_id, group, -1, datetime.now(UTC))

    def add_role(self, stakeholder_id: int, role: Role, source: Source) -> None:
        """Give a person a role."""
        self._all(
            "INSERT INTO stakeholder_roles (stakeholder_id, role, source) VALUES (?, ?, ?)",
            [stakeholder_id, role.value, source.value],
        )

    def remove_role(self, stakeholder_id: int, role: Role) -> None:
        """Take a role away."""
        self._all(
            "DELETE FROM stakeholder_roles WHERE stakeholder_id = ? AND role = ?",
            [stakeholder_id, role.value],
        )

    def count_with_role(self, role: Role) -> int:
        """How many active people hold ``role``."""
        return int(
            self._scalar(
                """SELECT count(*) FROM stakeholder_roles r
                   JOIN stakeholders s ON s.id = r.stakeholder_id
                   WHERE r.role = ? AND s.status = 'active'""",
                [role.value],
            )
        )

    def identity_owner(self, issuer: str, subject: str) -> int | None:
        """The stakeholder signed in as (issuer, subject), or None."""
        found = self._scalar(
            "SELECT stakeholder_id FROM identities WHERE issuer = ? AND subject = ?",
            [issuer, subject],
        )
        return None if found is None else int(found)

    def insert_identity(
        self, stakeholder_id: int, issuer: str, subject: str, provider: str, at: datetime
    ) -> None:
        """Link a new (issuer, subject) to a stakeholder."""
        self._all(
            "INSERT INTO identities (issuer, subject, stakeholder_id, provider, first_seen_at,"
            " last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
            [issuer, subject, stakeholder_id, provider, at, at],
        )

    def touch_identity(self, issuer: str, subject: str, at: datetime) -> None:
        """Record a sign-in."""
        self._all(
            "UPDATE identities SET last_seen_at = ? WHERE issuer = ? AND subject = ?",
            [at, issuer, subject],
        )

    def identities(self, stakeholder_id: int) -> list[LinkedIdentity]:
        """The sign-in identities linked to a person."""
        rows = self._all(
            "SELECT issuer, subject, provider, first_seen_at, last_seen_at FROM identities"
            " WHERE stakeholder_id = ? ORDER BY first_seen_at",
            [stakeholder_id],
        )
        return [
            LinkedIdentity(
                issuer=r[0], subject=r[1], provider=r[2], first_seen_at=r[3], last_seen_at=r[4]
            )
            for r in rows
        ]

    def insert_group_request(
        self, stakeholder_id: int, group: str, justification: str, at: datetime
    ) -> int:
        """Store a pending request and return its id."""
        new_id = int(self._scalar("SELECT nextval('group_request_ids')"))
        self._all(
            "INSERT INTO group_requests (id, stakeholder_id, group_name, justification, status,"
            " requested_at) VALUES (?, ?, ?, ?, 'pending', ?)",
            [new_id, stakeholder_id, group, justification, at],
        )
        return new_id

    def group_requests(
        self,
        *,
        status: RequestStatus | None = None,
        stakeholder_id: int | None = None,
        request_id: int | None = None,
        limit: int = 200,
    ) -> list[GroupRequest]:
        """Requests, oldest first, narrowed by status, person or id."""
        clauses, params = ["TRUE"], []
        for column, value in (
            ("r.status", status.value if status else None),
            ("r.stakeholder_id", stakeholder_id),
            ("r.id", request_id),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        rows = self._all(
            f"""SELECT {_REQUEST_COLUMNS} FROM group_requests r
                LEFT JOIN stakeholders s ON s.id = r.stakeholder_id
                WHERE {" AND ".join(clauses)} ORDER BY r.requested_at, r.id LIMIT ?""",
            [*params, limit],
        )
        return [_request(r) for r in rows]

    def decide_group_request(
        self,
        request_id: int,
        status: RequestStatus,
        *,
        by: int | None,
        at: datetime,
        reason: str,
    ) -> None:
        """Record the outcome of a pending request."""
        self._all(
            "UPDATE group_requests SET status = ?, decided_by = ?, decided_at = ?,"
            " decision_reason = ? WHERE id = ?",
            [status.value, by, at, reason, request_id],
        )

    def activity_counts(self, stakeholder_id: int) -> tuple[int, int, int]:
        """How many guidelines a person proposed, comments written and current ballots."""
        row = self._one(
            """SELECT (SELECT count(*) FROM guidelines WHERE author_id = ?),
                      (SELECT count(*) FROM comments WHERE author_id = ?),
                      (SELECT count(*) FROM votes WHERE stakeholder_id = ?)""",
            [stakeholder_id] * 3,
        )
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2])
