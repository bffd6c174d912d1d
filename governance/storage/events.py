"""Queries about the event log: appended to, never changed."""

from __future__ import annotations

import json
from collections.abc import Sequence

from governance.events import Event
from governance.storage.base import Queries, placeholders


def _dump(value: dict[str, object] | None) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


class EventQueries(Queries):
    """The append-only event log."""

    def append(self, event: Event) -> None:
        """Append to the event log."""
        self.append_all([event])

    def append_all(self, events: Sequence[Event]) -> None:
        """Append several entries to the event log, in order."""
        self._many(
            "INSERT INTO events (id, schema_version, occurred_at, actor_id, action, subject,"
            " reason, before_state, after_state)"
            " VALUES (nextval('event_ids'), ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    e.schema_version,
                    e.at,
                    e.actor_id,
                    e.action,
                    e.subject,
                    e.reason,
                    _dump(e.before),
                    _dump(e.after),
                )
                for e in events
            ],
        )

    def find(
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
            clauses.append(f"action IN ({placeholders(actions)})")
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
