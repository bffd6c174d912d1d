"""The first scheduled job: close every vote whose window has ended, one guideline per item."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from governance.auth import Action
from governance.jobs.kinds import JobKind, register
from governance.jobs.models import JSONObject

if TYPE_CHECKING:
    from governance.services import Charter
    from governance.storage import Tx

#: The kind's name, as stored and as the scheduler and the command line start it.
CLOSE_DUE = "close-due"


class CloseDue(JobKind):
    """Decide each guideline whose voting window has ended, as the system.

    Nothing is slow here: the decision (tally, new status, decision record, event log) is
    written in the item's transaction, together with the item's done mark.
    """

    name = CLOSE_DUE
    title = "Close due votes"
    permission = Action.CLOSE_VOTING
    exclusive = True

    def plan(self, ctx: Charter, tx: Tx, params: JSONObject) -> list[JSONObject]:
        """One item per guideline whose window has ended."""
        return [{"guideline": gid} for gid in tx.guidelines.voting_due(ctx.clock())]

    def commit(
        self, ctx: Charter, tx: Tx, params: JSONObject, output: object, at: datetime
    ) -> JSONObject:
        """Decide the guideline; one no longer due (decided or amended since) is skipped."""
        gid = str(params["guideline"])
        decided = ctx.guidelines.decide_due(tx, gid, at)
        if decided is None:
            return {"guideline": gid, "outcome": None, "message": f"{gid} skipped: not due"}
        outcome = decided.status.value
        return {"guideline": gid, "outcome": outcome, "message": f"{gid} {outcome}"}


register(CloseDue())
