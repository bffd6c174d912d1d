"""Audits: a suite's prompts answered by a model and judged per principle; imported logs.

Reached as ``charter.audits``. A run is a job (kind ``audit``) shaped like a revision run:
its prompts go in items, a runner works an item with no transaction open (the audited
model answers, the judge gives a verdict per tagged principle), then stores its results in
one transaction. Every reply is kept in the cache of model calls, so a run resumed after
a crash, a cancel or a judge that timed out repeats no answered call.

Logs written by Inspect AI and promptfoo are imported as runs too (``source``), so their
scores are reported, charted and reviewed like Charter's own verdicts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from governance.audit.interop.model import (
    DEFAULT_KEY,
    map_scores,
    paused_gc,
)
from governance.audit.judge import AuditOutcome, JudgedPrinciple, audit_prompt
from governance.audit.suites import AuditSuite, builtin_suites, parse_suite_file
from governance.auth import Action
from governance.config import Settings
from governance.errors import NotFound, ValidationFailed
from governance.events import EventAction
from governance.models import Stakeholder
from governance.services.audit_screens import (
    AuditRunDetail,
    ImportReport,
    SuiteInfo,
    export_file,
    imported_rows,
    new_response,
    parse_mapping,
    read_log,
    release_principles,
    stored_suite,
    suite_info,
)
from governance.services.base import Clock, UseCases, utc_now
from governance.services.prompt_pool import PromptPool, plan_items
from governance.storage import Database, Tx
from governance.storage.audits import AuditPromptRow, AuditRunRow
from governance.text import clean_text

if TYPE_CHECKING:
    from governance.services.constitution import Constitutions
    from governance.services.jobs import Jobs
    from governance.services.models import Models

#: The job kind of a run.
AUDIT = "audit"
#: The fewest prompts in an item (see ``governance.services.revisions``).
ITEM_PROMPTS_MIN = 16
#: The formats a log is imported from and a suite exported to.
TOOLS = ("inspect", "promptfoo")
#: Unmapped labels named in a refusal or an event.
LABELS_SHOWN = 10


def run_subject(run_id: int) -> str:
    """A run's subject in the event log."""
    return f"audit-run:{run_id}"


class Audits(UseCases):
    """Audit suites, runs and imports. Reached as ``charter.audits``."""

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
        """Bind audits to the models, the releases and the job runner."""
        super().__init__(db, settings, clock=clock)
        self.models = models
        self.constitution = constitution
        self.jobs = jobs
        self._settled: dict[int, AuditRunRow] = {}
        self._pool = PromptPool("charter-audit")

    # -- suites ---------------------------------------------------------------------------

    def suites(self) -> list[SuiteInfo]:
        """The built-in suites, then every stored one (its latest version)."""
        listed = [suite_info(s, builtin=True) for s in builtin_suites()]
        with self.db.read() as tx:
            names = [row[0] for row in tx.audits.suites()]
        listed += [suite_info(self.suite(name), builtin=False) for name in names]
        return listed

    def suite(self, name: str, version: int | None = None) -> AuditSuite:
        """A suite by name (its latest version, or ``version``).

        Raises:
            NotFound: No such suite or version.
        """
        for suite in builtin_suites():
            if suite.name == name and version in (None, suite.version):
                return suite
        with self.db.read() as tx:
            row = tx.audits.suite(name, version)
        if row is None:
            which = f"{name!r}" if version is None else f"{name!r} version {version}"
            raise NotFound(f"no audit suite {which}")
        return stored_suite(row)

    def add_suite(
        self,
        actor: Stakeholder | None,
        data: bytes,
        *,
        name: str,
        fmt: str | None = None,
        description: str = "",
    ) -> AuditSuite:
        """Store a suite read from a CSV or JSONL file, as a new version of ``name``.

        The same prompts as the suite's latest version store nothing and return that one.

        Raises:
            ValidationFailed: The file (by line), the name or the description is wrong.
            NotAllowed: The person may not run audits.
        """
        if name.strip() in {s.name for s in builtin_suites()}:
            raise ValidationFailed({"name": f"{name.strip()!r} is a built-in suite's name"})
        about = ""
        if description.strip():
            try:
                about = clean_text(description, max_length=500, multiline=False)
            except ValueError as exc:
                raise ValidationFailed({"description": str(exc)}) from None
        parsed = parse_suite_file(
            data, name=name, categories=self.settings.categories, fmt=fmt, description=about
        )
        now = self.clock()
        with self.db.transaction() as tx:
            actor_id = self._actor_id(tx, actor, Action.RUN_AUDITS)
            latest = tx.audits.suite(parsed.name)
            if latest is not None and latest.content_hash == parsed.content_hash:
                return AuditSuite(parsed.name, parsed.prompts, latest.version, latest.description)
            version = 1 if latest is None else latest.version + 1
            tx.audits.insert_suite(
                name=parsed.name,
                version=version,
                content_hash=parsed.content_hash,
                description=about,
                prompts=[p.row() for p in parsed.prompts],
                created_by=actor_id,
                at=now,
            )
            self._log(
                tx,
                actor_id=actor_id,
                action=EventAction.AUDIT_SUITE_ADDED,
                subject=f"audit-suite:{parsed.name}",
                at=now,
                after={"version": version, "prompts": len(parsed.prompts)},
            )
        return AuditSuite(parsed.name, parsed.prompts, version, about)

    # -- runs -----------------------------------------------------------------------------

    def start(
        self,
        actor: Stakeholder | None,
        *,
        suite: str,
        release: str,
        model: str,
        judge: str | None = None,
        concurrency: int | None = None,
        suite_version: int | None = None,
    ) -> AuditRunRow:
        """Start an audit run (auditors and stewards; None: the operator).

        Args:
            actor: Who starts it.
            suite: The suite's name.
            release: A release version, or ``latest``.
            model: The registered model under audit.
            judge: The registered model that judges (default: ``model`` itself).
            concurrency: Prompts at once (default: the audited model's own).
            suite_version: A suite version (default: its latest).

        Raises:
            ValidationFailed: Unknown suite, release or model; a suite testing principles
                the release does not hold (named); a bad concurrency.
            NotAllowed: The person may not run audits.
        """
        problems: dict[str, str] = {}
        specs = {}
        for field, name in (("model", model), ("judge", judge or model)):
            try:
                specs[field] = self.models.spec(name)
            except ValidationFailed as exc:
                problems[field] = next(iter(exc.errors.values()))
        if concurrency is not None and not 1 <= concurrency <= 64:
            problems["concurrency"] = "must be 1 to 64"
        chosen: AuditSuite | None = None
        try:
            chosen = self.suite(suite, suite_version)
        except NotFound as exc:
            problems["suite"] = exc.message
        try:
            info = self.constitution.release(release)
        except NotFound as exc:
            problems["release"] = exc.message
            info = None
        if info is not None and chosen is not None:
            outside = chosen.outside([p.id for p in info.constitution.principles])
            if outside:
                problems["suite"] = (
                    f"suite {chosen.name} (version {chosen.version}) tests principles that"
                    f" release {info.row.version} does not hold: {', '.join(outside)}"
                )
        if problems:
            raise ValidationFailed(problems)
        assert info is not None and chosen is not None
        rows = [
            AuditPromptRow(i, p.id, p.text, p.principle_ids, p.category, p.language, p.kind)
            for i, p in enumerate(chosen.prompts)
        ]
        now = self.clock()
        with self.db.transaction() as tx:
            actor_id = self._actor_id(tx, actor, Action.RUN_AUDITS)
            run_id = tx.audits.insert_run(
                source="charter",
                origin="",
                release_version=info.row.version,
                release_hash=info.row.content_hash,
                principles=release_principles(info.constitution),
                model_name=specs["model"].name,
                model_settings=specs["model"].public(),
                judge_name=specs["judge"].name,
                judge_settings=specs["judge"].public(),
                suite_name=chosen.name,
                suite_version=chosen.version,
                suite_hash=chosen.content_hash,
                concurrency=concurrency or specs["model"].concurrency,
                prompts=rows,
                created_by=actor_id,
                at=now,
            )
            self._log(
                tx,
                actor_id=actor_id,
                action=EventAction.AUDIT_STARTED,
                subject=run_subject(run_id),
                at=now,
                after={
                    "release": info.row.version,
                    "model": specs["model"].name,
                    "judge": specs["judge"].name,
                    "suite": f"{chosen.name}@{chosen.version}",
                    "prompts": len(rows),
                },
            )
            self._start_job(tx, run_id, actor_id)
            run = tx.audits.run(run_id)
        self.jobs.notify()
        assert run is not None
        return run

    def resume(self, actor: Stakeholder | None, run_id: int) -> AuditRunRow:
        """Run again the prompts of a run with no result yet or whose try failed.

        Raises:
            NotFound: No such run.
            ValidationFailed: An imported run, one still under way, or nothing left to do.
        """
        now = self.clock()
        with self.db.transaction() as tx:
            actor_id = self._actor_id(tx, actor, Action.RUN_AUDITS)
            run = self._run(tx, run_id)
            if run.source != "charter":
                raise ValidationFailed({"run": f"run {run_id} was imported; nothing to resume"})
            if run.job_status in ("queued", "running"):
                raise ValidationFailed({"run": f"run {run_id} is still under way"})
            if not tx.audits.unfinished(run_id):
                raise ValidationFailed({"run": f"run {run_id} has nothing left to do"})
            self._log(
                tx,
                actor_id=actor_id,
                action=EventAction.AUDIT_RESUMED,
                subject=run_subject(run_id),
                at=now,
            )
            self._start_job(tx, run_id, actor_id)
            resumed = tx.audits.run(run_id)
        self.jobs.notify()
        assert resumed is not None
        return resumed

    def runs(self, limit: int = 100, *, model: str | None = None) -> list[AuditRunRow]:
        """The latest runs first."""
        with self.db.read() as tx:
            return tx.audits.runs(limit, model=model)

    def run(self, run_id: int) -> AuditRunDetail:
        """A run with its verdicts and per-principle figures.

        Raises:
            NotFound: No such run.
        """
        with self.db.read() as tx:
            run = self._run(tx, run_id)
            verdicts = tx.audit_reviews.verdicts(run_id)
            counts = [c for _, c in tx.audit_reviews.counts_by_run([run_id])]
        return AuditRunDetail(run, tuple(verdicts), tuple(counts))

    # -- imports and exports ----------------------------------------------------------------

    def import_log(
        self,
        actor: Stakeholder | None,
        data: bytes,
        fmt: str,
        *,
        release: str = "latest",
        key: str = DEFAULT_KEY,
        mapping: Mapping[str, str] | None = None,
        file_name: str = "",
    ) -> ImportReport:
        """Store an Inspect AI log or promptfoo results as a run, its scores as verdicts.

        Scores map to principles of ``release`` through ``mapping``, else their label
        (the sample metadata ``key``, or the promptfoo metric) as written. Scores that map
        to none are returned, never dropped silently; a file where none maps is refused.

        Raises:
            ValidationFailed: Unknown format, a file the reader refuses (under ``file``),
                nothing that maps, a file imported before.
            NotAllowed: The person may not run audits.
        """
        if fmt not in TOOLS:
            raise ValidationFailed({"format": f"unknown format {fmt!r}; one of {', '.join(TOOLS)}"})
        try:
            info = self.constitution.release(release)
        except NotFound as exc:
            raise ValidationFailed({"release": exc.message}) from None
        known = {p.id for p in info.constitution.principles}
        with paused_gc():
            log = read_log(data, fmt, key)
            mapped, unmapped = map_scores(log.scores, mapping or {}, known)
        if not mapped:
            labels = sorted({s.label for s in unmapped})
            shown = ", ".join(repr(label) for label in labels[:LABELS_SHOWN])
            more = f" and {len(labels) - LABELS_SHOWN} more" if len(labels) > LABELS_SHOWN else ""
            raise ValidationFailed(
                {
                    "file": f"none of the {len(log.scores):,} scores maps to a principle of"
                    f" release {info.row.version} (labels found: {shown or 'none'}{more});"
                    " give a mapping file from these labels to principle ids"
                }
            )
        digest = hashlib.sha256(data).hexdigest()
        with paused_gc():
            prompts, responses = imported_rows(mapped)
        now = self.clock()
        with self.db.transaction() as tx:
            actor_id = self._actor_id(tx, actor, Action.RUN_AUDITS)
            earlier = tx.audits.run_by_hash(fmt, digest)
            if earlier is not None:
                raise ValidationFailed(
                    {"file": f"this file was imported already, as audit run {earlier}"}
                )
            origin = f"{file_name or 'a file'}: {log.tool_version}"
            run_id = tx.audits.insert_run(
                source=fmt,
                origin=origin[:500],
                release_version=info.row.version,
                release_hash=info.row.content_hash,
                principles=release_principles(info.constitution),
                model_name=log.model or "unknown",
                model_settings={"imported": True},
                judge_name=log.judge or "unknown",
                judge_settings={"imported": True},
                suite_name=log.task or "imported",
                suite_version=0,
                suite_hash=digest,
                concurrency=1,
                prompts=prompts,
                created_by=actor_id,
                at=log.created or now,
            )
            tx.audits.save_responses(run_id, responses, now, replace=False)
            labels = sorted({s.label for s in unmapped})
            self._log(
                tx,
                actor_id=actor_id,
                action=EventAction.AUDIT_IMPORTED,
                subject=run_subject(run_id),
                at=now,
                after={
                    "source": fmt,
                    "origin": origin[:500],
                    "release": info.row.version,
                    "imported": len(mapped),
                    "unmapped": len(unmapped),
                    "unmapped_labels": labels[:LABELS_SHOWN],
                },
            )
            run = tx.audits.run(run_id)
        assert run is not None
        return ImportReport(run, len(mapped), tuple(unmapped))

    def export(self, suite: str, release: str, fmt: str) -> tuple[str, str]:
        """A suite and a release as an Inspect task file or a promptfoo config.

        Returns:
            (file name, text).

        Raises:
            ValidationFailed: Unknown format, suite or release; principles the release
                does not hold.
        """
        if fmt not in TOOLS:
            raise ValidationFailed({"format": f"unknown format {fmt!r}; one of {', '.join(TOOLS)}"})
        try:
            chosen = self.suite(suite)
        except NotFound as exc:
            raise ValidationFailed({"suite": exc.message}) from None
        try:
            info = self.constitution.release(release)
        except NotFound as exc:
            raise ValidationFailed({"release": exc.message}) from None
        return export_file(chosen, info.constitution, info.row.version, fmt)

    # -- the job --------------------------------------------------------------------------

    def plan(self, tx: Tx, run_id: int) -> list[dict[str, object]]:
        """The items of a run's job: its unfinished prompts, in small batches."""
        run = self._run(tx, run_id)
        return plan_items(run_id, tx.audits.unfinished(run_id), run.concurrency, ITEM_PROMPTS_MIN)

    def work(self, run_id: int, positions: Sequence[int]) -> list[tuple[int, AuditOutcome | str]]:
        """Answer and judge prompts at once, with no transaction open.

        Returns:
            Each position's outcome, or its error as one line.
        """
        with self.db.read() as tx:
            run = self._settled.get(run_id) or self._run(tx, run_id)
            self._settled[run_id] = run  # what work reads of a run never changes
            prompts = tx.audits.prompts(run_id, list(positions))
        model = self.models.client(run.model_name)
        judge = self.models.client(run.judge_name)
        principles = {
            p["id"]: JudgedPrinciple(p["id"], p["title"], p["statement"], p["critique_request"])
            for p in run.principles
        }

        def one(prompt: AuditPromptRow) -> AuditOutcome:
            tested = [principles[pid] for pid in prompt.principle_ids if pid in principles]
            return audit_prompt(model, judge, prompt.text, prompt.kind, tested)

        return self._pool.each(run.id, run.concurrency, prompts, one)

    def commit(
        self,
        tx: Tx,
        run_id: int,
        outcomes: Sequence[tuple[int, AuditOutcome | str]],
        *,
        replace: bool = True,
    ) -> dict[str, object]:
        """Store an item's answers and verdicts in its transaction."""
        responses = [new_response(position, outcome) for position, outcome in outcomes]
        tx.audits.save_responses(run_id, responses, self.clock(), replace=replace)
        self.models.write_replies(tx)
        failed = sum(1 for r in responses if r.error is not None)
        done = len(responses) - failed
        message = f"audit {run_id}: {done} prompt(s) judged" + (
            f", {failed} failed (resume the run to try them again)" if failed else ""
        )
        return {"run": run_id, "done": done, "failed": failed, "message": message}

    # -- inside ---------------------------------------------------------------------------

    def _start_job(self, tx: Tx, run_id: int, actor_id: int | None) -> None:
        job = self.jobs.create_in(tx, AUDIT, {"run": run_id}, actor_id)
        tx.audits.attach_job(run_id, job.id)

    @staticmethod
    def _run(tx: Tx, run_id: int) -> AuditRunRow:
        run = tx.audits.run(run_id)
        if run is None:
            raise NotFound(f"no audit run {run_id}")
        return run


__all__ = [
    "AUDIT",
    "AuditRunDetail",
    "Audits",
    "ImportReport",
    "SuiteInfo",
    "parse_mapping",
    "release_principles",
    "run_subject",
]
