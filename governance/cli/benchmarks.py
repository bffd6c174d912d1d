"""Benchmarks: each prints one JSON line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from governance.errors import ValidationFailed


def cmd_bench_constitution(args: argparse.Namespace) -> int:
    """Run the constitution benchmark and print one JSON line."""
    from governance.bench import bench_constitution

    print(json.dumps(bench_constitution(guidelines=args.guidelines, seed=args.seed)))
    return 0


def cmd_bench_votes(args: argparse.Namespace) -> int:
    """Run the voting benchmark and print one JSON line."""
    from governance.bench import bench_votes

    if args.store is not None or args.processes is not None:
        from governance.bench_store import bench_store_votes

        if args.release_principles:
            raise ValidationFailed(
                {"--release-principles": "not with --store or --processes (one process only)"}
            )
        print(
            json.dumps(
                bench_store_votes(
                    store=args.store,
                    processes=args.processes or 1,
                    threads=args.threads,
                    voters=args.voters,
                    guidelines=args.guidelines,
                    votes=args.votes,
                    casts=args.casts,
                    seed=args.seed,
                )
            )
        )
        return 0
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


def cmd_bench_revision(args: argparse.Namespace) -> int:
    """Run the revision benchmark and print one JSON line."""
    from governance.bench_revision import bench_revision

    result = bench_revision(
        prompts=args.prompts,
        rounds=args.rounds,
        concurrency=args.concurrency,
        latency_ms=args.latency_ms,
    )
    print(json.dumps(result))
    return 0


def cmd_bench_audit(args: argparse.Namespace) -> int:
    """Run the audit benchmark and print one JSON line."""
    from governance.bench_audit import bench_audit

    result = bench_audit(
        verdicts=args.verdicts,
        reviews=args.reviews,
        samples=args.samples,
        db_path=Path(args.db) if args.db else None,
        seed=args.seed,
    )
    print(json.dumps(result))
    return 0


def cmd_bench_dashboard(args: argparse.Namespace) -> int:
    """Run the dashboard benchmark and print one JSON line."""
    from governance.bench_dashboard import bench_dashboard

    result = bench_dashboard(
        votes=args.votes,
        voters=args.voters,
        guidelines=args.guidelines,
        audit_results=args.audit_results,
        casts=args.casts,
        rounds=args.rounds,
        loads=args.loads,
        db=Path(args.db) if args.db else None,
    )
    print(json.dumps(result))
    return 0


def cmd_bench_charts(args: argparse.Namespace) -> int:
    """Time the dashboard's charts on an existing database and print one JSON line."""
    from governance.bench_charts import bench_charts

    print(json.dumps(bench_charts(args.db, repeats=args.repeats)))
    return 0
