"""Runs of prompts on models as jobs: each item takes a batch of a run's prompts.

A revision run (kind ``revise``) and an audit run (kind ``audit``) are worked alike: their
service plans the items (the run's unfinished prompts in batches), ``work`` makes the model
calls with no transaction open, and ``commit`` stores the item's results. A prompt whose
model failed is stored as failed and the item still commits, so one bad answer never costs
the others; resuming the run tries it again.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from governance.jobs.kinds import JobKind
from governance.jobs.models import JSONObject

if TYPE_CHECKING:
    from governance.services import Charter
    from governance.storage import Tx


class ModelRun(JobKind):
    """A kind whose work is a run of a service with ``plan``, ``work`` and ``commit``."""

    service: str = ""
    """The ``Charter`` attribute that holds the runs (``revisions``, ``audits``)."""
    replace_unless_said: bool = False
    """Whether an item planned without a ``replace`` flag replaces stored tries."""
    max_attempts = 3

    def plan(self, ctx: Charter, tx: Tx, params: JSONObject) -> list[JSONObject]:
        """The run's unfinished prompts, in small batches."""
        items: list[JSONObject] = self._runs(ctx).plan(tx, self._run(params))
        return items

    def work(self, ctx: Charter, params: JSONObject) -> object:
        """The model calls of the item's prompts, with no transaction open."""
        positions = params.get("positions")
        assert isinstance(positions, list)
        return self._runs(ctx).work(self._run(params), [int(p) for p in positions])

    def commit(
        self, ctx: Charter, tx: Tx, params: JSONObject, output: object, at: datetime
    ) -> JSONObject:
        """Store the item's results."""
        assert isinstance(output, list)
        said = params.get("replace")
        replace = said is True or (said is None and self.replace_unless_said)
        result: JSONObject = self._runs(ctx).commit(tx, self._run(params), output, replace=replace)
        return result

    def _runs(self, ctx: Charter) -> Any:
        return getattr(ctx, self.service)

    def _run(self, params: JSONObject) -> int:
        run = params.get("run")
        if not isinstance(run, int):
            raise ValueError(f"a {self.name} job needs a run id, not {run!r}")
        return run
