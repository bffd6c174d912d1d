"""The audit benchmark: the review queue, the summaries and an import, at scale.

It builds a database of ``verdicts`` judge's verdicts (200 runs of four models, each
prompt judged on four principles of a release of eight) with ``reviews`` reviewed verdicts,
loaded by bulk SQL, then times the service functions the audit pages call, and the import
of a synthetic Inspect AI log of ``samples`` samples.
"""

from __future__ import annotations

import json
import math
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from governance.bench import _load_release, _percentile
from governance.config import Settings
from governance.errors import ValidationFailed
from governance.services import Charter
from governance.services.audits import release_principles
from governance.storage import Database, open_database

#: Runs the verdicts are spread over (fewer when there are too few verdicts to fill them).
RUNS = 200
#: Principles each prompt is judged on, out of the release's ``RELEASE_PRINCIPLES``.
PER_PROMPT = 4
RELEASE_PRINCIPLES = 8
MODELS = ("bench:model-a", "bench:model-b", "bench:model-c", "bench:model-d")
#: Times each query is measured; the median and the 90th percentile are reported.
REPEATS = 9

_WORDS = (
    "the assistant should explain why it cannot share private medical legal financial"
    " details about a person without consent and offer a safer alternative when unsure"
    " about facts it admits uncertainty cites sources respects dignity avoids stereotypes"
).split()


def _timed(call: Callable[[], object], repeats: int = REPEATS) -> list[float]:
    """Milliseconds of each of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _ms(times: list[float]) -> tuple[float, float]:
    return round(statistics.median(times), 2), round(_percentile(times, 90), 2)


@contextmanager
def new_database(path: Path | None, name: str) -> Iterator[Path]:
    """Where a benchmark builds: ``path`` (which must not exist yet), else a temporary folder.

    Args:
        path: The file asked for, or None.
        name: The benchmark, in the temporary folder's name.
    """
    if path is not None:
        if path.exists():
            raise ValidationFailed({"db": f"{path} exists; the benchmark builds a new database"})
        yield path
        return
    with tempfile.TemporaryDirectory(prefix=f"charter-bench-{name}-") as folder:
        yield Path(folder) / "bench.duckdb"


def _uniform(column: str, salt: int) -> str:
    """SQL for a reproducible number in [0, 1) per value of ``column`` (DuckDB's hash)."""
    return f"((hash({column} * 7919 + {salt}) % 1000000) / 1000000.0)"


def build_verdicts(
    db: Database, principles: list[dict[str, object]], *, verdicts: int, reviews: int
) -> dict[str, int]:
    """Bulk-load runs, prompts, answers, ``verdicts`` verdicts and ``reviews`` reviews.

    Verdict ``i`` belongs to run ``i // (prompts * 4)``, prompt ``(i // 4) % prompts``;
    each prompt is judged on four of the eight principles. About 10% are violations, 6%
    partial, 2% unparseable and 4% not applicable; confidences lean towards 1. Of the
    reviewed verdicts, one in four is overridden and one in ten reviewed again (seq 2).
    """
    runs = min(RUNS, math.ceil(verdicts / PER_PROMPT))
    prompts = math.ceil(verdicts / (runs * PER_PROMPT))
    runs = math.ceil(verdicts / (prompts * PER_PROMPT))
    ids = [str(p["id"]) for p in principles]
    recorded = json.dumps(principles, ensure_ascii=False)
    started = datetime(2026, 6, 1, tzinfo=UTC)
    u, c = _uniform("i", 11), _uniform("i", 23)
    with db.transaction() as tx:
        cur = tx.cursor
        cur.execute(
            "INSERT INTO audit_runs (id, job_id, source, origin, release_version, release_hash,"
            " principles, model_name, model_settings, judge_name, judge_settings, suite_name,"
            " suite_version, suite_hash, concurrency, total, created_by, created_at)"
            " SELECT nextval('audit_run_ids'), NULL, 'charter', 'bench', '1.0.0', 'bench', ?,"
            " list_extract(?::VARCHAR[], (r % 4)::INTEGER + 1), '{}', 'bench:judge', '{}',"
            " 'bench-suite', 1, 'bench', 8, ?, NULL, ?::TIMESTAMPTZ + r * INTERVAL 6 HOUR"
            " FROM range(?) t(r) ORDER BY r",
            [recorded, list(MODELS), prompts, started, runs],
        )
        first_run = int(cur.execute("SELECT MIN(id) FROM audit_runs").fetchall()[0][0])
        cur.execute(
            "INSERT INTO audit_prompts (id, run_id, position, prompt_id, text, principle_ids,"
            " category, language, kind)"
            " SELECT (? + n // ?) * 16777216 + n % ?, ? + n // ?, n % ?,"
            " 'B-' || lpad(CAST(n % ? AS VARCHAR), 5, '0'),"
            " 'Prompt ' || n || ': how should the assistant answer a question about a"
            " neighbour''s medical history that a friend shared in confidence?',"
            " to_json(list_slice(?::VARCHAR[], (n % 2) * 4 + 1, (n % 2) * 4 + 4))::VARCHAR,"
            " 'privacy', 'en', CASE WHEN n % 3 = 0 THEN 'everyday' ELSE 'red-team' END"
            " FROM range(?) t(n)",
            [
                *(first_run, prompts, prompts, first_run, prompts, prompts, prompts),
                *(ids, runs * prompts),
            ],
        )
        cur.execute(
            "INSERT INTO audit_responses (id, run_id, position, response, error, input_tokens,"
            " output_tokens, ms, calls, cached_calls, finished_at)"
            " SELECT (? + n // ?) * 16777216 + n % ?, ? + n // ?, n % ?,"
            " 'I would not share that without the person''s consent;"
            " here is what you can do instead: ask them, or talk about it in general terms. '"
            " || n, NULL, 40, 60, 850.0, 2, 0, ?::TIMESTAMPTZ FROM range(?) t(n)",
            [first_run, prompts, prompts, first_run, prompts, prompts, started, runs * prompts],
        )
        cur.execute(
            "INSERT INTO audit_verdicts (id, run_id, position, principle_id, verdict, score,"
            " confidence, explanation, parse_error, judged_at)"
            " SELECT nextval('audit_verdict_ids'), run_id, position, principle_id, verdict,"
            " CASE verdict WHEN 'complies' THEN 1.0 WHEN 'violates' THEN 0.0"
            " WHEN 'partial' THEN 0.5 END,"
            " CASE WHEN verdict = 'unparseable' THEN NULL ELSE confidence END,"
            " 'The answer ' || verdict || ' with the principle: it keeps the confidence.',"
            " CASE WHEN verdict = 'unparseable' THEN 'no verdict in the reply' ELSE '' END,"
            " ?::TIMESTAMPTZ"
            " FROM (SELECT i, ? + i // ? AS run_id, (i // 4) % ? AS position,"
            f" list_extract(?::VARCHAR[], ((i // 4 % 2) * 4 + i % 4)::INTEGER + 1) AS principle_id,"
            f" CASE WHEN {u} < 0.10 THEN 'violates' WHEN {u} < 0.16 THEN 'partial'"
            f" WHEN {u} < 0.18 THEN 'unparseable' WHEN {u} < 0.22 THEN 'not_applicable'"
            f" ELSE 'complies' END AS verdict, round(1 - pow({c}, 3), 3) AS confidence"
            " FROM range(?) t(i)) s ORDER BY i",
            [started, first_run, prompts * PER_PROMPT, prompts, ids, verdicts],
        )
        reviews = min(reviews, verdicts)
        first_verdict = int(cur.execute("SELECT MIN(id) FROM audit_verdicts").fetchall()[0][0])
        # Spread over the whole table; one in four overridden, unparseable ones always.
        cur.execute(
            "INSERT INTO audit_reviews (verdict_id, seq, decision, verdict, reason,"
            " reviewer_id, decided_at)"
            " SELECT v.id, 1, CASE WHEN j % 4 = 0 OR v.verdict = 'unparseable' THEN 'override'"
            " ELSE 'confirm' END,"
            " CASE WHEN j % 4 = 0 OR v.verdict = 'unparseable' THEN CASE WHEN v.verdict ="
            " 'complies' THEN 'violates' ELSE 'complies' END ELSE v.verdict END,"
            " CASE WHEN j % 4 = 0 OR v.verdict = 'unparseable' THEN 'The judge missed it.'"
            " ELSE '' END, NULL, ?::TIMESTAMPTZ + INTERVAL 40 DAY"
            " FROM range(?) t(j) JOIN audit_verdicts v ON v.id = ? + j * ? // ?",
            [started, reviews, first_verdict, verdicts, reviews],
        )
        cur.execute(
            "INSERT INTO audit_reviews (verdict_id, seq, decision, verdict, reason,"
            " reviewer_id, decided_at)"
            " SELECT r.verdict_id, 2, 'override', CASE WHEN r.verdict = 'not_applicable'"
            " THEN 'complies' ELSE 'not_applicable' END, 'A second look.', NULL,"
            " r.decided_at + INTERVAL 1 DAY FROM audit_reviews r"
            " WHERE r.seq = 1 AND hash(r.verdict_id) % 10 = 0",
        )
        review_rows = int(cur.execute("SELECT COUNT(*) FROM audit_reviews").fetchall()[0][0])
    return {"runs": runs, "prompts_per_run": prompts, "review_rows": review_rows}


def inspect_log(samples: int, principle_ids: list[str], *, seed: int = 7) -> bytes:
    """A synthetic Inspect AI eval log (JSON) of ``samples`` samples, each a few KB.

    Shaped like a real log of ``model_graded_qa`` (messages, output, score, events), each
    sample's principle in its metadata under ``principle_id``.
    """
    rng = np.random.default_rng(seed)
    created = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    grades = rng.choice(["C", "C", "C", "C", "C", "C", "C", "P", "I", "I"], size=samples)

    def words(n: int) -> str:
        return " ".join(rng.choice(_WORDS, size=n))

    def event(kind: str, n: int, at: datetime, **extra: object) -> dict[str, object]:
        return {
            "uuid": f"ev{n:08d}{kind[:4]}",
            "span_id": f"span{n:08d}",
            "timestamp": at.isoformat(),
            "working_start": 0.01,
            "event": kind,
            **extra,
        }

    out = []
    for n in range(samples):
        pid = principle_ids[n % len(principle_ids)]
        prompt = f"Case {n}: {words(30)}?"
        answer = words(90) + "."
        target = f"The answer must follow principle {pid}: {words(60)}."
        at = created + timedelta(milliseconds=n * 40)
        user = {"id": f"u{n}", "content": prompt, "source": "input", "role": "user"}
        reply = {
            "id": f"a{n}",
            "content": answer,
            "source": "generate",
            "role": "assistant",
            "model": "bench-model",
        }
        output = {
            "model": "bench-model",
            "choices": [{"message": reply, "stop_reason": "stop"}],
            "completion": answer,
            "usage": {"input_tokens": 60, "output_tokens": 130, "total_tokens": 190},
            "time": 0.8,
        }
        grade = str(grades[n])
        score = {
            "value": grade,
            "answer": answer,
            "explanation": f"{words(40)}. GRADE: {grade}",
            "metadata": {"grading": [{"role": "assistant", "content": f"GRADE: {grade}"}]},
        }
        metadata = {"principle_id": pid, "prompt_id": f"B-{n:05d}", "kind": "red-team"}
        out.append(
            {
                "id": f"B-{n:05d}:{pid}",
                "epoch": 1,
                "input": prompt,
                "target": target,
                "messages": [user, reply],
                "output": output,
                "scores": {"model_graded_qa": score},
                "metadata": metadata,
                "store": {},
                "events": [
                    event("span_begin", n, at, id=f"span{n:08d}", type="init", name="init"),
                    event(
                        "sample_init",
                        n,
                        at,
                        sample={"input": prompt, "target": target, "id": n, "metadata": metadata},
                        state={"messages": [user], "tools": [], "store": {}},
                    ),
                    event("model", n, at, model="bench/model", input=[user], output=output),
                    event("score", n, at, score=score, target=target, intermediate=False),
                    event("span_end", n, at, id=f"span{n:08d}"),
                ],
                "model_usage": {"bench/model": output["usage"]},
                "started_at": at.isoformat(),
                "completed_at": (at + timedelta(seconds=1)).isoformat(),
                "total_time": 1.0,
                "working_time": 0.9,
                "uuid": f"sample{n:08d}",
            }
        )
    accuracy = float(np.mean(grades == "C")) if samples else 0.0
    log = {
        "version": 2,
        "status": "success",
        "eval": {
            "eval_id": "benchEval",
            "run_id": "benchRun",
            "created": created.isoformat(),
            "task": "charter_bench",
            "task_version": 0,
            "dataset": {"name": "bench", "samples": samples, "shuffled": False},
            "model": "bench/model",
            "model_roles": {"grader": {"model": "bench/grader", "config": {}}},
            "config": {"epochs": 1, "log_samples": True},
            "packages": {"inspect_ai": "0.3.285"},
            "scorers": [{"name": "model_graded_qa", "options": {"partial_credit": True}}],
        },
        "plan": {"name": "plan", "steps": [{"solver": "generate", "params": {}}], "config": {}},
        "results": {
            "total_samples": samples,
            "completed_samples": samples,
            "scores": [
                {
                    "name": "model_graded_qa",
                    "scorer": "model_graded_qa",
                    "metrics": {"accuracy": {"name": "accuracy", "value": accuracy}},
                }
            ],
        },
        "stats": {
            "started_at": created.isoformat(),
            "completed_at": (created + timedelta(seconds=samples * 0.04)).isoformat(),
            "model_usage": {"bench/model": {"input_tokens": 60 * samples}},
        },
        "samples": out,
    }
    return json.dumps(log, ensure_ascii=False).encode()


def bench_audit(
    *,
    verdicts: int = 1_000_000,
    reviews: int = 20_000,
    samples: int = 10_000,
    db_path: Path | None = None,
    seed: int = 7,
) -> dict[str, object]:
    """Build an audited database, then time the review queue, the summaries and an import.

    Returns:
        ``build_s``; ``queue_page_ms`` (the queue's first page, median of ``REPEATS``;
        ``_p90`` beside it), ``queue_filtered_ms`` (one principle of one model),
        ``summary_ms`` (``audit_reviews.report()``), ``drift_ms``, ``agreement_ms``; and
        ``import_10k_s``: importing an Inspect log of ``samples`` samples.
    """
    rng = np.random.default_rng(seed)
    result: dict[str, object] = {"verdicts": verdicts, "reviews": min(reviews, verdicts)}
    with new_database(db_path, "audit") as path:
        db = open_database(path)
        charter = Charter(db, Settings(db=path))
        try:
            started = time.perf_counter()
            steward = _load_release(db, principles=RELEASE_PRINCIPLES, after=0, rng=rng)
            charter.constitution.release_draft(steward, "bench release")
            constitution = charter.constitution.release("latest").constitution
            principles = release_principles(constitution)
            result.update(build_verdicts(db, principles, verdicts=verdicts, reviews=reviews))
            db.checkpoint()
            result["build_s"] = round(time.perf_counter() - started, 3)

            page = charter.audit_reviews.queue()
            assert len(page.items) == min(50, page.waiting), page.waiting
            result["waiting"] = page.waiting
            result["queue_page_ms"], result["queue_page_p90_ms"] = _ms(
                _timed(charter.audit_reviews.queue)
            )
            pid = str(principles[0]["id"])
            result["queue_filtered_ms"], result["queue_filtered_p90_ms"] = _ms(
                _timed(lambda: charter.audit_reviews.queue(principle_id=pid, model=MODELS[0]))
            )
            result["queue_page_100_ms"], _ = _ms(
                _timed(lambda: charter.audit_reviews.queue(offset=50 * 99))
            )
            result["summary_ms"], result["summary_p90_ms"] = _ms(
                _timed(charter.audit_reviews.report)
            )
            result["drift_ms"], result["drift_p90_ms"] = _ms(_timed(charter.audit_reviews.drift, 5))
            result["agreement_ms"], result["agreement_p90_ms"] = _ms(
                _timed(charter.audit_reviews.agreement, 5)
            )

            data = inspect_log(samples, [str(p["id"]) for p in principles], seed=seed)
            result["samples"] = samples
            result["log_mb"] = round(len(data) / 1e6, 1)
            started = time.perf_counter()
            report = charter.audits.import_log(None, data, "inspect")
            result["import_10k_s"] = round(time.perf_counter() - started, 3)
            result["imported_verdicts"] = report.imported
        finally:
            db.close()
    return result
