"""Revisions: a release's principles run on a chat model, and the training data they make.

Reached as ``charter.revisions``. A run takes each prompt through critique -> revision.

A run is a job (kind ``revise``): its prompts are split into items of ``concurrency``
prompts; a runner works an item with no transaction open (the model calls), then stores
its results in one transaction. Every call's reply is kept in the cache of model calls, so
a run resumed after a crash, a cancel or a failing model repeats no call that was answered.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from governance.auth import Action
from governance.config import Settings
from governance.errors import NotFound, ValidationFailed
from governance.events import EventAction
from governance.models import Stakeholder
from governance.revision.datasets import Dataset, DatasetFormat, Rules, build, card
from governance.revision.pipeline import (
    PromptOutcome,
    RevisionPrinciple,
    Sampling,
    choose_principles,
    revise,
)
from governance.revision.prompts import PromptSet, builtin_prompt_set
from governance.services.base import Clock, UseCases, utc_now
from governance.services.prompt_pool import PromptPool, plan_items
from governance.services.revision_screens import RunDetail, principle_stats
from governance.storage import Database, Tx
from governance.storage.revisions import NewResult, PromptRow, RunRow, StepRow
from governance.validation import parse_reason

if TYPE_CHECKING:
    from governance.services.constitution import Constitutions
    from governance.services.jobs import Jobs
    from governance.services.models import Models

#: The job kind of a run.
REVISE = "revise"
#: Most rounds a run may ask for.
ROUNDS_MAX = 16
#: The fewest prompts in an item (``prompt_pool.plan_items``): each item costs a few
#: statements to claim and commit, and an item cut short by a crash is worked again from the
#: cache of model calls.
ITEM_PROMPTS_MIN = 32


def run_subject(run_id: int) -> str:
    """A run's subject in the event log."""
    return f"revision-run:{run_id}"


class Revisions(UseCases):
    """Revision runs and their datasets. Reached as ``charter.revisions``."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        clock: Clock = utc_now,
        models: Models,
        constitution: Constitutions,
        jobs: Jobs,
    ) -> None:
        """Bind runs to the models, the releases and the job runner."""
        super().__init__(db, settings, clock=clock)
        self.models = models
        self.constitution = constitution
        self.jobs = jobs
        self._settled: dict[int, RunRow] = {}
        self._pool = PromptPool("charter-revise")

    # -- what people do -------------------------------------------------------------------

    def start(
        self,
        actor: Stakeholder | None,
        *,
        release: str,
        model: str,
        prompts: PromptSet | None = None,
        rounds: int = 2,
        sampling: str = Sampling.RANDOM.value,
        concurrency: int | None = None,
        seed: str = "",
    ) -> RunRow:
        """Start a revision run (stewards; None: the operator).

        Args:
            actor: Who starts it.
            release: A release version, or ``latest``.
            model: A registered model's name.
            prompts: The prompt set (default: the built-in one).
            rounds: Critique -> revision rounds per prompt (``random`` sampling).
            sampling: ``random`` (seeded) or ``priority`` (every principle once).
            concurrency: Prompts at once (default: the model's own).
            seed: Seeds the random choice of principles (default: a fresh one, recorded).

        Raises:
            ValidationFailed: Unknown release or model, bad rounds, sampling or concurrency.
            NotAllowed: The person may not run models.
        """
        problems: dict[str, str] = {}
        spec = None
        try:
            spec = self.models.spec(model)
        except ValidationFailed as exc:
            problems.update(exc.errors)
        try:
            how = Sampling(sampling)
        except ValueError:
            problems["sampling"] = f"unknown sampling {sampling!r}; use random or priority"
            how = Sampling.RANDOM
        if not 1 <= rounds <= ROUNDS_MAX:
            problems["rounds"] = f"must be 1 to {ROUNDS_MAX}"
        if concurrency is not None and not 1 <= concurrency <= 64:
            problems["concurrency"] = "must be 1 to 64"
        try:
            info = self.constitution.release(release)
        except NotFound as exc:
            problems["release"] = exc.message
            info = None
        if problems:
            raise ValidationFailed(problems)
        assert spec is not None and info is not None
        constitution = info.constitution
        if not constitution.principles:
            raise ValidationFailed({"release": f"release {info.row.version} has no principles"})
        prompt_set = prompts or builtin_prompt_set()
        principles = [
            {
                "id": p.id,
                "title": p.title,
                "critique_request": p.critique_request,
                "revision_request": p.revision_request,
                "comparison_prompt": p.comparison_prompt,
                "guideline_id": p.provenance.guideline_id,
            }
            for p in sorted(constitution.principles, key=lambda p: p.priority)
        ]
        rows = [
            PromptRow(i, p.id, p.text, p.category, p.language, p.kind)
            for i, p in enumerate(prompt_set.prompts)
        ]
        now = self.clock()
        with self.db.transaction() as tx:
            actor_id = self._actor_id(tx, actor, Action.RUN_MODELS)
            run_id = tx.revisions.insert_run(
                release_version=info.row.version,
                release_hash=info.row.content_hash,
                principles=principles,
                model_name=spec.name,
                model_settings=spec.public(),
                prompt_set=prompt_set.name,
                prompt_set_hash=prompt_set.content_hash,
                rounds=len(principles) if how is Sampling.PRIORITY else rounds,
                sampling=how.value,
                seed=seed or secrets.token_hex(4),
                concurrency=concurrency or spec.concurrency,
                prompts=rows,
                created_by=actor_id,
                at=now,
            )
            self._log(
                tx,
                actor_id=actor_id,
                action=EventAction.REVISION_STARTED,
                subject=run_subject(run_id),
                at=now,
                after={
                    "release": info.row.version,
                    "model": spec.name,
                    "prompts": len(rows),
                    "prompt_set": prompt_set.name,
                },
            )
            self._start_job(tx, run_id, actor_id, now)
            run = tx.revisions.run(run_id)
        self.jobs.notify()
        assert run is not None
        return run

    def resume(self, actor: Stakeholder | None, run_id: int) -> RunRow:
        """Run again the prompts of a run that have no result yet or whose try failed.

        Answered calls come from the cache: nothing finished is repeated.

        Raises:
            NotFound: No such run.
            ValidationFailed: The run is still under way, or nothing is left to do.
        """
        now = self.clock()
        with self.db.transaction() as tx:
            actor_id = self._actor_id(tx, actor, Action.RUN_MODELS)
            run = self._run(tx, run_id)
            if run.job_status in ("queued", "running"):
                raise ValidationFailed({"run": f"run {run_id} is still under way"})
            if not tx.revisions.unfinished_positions(run_id):
                raise ValidationFailed({"run": f"run {run_id} has nothing left to do"})
            self._log(
                tx,
                actor_id=actor_id,
                action=EventAction.REVISION_RESUMED,
                subject=run_subject(run_id),
                at=now,
            )
            self._start_job(tx, run_id, actor_id, now)
            resumed = tx.revisions.run(run_id)
        self.jobs.notify()
        assert resumed is not None
        return resumed

    def runs(self, limit: int = 100) -> list[RunRow]:
        """The latest runs first."""
        with self.db.read() as tx:
            return tx.revisions.runs(limit)

    def run(self, run_id: int) -> RunDetail:
        """A run, its results and its per-principle statistics."""
        with self.db.read() as tx:
            run = self._run(tx, run_id)
            results = tx.revisions.results(run_id)
        principles = tuple({k: str(v) for k, v in p.items()} for p in run.principles)
        return RunDetail(run, tuple(results), principles, principle_stats(run, results))

    def exclude(
        self,
        actor: Stakeholder | None,
        run_id: int,
        position: int,
        reason: str,
        *,
        excluded: bool = True,
    ) -> None:
        """Leave a row out of the run's datasets (or put it back), with a reason.

        Raises:
            ValidationFailed: No reason, or no such row.
        """
        why = parse_reason(reason, required=True)
        now = self.clock()
        with self.db.transaction() as tx:
            actor_id = self._actor_id(tx, actor, Action.RUN_MODELS)
            self._run(tx, run_id)
            if not tx.revisions.prompts(run_id, [position]):
                raise ValidationFailed({"row": f"run {run_id} has no prompt {position + 1}"})
            tx.revisions.record_exclusion(
                run_id, position, excluded=excluded, reason=why, actor_id=actor_id, at=now
            )
            self._log(
                tx,
                actor_id=actor_id,
                action=EventAction.DATASET_ROW_EXCLUDED
                if excluded
                else EventAction.DATASET_ROW_RESTORED,
                subject=run_subject(run_id),
                at=now,
                reason=why,
                after={"row": position + 1},
            )

    def dataset(
        self, run_id: int, fmt: str, rules: Rules | None = None, *, file_name: str = ""
    ) -> tuple[Dataset, str]:
        """A run's training data in ``fmt`` (sft, preference, feedback) and its card.

        Raises:
            ValidationFailed: Unknown format.
            NotFound: No such run.
        """
        try:
            kind = DatasetFormat(fmt)
        except ValueError:
            known = ", ".join(f.value for f in DatasetFormat)
            raise ValidationFailed({"format": f"unknown format {fmt!r}; one of {known}"}) from None
        detail = self.run(run_id)
        comparisons = {p["id"]: p.get("comparison_prompt", "") for p in detail.principles}
        data = build(kind, detail.run, detail.results, comparisons, rules)
        name = file_name or f"run-{run_id}-{kind.value}.jsonl"
        return data, card(data, detail.run, name)

    # -- the job --------------------------------------------------------------------------

    def plan(self, tx: Tx, run_id: int) -> list[dict[str, object]]:
        """The items of a run's job: its unfinished prompts, in small batches."""
        run = self._run(tx, run_id)
        todo = tx.revisions.unfinished(run_id)
        return plan_items(run_id, todo, run.concurrency, ITEM_PROMPTS_MIN)

    def work(self, run_id: int, positions: Sequence[int]) -> list[tuple[int, PromptOutcome | str]]:
        """Take prompts through the loop at once, with no transaction open.

        Returns:
            Each position's outcome, or its error as one line.
        """
        with self.db.read() as tx:
            run = self._settled.get(run_id) or self._run(tx, run_id)
            self._settled[run_id] = run  # what work reads of a run never changes
            prompts = tx.revisions.prompts(run_id, list(positions))
        client = self.models.client(run.model_name)
        principles = [
            RevisionPrinciple(p["id"], p["title"], p["critique_request"], p["revision_request"])
            for p in run.principles
        ]

        def one(prompt: PromptRow) -> PromptOutcome:
            chosen = choose_principles(
                principles,
                run.rounds,
                Sampling(run.sampling),
                f"{run.seed}:{prompt.prompt_id}:{prompt.position}",
            )
            return revise(client, prompt.text, chosen)

        return self._pool.each(run.id, run.concurrency, prompts, one)

    def commit(
        self,
        tx: Tx,
        run_id: int,
        outcomes: Sequence[tuple[int, PromptOutcome | str]],
        *,
        replace: bool = True,
    ) -> dict[str, object]:
        """Store an item's results in its transaction; the item's result summarises them."""
        results = [
            NewResult(position, None, None, outcome)
            if isinstance(outcome, str)
            else NewResult(
                position,
                outcome.initial,
                outcome.final,
                None,
                outcome.input_tokens,
                outcome.output_tokens,
                outcome.ms,
                outcome.calls,
                outcome.cached_calls,
                tuple(
                    StepRow(
                        s.round,
                        s.principle_id,
                        s.outcome.value,
                        s.critique,
                        s.before,
                        s.revision,
                        s.parse_error,
                        s.input_tokens,
                        s.output_tokens,
                        s.ms,
                        s.calls,
                        s.cached_calls,
                    )
                    for s in outcome.steps
                ),
            )
            for position, outcome in outcomes
        ]
        tx.revisions.save_results(run_id, results, self.clock(), replace=replace)
        self.models.write_replies(tx)  # the calls behind these results, kept with them
        failed = sum(1 for r in results if r.error is not None)
        done = len(outcomes) - failed
        message = f"run {run_id}: {done} prompt(s) revised" + (
            f", {failed} failed (resume the run to try them again)" if failed else ""
        )
        return {"run": run_id, "done": done, "failed": failed, "message": message}

    # -- inside ---------------------------------------------------------------------------

    def _start_job(self, tx: Tx, run_id: int, actor_id: int | None, at: object) -> None:
        job = self.jobs.create_in(tx, REVISE, {"run": run_id}, actor_id)
        tx.revisions.attach_job(run_id, job.id)

    @staticmethod
    def _run(tx: Tx, run_id: int) -> RunRow:
        run = tx.revisions.run(run_id)
        if run is None:
            raise NotFound(f"no revision run {run_id}")
        return run


__all__ = ["REVISE", "Revisions", "RunDetail", "run_subject"]
