"""Revision runs as jobs: each item takes a batch of prompts through critique -> revision."""

from __future__ import annotations

from governance.auth import Action
from governance.jobs.kinds import register
from governance.jobs.model_runs import ModelRun

#: The kind's name (``governance.services.revisions.REVISE``).
REVISE = "revise"


class Revise(ModelRun):
    """A revision run's unfinished prompts through the loop (``charter.revisions``)."""

    name = REVISE
    title = "Model revision run"
    permission = Action.RUN_MODELS
    service = "revisions"
    # Items planned before "replace" existed replace, as every item did then.
    replace_unless_said = True


register(Revise())
