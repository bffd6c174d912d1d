"""Audit runs as jobs: each item has a batch of prompts answered and judged."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from governance.auth import Action
from governance.jobs.kinds import JobKind, register
from governance.jobs.models import JSONObject

if TYPE_CHECKING:
    from governance.services import Charter
    from governance.storage import Tx

#: The kind's name (``governance.services.audits.AUDIT``).
AUDIT = "audit"


class Audit(JobKind):
    """Answer and judge a run's unfinished prompts, a batch per item.

    ``work`` makes the model calls with no transaction open; ``commit`` stores the item's
    answers and verdicts. A prompt whose model or judge failed is stored as failed and the
    item still commits; resuming the run tries it again.
    """

    name = AUDIT
    title = "Audit run"
    permission = Action.RUN_AUDITS
    max_attempts = 3

    def plan(self, ctx: Charter, tx: Tx, params: JSONObject) -> list[JSONObject]:
        """The run's unfinished prompts, in small batches (``Audits.plan``)."""
        return ctx.audits.plan(tx, _run(params))

    def work(self, ctx: Charter, params: JSONObject) -> object:
        """The model and judge calls of the item's prompts, with no transaction open."""
        positions = params.get("positions")
        assert isinstance(positions, list)
        return ctx.audits.work(_run(params), [int(p) for p in positions])

    def commit(
        self, ctx: Charter, tx: Tx, params: JSONObject, output: object, at: datetime
    ) -> JSONObject:
        """Store the item's answers and verdicts."""
        assert isinstance(output, list)
        return ctx.audits.commit(tx, _run(params), output, replace=params.get("replace") is True)


def _run(params: JSONObject) -> int:
    run = params.get("run")
    if not isinstance(run, int):
        raise ValueError(f"an audit job needs a run id, not {run!r}")
    return run


register(Audit())
