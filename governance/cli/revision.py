"""Model revision: list and test models, start or resume a run, list runs, export datasets."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from governance.cli.common import _charter, _not_a_file, _write_file
from governance.errors import ValidationFailed
from governance.jobs.models import Job
from governance.jobs.runner import JobRunner
from governance.revision.datasets import Rules
from governance.revision.prompts import PROMPT_FILE_MAX, builtin_prompt_set, parse_prompt_file
from governance.services.revisions import REVISE


def cmd_models(args: argparse.Namespace) -> int:
    """List the registered models (never their keys); --test NAME makes one tiny call."""
    charter = _charter(args)
    if args.test:
        result = charter.models.test_connection(None, args.test)
        if not result.ok:
            print(f"error: {result.model}: {result.error}", file=sys.stderr)
            return 1
        print(f"ok: {result.model} answered in {result.ms:.0f} ms: {result.reply!r}")
        return 0
    for spec in charter.models.registry.values():
        print(
            f"{spec.name}\t{spec.label}\ttemperature {spec.temperature}\t"
            f"max tokens {spec.max_tokens}\tconcurrency {spec.concurrency}"
        )
    return 0


def _bar(done: int, total: int, width: int = 30) -> str:
    filled = width * done // total if total else width
    return "[" + "#" * filled + "." * (width - filled) + "]"


def cmd_revise(args: argparse.Namespace) -> int:
    """Start (or resume) a revision run and work it here, with a progress bar."""
    charter = _charter(args)
    if args.resume is not None:
        run = charter.revisions.run(args.resume).run
        # The command line holds the database alone: a job still marked under way was left
        # by a process that stopped; the runner below puts its items back in the queue.
        if run.job_status not in ("queued", "running"):
            run = charter.revisions.resume(None, args.resume)
    else:
        if args.release is None or args.model is None:
            raise ValidationFailed({"--release": "name --release and --model (or --resume RUN)"})
        run = charter.revisions.start(
            None,
            release=args.release,
            model=args.model,
            prompts=_prompts(args.prompts, charter.settings.categories),
            rounds=args.rounds,
            sampling=args.sampling,
            concurrency=args.concurrency,
            seed=args.seed or "",
        )
    print(
        f"run {run.id}: {run.total} prompts, release {run.release_version},"
        f" model {run.model_name}, {run.rounds} round(s) by {run.sampling}",
        flush=True,
    )

    def progress(job: Job) -> None:
        if job.kind != REVISE or job.id != run.job_id:
            return
        print(
            f"{_bar(job.done, job.total)} {job.done}/{job.total} items  {job.message}", flush=True
        )

    JobRunner(charter, scheduled=(), on_progress=progress).run_until_idle()
    charter.models.flush()  # replies of items dropped by a cancel, kept for a resume
    finished = charter.revisions.run(run.id).run
    print(
        f"run {run.id}: {finished.finished}/{finished.total} prompts revised"
        + (
            f", {finished.errors} failed (python -m governance revise --resume {run.id})"
            if finished.errors
            else ""
        ),
        flush=True,
    )
    return 1 if finished.errors else 0


def _prompts(source: str, categories: tuple[str, ...]):  # type: ignore[no-untyped-def]
    if source == "builtin":
        return builtin_prompt_set()
    problem = _not_a_file(source)
    if problem:
        raise ValidationFailed({"--prompts": problem})
    path = Path(source)
    if path.stat().st_size > PROMPT_FILE_MAX:
        size = path.stat().st_size / 2**20
        limit = PROMPT_FILE_MAX // 2**20
        raise ValidationFailed({"--prompts": f"{source} is {size:.1f} MB; the limit is {limit} MB"})
    return parse_prompt_file(path.read_bytes(), name=path.name, categories=categories)


def cmd_runs(args: argparse.Namespace) -> int:
    """One line per revision run, newest first (--json: one JSON object per line)."""
    charter = _charter(args)
    for run in charter.revisions.runs(args.limit):
        status = run.job_status or "queued"
        if args.json:
            print(
                json.dumps(
                    {
                        "id": run.id,
                        "status": status,
                        "release": run.release_version,
                        "release_hash": run.release_hash,
                        "model": run.model_name,
                        "done": run.finished,
                        "failed": run.errors,
                        "total": run.total,
                        "prompt_set": run.prompt_set,
                        "rounds": run.rounds,
                        "sampling": run.sampling,
                        "created_at": run.created_at.isoformat(),
                    },
                    ensure_ascii=False,
                )
            )
        else:
            print(
                f"{run.id}\t{status}\trelease {run.release_version}\t{run.model_name}\t"
                f"{run.finished}/{run.total} prompts"
                + (f"\t{run.errors} failed" if run.errors else "")
            )
    return 0


def cmd_dataset(args: argparse.Namespace) -> int:
    """Write a run's dataset (JSONL) and its card (README.md beside it)."""
    charter = _charter(args)
    out = Path(args.out)
    rules = Rules(
        unchanged=not args.keep_unchanged,
        refusals=args.exclude_refusals,
        min_chars=args.min_chars,
    )
    data, card = charter.revisions.dataset(args.run, args.format, rules, file_name=out.name)
    if out.parent and not out.parent.is_dir():
        raise ValidationFailed({"--out": f"{out.parent}: no such folder"})
    _write_file(str(out), data.jsonl().decode("utf-8"), "--out")
    _write_file(str(out.parent / "README.md"), card, "--out")
    left_out = ", ".join(f"{n} {why}" for why, n in sorted(data.excluded.items())) or "none"
    print(f"{out}: {len(data.rows)} rows from {data.considered} prompts; left out: {left_out}")
    return 0
