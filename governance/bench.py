"""Benchmarks, run by ``python -m governance bench ...``; each returns one JSON-able dict.

The voting benchmark builds a synthetic electorate in a fresh database in a temporary
folder, then measures the same service functions the pages call.
"""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from governance.config import Settings
from governance.models import AccountStatus, GovernanceRules, Role, Stakeholder, Status
from governance.services import Charter
from governance.services.base import utc_now
from governance.storage import Database
from governance.voting import Counts, RecordedTally, tally

#: Share of the synthetic electorate in each group, and of experts also in "public".
_GROUP_SHARES = {"ethicist": 0.1, "engineer": 0.2, "public": 0.7}
_DUAL_SHARE = 0.05


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def bulk_guidelines(
    db: Database,
    gids: np.ndarray,
    *,
    status: Status,
    created: datetime,
    opens: datetime,
    closes: datetime,
    titles: list[str],
    statements: list[str] | None = None,
    categories: list[str] | None = None,
) -> None:
    """Bulk-load guidelines at version 1 that were put to a vote, with their text.

    For benchmarks and tests that need thousands of guidelines quickly; everything else
    goes through the services.
    """
    statements = statements or ["The assistant follows a synthetic guideline."] * len(gids)
    db.bulk_insert(
        "guidelines",
        pd.DataFrame(
            {
                "id": gids,
                "status": status.value,
                "current_version": 1,
                "author_id": 1,
                "created_at": created,
                "updated_at": opens,
                "voting_version": 1,
                "voting_opens_at": opens,
                "voting_closes_at": closes,
                "voting_rules_version": 1,
            }
        ),
    )
    db.bulk_insert(
        "guideline_versions",
        pd.DataFrame(
            {
                "guideline_id": gids,
                "version": 1,
                "title": titles,
                "statement": statements,
                "critique_request": [
                    f"Identify where the response fails this: {s}" for s in statements
                ],
                "revision_request": [f"Rewrite the response so that: {s}" for s in statements],
                "rationale": "",
                "category": categories or "honesty",
                "tags": "[]",
                "language": "en",
                "author_id": 1,
                "reason": "",
                "created_at": created,
            }
        ),
    )


def _load(
    db: Database, *, voters: int, guidelines: int, votes: int, rng: np.random.Generator
) -> set[int]:
    """Bulk-load stakeholders, guidelines in voting and ballots; returns the ballot keys."""
    now = utc_now()
    ids = np.arange(1, voters + 1)
    db.bulk_insert(
        "stakeholders",
        pd.DataFrame(
            {
                "id": ids,
                "display_name": [f"Voter {i}" for i in range(voters)],
                "status": AccountStatus.ACTIVE.value,
                "is_demo": False,
                "created_at": now,
            }
        ),
    )
    groups = list(_GROUP_SHARES)
    primary = rng.choice(len(groups), size=voters, p=list(_GROUP_SHARES.values()))
    dual = ids[rng.random(voters) < _DUAL_SHARE]
    member_ids = np.concatenate([ids, dual])
    member_groups = [groups[g] for g in primary] + ["public"] * len(dual)
    db.bulk_insert(
        "stakeholder_groups",
        pd.DataFrame({"stakeholder_id": member_ids, "group_name": member_groups}).drop_duplicates(),
    )
    db.bulk_insert(
        "stakeholder_roles",
        pd.DataFrame({"stakeholder_id": ids, "role": Role.PARTICIPANT.value}),
    )
    gids = np.arange(1, guidelines + 1)
    bulk_guidelines(
        db,
        gids,
        status=Status.VOTING,
        created=now - timedelta(days=3),
        opens=now - timedelta(days=1),
        closes=now + timedelta(days=13),
        titles=[f"Synthetic guideline {g}" for g in gids.tolist()],
    )
    # Distinct (guideline, voter) pairs, encoded as guideline * voters + voter.
    keys = np.unique(rng.integers(0, guidelines * voters, size=int(votes * 1.1)))
    keys = rng.permutation(keys)[:votes]
    g_index, v_index = np.divmod(keys, voters)
    # Each guideline has its own level of support, so tallies differ.
    support = rng.uniform(0.3, 0.9, size=guidelines)[g_index]
    draw = rng.random(len(keys))
    choice = np.where(
        draw < 0.05, "abstain", np.where(draw < 0.05 + support * 0.95, "approve", "reject")
    )
    db.bulk_insert(
        "votes",
        pd.DataFrame(
            {
                "guideline_id": gids[g_index],
                "version": 1,
                "stakeholder_id": ids[v_index],
                "choice": choice,
                "reason": "",
                "cast_at": now - timedelta(hours=12),
            }
        ),
    )
    return set(keys.tolist())


def _load_release(
    db: Database, *, principles: int, after: int, rng: np.random.Generator
) -> Stakeholder:
    """Bulk-load ``principles`` approved guidelines with their decisions, and a steward."""
    now = utc_now()
    settings = Settings()
    recorded = RecordedTally.of(
        tally(
            Counts(approve=120, reject=30, abstain=10),
            {g: Counts(approve=40, reject=10, abstain=3) for g in settings.groups},
            GovernanceRules(),
            settings.groups,
        )
    ).model_dump_json()
    gids = np.arange(after + 1, after + principles + 1)
    # A large vocabulary keeps the synthetic principles apart, so no duplicate flag blocks.
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocabulary = ["".join(rng.choice(letters, size=7)) for _ in range(20_000)]
    bodies = [" ".join(rng.choice(vocabulary, size=60)) for _ in range(principles)]
    bulk_guidelines(
        db,
        gids,
        status=Status.APPROVED,
        created=now - timedelta(days=20),
        opens=now - timedelta(days=16),
        closes=now - timedelta(days=2),
        titles=[f"Principle {g}" for g in gids.tolist()],
        statements=bodies,
        categories=[settings.categories[g % len(settings.categories)] for g in gids],
    )
    db.bulk_insert(
        "decisions",
        pd.DataFrame(
            {
                "guideline_id": gids,
                "version": 1,
                "outcome": Status.APPROVED.value,
                "rules_version": 1,
                "decided_at": [now - timedelta(days=2, minutes=int(g)) for g in gids],
                "decided_by": None,
                "reason": "",
                "tally": recorded,
            }
        ),
    )
    steward_id = 10_000_000
    db.bulk_insert(
        "stakeholders",
        pd.DataFrame(
            {
                "id": [steward_id],
                "display_name": ["Bench steward"],
                "status": AccountStatus.ACTIVE.value,
                "is_demo": False,
                "created_at": now,
            }
        ),
    )
    db.bulk_insert(
        "stakeholder_roles",
        pd.DataFrame(
            {"stakeholder_id": [steward_id, steward_id], "role": ["participant", "steward"]}
        ),
    )
    return Stakeholder.model_construct(
        id=steward_id, display_name="Bench steward", groups=(), created_at=now
    )


def bench_votes(
    *,
    voters: int = 100_000,
    guidelines: int = 2_000,
    votes: int = 1_000_000,
    threads: int = 8,
    casts: int = 2_000,
    seed: int = 7,
    release_principles: int = 0,
) -> dict[str, object]:
    """Load a synthetic electorate, then time tallies and concurrent casts.

    With ``release_principles``, ballots are also cast while a steward releases a
    constitution of that many principles: ``cast_p99_during_release_ms`` shows whether
    rendering the release's files holds ballots up.

    Returns:
        ``load_s``, ``tally_all_s``, ``tally_one_ms`` (median of 100), ``cast_p50_ms``,
        ``cast_p99_ms`` (``casts`` ballots from ``threads`` threads through
        ``Charter.cast_vote``) and ``lost_votes`` (ballots cast minus ballots stored).
    """
    if votes > voters * guidelines:
        raise ValueError("more votes than (voter, guideline) pairs")
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory(prefix="charter-bench-") as folder:
        charter = Charter.open(Settings(db=Path(folder) / "bench.duckdb"))
        db = charter.db
        started = time.perf_counter()
        loaded = _load(db, voters=voters, guidelines=guidelines, votes=votes, rng=rng)
        db.checkpoint()
        load_s = time.perf_counter() - started

        started = time.perf_counter()
        tallies = charter.ballots.tally_all()
        tally_all_s = time.perf_counter() - started
        assert len(tallies) == guidelines

        one_ms = []
        for index in rng.choice(guidelines, size=min(100, guidelines), replace=False):
            started = time.perf_counter()
            charter.ballots.tally(f"G-{int(index) + 1:04d}")
            one_ms.append((time.perf_counter() - started) * 1000)

        # Random voters cast on random guidelines; some already voted there (a change).
        plan_g = rng.integers(0, guidelines, size=casts)
        plan_v = rng.integers(0, voters, size=casts)
        plan_c = rng.choice(["approve", "reject", "abstain"], size=casts)
        latencies: list[float] = []
        failures: list[BaseException] = []
        cast_keys: set[int] = set()
        lock = threading.Lock()

        def worker(part: int, until: threading.Event | None = None) -> None:
            mine: list[float] = []
            keys: list[int] = []
            for i in range(part, casts, threads):
                if until is not None and until.is_set():
                    break
                person = Stakeholder.model_construct(
                    id=int(plan_v[i]) + 1, display_name="", groups=(), created_at=utc_now()
                )
                started = time.perf_counter()
                try:
                    charter.ballots.cast(person, f"G-{int(plan_g[i]) + 1:04d}", str(plan_c[i]))
                except BaseException as exc:  # counted, then reported as lost votes
                    with lock:
                        failures.append(exc)
                    continue
                mine.append((time.perf_counter() - started) * 1000)
                keys.append(int(plan_g[i]) * voters + int(plan_v[i]))
            with lock:
                latencies.extend(mine)
                cast_keys.update(keys)

        pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        idle = list(latencies)

        during: dict[str, object] = {}
        if release_principles:
            steward = _load_release(db, principles=release_principles, after=guidelines, rng=rng)
            latencies.clear()
            released = threading.Event()
            plan_g = rng.integers(0, guidelines, size=casts)
            plan_v = rng.integers(0, voters, size=casts)
            pool = [threading.Thread(target=worker, args=(n, released)) for n in range(threads)]
            started = time.perf_counter()
            for t in pool:
                t.start()
            info = charter.constitution.release_draft(steward, "benchmark release")
            release_ms = (time.perf_counter() - started) * 1000
            released.set()
            for t in pool:
                t.join()
            during = {
                "release_principles": len(info.constitution.principles),
                "release_ms": round(release_ms, 1),
                "casts_during_release": len(latencies),
                "cast_p50_during_release_ms": round(_percentile(latencies, 50), 2),
                "cast_p99_during_release_ms": round(_percentile(latencies, 99), 2),
                "cast_max_during_release_ms": round(max(latencies), 2),
            }
            latencies[:0] = idle

        expected = len(loaded | cast_keys)
        with db.read() as tx:
            stored = tx.votes.count_votes()
        db.close()
    return {
        "bench": "votes",
        "voters": voters,
        "guidelines": guidelines,
        "votes": votes,
        "threads": threads,
        "casts": casts,
        "load_s": round(load_s, 3),
        "tally_all_s": round(tally_all_s, 3),
        "tally_one_ms": round(statistics.median(one_ms), 2),
        "cast_p50_ms": round(_percentile(idle, 50), 2),
        "cast_p99_ms": round(_percentile(idle, 99), 2),
        **during,
        "cast_errors": len(failures),
        "lost_votes": expected - stored,
        "machine": f"{platform.machine()} {platform.python_version()}",
        "date": utc_now().date().isoformat(),
    }


#: Decision times of the synthetic guidelines: fixed, so every run compiles the same content.
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def bench_constitution(*, guidelines: int, seed: int) -> dict[str, object]:
    """Compile ``guidelines`` approved guidelines and export the result in every format.

    Measures the pure compiler and exporters (what a release does besides storing), on
    synthetic guidelines with realistic lengths.
    """
    from governance.constitution import exports
    from governance.constitution.compiler import compile_constitution
    from governance.models import GuidelineText
    from governance.voting import Decided, Decision

    rng = np.random.default_rng(seed)
    settings = Settings()
    words = "assistant should explain risks clearly avoid harm respect privacy admit".split()
    recorded = RecordedTally.of(
        tally(
            Counts(approve=120, reject=30, abstain=10),
            {g: Counts(approve=40, reject=10, abstain=3) for g in settings.groups},
            GovernanceRules(),
            settings.groups,
        )
    )
    now = utc_now()
    decided = []
    for i in range(1, guidelines + 1):
        body = " ".join(rng.choice(words, size=60))
        decided.append(
            Decided(
                guideline_id=f"G-{i:04d}",
                version=1,
                text=GuidelineText(
                    title=f"Guideline {i} {' '.join(rng.choice(words, size=4))}",
                    statement=body,
                    critique_request=f"Identify how the response fails this: {body}",
                    revision_request=f"Rewrite the response so that: {body}",
                    category=settings.categories[i % len(settings.categories)],
                ),
                decision=Decision(
                    version=1,
                    outcome=Status.APPROVED,
                    rules_version=1,
                    decided_at=_EPOCH - timedelta(minutes=i),
                    decided_by=None,
                    reason="",
                    tally=recorded,
                ),
            )
        )
    started = time.perf_counter()
    constitution = compile_constitution(
        decided, version="1.0.0", created_at=now, categories=settings.categories
    )
    compile_ms = (time.perf_counter() - started) * 1000
    export_ms = {}
    for name in exports.EXPORTERS:
        begin = time.perf_counter()
        exports.render(constitution, name)
        export_ms[name] = round((time.perf_counter() - begin) * 1000, 1)
    return {
        "bench": "constitution",
        "guidelines": guidelines,
        "compile_ms": round(compile_ms, 1),
        "export_ms": export_ms,
        "total_ms": round(compile_ms + sum(export_ms.values()), 1),
        "content_hash": constitution.content_hash,
        "date": now.date().isoformat(),
        "machine": f"{platform.machine()} {platform.python_version()}, {os.cpu_count()} cores",
    }
