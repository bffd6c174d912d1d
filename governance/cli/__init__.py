"""``python -m governance``: set up the database, inspect it, run jobs and benchmarks.

Every refused action exits non-zero with one line on stderr; that translation happens here
(in ``main``) and nowhere else. The commands live in this package by what they are for.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from governance.cli.audit import add_audit_commands
from governance.cli.benchmarks import (
    cmd_bench_audit,
    cmd_bench_charts,
    cmd_bench_constitution,
    cmd_bench_dashboard,
    cmd_bench_revision,
    cmd_bench_votes,
)
from governance.cli.common import _Parser, _positive, _text
from governance.cli.constitution import cmd_export, cmd_import
from governance.cli.jobs import (
    cmd_close_due,
    cmd_jobs,
    cmd_jobs_cancel,
    cmd_refresh_analytics,
    cmd_worker,
)
from governance.cli.reading import cmd_events, cmd_guidelines, cmd_rules, cmd_tally
from governance.cli.report import cmd_report
from governance.cli.revision import cmd_dataset, cmd_models, cmd_revise, cmd_runs
from governance.cli.setup import (
    cmd_check_config,
    cmd_grant_role,
    cmd_init,
    cmd_migrate_store,
    cmd_people,
)
from governance.errors import GovernanceError


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = _Parser(
        prog="python -m governance",
        description="Charter: propose, deliberate and vote on value guidelines for AI.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    db_help = "a DuckDB file or a postgresql:// URL (default: $CHARTER_DB or data/charter.duckdb)"

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

    p = sub.add_parser(
        "migrate-store",
        help="copy every row, id and sequence into an empty database (DuckDB <-> PostgreSQL)",
    )
    p.add_argument("--from", dest="source", required=True, help="the database now: a file or a URL")
    p.add_argument(
        "--to", dest="target", required=True, help="an empty database: a new file or a URL"
    )
    p.set_defaults(func=cmd_migrate_store)

    p = sub.add_parser(
        "refresh-analytics",
        help="recompute the dashboard's summary tables and say what differed (a job)",
    )
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_refresh_analytics)

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

    p = sub.add_parser("models", help="list the chat models runs may call (never their keys)")
    p.add_argument("--db", help=db_help)
    p.add_argument("--test", metavar="NAME", help="make one tiny call to this model")
    p.set_defaults(func=cmd_models)

    p = sub.add_parser(
        "revise", help="run a release's principles on a model: critique -> revision (a job)"
    )
    p.add_argument("--db", help=db_help)
    p.add_argument("--release", help="a release version, or latest")
    p.add_argument("--model", help="a model's name (see models)")
    p.add_argument(
        "--prompts", default="builtin", help="a CSV or JSONL prompt file, or builtin (default)"
    )
    p.add_argument("--rounds", type=_positive, default=2, help="critique -> revision rounds")
    p.add_argument(
        "--sampling",
        default="random",
        help="random (seeded, as in the CAI paper; default) or priority (every principle once)",
    )
    p.add_argument("--concurrency", type=_positive, help="prompts at once (default: the model's)")
    p.add_argument("--seed", type=_text, help="seed of the random choice of principles")
    p.add_argument(
        "--resume", type=_positive, metavar="RUN", help="run again what a run left unfinished"
    )
    p.set_defaults(func=cmd_revise)

    p = sub.add_parser("runs", help="list revision runs, newest first")
    p.add_argument("--db", help=db_help)
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--limit", type=_positive, default=100, help="at most this many (default 100)")
    p.set_defaults(func=cmd_runs)

    p = sub.add_parser(
        "dataset", help="write a run's training data (JSONL) and its card (README.md beside it)"
    )
    p.add_argument("--db", help=db_help)
    p.add_argument("--run", type=_positive, required=True, help="the run's number (see runs)")
    p.add_argument("--format", required=True, help="sft, preference or feedback")
    p.add_argument("--out", required=True, help="the JSONL file to write")
    p.add_argument(
        "--keep-unchanged", action="store_true", help="keep rows the revisions did not change"
    )
    p.add_argument(
        "--exclude-refusals", action="store_true", help="leave out rows that end in a refusal"
    )
    p.add_argument(
        "--min-chars", type=_positive, default=1, help="leave out final answers shorter than this"
    )
    p.set_defaults(func=cmd_dataset)

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

    p = sub.add_parser(
        "report", help="write a release's report: principles, votes, changes, audits (HTML/PDF)"
    )
    p.add_argument(
        "--release", type=_text, default="latest", help="latest (default) or a version, e.g. 2.0.0"
    )
    p.add_argument("--out", required=True, help="the file to write: .html, or .pdf (chromium)")
    p.add_argument("--format", choices=("html", "pdf"), help="html or pdf (default: from --out)")
    p.add_argument("--db", help=db_help)
    p.set_defaults(func=cmd_report)

    add_audit_commands(sub, db_help)

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
        "--store",
        help="cast from separate processes into this store: an empty postgresql:// database"
        " or a new DuckDB file (default: in-process, a temporary DuckDB file)",
    )
    p.add_argument(
        "--processes",
        type=_positive,
        default=None,
        help="app processes casting at once, --threads each (with --store; default 1)",
    )
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
    p = bench_sub.add_parser(
        "revision", help="pipeline overhead, throughput and reruns with the scripted stand-in"
    )
    p.add_argument("--prompts", type=_positive, default=256, help="prompts per run (default 256)")
    p.add_argument("--rounds", type=_positive, default=2, help="rounds per prompt (default 2)")
    p.add_argument("--concurrency", type=_positive, default=16, help="calls at once (default 16)")
    p.add_argument(
        "--latency-ms",
        type=_positive,
        default=200,
        help="the slow model's reply time (default 200)",
    )
    p.set_defaults(func=cmd_bench_revision)
    p = bench_sub.add_parser(
        "audit", help="the review queue, audit summaries and an Inspect import at scale"
    )
    p.add_argument(
        "--verdicts", type=_positive, default=1_000_000, help="verdicts loaded (default 1000000)"
    )
    p.add_argument(
        "--reviews", type=_positive, default=20_000, help="verdicts reviewed (default 20000)"
    )
    p.add_argument(
        "--samples",
        type=_positive,
        default=10_000,
        help="samples in the imported Inspect log (default 10000)",
    )
    p.add_argument("--db", help="build the database in this new file (default: a temporary folder)")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.set_defaults(func=cmd_bench_audit)
    p = bench_sub.add_parser(
        "dashboard", help="every chart, the page, and ballots cast while crowds load the page"
    )
    p.add_argument(
        "--votes", type=_positive, default=1_000_000, help="ballots loaded (default 1000000)"
    )
    p.add_argument("--voters", type=_positive, default=100_000, help="voters (default 100000)")
    p.add_argument("--guidelines", type=_positive, default=1_000, help="guidelines (default 1000)")
    p.add_argument(
        "--audit-results",
        type=int,
        default=100_000,
        help="audit verdicts loaded (default 100000)",
    )
    p.add_argument(
        "--casts",
        type=_positive,
        default=6_000,
        help="ballots cast alone, and as many with the crowd (default 6000)",
    )
    p.add_argument(
        "--rounds", type=_positive, default=3, help="rounds alternating the two (default 3)"
    )
    p.add_argument("--loads", type=_positive, default=20, help="page loads at once (default 20)")
    p.add_argument("--db", help="build the database in this new file (default: a temporary folder)")
    p.set_defaults(func=cmd_bench_dashboard)
    p = bench_sub.add_parser(
        "charts",
        help="each dashboard chart and the page's first load, timed on an existing database",
    )
    p.add_argument("--db", required=True, help="the database: a DuckDB file or a postgresql:// URL")
    p.add_argument(
        "--repeats", type=_positive, default=5, help="times each chart is computed (default 5)"
    )
    p.set_defaults(func=cmd_bench_charts)
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
    except BrokenPipeError:  # the reader (head, less) stopped reading: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
