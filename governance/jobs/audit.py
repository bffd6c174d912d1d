"""Audit runs as jobs: each item has a batch of prompts answered and judged."""

from __future__ import annotations

from governance.auth import Action
from governance.jobs.kinds import register
from governance.jobs.model_runs import ModelRun

#: The kind's name (``governance.services.audits.AUDIT``).
AUDIT = "audit"


class Audit(ModelRun):
    """An audit run's unfinished prompts, answered and judged (``charter.audits``)."""

    name = AUDIT
    title = "Audit run"
    permission = Action.RUN_AUDITS
    service = "audits"


register(Audit())
