"""Jobs: run them in the foreground, list them, cancel one, close due votes."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from governance.cli.common import (
    _charter,
    _choice,
)
from governance.jobs.deadlines import CLOSE_DUE
from governance.jobs.models import Job, JobStatus
from governance.jobs.refresh import ANALYTICS_REFRESH
from governance.jobs.runner import JobRunner


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
    return _run_job(args, CLOSE_DUE)


def cmd_refresh_analytics(args: argparse.Namespace) -> int:
    """Recompute the dashboard's summaries from their sources, as a job, printing progress."""
    return _run_job(args, ANALYTICS_REFRESH)


def _run_job(args: argparse.Namespace, kind: str) -> int:
    """Start a job of ``kind`` as the operator and run it here until it ends."""
    charter = _charter(args)
    runner = JobRunner(charter, scheduled=(), on_progress=_progress)
    runner.run_until_idle()  # first what an earlier run left unfinished, if anything
    job = charter.jobs.start(None, kind)
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
        print(f"worker: running jobs in {charter.db.location}; stop with Ctrl-C", file=sys.stderr)
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
