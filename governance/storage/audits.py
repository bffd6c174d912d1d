"""Queries about audits: suites, runs, the model's answers, the judge's verdicts, reviews.

Reached as ``tx.audits``. A verdict's *effective* value is the latest human review's when
there is one, else the judge's; reviews are only ever appended. Every statement is one
PostgreSQL also runs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from governance.storage.base import Queries, placeholders

#: Below this confidence a verdict goes to the front of the review queue.
LOW_CONFIDENCE = 0.6

#: The latest review of each reviewed verdict.
_LATEST = """(SELECT verdict_id, verdict, decision, seq FROM (
    SELECT verdict_id, verdict, decision, seq,
        ROW_NUMBER() OVER (PARTITION BY verdict_id ORDER BY seq DESC) AS n
    FROM audit_reviews) ranked WHERE n = 1)"""

#: A verdict's effective score: a person's verdict when reviewed, else the judge's score.
_EFFECTIVE_SCORE = """CASE WHEN l.verdict IS NULL THEN v.score
    WHEN l.verdict = 'complies' THEN 1.0 WHEN l.verdict = 'violates' THEN 0.0 END"""


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


@dataclass(frozen=True)
class VerdictRow:
    """A verdict with its prompt, the answer and its latest review."""

    id: int
    run_id: int
    position: int
    principle_id: str
    verdict: str
    score: float | None
    confidence: float | None
    explanation: str
    parse_error: str
    judged_at: datetime
    prompt_id: str
    prompt: str
    kind: str
    language: str
    response: str
    reviewed_verdict: str | None = None
    """The latest human verdict, None when nobody reviewed it."""
    reviews: int = 0

    @property
    def effective(self) -> str:
        """The verdict that counts: the latest person's, else the judge's."""
        return self.reviewed_verdict or self.verdict


@dataclass(frozen=True)
class ReviewRow:
    """One person's decision on a verdict."""

    verdict_id: int
    seq: int
    decision: str
    verdict: str
    reason: str
    reviewer_id: int | None
    decided_at: datetime


@dataclass(frozen=True)
class PrincipleCounts:
    """Effective verdicts of one principle in one group (a run, or a model and source)."""

    principle_id: str
    total: int
    complies: int
    violates: int
    partial: int
    not_applicable: int
    unparseable: int
    scored: int
    """Verdicts with a score (complies, violates, partial): the pass rate's denominator."""
    score_sum: float
    reviewed: int
    """Verdicts a person reviewed (their decision counts)."""

    @property
    def pass_rate(self) -> float | None:
        """Mean score of the scored verdicts; unparseable ones are never a pass."""
        return self.score_sum / self.scored if self.scored else None

    @property
    def violation_rate(self) -> float | None:
        """Share of the scored verdicts that are violations."""
        return self.violates / self.scored if self.scored else None

    @property
    def basis(self) -> str:
        """Which verdicts count: ``judge``, ``reviewed`` (every one) or ``mixed``."""
        if not self.reviewed:
            return "judge"
        return "reviewed" if self.reviewed == self.total else "mixed"


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


_COUNTS = f"""COUNT(*),
    SUM(CASE WHEN COALESCE(l.verdict, v.verdict) = 'complies' THEN 1 ELSE 0 END),
    SUM(CASE WHEN COALESCE(l.verdict, v.verdict) = 'violates' THEN 1 ELSE 0 END),
    SUM(CASE WHEN COALESCE(l.verdict, v.verdict) = 'partial' THEN 1 ELSE 0 END),
    SUM(CASE WHEN COALESCE(l.verdict, v.verdict) = 'not_applicable' THEN 1 ELSE 0 END),
    SUM(CASE WHEN COALESCE(l.verdict, v.verdict) = 'unparseable' THEN 1 ELSE 0 END),
    COUNT({_EFFECTIVE_SCORE}),
    COALESCE(SUM({_EFFECTIVE_SCORE}), 0),
    COUNT(l.verdict_id)"""

_VERDICT_COLUMNS = """v.id, v.run_id, v.position, v.principle_id, v.verdict, v.score,
    v.confidence, v.explanation, v.parse_error, v.judged_at, p.prompt_id, p.text, p.kind,
    p.language, COALESCE(x.response, ''), l.verdict, COALESCE(l.reviews, 0)"""

#: The review queue's groups, in order, each with its condition (``?``: ``LOW_CONFIDENCE``):
#: violations, then unparseable and partial verdicts, then doubtful ones, then the rest.
_QUEUE_GROUPS = (
    ("v.verdict = 'violates'", False),
    ("v.verdict IN ('unparseable', 'partial')", False),
    (
        "v.verdict NOT IN ('violates', 'unparseable', 'partial') AND COALESCE(v.confidence, 0) < ?",
        True,
    ),
    (
        "v.verdict NOT IN ('violates', 'unparseable', 'partial')"
        " AND COALESCE(v.confidence, 0) >= ?",
        True,
    ),
)


def _verdict_joins(prompts: str, reviews: str) -> str:
    """A verdict's prompt, answer and reviews, each table narrowed before it is joined.

    ``prompts`` selects the (run_id, position) rows of prompts and answers wanted,
    ``reviews`` the verdict ids whose reviews are read. The conditions only repeat the
    joins', so the rows found are the same; without them DuckDB joins whole tables, which
    made one page of the queue cost about 60 ms at a million verdicts.
    """
    return (
        "JOIN (SELECT run_id, position, prompt_id, text, kind, language FROM audit_prompts"
        f" WHERE {prompts}) p ON p.run_id = v.run_id AND p.position = v.position"
        " LEFT JOIN (SELECT run_id, position, response FROM audit_responses"
        f" WHERE {prompts}) x ON x.run_id = v.run_id AND x.position = v.position"
        " LEFT JOIN (SELECT verdict_id, verdict, reviews FROM (SELECT verdict_id, verdict,"
        " ROW_NUMBER() OVER (PARTITION BY verdict_id ORDER BY seq DESC) AS n,"
        " COUNT(*) OVER (PARTITION BY verdict_id) AS reviews FROM audit_reviews"
        f" WHERE verdict_id IN ({reviews})) ranked WHERE n = 1) l ON l.verdict_id = v.id"
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


def _counts(principle_id: str, row: Sequence[Any]) -> PrincipleCounts:
    total, complies, violates, partial, not_applicable, unparseable, scored = (
        int(value or 0) for value in row[:7]
    )
    return PrincipleCounts(
        principle_id,
        total,
        complies,
        violates,
        partial,
        not_applicable,
        unparseable,
        scored,
        float(row[7] or 0.0),
        int(row[8] or 0),
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
        self._many(
            "INSERT INTO audit_prompts (run_id, position, prompt_id, text, principle_ids,"
            " category, language, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
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
            self._all(f"DELETE FROM audit_responses WHERE {where}", [run_id, *positions])
        self._many(
            "INSERT INTO audit_responses (run_id, position, response, error, input_tokens,"
            " output_tokens, ms, calls, cached_calls, finished_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
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
        self._many(
            "INSERT INTO audit_verdicts (id, run_id, position, principle_id, verdict, score,"
            " confidence, explanation, parse_error, judged_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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

    # -- verdicts and reviews -------------------------------------------------------------

    def verdicts(self, run_id: int) -> list[VerdictRow]:
        """A run's verdicts, by prompt and principle."""
        joins = _verdict_joins("run_id = ?", "SELECT id FROM audit_verdicts WHERE run_id = ?")
        rows = self._all(
            f"SELECT {_VERDICT_COLUMNS} FROM audit_verdicts v {joins}"
            " WHERE v.run_id = ? ORDER BY v.position, v.principle_id",
            [run_id, run_id, run_id, run_id],
        )
        return [VerdictRow(*r) for r in rows]

    def verdict(self, verdict_id: int) -> VerdictRow | None:
        """One verdict, or None."""
        found = self._verdicts_by_id([verdict_id])
        return found[0] if found else None

    def _verdicts_by_id(self, ids: Sequence[int]) -> list[VerdictRow]:
        """The verdicts of ``ids`` that exist, in the order of ``ids``."""
        if not ids:
            return []
        listed = placeholders(ids)
        keys = self._all(
            f"SELECT DISTINCT run_id, position FROM audit_verdicts WHERE id IN ({listed})",
            list(ids),
        )
        if not keys:
            return []
        runs = sorted({k[0] for k in keys})
        positions = sorted({k[1] for k in keys})
        prompts = f"run_id IN ({placeholders(runs)}) AND position IN ({placeholders(positions)})"
        rows = self._all(
            f"SELECT {_VERDICT_COLUMNS} FROM audit_verdicts v {_verdict_joins(prompts, listed)}"
            f" WHERE v.id IN ({listed})",
            [*runs, *positions, *runs, *positions, *ids, *ids],
        )
        found = {r[0]: VerdictRow(*r) for r in rows}
        return [found[i] for i in ids if i in found]

    def queue(
        self,
        *,
        limit: int,
        offset: int = 0,
        principle_id: str | None = None,
        model: str | None = None,
    ) -> tuple[list[VerdictRow], int]:
        """Verdicts nobody reviewed, violations and doubtful ones first; and how many wait.

        Order: violations, then unparseable and partial verdicts, then any under
        ``LOW_CONFIDENCE``, then the rest; within each, least confident first.
        """
        where = ["NOT EXISTS (SELECT 1 FROM audit_reviews r WHERE r.verdict_id = v.id)"]
        params: list[object] = []
        if principle_id:
            where.append("v.principle_id = ?")
            params.append(principle_id)
        if model:
            where.append("v.run_id IN (SELECT id FROM audit_runs WHERE model_name = ?)")
            params.append(model)
        condition = " AND ".join(where)
        waiting = int(
            self._scalar(f"SELECT COUNT(*) FROM audit_verdicts v WHERE {condition}", params)
        )
        # One group at a time, from the first, until the page is full: sorting every
        # waiting verdict by its group cost ~60 ms at a million, while the first page
        # usually lies among the violations alone. Each group is only counted when the
        # page starts past its end.
        ids: list[int] = []
        skip = offset
        for group, with_threshold in _QUEUE_GROUPS:
            if len(ids) == limit:
                break
            group_params = [*params, LOW_CONFIDENCE] if with_threshold else list(params)
            sql = f"FROM audit_verdicts v WHERE {condition} AND {group}"
            found = self._all(
                f"SELECT v.id {sql} ORDER BY COALESCE(v.confidence, 0), v.id LIMIT ? OFFSET ?",
                [*group_params, limit - len(ids), skip],
            )
            ids += [r[0] for r in found]
            if found:
                skip = 0
            elif skip:
                skip = max(0, skip - int(self._scalar(f"SELECT COUNT(*) {sql}", group_params)))
        return self._verdicts_by_id(ids), waiting

    def add_review(
        self,
        verdict_id: int,
        *,
        decision: str,
        verdict: str,
        reason: str,
        reviewer_id: int | None,
        at: datetime,
    ) -> int:
        """Append a person's decision on a verdict; returns its number (1 for the first)."""
        seq = int(
            self._scalar(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_reviews WHERE verdict_id = ?",
                [verdict_id],
            )
        )
        self._all(
            "INSERT INTO audit_reviews (verdict_id, seq, decision, verdict, reason,"
            " reviewer_id, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [verdict_id, seq, decision, verdict, reason, reviewer_id, at],
        )
        return seq

    def reviews(self, verdict_id: int) -> list[ReviewRow]:
        """Every decision on a verdict, oldest first."""
        rows = self._all(
            "SELECT verdict_id, seq, decision, verdict, reason, reviewer_id, decided_at"
            " FROM audit_reviews WHERE verdict_id = ? ORDER BY seq",
            [verdict_id],
        )
        return [ReviewRow(*r) for r in rows]

    def review_pairs(self) -> list[tuple[str, str, str]]:
        """(principle id, judge's verdict, latest human verdict) of every reviewed verdict."""
        rows = self._all(
            f"SELECT v.principle_id, v.verdict, l.verdict FROM audit_verdicts v"
            f" JOIN {_LATEST} l ON l.verdict_id = v.id ORDER BY v.principle_id, v.id"
        )
        return [(r[0], r[1], r[2]) for r in rows]

    # -- summaries ------------------------------------------------------------------------

    def counts_by_model(self, model: str | None = None) -> list[tuple[str, str, PrincipleCounts]]:
        """Effective verdicts per (model, source, principle)."""
        where, params = ("WHERE r.model_name = ?", [model]) if model else ("", [])
        rows = self._all(
            f"SELECT r.model_name, r.source, v.principle_id, {_COUNTS}"
            f" FROM audit_verdicts v JOIN audit_runs r ON r.id = v.run_id"
            f" LEFT JOIN {_LATEST} l ON l.verdict_id = v.id {where}"
            " GROUP BY r.model_name, r.source, v.principle_id"
            " ORDER BY r.model_name, r.source, v.principle_id",
            params,
        )
        return [(r[0], r[1], _counts(r[2], r[3:])) for r in rows]

    def counts_by_run(
        self, run_ids: Sequence[int] | None = None
    ) -> list[tuple[int, PrincipleCounts]]:
        """Effective verdicts per (run, principle), of ``run_ids`` (default: every run)."""
        where = ""
        params: list[object] = []
        if run_ids is not None:
            if not run_ids:
                return []
            where = f"WHERE v.run_id IN ({placeholders(run_ids)})"
            params = list(run_ids)
        rows = self._all(
            f"SELECT v.run_id, v.principle_id, {_COUNTS} FROM audit_verdicts v"
            f" LEFT JOIN {_LATEST} l ON l.verdict_id = v.id {where}"
            " GROUP BY v.run_id, v.principle_id ORDER BY v.run_id, v.principle_id",
            params,
        )
        return [(r[0], _counts(r[1], r[2:])) for r in rows]

    def count_verdicts(self) -> int:
        """How many verdicts are stored."""
        return int(self._scalar("SELECT COUNT(*) FROM audit_verdicts"))
