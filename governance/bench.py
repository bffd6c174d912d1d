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
        charter = Charter.open(Settings(db_path=Path(folder) / "bench.duckdb"))
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


#: How many times ``bench_revision`` measures each side of the overhead.
OVERHEAD_REPEATS = 3


def bench_revision(
    *,
    prompts: int = 256,
    rounds: int = 2,
    concurrency: int = 16,
    latency_ms: int = 200,
    principles: int = 8,
    seed: int = 7,
) -> dict[str, object]:
    """Measure what the revision pipeline adds to the model's own time.

    * ``step_overhead_ms``: a run of ``prompts`` prompts on the scripted stand-in with no
      latency, one prompt at a time, through everything a run does (job, items, cache,
      storage), minus the same loop calling the model directly, per critique -> revision
      step.
    * ``throughput_ratio``: model calls per second with the stand-in answering in
      ``latency_ms`` at ``concurrency``, over the ideal ``concurrency / latency``.
    * ``rerun_model_calls``: model calls made by running the finished run again.
    """
    import tempfile

    from governance.jobs.runner import JobRunner
    from governance.llm.adapter import ModelClient
    from governance.llm.scripted import ScriptedChatModel
    from governance.llm.specs import BUILTIN_MODELS, ModelSpec
    from governance.revision.pipeline import RevisionPrinciple, Sampling, choose_principles
    from governance.revision.pipeline import revise as revise_directly
    from governance.revision.prompts import PromptSet, RevisionPrompt
    from governance.services import Charter

    rng = np.random.default_rng(seed)
    words = "when does the assistant say it is unsure about a medical legal fact".split()
    texts = [" ".join(rng.choice(words, size=24)) for _ in range(prompts)]

    def prompt_set(tag: str) -> PromptSet:
        """The prompts, made distinct per measurement, so none finds another's replies."""
        return PromptSet(
            f"bench-{tag}",
            tuple(RevisionPrompt(f"b{i}", f"{text} #{tag}{i}") for i, text in enumerate(texts)),
        )

    # Overhead is measured one call at a time, as the direct loop runs: threads sharing the
    # interpreter would charge their own contention to the pipeline.
    quick = ModelSpec(name="quick", model="charter:scripted", concurrency=1)
    slow = ModelSpec(
        name="slow", model="charter:scripted", concurrency=concurrency, latency_ms=latency_ms
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.duckdb"
        settings = Settings(db_path=path, models=(*BUILTIN_MODELS.values(), quick, slow))
        db = Database(path)
        charter = Charter(db, settings)
        steward = _load_release(db, principles=principles, after=0, rng=rng)
        charter.constitution.release_draft(steward, "bench release")
        runner = JobRunner(charter, scheduled=())

        def run(model: str, run_seed: str, prompts_of: PromptSet) -> tuple[int, float, int]:
            client = charter.models.client(model)
            calls = client.calls
            started = time.perf_counter()
            made = charter.revisions.start(
                steward,
                release="latest",
                model=model,
                prompts=prompts_of,
                rounds=rounds,
                seed=run_seed,
            )
            runner.run_until_idle()
            elapsed = time.perf_counter() - started
            detail = charter.revisions.run(made.id)
            assert detail.run.finished == prompts, detail.run
            steps = sum(len(r.steps) for r in detail.results)
            return client.calls - calls, elapsed, steps

        # The loop alone, calling the same model with no Charter around it.
        release = charter.constitution.release("latest").constitution
        chosen_from = [
            RevisionPrinciple(p.id, p.title, p.critique_request, p.revision_request)
            for p in release.principles
        ]
        direct = ModelClient(quick, ScriptedChatModel(), None)

        def directly(prompts_of: PromptSet) -> float:
            started = time.perf_counter()
            for prompt in prompts_of.prompts:
                chosen = choose_principles(chosen_from, rounds, Sampling.RANDOM, prompt.id)
                revise_directly(direct, prompt.text, chosen)
            return time.perf_counter() - started

        # Each side measured three times, the fastest kept: what remains is the pipeline's
        # own cost, not whatever else the machine was doing at that moment.
        direct_s = min(directly(prompt_set(f"d{n}")) for n in range(OVERHEAD_REPEATS))
        overhead_runs = [
            run("quick", "overhead", prompt_set(f"p{n}")) for n in range(OVERHEAD_REPEATS)
        ]
        pipeline_s = min(elapsed for _, elapsed, _ in overhead_runs)
        steps = overhead_runs[0][2]
        slow_calls, slow_s, _ = run("slow", "throughput", prompt_set("t"))
        rerun_calls, rerun_s, _ = run("slow", "throughput", prompt_set("t"))
        db.close()
    ideal = concurrency / (latency_ms / 1000)
    return {
        "prompts": prompts,
        "rounds": rounds,
        "concurrency": concurrency,
        "latency_ms": latency_ms,
        "steps": steps,
        "direct_s": round(direct_s, 3),
        "pipeline_s": round(pipeline_s, 3),
        "step_overhead_ms": round((pipeline_s - direct_s) * 1000 / steps, 3),
        "calls": slow_calls,
        "calls_per_s": round(slow_calls / slow_s, 2),
        "ideal_calls_per_s": round(ideal, 2),
        "throughput_ratio": round(slow_calls / slow_s / ideal, 3),
        "rerun_model_calls": rerun_calls,
        "rerun_s": round(rerun_s, 3),
    }
