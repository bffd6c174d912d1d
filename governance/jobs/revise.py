"""Revision runs as jobs: each item takes a batch of prompts through critique -> revision."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from governance.auth import Action
from governance.jobs.kinds import JobKind, register
from governance.jobs.models import JSONObject

if TYPE_CHECKING:
    from governance.services import Charter
    from governance.storage import Tx

#: The kind's name (``governance.services.revisions.REVISE``).
REVISE = "revise"


class Revise(JobKind):
    """Take a run's unfinished prompts through the loop, a batch of prompts per item.

    ``work`` makes the model calls with no transaction open; ``commit`` stores the item's
    results. A prompt whose model failed is stored as failed and the item still commits,
    so one bad answer never costs the others; resuming the run tries it again.
    """

    name = REVISE
    title = "Model revision run"
    permission = Action.RUN_MODELS
    max_attempts = 3

    def plan(self, ctx: Charter, tx: Tx, params: JSONObject) -> list[JSONObject]:
        """The run's unfinished prompts, in small batches (``Revisions.plan``)."""
        return ctx.revisions.plan(tx, _run(params))

    def work(self, ctx: Charter, params: JSONObject) -> object:
        """The model calls of the item's prompts, with no transaction open."""
        positions = params.get("positions")
        assert isinstance(positions, list)
        return ctx.revisions.work(_run(params), [int(p) for p in positions])

    def commit(
        self, ctx: Charter, tx: Tx, params: JSONObject, output: object, at: datetime
    ) -> JSONObject:
        """Store the item's results."""
        assert isinstance(output, list)
        # Items planned before "replace" existed replace, as every item did then.
        return ctx.revisions.commit(
            tx, _run(params), output, replace=params.get("replace") is not False
        )


def _run(params: JSONObject) -> int:
    run = params.get("run")
    if not isinstance(run, int):
        raise ValueError(f"a revision job needs a run id, not {run!r}")
    return run


register(Revise())
