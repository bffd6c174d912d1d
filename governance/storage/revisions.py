"""Queries about model revision runs: runs, their prompts, results, steps and curation.

Reached as ``tx.revisions``; the cache of model calls is ``tx.model_calls``. Every
statement is one PostgreSQL also runs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from governance.storage.base import Queries, placeholders


@dataclass(frozen=True)
class RunRow:
    """A revision run as stored (its status comes from its job)."""

    id: int
    job_id: int | None
    release_version: str
    release_hash: str
    principles: list[dict[str, Any]]
    model_name: str
    model_settings: dict[str, Any]
    prompt_set: str
    prompt_set_hash: str
    rounds: int
    sampling: str
    seed: str
    concurrency: int
    total: int
    created_by: int | None
    created_at: datetime
    job_status: str | None = None
    finished: int = 0
    """Prompts with a result and no error."""
    errors: int = 0
    """Prompts whose last try failed."""


@dataclass(frozen=True)
class PromptRow:
    """One prompt of a run, at its position."""

    position: int
    prompt_id: str
    text: str
    category: str
    language: str
    kind: str


@dataclass(frozen=True)
class StepRow:
    """One critique -> revision round of a prompt."""

    round: int
    principle_id: str
    outcome: str
    critique: str
    before: str
    revision: str
    parse_error: str
    input_tokens: int
    output_tokens: int
    ms: float
    calls: int
    cached_calls: int


@dataclass(frozen=True)
class ResultRow:
    """One prompt of a run and what the loop made of it."""

    prompt: PromptRow
    initial: str | None
    final: str | None
    error: str | None
    input_tokens: int
    output_tokens: int
    ms: float
    calls: int
    cached_calls: int
    finished_at: datetime | None
    steps: tuple[StepRow, ...] = ()
    excluded: bool = False
    exclusion_reason: str = ""


@dataclass(frozen=True)
class NewResult:
    """What the loop made of one prompt, to store (``error`` set when its try failed)."""

    position: int
    initial: str | None
    final: str | None
    error: str | None
    input_tokens: int = 0
    output_tokens: int = 0
    ms: float = 0.0
    calls: int = 0
    cached_calls: int = 0
    steps: tuple[StepRow, ...] = ()


@dataclass(frozen=True)
class ExclusionRow:
    """A reviewer's decision on one row of a run."""

    position: int
    excluded: bool
    reason: str
    actor_id: int | None
    at: datetime


_RUN_COLUMNS = """r.id, r.job_id, r.release_version, r.release_hash, r.principles, r.model_name,
    r.model_settings, r.prompt_set, r.prompt_set_hash, r.rounds, r.sampling, r.seed,
    r.concurrency, r.total, r.created_by, r.created_at, j.status,
    (SELECT COUNT(*) FROM revision_results x WHERE x.run_id = r.id AND x.error IS NULL),
    (SELECT COUNT(*) FROM revision_results x WHERE x.run_id = r.id AND x.error IS NOT NULL)"""
_RUN_FROM = "FROM revision_runs r LEFT JOIN jobs j ON j.id = r.job_id"


def _run(row: Sequence[Any]) -> RunRow:
    return RunRow(
        id=row[0],
        job_id=row[1],
        release_version=row[2],
        release_hash=row[3],
        principles=json.loads(row[4]),
        model_name=row[5],
        model_settings=json.loads(row[6]),
        prompt_set=row[7],
        prompt_set_hash=row[8],
        rounds=row[9],
        sampling=row[10],
        seed=row[11],
        concurrency=row[12],
        total=row[13],
        created_by=row[14],
        created_at=row[15],
        job_status=row[16],
        finished=int(row[17]),
        errors=int(row[18]),
    )


class RevisionQueries(Queries):
    """Revision runs and what they made."""

    def insert_run(
        self,
        *,
        release_version: str,
        release_hash: str,
        principles: list[dict[str, Any]],
        model_name: str,
        model_settings: dict[str, Any],
        prompt_set: str,
        prompt_set_hash: str,
        rounds: int,
        sampling: str,
        seed: str,
        concurrency: int,
        prompts: Sequence[PromptRow],
        created_by: int | None,
        at: datetime,
    ) -> int:
        """Store a new run and its prompts; returns its id."""
        run_id = int(self._scalar("SELECT nextval('revision_run_ids')"))
        self._all(
            "INSERT INTO revision_runs (id, job_id, release_version, release_hash, principles,"
            " model_name, model_settings, prompt_set, prompt_set_hash, rounds, sampling, seed,"
            " concurrency, total, created_by, created_at)"
            " VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                release_version,
                release_hash,
                json.dumps(principles, ensure_ascii=False),
                model_name,
                json.dumps(model_settings, sort_keys=True),
                prompt_set,
                prompt_set_hash,
                rounds,
                sampling,
                seed,
                concurrency,
                len(prompts),
                created_by,
                at,
            ],
        )
        self._many(
            "INSERT INTO revision_prompts (run_id, position, prompt_id, text, category,"
            " language, kind) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                [run_id, p.position, p.prompt_id, p.text, p.category, p.language, p.kind]
                for p in prompts
            ],
        )
        return run_id

    def attach_job(self, run_id: int, job_id: int) -> None:
        """Record the job now working on the run."""
        self._all("UPDATE revision_runs SET job_id = ? WHERE id = ?", [job_id, run_id])

    def run(self, run_id: int) -> RunRow | None:
        """One run, or None."""
        row = self._one(f"SELECT {_RUN_COLUMNS} {_RUN_FROM} WHERE r.id = ?", [run_id])
        return None if row is None else _run(row)

    def runs(self, limit: int = 100) -> list[RunRow]:
        """The latest runs first."""
        rows = self._all(f"SELECT {_RUN_COLUMNS} {_RUN_FROM} ORDER BY r.id DESC LIMIT ?", [limit])
        return [_run(r) for r in rows]

    def prompts(self, run_id: int, positions: Sequence[int] | None = None) -> list[PromptRow]:
        """A run's prompts (those at ``positions``), in order."""
        sql = (
            "SELECT position, prompt_id, text, category, language, kind FROM revision_prompts"
            " WHERE run_id = ?"
        )
        params: list[object] = [run_id]
        if positions is not None:
            if not positions:
                return []
            sql += f" AND position IN ({placeholders(positions)})"
            params += list(positions)
        rows = self._all(sql + " ORDER BY position", params)
        return [PromptRow(*r) for r in rows]

    def unfinished_positions(self, run_id: int) -> list[int]:
        """Positions with no result, or whose last try failed."""
        return [position for position, _ in self.unfinished(run_id)]

    def unfinished(self, run_id: int) -> list[tuple[int, bool]]:
        """Positions with no result, or whose last try failed, each with whether it failed."""
        rows = self._all(
            "SELECT p.position, x.position IS NOT NULL FROM revision_prompts p"
            " LEFT JOIN revision_results x"
            " ON x.run_id = p.run_id AND x.position = p.position"
            " WHERE p.run_id = ? AND (x.position IS NULL OR x.error IS NOT NULL)"
            " ORDER BY p.position",
            [run_id],
        )
        return [(int(r[0]), bool(r[1])) for r in rows]

    def save_results(
        self, run_id: int, results: Sequence[NewResult], at: datetime, *, replace: bool = True
    ) -> None:
        """Store prompts' results and their steps, at once.

        Args:
            run_id: The run.
            results: What the loop made of each prompt.
            at: When.
            replace: Whether some of these prompts have a failed try stored, to replace.
        """
        if not results:
            return
        if replace:
            positions = [r.position for r in results]
            where = f"run_id = ? AND position IN ({placeholders(positions)})"
            self._all(f"DELETE FROM revision_steps WHERE {where}", [run_id, *positions])
            self._all(f"DELETE FROM revision_results WHERE {where}", [run_id, *positions])
        self._many(
            "INSERT INTO revision_results (run_id, position, initial, final, error,"
            " input_tokens, output_tokens, ms, calls, cached_calls, finished_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    run_id,
                    r.position,
                    r.initial,
                    r.final,
                    r.error,
                    r.input_tokens,
                    r.output_tokens,
                    r.ms,
                    r.calls,
                    r.cached_calls,
                    at,
                ]
                for r in results
            ],
        )
        steps = [
            [
                run_id,
                r.position,
                s.round,
                s.principle_id,
                s.outcome,
                s.critique,
                s.before,
                s.revision,
                s.parse_error,
                s.input_tokens,
                s.output_tokens,
                s.ms,
                s.calls,
                s.cached_calls,
            ]
            for r in results
            for s in r.steps
        ]
        if steps:
            self._many(
                "INSERT INTO revision_steps (run_id, position, round, principle_id, outcome,"
                " critique, before_text, revision, parse_error, input_tokens, output_tokens,"
                " ms, calls, cached_calls) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                steps,
            )

    def results(self, run_id: int) -> list[ResultRow]:
        """Every prompt of the run with its result, steps and curation, in order."""
        prompts = {p.position: p for p in self.prompts(run_id)}
        results = {
            r[0]: r
            for r in self._all(
                "SELECT position, initial, final, error, input_tokens, output_tokens, ms,"
                " calls, cached_calls, finished_at FROM revision_results WHERE run_id = ?",
                [run_id],
            )
        }
        steps: dict[int, list[StepRow]] = {}
        for row in self._all(
            "SELECT position, round, principle_id, outcome, critique, before_text, revision,"
            " parse_error, input_tokens, output_tokens, ms, calls, cached_calls"
            " FROM revision_steps WHERE run_id = ? ORDER BY position, round",
            [run_id],
        ):
            steps.setdefault(row[0], []).append(StepRow(*row[1:]))
        curation = self.curation(run_id)
        out = []
        for position, prompt in prompts.items():
            r: tuple[Any, ...] | None = results.get(position)
            decision = curation.get(position)
            out.append(
                ResultRow(
                    prompt=prompt,
                    initial=None if r is None else r[1],
                    final=None if r is None else r[2],
                    error=None if r is None else r[3],
                    input_tokens=0 if r is None else r[4],
                    output_tokens=0 if r is None else r[5],
                    ms=0.0 if r is None else r[6],
                    calls=0 if r is None else r[7],
                    cached_calls=0 if r is None else r[8],
                    finished_at=None if r is None else r[9],
                    steps=tuple(steps.get(position, ())),
                    excluded=bool(decision and decision.excluded),
                    exclusion_reason=decision.reason if decision and decision.excluded else "",
                )
            )
        return out

    def record_exclusion(
        self,
        run_id: int,
        position: int,
        *,
        excluded: bool,
        reason: str,
        actor_id: int | None,
        at: datetime,
    ) -> None:
        """Append a reviewer's decision on one row; the latest counts."""
        seq = self._scalar(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM dataset_exclusions"
            " WHERE run_id = ? AND position = ?",
            [run_id, position],
        )
        self._all(
            "INSERT INTO dataset_exclusions (run_id, position, seq, excluded, reason, actor_id,"
            " decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [run_id, position, seq, excluded, reason, actor_id, at],
        )

    def curation(self, run_id: int) -> dict[int, ExclusionRow]:
        """The latest decision per row of a run."""
        rows = self._all(
            "SELECT position, excluded, reason, actor_id, decided_at FROM dataset_exclusions d"
            " WHERE run_id = ? AND seq = (SELECT MAX(seq) FROM dataset_exclusions e"
            " WHERE e.run_id = d.run_id AND e.position = d.position)",
            [run_id],
        )
        return {r[0]: ExclusionRow(*r) for r in rows}


class ModelCallQueries(Queries):
    """The cache of model calls."""

    def get(self, key: str) -> dict[str, Any] | None:
        """The kept reply for ``key``, or None."""
        row = self._one("SELECT reply FROM model_calls WHERE key = ?", [key])
        if row is None:
            return None
        value: dict[str, Any] = json.loads(row[0])
        return value

    def put_many(self, rows: Sequence[tuple[str, str, str, dict[str, Any]]], at: datetime) -> None:
        """Keep replies (key, model name, fingerprint, reply); a key kept already stays."""
        self._many(
            "INSERT INTO model_calls (key, model_name, fingerprint, reply, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                [key, name, fingerprint, json.dumps(reply, ensure_ascii=False), at]
                for key, name, fingerprint, reply in rows
            ],
        )

    def keys(self, fingerprint: str) -> set[str]:
        """The keys of every reply kept for a model's fingerprint."""
        rows = self._all("SELECT key FROM model_calls WHERE fingerprint = ?", [fingerprint])
        return {r[0] for r in rows}

    def count(self) -> int:
        """How many replies are kept."""
        return int(self._scalar("SELECT COUNT(*) FROM model_calls"))
