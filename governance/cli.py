"""``python -m governance``: set up the database, inspect it, and run benchmarks.

Every refused action exits non-zero with one line on stderr; that translation happens here
and nowhere else.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import tomllib
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import NoReturn, TypeVar

from governance.auth import sign_in_mode
from governance.config import PROJECT_ROOT, Settings
from governance.errors import ConfigurationError, DatabaseBusy, GovernanceError, ValidationFailed
from governance.identity import sign_in_config
from governance.jobs.deadlines import CLOSE_DUE
from governance.jobs.models import Job, JobStatus
from governance.jobs.runner import JobRunner
from governance.models import GuidelineFilter, Role, Status
from governance.services import Charter
from governance.services.base import Clock, utc_now
from governance.text import is_utf8

#: Where Streamlit reads the app's secrets when started from the project folder.
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _text(value: str) -> str:
    # Bytes that are not UTF-8 (a terminal in another encoding) reach Python as lone
    # surrogates, which no database query can carry.
    if not is_utf8(value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not UTF-8 text; check the terminal's encoding"
        )
    return value


def _not_a_file(name: str) -> str | None:
    """Why the file named on the command line cannot be read; None if it can be."""
    path = Path(name)
    if path.is_dir():
        return f"{name}: is a directory, not a file"
    if not path.exists():
        return f"{name}: no such file"
    if not path.is_file():
        return f"{name}: is not a regular file"
    return None


def _write_file(name: str, text: str, field: str) -> None:
    """Write ``text`` to the file named on the command line, or refuse in one line."""
    if Path(name).is_dir():
        raise ValidationFailed({field: f"{name}: is a directory, not a file"})
    try:
        Path(name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ValidationFailed({field: f"{name}: cannot be written ({exc.strerror})"}) from None


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    if args.db is not None:
        settings = settings.model_copy(update={"db_path": Path(args.db)})
    return settings


def _charter(args: argparse.Namespace, *, clock: Clock = utc_now) -> Charter:
    return Charter.open(_settings(args), clock=clock)


def cmd_init(args: argparse.Namespace) -> int:
    """Create the database (and seed the demo data) if needed."""
    from governance.demo import SimulatedClock, seed_demo

    clock = SimulatedClock(utc_now()) if args.demo else utc_now
    charter = _charter(args, clock=clock)
    where = charter.settings.db_path
    if not args.demo:
        print(f"{where}: ready")
        return 0
    if not charter.dashboard.screen(None).empty:
        print(f"{where}: already has data; demo not seeded")
        return 0
    assert isinstance(clock, SimulatedClock)
    seed_demo(charter, clock, seed=args.seed)
    seeded = charter.dashboard.screen(None)
    summary = ", ".join(f"{n} {s.value}" for s, n in sorted(seeded.status_counts.items()))
    print(
        f"{where}: demo seeded: {seeded.participation['stakeholders']} stakeholders,"
        f" {seeded.participation['ballots']} ballots, guidelines: {summary}"
    )
    charter.close()
    return 0


def _read_secrets(paths: Sequence[Path], *, named: bool = False) -> dict[str, object]:
    merged: dict[str, object] = {}
    for path in paths:
        problem = _not_a_file(str(path))
        if problem:
            if named:  # the default files may be missing; a file the operator names may not
                raise ValidationFailed({"--secrets": problem})
            continue
        try:
            merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"{path}: not valid TOML ({exc})") from None
    return merged


def cmd_check_config(args: argparse.Namespace) -> int:
    """Check the settings and the sign-in set-up the app would start with."""
    settings = Settings.from_env()
    default_files = [Path.home() / ".streamlit" / "secrets.toml", SECRETS_FILE]
    files = [Path(f) for f in args.secrets] if args.secrets else default_files
    setup = sign_in_config(_read_secrets(files, named=bool(args.secrets)), settings.groups)
    mode = sign_in_mode(demo_requested=settings.demo, oidc_configured=setup is not None)
    line = f"ok: sign-in {mode.value}"
    if setup is not None:
        line += f"; providers: {', '.join(setup.providers)}"
        if setup.mapping is not None:
            trusted = ", ".join(sorted(setup.mapping.providers))
            line += f"; groups and roles from claim {setup.mapping.claim!r} of {trusted}"
    print(line)
    return 0


def cmd_people(args: argparse.Namespace) -> int:
    """List stakeholders, one per line: number, name, groups, roles, status."""
    charter = _charter(args)
    role = _choice(Role, args.role, "--role") if args.role else None
    with charter.db.read() as tx:
        people, _ = tx.people.search_stakeholders(
            text=args.search or "", group=args.group, role=role, limit=1_000_000
        )
    for p in people:
        roles = ",".join(r.value for r in p.roles)
        print(f"{p.id}\t{p.display_name}\t{','.join(p.groups)}\t{roles}\t{p.status.value}")
    return 0


def cmd_grant_role(args: argparse.Namespace) -> int:
    """Give a stakeholder a role as the operator (how the first steward is made)."""
    charter = _charter(args)
    role = _choice(Role, args.role, "role")
    person = charter.people.grant_role_as_operator(args.stakeholder, role, args.reason)
    print(f"{person.display_name} (#{person.id}) is now {role.value}")
    return 0


E = TypeVar("E", bound=StrEnum)


def _choice(enum: type[E], value: str, field: str) -> E:
    try:
        return enum(value)
    except ValueError:
        raise ValidationFailed(
            {field: f"unknown value {value!r}; one of {', '.join(e.value for e in enum)}"}
        ) from None


def cmd_rules(args: argparse.Namespace) -> int:
    """Print the rules in force (or one version) as JSON."""
    charter = _charter(args)
    record = charter.rules.current(args.version)
    print(
        json.dumps(
            {
                **record.rules.model_dump(mode="json"),
                "created_at": record.created_at.isoformat(),
                "created_by": record.created_by,
                "reason": record.reason,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    return 0


def cmd_guidelines(args: argparse.Namespace) -> int:
    """List guidelines, one per line: id, status, version, title."""
    charter = _charter(args)
    statuses = []
    for name in args.status or []:
        try:
            statuses.append(Status(name))
        except ValueError:
            raise ValidationFailed(
                {"--status": f"unknown status {name!r}; one of {', '.join(Status)}"}
            ) from None
    where = GuidelineFilter(statuses=tuple(statuses), text=args.search or "")
    page = 1
    while True:
        result = charter.guidelines.listing(where, page)
        for item in result.items:
            g = item.guideline
            print(f"{g.id}\t{g.status.value}\tv{g.version}\t{g.text.title}")
        if page >= result.pages:
            break
        page += 1
    return 0


def cmd_tally(args: argparse.Namespace) -> int:
    """Explain the tally of one guideline."""
    charter = _charter(args)
    result = charter.ballots.tally(args.guideline)
    for line in result.lines:
        print(line)
    print(result.summary)
    return 0


def cmd_events(args: argparse.Namespace) -> int:
    """Print the event log as JSON lines, oldest first."""
    charter = _charter(args)
    with charter.db.read() as tx:
        events = tx.events.find(subject=args.subject, limit=args.limit, ascending=True)
    for event in events:
        print(event.model_dump_json())
    return 0


def _progress(job: Job) -> None:
    """Print a job's progress as one line; and how it ended, once it has."""
    print(f"job {job.id} {job.kind}: {job.done}/{job.total} {job.message}", flush=True)
    if job.finished:
        ending = job.status.value
        if job.status is JobStatus.DONE:
            ending += f", {job.done} of {job.total} items"
        elif job.error or job.cancel_reason:
            ending += f": {job.error or job.cancel_reason}"
        print(f"job {job.id} {job.kind}: {ending}", flush=True)


def cmd_close_due(args: argparse.Namespace) -> int:
    """Close every vote whose window has ended, as a job, printing its progress."""
    charter = _charter(args)
    runner = JobRunner(charter, scheduled=(), on_progress=_progress)
    runner.run_until_idle()  # first what an earlier run left unfinished, if anything
    job = charter.jobs.start(None, CLOSE_DUE)
    if job.finished:
        _progress(job)
    runner.run_until_idle()
    job = charter.jobs.job(None, job.id).job
    if job.status is not JobStatus.DONE:
        why = job.error or job.cancel_reason or "stopped before the end"
        print(f"error: job {job.id} {job.status.value}: {why}", file=sys.stderr)
        return 1
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run jobs in the foreground: resume, schedule, work; until idle (--once) or stopped."""
    charter = _charter(args)
    runner = JobRunner(charter, on_progress=_progress)
    if args.once:
        runner.run_until_idle()
        return 0
    stop = threading.Event()
    handlers = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        runner.start()
        print(f"worker: running jobs in {charter.db.path}; stop with Ctrl-C", file=sys.stderr)
        while not stop.wait(1.0):
            pass
        print("worker: stopping after the items in flight", file=sys.stderr)
    finally:
        runner.stop()
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    return 0


def cmd_jobs(args: argparse.Namespace) -> int:
    """List jobs, newest first: id, kind, status, done/total, started by, times, error."""
    charter = _charter(args)
    statuses = [_choice(JobStatus, name, "--status") for name in args.status or []]
    page = 1
    while True:
        result = charter.jobs.job_list(None, statuses=statuses, page=page)
        for job in result.jobs:
            times = [job.created_at, job.started_at, job.finished_at]
            when = [t.isoformat(timespec="seconds") if t else "-" for t in times]
            fields = [job.id, job.kind, job.status.value, f"{job.done}/{job.total}"]
            fields += [job.created_by_name, *when, job.error or job.cancel_reason or ""]
            print("\t".join(str(f) for f in fields))
        if page >= result.pages:
            return 0
        page += 1


def cmd_jobs_cancel(args: argparse.Namespace) -> int:
    """Cancel a queued or running job as the operator."""
    charter = _charter(args)
    job = charter.jobs.cancel(None, args.job, args.reason)
    print(f"job {job.id} {job.kind}: cancelled at {job.done}/{job.total}")
    return 0


def _open_for_constitution(args: argparse.Namespace) -> Charter:
    try:
        return _charter(args)
    except DatabaseBusy as exc:
        db_path = Path(args.db) if args.db else Settings.from_env().db_path
        exports = db_path.parent / "exports"
        raise DatabaseBusy(
            f"{exc.message}; every release's files are also in {exports}/<version>/"
        ) from None


def cmd_export(args: argparse.Namespace) -> int:
    """Write one release in one format to a file (or stdout with --out -)."""
    from governance.constitution import exports

    if args.format not in exports.EXPORTERS:
        raise ValidationFailed(
            {"--format": f"unknown format {args.format!r}; one of {', '.join(exports.EXPORTERS)}"}
        )
    charter = _open_for_constitution(args)
    release = charter.constitution.release(args.release)
    text = exports.render(release.constitution, args.format)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        _write_file(args.out, text, "--out")
        print(f"{args.out}: {args.format} of release {release.row.version}", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Create draft guidelines from a constitution file, all or nothing."""
    data = None
    if args.format != "langchain-builtin":
        if args.file is None:
            raise ValidationFailed({"FILE": f"the {args.format} import needs a file"})
        path = Path(args.file)
        problem = _not_a_file(args.file)
        if problem:
            raise ValidationFailed({"FILE": problem})
        from governance.constitution.imports import MAX_IMPORT_BYTES

        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise ValidationFailed(
                {"FILE": f"{args.file} is over {MAX_IMPORT_BYTES // (1024 * 1024)} MB"}
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ValidationFailed(
                {"FILE": f"{args.file}: cannot be read ({exc.strerror})"}
            ) from None
    charter = _open_for_constitution(args)
    created = charter.imports.create_drafts(
        None, args.format, data, author_id=args.author, source=args.file or ""
    )
    for guideline_id in created:
        print(guideline_id)
    print(f"{len(created)} draft guidelines created", file=sys.stderr)
    return 0


def cmd_bench_constitution(args: argparse.Namespace) -> int:
    """Run the constitution benchmark and print one JSON line."""
    from governance.bench import bench_constitution

    print(json.dumps(bench_constitution(guidelines=args.guidelines, seed=args.seed)))
    return 0


def cmd_bench_votes(args: argparse.Namespace) -> int:
    """Run the voting benchmark and print one JSON line."""
    from governance.bench import bench_votes

    result = bench_votes(
        voters=args.voters,
        guidelines=args.guidelines,
        votes=args.votes,
        threads=args.threads,
        casts=args.casts,
        seed=args.seed,
        release_principles=args.release_principles or 0,
    )
    print(json.dumps(result))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = _Parser(
        prog="python -m governance",
        description="Charter: propose, deliberate and vote on value guidelines for AI.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    db_help = "DuckDB file (default: $CHARTER_DB or data/charter.duckdb)"

    p = sub.add_parser("init", help="create the database; --demo seeds the demo data")
    p.add_argument("--db", help=db_help)
    p.add_argument(
        "--demo", action="store_true", help="seed the demo dataset if the database is empty"
    )
    p.add_argument("--seed", type=int, default=2026, help="random seed of the demo (default 2026)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("rules", help="print the rules in force as JSON")
    p.add_argument("--db", help=db_help)
    p.add_argument("--version", type=_positive, help="a given rules version")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("guidelines", help="list guidelines")
    p.add_argument("--db", help=db_help)
    p.add_argument("--status", action="append", help="only this status (repeatable)")
    p.add_argument("--search", type=_text, help="words to look for in title, statement and tags")
    p.set_defaults(func=cmd_guidelines)

    p = sub.add_parser("tally", help="explain the tally of a guideline")
    p.add_argument("guideline", help="guideline id, e.g. G-0007")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_tally)

    p = sub.add_parser("events", help="print the event log as JSON lines")
    p.add_argument("--db", help=db_help)
    p.add_argument("--subject", type=_text, help="only events about this guideline or stakeholder")
    p.add_argument("--limit", type=_positive, default=1000, help="at most this many (default 1000)")
    p.set_defaults(func=cmd_events)

    p = sub.add_parser(
        "check-config", help="check the settings and sign-in set-up the app would start with"
    )
    p.add_argument(
        "--secrets",
        action="append",
        help="a secrets.toml to read (repeatable; default: ~/.streamlit/secrets.toml and"
        " .streamlit/secrets.toml, as Streamlit reads them)",
    )
    p.set_defaults(func=cmd_check_config)

    p = sub.add_parser("people", help="list stakeholders")
    p.add_argument("--db", help=db_help)
    p.add_argument("--search", type=_text, help="part of a name, or a number")
    p.add_argument("--group", type=_text, help="only members of this group")
    p.add_argument("--role", help="only holders of this role")
    p.set_defaults(func=cmd_people)

    p = sub.add_parser(
        "grant-role", help="give a stakeholder a role as the operator (e.g. the first steward)"
    )
    p.add_argument("stakeholder", type=_positive, help="the stakeholder's number (see people)")
    p.add_argument("role", help="moderator, steward or auditor")
    p.add_argument("--reason", required=True, help="why (recorded in the event log)")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_grant_role)

    p = sub.add_parser(
        "close-due", help="close every vote whose window has ended (a job; prints progress)"
    )
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_close_due)

    p = sub.add_parser("worker", help="run background jobs when the app is not running")
    p.add_argument("--db", help=db_help)
    p.add_argument(
        "--once", action="store_true", help="exit when no work is left (default: until stopped)"
    )
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("jobs", help="list background jobs, newest first")
    p.add_argument("--db", help=db_help)
    p.add_argument("--status", action="append", help="only this status (repeatable)")
    p.set_defaults(func=cmd_jobs)
    jobs_sub = p.add_subparsers(dest="jobs_command", parser_class=_Parser)
    p = jobs_sub.add_parser("cancel", help="cancel a queued or running job")
    p.add_argument("job", type=_positive, help="the job's number (see jobs)")
    p.add_argument("--reason", required=True, help="why (recorded in the event log)")
    # SUPPRESS: without --db here, the value given before "cancel" stays.
    p.add_argument("--db", help=db_help, default=argparse.SUPPRESS)
    p.set_defaults(func=cmd_jobs_cancel)

    p = sub.add_parser("export", help="write a constitution release in one format")
    p.add_argument(
        "--release",
        type=_text,
        default="latest",
        help="latest (default) or a version, e.g. 1.2.0",
    )
    p.add_argument(
        "--format",
        required=True,
        help="json, markdown, yaml, hf-cai, langchain, comparisons or promptfoo",
    )
    p.add_argument("--out", required=True, help="the file to write, or - for standard output")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="create draft guidelines from a constitution, all or nothing")
    p.add_argument("--format", required=True, help="hf-cai, json or langchain-builtin")
    p.add_argument("file", nargs="?", help="the file to import (not for langchain-builtin)")
    p.add_argument(
        "--author", type=_positive, required=True, help="stakeholder number credited as author"
    )
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_import)

    bench = sub.add_parser("bench", help="benchmarks; each prints one JSON line")
    bench_sub = bench.add_subparsers(dest="bench", required=True, parser_class=_Parser)
    p = bench_sub.add_parser(
        "votes", help="tally and cast-vote performance on a synthetic electorate"
    )
    p.add_argument(
        "--voters", type=_positive, default=100_000, help="stakeholders (default 100000)"
    )
    p.add_argument(
        "--guidelines", type=_positive, default=2_000, help="guidelines in voting (default 2000)"
    )
    p.add_argument(
        "--votes", type=_positive, default=1_000_000, help="ballots loaded (default 1000000)"
    )
    p.add_argument(
        "--threads", type=_positive, default=8, help="threads casting at once (default 8)"
    )
    p.add_argument(
        "--casts",
        type=_positive,
        default=2_000,
        help="ballots cast through the service (default 2000)",
    )
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.add_argument(
        "--release-principles",
        type=_positive,
        default=None,
        help="also cast while a constitution of this many principles is released",
    )
    p.set_defaults(func=cmd_bench_votes)
    p = bench_sub.add_parser("constitution", help="compile and export a large constitution")
    p.add_argument(
        "--guidelines", type=_positive, default=1_000, help="approved guidelines (default 1000)"
    )
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.set_defaults(func=cmd_bench_constitution)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except GovernanceError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
