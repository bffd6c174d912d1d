"""``bench votes --store ... --processes P``: ballots cast from several processes at once.

The parent loads a synthetic electorate into the store (an empty PostgreSQL database, or a
new DuckDB file), then starts ``P`` processes, each an app replica with its own connection
pool and ``threads`` threads casting through ``charter.ballots.cast``. When all are ready
it lets them go together, and measures from then until the last one is done. Afterwards it
counts the ballots stored against every distinct ballot loaded or cast: ``lost_votes``.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from governance.bench import _load, _percentile
from governance.config import Settings, is_postgres
from governance.errors import ValidationFailed
from governance.models import Stakeholder
from governance.services import Charter
from governance.services.base import utc_now
from governance.storage import open_database
from governance.storage.transfer import SCHEMA_TABLES, row_counts

#: Seconds a replica may take to open the store and say it is ready.
READY_S = 60


@contextmanager
def _store(store: str | None) -> Iterator[str]:
    if store is not None:
        yield store
        return
    with tempfile.TemporaryDirectory(prefix="charter-bench-store-") as folder:
        yield str(Path(folder) / "bench.duckdb")


def bench_store_votes(
    *,
    store: str | None,
    processes: int,
    threads: int = 8,
    voters: int = 100_000,
    guidelines: int = 2_000,
    votes: int = 1_000_000,
    casts: int = 8_000,
    seed: int = 7,
) -> dict[str, object]:
    """Load, then cast ``casts`` ballots from ``processes`` processes of ``threads`` threads.

    Returns:
        ``store``, ``processes``, ``threads``, ``casts``, ``ballots_per_s`` (ballots cast
        per second of wall time, all processes together), ``cast_p50_ms``, ``cast_p99_ms``
        (every ballot's latency), ``cast_errors`` and ``lost_votes``.

    Raises:
        ValidationFailed: Several processes on a DuckDB file (one process may open it), or a
            store that already holds data.
    """
    engine = "postgresql" if store is not None and is_postgres(store) else "duckdb"
    if engine == "duckdb" and processes > 1:
        raise ValidationFailed(
            {"--processes": "a DuckDB file takes one process; use a postgresql:// store"}
        )
    if votes > voters * guidelines:
        raise ValidationFailed({"--votes": "more votes than (voter, guideline) pairs"})
    rng = np.random.default_rng(seed)
    with _store(store) as location:
        db = open_database(location)
        try:
            held = [t for t, n in row_counts(db).items() if n and t not in SCHEMA_TABLES]
            if held:
                raise ValidationFailed(
                    {"--store": f"holds data already ({', '.join(held[:4])}); give an empty one"}
                )
            started = time.perf_counter()
            loaded = _load(db, voters=voters, guidelines=guidelines, votes=votes, rng=rng)
            db.checkpoint()
            db.analyze()
            load_s = time.perf_counter() - started
        finally:
            db.close()

        plan_g = rng.integers(0, guidelines, size=casts)
        plan_v = rng.integers(0, voters, size=casts)
        plan_c = rng.choice(["approve", "reject", "abstain"], size=casts)
        plans = [
            [
                [int(plan_g[i]) + 1, int(plan_v[i]) + 1, str(plan_c[i])]
                for i in range(p, casts, processes)
            ]
            for p in range(processes)
        ]
        replicas = [
            subprocess.Popen(
                [sys.executable, "-m", "governance.bench_store", location, str(threads)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(processes)
        ]
        finished = False
        try:
            for replica, plan in zip(replicas, plans, strict=True):
                assert replica.stdin is not None and replica.stdout is not None
                replica.stdin.write(json.dumps(plan) + "\n")
                replica.stdin.flush()
            for replica in replicas:
                assert replica.stdout is not None
                if replica.stdout.readline().strip() != "ready":
                    raise RuntimeError("a replica did not start; see its error above")
            started = time.perf_counter()
            for replica in replicas:
                assert replica.stdin is not None
                replica.stdin.write("go\n")
                replica.stdin.flush()
            results = []
            for replica in replicas:
                assert replica.stdout is not None
                results.append(json.loads(replica.stdout.readline()))
            wall_s = time.perf_counter() - started
            finished = True
        finally:
            for replica in replicas:
                if not finished:
                    replica.kill()
                replica.wait(timeout=60)

        latencies = [ms for r in results for ms in r["latencies"]]
        errors = sum(len(r["errors"]) for r in results)
        cast_keys = {(g - 1) * voters + (v - 1) for r in results for g, v in r["cast"]}
        db = open_database(location)
        try:
            with db.read() as tx:
                stored = tx.votes.count_votes()
        finally:
            db.close()
    return {
        "bench": "votes",
        "store": engine,
        "processes": processes,
        "threads": threads,
        "voters": voters,
        "guidelines": guidelines,
        "votes": votes,
        "casts": casts,
        "load_s": round(load_s, 1),
        "wall_s": round(wall_s, 2),
        "ballots_per_s": round(len(latencies) / wall_s, 1),
        "cast_p50_ms": round(_percentile(latencies, 50), 2),
        "cast_p99_ms": round(_percentile(latencies, 99), 2),
        "cast_errors": errors,
        # CPU the replicas spent casting (not starting), per ballot: the part of the
        # machine's two cores that the app takes, the server having the rest.
        "replica_cpu_ms_per_ballot": round(
            sum(r["cpu_s"] for r in results) / max(1, len(latencies)) * 1000, 3
        ),
        "error_sample": next((r["errors"][0] for r in results if r["errors"]), None),
        "lost_votes": len(loaded | cast_keys) - stored,
        "machine": f"{platform.machine()} {platform.python_version()}",
        "date": utc_now().date().isoformat(),
    }


def _replica(location: str, threads: int) -> None:
    """One replica: read its plan, say ready, wait for go, cast, print what happened."""
    plan = json.loads(sys.stdin.readline())
    charter = Charter(open_database(location), Settings(db=location))
    # A replica that has served a while: a connection per thread open, the rules read.
    warm = [
        threading.Thread(target=charter.ballots.tally, args=(f"G-{plan[n][0]:04d}",))
        for n in range(min(threads, len(plan)))
    ]
    for t in warm:
        t.start()
    for t in warm:
        t.join()
    print("ready", flush=True)
    sys.stdin.readline()  # go
    cpu_started = time.process_time()
    latencies: list[float] = []
    errors: list[str] = []
    cast: list[list[int]] = []
    lock = threading.Lock()

    def work(part: int) -> None:
        mine, done, failed = [], [], []
        for guideline, voter, choice in plan[part::threads]:
            person = Stakeholder.model_construct(
                id=voter, display_name="", groups=(), created_at=utc_now()
            )
            started = time.perf_counter()
            try:
                charter.ballots.cast(person, f"G-{guideline:04d}", choice)
            except Exception as exc:  # counted and reported
                failed.append(f"{type(exc).__name__}: {exc}")
                continue
            mine.append((time.perf_counter() - started) * 1000)
            done.append([guideline, voter])
        with lock:
            latencies.extend(mine)
            cast.extend(done)
            errors.extend(failed)

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    cpu_s = time.process_time() - cpu_started
    charter.close()
    print(
        json.dumps({"latencies": latencies, "cast": cast, "errors": errors, "cpu_s": cpu_s}),
        flush=True,
    )


if __name__ == "__main__":
    _replica(sys.argv[1], int(sys.argv[2]))
