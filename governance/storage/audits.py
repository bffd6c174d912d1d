"""Queries about audits: suites, runs, their prompts, the model's answers, storing verdicts.

Reached as ``tx.audits``; verdicts, the review queue and reviews are ``tx.audit_reviews``
(``storage/audit_reviews.py``). Every statement is one PostgreSQL also runs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from governance.storage.base import Queries, placeholders

#: Positions in one run are below this; a prompt's key is ``run_id * POSITIONS + position``.
POSITIONS = 1 << 24


def prompt_key(run_id: int, position: int) -> int:
    """The key of a run's prompt and of its answer, in one number.

    A lookup of a few rows by key reads only those rows: DuckDB finds a list of
    single-column keys in the primary key's index, and scans for a list of pairs.
    """
    return run_id * POSITIONS + position


@dataclass(frozen=True)
class SuiteRow:
    """A stored version of a suite."""

    name: str
    version: int
    content_hash: str
    description: str
    prompts: list[dict[str, Any]]
    created_by: int | None
    created_at: datetime


@dataclass(frozen=True)
class AuditRunRow:
    """An audit run as stored (its status comes from its job; imports have none)."""

    id: int
    job_id: int | None
    source: str
    origin: str
    release_version: str
    release_hash: str
    principles: list[dict[str, Any]]
    model_name: str
    model_settings: dict[str, Any]
    judge_name: str
    judge_settings: dict[str, Any]
    suite_name: str
    suite_version: int
    suite_hash: str
    concurrency: int
    total: int
    created_by: int | None
    created_at: datetime
    job_status: str | None = None
    finished: int = 0
    """Prompts answered and judged."""
    errors: int = 0
    """Prompts whose last try failed."""

    def principle(self, principle_id: str) -> dict[str, Any]:
        """What the run recorded of a principle (empty if it holds none by that id)."""
        return next((p for p in self.principles if p.get("id") == principle_id), {})


@dataclass(frozen=True)
class AuditPromptRow:
    """One prompt of a run, at its position."""

    position: int
    prompt_id: str
    text: str
    principle_ids: tuple[str, ...]
    category: str
    language: str
    kind: str


@dataclass(frozen=True)
class NewVerdict:
    """A judge's verdict on one principle, to store."""

    principle_id: str
    verdict: str
    score: float | None
    confidence: float | None
    explanation: str
    parse_error: str = ""


@dataclass(frozen=True)
class NewResponse:
    """What the model answered to one prompt and what the judge said (or why it failed)."""

    position: int
    response: str | None
    error: str | None
    verdicts: tuple[NewVerdict, ...] = ()
    input_tokens: int = 0
    output_tokens: int = 0
    ms: float = 0.0
    calls: int = 0
    cached_calls: int = 0


_RUN_COLUMNS = """r.id, r.job_id, r.source, r.origin, r.release_version, r.release_hash,
    r.principles, r.model_name, r.model_settings, r.judge_name, r.judge_settings,
    r.suite_name, r.suite_version, r.suite_hash, r.concurrency, r.total, r.created_by,
    r.created_at, j.status, COALESCE(a.finished, 0), COALESCE(a.errors, 0)"""


def _run_from(runs: str) -> str:
    """Runs with their job and answer counts; ``runs`` selects the ids counted.

    Counting only the runs shown (rather than a subquery per run, which DuckDB turns into
    a count of every answer stored) keeps a page of runs cheap with many runs stored.
    """
    return (
        "FROM audit_runs r LEFT JOIN jobs j ON j.id = r.job_id LEFT JOIN"
        " (SELECT run_id, SUM(CASE WHEN error IS NULL THEN 1 ELSE 0 END) AS finished,"
        " SUM(CASE WHEN error IS NULL THEN 0 ELSE 1 END) AS errors FROM audit_responses"
        f" WHERE run_id IN ({runs}) GROUP BY run_id) a ON a.run_id = r.id"
    )


def _run(row: Sequence[Any]) -> AuditRunRow:
    return AuditRunRow(
        id=row[0],
        job_id=row[1],
        source=row[2],
        origin=row[3],
        release_version=row[4],
        release_hash=row[5],
        principles=json.loads(row[6]),
        model_name=row[7],
        model_settings=json.loads(row[8]),
        judge_name=row[9],
        judge_settings=json.loads(row[10]),
        suite_name=row[11],
        suite_version=row[12],
        suite_hash=row[13],
        concurrency=row[14],
        total=row[15],
        created_by=row[16],
        created_at=row[17],
        job_status=row[18],
        finished=int(row[19]),
        errors=int(row[20]),
    )


class AuditQueries(Queries):
    """Audit suites, runs, verdicts and reviews."""

    # -- suites ---------------------------------------------------------------------------

    def insert_suite(
        self,
        *,
        name: str,
        version: int,
        content_hash: str,
        description: str,
        prompts: list[dict[str, Any]],
        created_by: int | None,
        at: datetime,
    ) -> None:
        """Store a version of a suite."""
        self._all(
            "INSERT INTO audit_suites (name, version, content_hash, description, prompts,"
            " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                name,
                version,
                content_hash,
                description,
                json.dumps(prompts, ensure_ascii=False),
                created_by,
                at,
            ],
        )

    def suite(self, name: str, version: int | None = None) -> SuiteRow | None:
        """A suite's version (default: its latest), or None."""
        sql = (
            "SELECT name, version, content_hash, description, prompts, created_by, created_at"
            " FROM audit_suites WHERE name = ?"
        )
        params: list[object] = [name]
        if version is not None:
            sql += " AND version = ?"
            params.append(version)
        row = self._one(sql + " ORDER BY version DESC LIMIT 1", params)
        if row is None:
            return None
        return SuiteRow(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6])

    def suites(self) -> list[tuple[str, int, str, str, int, datetime]]:
        """Each stored suite's latest version: name, version, hash, description, prompts, when."""
        rows = self._all(
            "SELECT name, version, content_hash, description, prompts, created_at"
            " FROM audit_suites s WHERE version = (SELECT MAX(version) FROM audit_suites t"
            " WHERE t.name = s.name) ORDER BY name"
        )
        return [(r[0], r[1], r[2], r[3], len(json.loads(r[4])), r[5]) for r in rows]

    # -- runs -----------------------------------------------------------------------------

    def insert_run(
        self,
        *,
        source: str,
        origin: str,
        release_version: str,
        release_hash: str,
        principles: list[dict[str, Any]],
        model_name: str,
        model_settings: dict[str, Any],
        judge_name: str,
        judge_settings: dict[str, Any],
        suite_name: str,
        suite_version: int,
        suite_hash: str,
        concurrency: int,
        prompts: Sequence[AuditPromptRow],
        created_by: int | None,
        at: datetime,
    ) -> int:
        """Store a new run and its prompts; returns its id."""
        run_id = int(self._scalar("SELECT nextval('audit_run_ids')"))
        self._all(
            "INSERT INTO audit_runs (id, job_id, source, origin, release_version, release_hash,"
            " principles, model_name, model_settings, judge_name, judge_settings, suite_name,"
            " suite_version, suite_hash, concurrency, total, created_by, created_at)"
            " VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                source,
                origin,
                release_version,
                release_hash,
                json.dumps(principles, ensure_ascii=False),
                model_name,
                json.dumps(model_settings, sort_keys=True),
                judge_name,
                json.dumps(judge_settings, sort_keys=True),
                suite_name,
                suite_version,
                suite_hash,
                concurrency,
                len(prompts),
                created_by,
                at,
            ],
        )
        self._bulk(
            "audit_prompts",
            (
                "id",
                "run_id",
                "position",
                "prompt_id",
                "text",
                "principle_ids",
                "category",
                "language",
                "kind",
            ),
            [
                [
                    prompt_key(run_id, p.position),
                    run_id,
                    p.position,
                    p.prompt_id,
                    p.text,
                    json.dumps(list(p.principle_ids)),
                    p.category,
                    p.language,
                    p.kind,
                ]
                for p in prompts
            ],
        )
        return run_id

    def run_by_hash(self, source: str, file_hash: str) -> int | None:
        """The imported run made from a file with this hash, or None."""
        found = self._scalar(
            "SELECT MIN(id) FROM audit_runs WHERE source = ? AND suite_hash = ?",
            [source, file_hash],
        )
        return None if found is None else int(found)

    def attach_job(self, run_id: int, job_id: int) -> None:
        """Record the job now working on the run."""
        self._all("UPDATE audit_runs SET job_id = ? WHERE id = ?", [job_id, run_id])

    def run(self, run_id: int) -> AuditRunRow | None:
        """One run, or None."""
        row = self._one(f"SELECT {_RUN_COLUMNS} {_run_from('?')} WHERE r.id = ?", [run_id, run_id])
        return None if row is None else _run(row)

    def runs(self, limit: int = 100, *, model: str | None = None) -> list[AuditRunRow]:
        """The latest runs first (of one model when ``model`` is given)."""
        where, params = ("WHERE model_name = ?", [model]) if model else ("", [])
        listed = f"SELECT id FROM audit_runs {where} ORDER BY id DESC LIMIT ?"
        rows = self._all(
            f"SELECT {_RUN_COLUMNS} {_run_from(listed)} WHERE r.id IN ({listed})"
            " ORDER BY r.id DESC",
            [*params, limit, *params, limit],
        )
        return [_run(r) for r in rows]

    def runs_by_id(self, run_ids: Sequence[int]) -> dict[int, AuditRunRow]:
        """The runs of ``run_ids``, by id."""
        if not run_ids:
            return {}
        listed = placeholders(run_ids)
        rows = self._all(
            f"SELECT {_RUN_COLUMNS} {_run_from(listed)} WHERE r.id IN ({listed})",
            [*run_ids, *run_ids],
        )
        return {row[0]: _run(row) for row in rows}

    def prompts(self, run_id: int, positions: Sequence[int] | None = None) -> list[AuditPromptRow]:
        """A run's prompts (those at ``positions``), in order."""
        sql = (
            "SELECT position, prompt_id, text, principle_ids, category, language, kind"
            " FROM audit_prompts WHERE run_id = ?"
        )
        params: list[object] = [run_id]
        if positions is not None:
            if not positions:
                return []
            sql += f" AND position IN ({placeholders(positions)})"
            params += list(positions)
        rows = self._all(sql + " ORDER BY position", params)
        return [
            AuditPromptRow(r[0], r[1], r[2], tuple(json.loads(r[3])), r[4], r[5], r[6])
            for r in rows
        ]

    def unfinished(self, run_id: int) -> list[tuple[int, bool]]:
        """Positions with no answer, or whose last try failed, each with whether it failed."""
        rows = self._all(
            "SELECT p.position, x.position IS NOT NULL FROM audit_prompts p"
            " LEFT JOIN audit_responses x ON x.run_id = p.run_id AND x.position = p.position"
            " WHERE p.run_id = ? AND (x.position IS NULL OR x.error IS NOT NULL)"
            " ORDER BY p.position",
            [run_id],
        )
        return [(int(r[0]), bool(r[1])) for r in rows]

    def save_responses(
        self, run_id: int, responses: Sequence[NewResponse], at: datetime, *, replace: bool
    ) -> None:
        """Store prompts' answers and their verdicts, at once (``replace``: failed tries)."""
        if not responses:
            return
        if replace:
            positions = [r.position for r in responses]
            where = f"run_id = ? AND position IN ({placeholders(positions)})"
            self._all(f"DELETE FROM audit_verdicts WHERE {where}", [run_id, *positions])
            keys = [prompt_key(run_id, position) for position in positions]
            self._all(f"DELETE FROM audit_responses WHERE id IN ({placeholders(keys)})", keys)
        self._bulk(
            "audit_responses",
            (
                "id",
                "run_id",
                "position",
                "response",
                "error",
                "input_tokens",
                "output_tokens",
                "ms",
                "calls",
                "cached_calls",
                "finished_at",
            ),
            [
                [
                    prompt_key(run_id, r.position),
                    run_id,
                    r.position,
                    r.response,
                    r.error,
                    r.input_tokens,
                    r.output_tokens,
                    r.ms,
                    r.calls,
                    r.cached_calls,
                    at,
                ]
                for r in responses
            ],
        )
        verdicts = [(r.position, v) for r in responses for v in r.verdicts]
        if not verdicts:
            return
        ids = [
            int(r[0])
            for r in self._all(
                "SELECT nextval('audit_verdict_ids') FROM generate_series(1, ?)", [len(verdicts)]
            )
        ]
        self._bulk(
            "audit_verdicts",
            (
                "id",
                "run_id",
                "position",
                "principle_id",
                "verdict",
                "score",
                "confidence",
                "explanation",
                "parse_error",
                "judged_at",
            ),
            [
                [
                    verdict_id,
                    run_id,
                    position,
                    v.principle_id,
                    v.verdict,
                    v.score,
                    v.confidence,
                    v.explanation,
                    v.parse_error,
                    at,
                ]
                for verdict_id, (position, v) in zip(ids, verdicts, strict=True)
            ],
        )
