"""The event log, read: what happened, by whom, when and why. Reached as ``charter.events``.

Every area appends to the log inside its own transactions; this area only reads it.
"""

from __future__ import annotations

from governance.events import Event, EventAction
from governance.services.base import UseCases


class EventLog(UseCases):
    """Read the append-only event log."""

    def entries(
        self,
        *,
        subject: str | None = None,
        actions: tuple[EventAction, ...] = (),
        limit: int = 100,
        oldest_first: bool = False,
    ) -> list[Event]:
        """Entries by time, newest first unless ``oldest_first``.

        Args:
            subject: Only entries about this (``G-0007``, ``stakeholder:12``, ``job:3``).
            actions: Only these actions.
            limit: At most this many.
            oldest_first: Order from the oldest.
        """
        with self.db.read() as tx:
            return tx.events.find(
                subject=subject, actions=actions, limit=limit, ascending=oldest_first
            )
