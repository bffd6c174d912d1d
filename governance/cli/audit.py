"""``audit``: run audits, import and export them, review verdicts, report and drift."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from governance.audit.interop.model import DEFAULT_KEY, LOG_MAX
from governance.audit.suites import AuditSuite
from governance.cli.common import _charter, _not_a_file, _positive, _text, _write_file
from governance.errors import ValidationFailed
from governance.jobs.models import Job
from governance.jobs.runner import JobRunner
from governance.revision.prompts import PROMPT_FILE_MAX
from governance.services.audits import AUDIT, parse_mapping


def add_audit_commands(sub: argparse._SubParsersAction, db_help: str) -> None:  # type: ignore[type-arg]
    """The ``audit`` command and its subcommands."""
    audit = sub.add_parser("audit", help="audit models against the principles; review verdicts")
    commands = audit.add_subparsers(dest="audit_command", required=True, parser_class=type(audit))

    p = commands.add_parser("run", help="audit a model with a suite; a judge gives verdicts")
    p.add_argument("--db", help=db_help)
    p.add_argument("--suite", help="the suite's name (see audit suites)")
    p.add_argument("--release", default="latest", help="a release version, or latest (default)")
    p.add_argument("--model", help="the model under audit (see models)")
    p.add_argument("--judge", help="the judging model (default: the model itself)")
    p.add_argument("--concurrency", type=_positive, help="prompts at once (default: the model's)")
    p.add_argument("--resume", type=_positive, metavar="RUN", help="finish what a run left undone")
    p.set_defaults(func=cmd_audit_run)

    p = commands.add_parser("runs", help="list audit runs, newest first")
    p.add_argument("--db", help=db_help)
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=cmd_audit_runs)

    p = commands.add_parser("suites", help="list audit suites (built-in and added)")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_audit_suites)

    p = commands.add_parser("add-suite", help="add a suite (or a new version) from CSV or JSONL")
    p.add_argument("file", help="the suite file")
    p.add_argument("--name", required=True, type=_text, help="the suite's name")
    p.add_argument("--description", default="", type=_text, help="what the suite checks")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_audit_add_suite)

    p = commands.add_parser("import", help="import an Inspect AI log or promptfoo results")
    p.add_argument("file", help="the log (Inspect JSON log, or promptfoo -o results.json)")
    p.add_argument("--format", required=True, choices=("inspect", "promptfoo"))
    p.add_argument("--map", help="a JSON file from the file's labels to principle ids")
    p.add_argument(
        "--key",
        default=DEFAULT_KEY,
        help=f"the sample metadata key of the principle ({DEFAULT_KEY})",
    )
    p.add_argument("--release", default="latest", help="the release the scores are about")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_audit_import)

    p = commands.add_parser("export", help="write a suite and a release for Inspect or promptfoo")
    p.add_argument("--suite", required=True, help="the suite's name")
    p.add_argument("--release", default="latest", help="a release version, or latest")
    p.add_argument("--format", required=True, choices=("inspect", "promptfoo"))
    p.add_argument("--out", required=True, help="the file to write, or - for standard output")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_audit_export)

    p = commands.add_parser("report", help="per principle and model: verdicts and pass rate")
    p.add_argument("--model", help="only this model")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_audit_report)

    p = commands.add_parser("queue", help="verdicts waiting for review, most urgent first")
    p.add_argument("--limit", type=_positive, default=20)
    p.add_argument("--principle", help="only this principle")
    p.add_argument("--model", help="only this model")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_audit_queue)

    p = commands.add_parser("review", help="confirm or override a verdict (as the operator)")
    p.add_argument("verdict", type=_positive, help="the verdict's number (see audit queue)")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--confirm", action="store_true", help="keep the judge's verdict")
    group.add_argument(
        "--override", choices=("complies", "violates", "not_applicable"), help="your verdict"
    )
    p.add_argument("--reason", default="", help="why (required to override)")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_audit_review)

    p = commands.add_parser("agreement", help="judge-human agreement and Cohen's kappa")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_audit_agreement)

    p = commands.add_parser("drift", help="pass rates over audits; principles flagged")
    p.add_argument("--model", help="only this model")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_audit_drift)

    p = commands.add_parser("compare", help="two audits of one model, principle by principle")
    p.add_argument("first", type=_positive)
    p.add_argument("second", type=_positive)
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_audit_compare)

    p = commands.add_parser("reopen", help="send a flagged principle's guideline back")
    p.add_argument("principle", help="the principle id, e.g. P-0007")
    p.add_argument("--model", required=True, help="the model it is flagged for")
    p.add_argument("--reason", required=True, help="why, for the event log")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_audit_reopen)


def _read(name: str, field: str, limit: int) -> bytes:
    problem = _not_a_file(name)
    if problem:
        raise ValidationFailed({field: problem})
    path = Path(name)
    size = path.stat().st_size
    if size > limit:
        raise ValidationFailed(
            {field: f"{name} is {size / 2**20:.1f} MB; the limit is {limit // 2**20} MB"}
        )
    return path.read_bytes()


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def cmd_audit_run(args: argparse.Namespace) -> int:
    """Start (or resume) an audit run and work it here, with progress."""
    charter = _charter(args)
    if args.resume is not None:
        run = charter.audits.run(args.resume).run
        if run.job_status not in ("queued", "running"):
            run = charter.audits.resume(None, args.resume)
    else:
        if not args.suite or not args.model:
            raise ValidationFailed({"--suite": "name --suite and --model (or --resume RUN)"})
        run = charter.audits.start(
            None,
            suite=args.suite,
            release=args.release,
            model=args.model,
            judge=args.judge,
            concurrency=args.concurrency,
        )
    print(
        f"audit {run.id}: {run.total} prompts of {run.suite_name}@{run.suite_version},"
        f" release {run.release_version}, model {run.model_name}, judge {run.judge_name}",
        flush=True,
    )

    def progress(job: Job) -> None:
        if job.kind == AUDIT and job.id == run.job_id:
            print(f"{job.done}/{job.total} items  {job.message}", flush=True)

    JobRunner(charter, scheduled=(), on_progress=progress).run_until_idle()
    charter.models.flush()
    done = charter.audits.run(run.id)
    print(
        f"audit {run.id}: {done.run.finished}/{done.run.total} prompts judged"
        + (
            f", {done.run.errors} failed (python -m governance audit run --resume {run.id})"
            if done.run.errors
            else ""
        ),
        flush=True,
    )
    for c in done.counts:
        print(
            f"{c.principle_id}\tpass rate {_pct(c.pass_rate)}\t{c.violates} violation(s)"
            f"\t{c.unparseable} unparseable\tof {c.total}"
        )
    return 1 if done.run.errors else 0


def cmd_audit_runs(args: argparse.Namespace) -> int:
    """One line per audit run, newest first."""
    charter = _charter(args)
    for run in charter.audits.runs():
        status = run.job_status or ("imported" if run.source != "charter" else "queued")
        row = {
            "id": run.id,
            "status": status,
            "source": run.source,
            "origin": run.origin,
            "release": run.release_version,
            "model": run.model_name,
            "judge": run.judge_name,
            "suite": f"{run.suite_name}@{run.suite_version}",
            "done": run.finished,
            "failed": run.errors,
            "total": run.total,
            "created_at": run.created_at.isoformat(),
        }
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(
                "\t".join(str(row[k]) for k in ("id", "status", "source", "model", "release"))
                + f"\t{run.finished}/{run.total} prompts"
            )
    return 0


def cmd_audit_suites(args: argparse.Namespace) -> int:
    """The suites, one per line."""
    charter = _charter(args)
    for s in charter.audits.suites():
        kind = "built-in" if s.builtin else "added"
        print(
            f"{s.name}\tversion {s.version}\t{kind}\t{s.prompts} prompts"
            f"\t{' '.join(s.principle_ids)}\t{s.content_hash[:12]}"
        )
    return 0


def cmd_audit_add_suite(args: argparse.Namespace) -> int:
    """Add a suite (or a new version of one)."""
    charter = _charter(args)
    data = _read(args.file, "file", PROMPT_FILE_MAX)
    suite: AuditSuite = charter.audits.add_suite(
        None, data, name=args.name, description=args.description
    )
    print(f"suite {suite.name} version {suite.version}: {len(suite.prompts)} prompts")
    return 0


def cmd_audit_import(args: argparse.Namespace) -> int:
    """Import a log; print how many results came in and list those that map to nothing."""
    charter = _charter(args)
    data = _read(args.file, "file", LOG_MAX)
    mapping = parse_mapping(_read(args.map, "--map", PROMPT_FILE_MAX)) if args.map else None
    report = charter.audits.import_log(
        None,
        data,
        args.format,
        release=args.release,
        key=args.key,
        mapping=mapping,
        file_name=Path(args.file).name,
    )
    print(
        f"imported {report.imported} result(s) as audit run {report.run.id}"
        f" ({report.run.total} samples, model {report.run.model_name},"
        f" release {report.run.release_version})"
    )
    if report.unmapped:
        print(f"{len(report.unmapped)} result(s) map to no principle:")
        for score in report.unmapped:
            print(f"  {score.sample_id}\t{score.label!r}\t{score.verdict}")
    return 0


def cmd_audit_export(args: argparse.Namespace) -> int:
    """Write a suite and a release as an Inspect task or a promptfoo config."""
    charter = _charter(args)
    name, text = charter.audits.export(args.suite, args.release, args.format)
    _write_file(args.out, text, "--out")
    if args.out != "-":
        print(f"{args.out}: {args.format} ({name})", file=sys.stderr)
    return 0


def cmd_audit_report(args: argparse.Namespace) -> int:
    """Per principle and model: effective verdicts and the pass rate."""
    charter = _charter(args)
    for row in charter.audit_reviews.report(args.model):
        data = row.as_json()
        if args.json:
            print(json.dumps(data, ensure_ascii=False))
        else:
            print(
                f"{data['principle_id']}\t{data['model']}\t{data['source']}\t"
                f"pass rate {_pct(row.counts.pass_rate)}\t{data['violations']} violation(s)"
                f" of {data['total']}\t{data['basis']}"
            )
    return 0


def cmd_audit_queue(args: argparse.Namespace) -> int:
    """Verdicts waiting for review, most urgent first."""
    charter = _charter(args)
    page = charter.audit_reviews.queue(
        limit=args.limit, principle_id=args.principle, model=args.model
    )
    print(f"{page.waiting} verdict(s) waiting for review", file=sys.stderr)
    for item in page.items:
        v = item.verdict
        confidence = "" if v.confidence is None else f"{v.confidence:.2f}"
        print(
            f"{v.id}\t{v.verdict}\t{confidence}\t{v.principle_id}\trun {v.run_id}"
            f"\t{item.run.model_name}\t{v.prompt[:60]!r}"
        )
    return 0


def cmd_audit_review(args: argparse.Namespace) -> int:
    """Confirm or override one verdict, as the operator."""
    charter = _charter(args)
    decision = "confirm" if args.confirm else "override"
    review = charter.audit_reviews.review(
        None, args.verdict, decision, verdict=args.override, reason=args.reason
    )
    print(f"verdict {args.verdict}: {review.decision} -> {review.verdict} (review {review.seq})")
    return 0


def cmd_audit_agreement(args: argparse.Namespace) -> int:
    """Judge-human agreement per principle."""
    charter = _charter(args)
    for a in charter.audit_reviews.agreement():
        kappa = "undefined" if a.kappa is None else f"{a.kappa:.3f}"
        print(f"{a.principle_id}\treviewed {a.reviewed}\tagreement {_pct(a.raw)}\tkappa {kappa}")
    return 0


def cmd_audit_drift(args: argparse.Namespace) -> int:
    """Each principle's pass rate per audit, then the flags."""
    charter = _charter(args)
    drift = charter.audit_reviews.drift(args.model)
    for p in drift.points:
        row = {
            "model": p.model,
            "principle_id": p.principle_id,
            "run": p.run_id,
            "at": p.at.isoformat(),
            "release": p.release_version,
            "source": p.source,
            "pass_rate": p.pass_rate,
            "violation_rate": p.violation_rate,
            "basis": p.basis,
        }
        print(json.dumps(row) if args.json else "\t".join(str(v) for v in row.values()))
    for f in drift.flags:
        print(
            f"flagged: {f.principle_id} on {f.model}: violation rate {f.rates[0]:.1%} then"
            f" {f.rates[1]:.1%} in audits {f.run_ids[0]} and {f.run_ids[1]}"
            f" (threshold {f.threshold:.0%})",
            file=sys.stderr,
        )
    return 0


def cmd_audit_compare(args: argparse.Namespace) -> int:
    """Two audits of one model, principle by principle."""
    charter = _charter(args)
    for c in charter.audit_reviews.compare(args.first, args.second):
        before = None if c.before is None else c.before.pass_rate
        after = None if c.after is None else c.after.pass_rate
        delta = "" if c.delta is None else f"{c.delta:+.1%}"
        print(f"{c.principle_id}\t{c.change}\t{_pct(before)}\t{_pct(after)}\t{delta}\t{c.title}")
    return 0


def cmd_audit_reopen(args: argparse.Namespace) -> int:
    """Send a flagged principle's guideline back to deliberation, as the operator."""
    charter = _charter(args)
    guideline = charter.audit_reviews.reopen(
        None, args.principle, model=args.model, reason=args.reason
    )
    print(f"{guideline.id} is back in deliberation ({args.principle} flagged on {args.model})")
    return 0
