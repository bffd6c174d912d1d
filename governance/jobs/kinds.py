"""Job kinds: what a kind of job plans, does slowly, and commits; and the registry of kinds.

A kind is registered once, by name, with ``register`` (the way inspect_ai registers model
providers); tests register their own kinds through the same function.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from governance.auth import Action
from governance.jobs.models import JSONObject

if TYPE_CHECKING:
    from governance.services import Charter
    from governance.storage import Tx


class JobKind:
    """A kind of job. Subclass it, set the attributes, and ``register`` an instance.

    The work of a job is split into items when it starts (``plan``). Each item is then
    claimed by a runner, which calls ``work`` with no transaction open and no lock held
    (model calls, file renders), then ``commit`` inside the item's own transaction, which
    also marks the item done: an item's effect is committed exactly once.
    """

    name: str = ""
    """The stable name jobs are stored under, e.g. ``close-due``."""
    title: str = ""
    """What people see, e.g. ``Close due votes``."""
    permission: Action | None = None
    """What a person needs to start or cancel one (None: only the system or the operator)."""
    max_attempts: int = 3
    """How many times an item is tried before it is marked failed."""
    exclusive: bool = False
    """Whether at most one job of the kind may be queued or running at a time."""

    def plan(self, ctx: Charter, tx: Tx, params: JSONObject) -> list[JSONObject]:
        """Split the work into items, inside the transaction that creates the job.

        Keep it to queries: the write lock is held. Raise ``ValidationFailed`` for bad
        ``params``; an empty list makes a job that is done at once.

        Args:
            ctx: The use cases.
            tx: The creating transaction.
            params: What the job was started with.

        Returns:
            Each item's parameters (JSON objects), in the order they should run.
        """
        raise NotImplementedError

    def work(self, ctx: Charter, params: JSONObject) -> object:
        """Do the slow part of one item, outside any transaction; by default nothing.

        Args:
            ctx: The use cases.
            params: The item's parameters.

        Returns:
            Whatever ``commit`` needs; it is not stored.
        """
        return None

    def commit(
        self, ctx: Charter, tx: Tx, params: JSONObject, output: object, at: datetime
    ) -> JSONObject:
        """Write one item's effect inside its transaction; raising rolls all of it back.

        Args:
            ctx: The use cases.
            tx: The item's transaction.
            params: The item's parameters.
            output: What ``work`` returned.
            at: The time of the commit (UTC).

        Returns:
            The result stored on the item; its ``message``, if any, becomes the job's.
        """
        raise NotImplementedError


#: Every registered kind, by name.
KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    """Make ``kind`` available to start and to run, under ``kind.name``.

    Raises:
        ValueError: The name is empty, or another kind is registered under it.
    """
    if not kind.name or not kind.title:
        raise ValueError(f"a job kind needs a name and a title: {kind!r}")
    known = KINDS.get(kind.name)
    if known is not None and known is not kind:
        raise ValueError(f"another job kind is registered as {kind.name!r}")
    KINDS[kind.name] = kind
    return kind
