"""Queries about verdicts: reading them, the review queue, reviews and summaries.

Reached as ``tx.audit_reviews``. A verdict's *effective* value is the latest human review's
when there is one, else the judge's; reviews are only ever appended. A verdict names its
prompt by run and position; the prompt's and the answer's row are found by their key
(``prompt_key``), so a page of the queue reads 50 rows of text, not every run's. Every
statement is one PostgreSQL also runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from governance.storage.audits import prompt_key
from governance.storage.base import Queries, placeholders

#: Below this confidence a verdict goes to the front of the review queue.
LOW_CONFIDENCE = 0.6

#: The latest review of each reviewed verdict.
LATEST_REVIEW = """(SELECT verdict_id, verdict, decision, seq FROM (
    SELECT verdict_id, verdict, decision, seq,
        ROW_NUMBER() OVER (PARTITION BY verdict_id ORDER BY seq DESC) AS n
    FROM audit_reviews) ranked WHERE n = 1)"""

#: A verdict's effective score: a person's verdict when reviewed, else the judge's score.
_EFFECTIVE_SCORE = """CASE WHEN l.verdict IS NULL THEN v.score
    WHEN l.verdict = 'complies' THEN 1.0 WHEN l.verdict = 'violates' THEN 0.0 END"""

_VERDICT_COLUMNS = """v.id, v.run_id, v.position, v.principle_id, v.verdict, v.score,
    v.confidence, v.explanation, v.parse_error, v.judged_at"""


VERDICT_COUNTS = f"""COUNT(*),
    SUM(CASE WHEN COALESCE(l.verdict, v.verdict) = 'complies' THEN 1 ELSE 0 END),
    SUM(CASE WHEN COALESCE(l.verdict, v.verdict) = 'violates' THEN 1 ELSE 0 END),
    SUM(CASE WHEN COALESCE(l.verdict, v.verdict) = 'partial' THEN 1 ELSE 0 END),
    SUM(CASE WHEN COALESCE(l.verdict, v.verdict) = 'not_applicable' THEN 1 ELSE 0 END),
    SUM(CASE WHEN COALESCE(l.verdict, v.verdict) = 'unparseable' THEN 1 ELSE 0 END),
    COUNT({_EFFECTIVE_SCORE}),
    COALESCE(SUM({_EFFECTIVE_SCORE}), 0),
    COUNT(l.verdict_id)"""


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


class AuditReviewQueries(Queries):
    """Verdicts, the review queue, reviews and what the verdicts add up to."""

    def verdicts(self, run_id: int) -> list[VerdictRow]:
        """A run's verdicts, by prompt and principle."""
        rows = self._all(
            f"SELECT {_VERDICT_COLUMNS} FROM audit_verdicts v WHERE v.run_id = ?"
            " ORDER BY v.position, v.principle_id",
            [run_id],
        )
        return self._completed(rows, run_id=run_id)

    def verdict(self, verdict_id: int) -> VerdictRow | None:
        """One verdict, or None."""
        found = self._by_id([verdict_id])
        return found[0] if found else None

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
        filters = []
        params: list[object] = []
        if principle_id:
            filters.append("v.principle_id = ?")
            params.append(principle_id)
        if model:
            filters.append("v.run_id IN (SELECT id FROM audit_runs WHERE model_name = ?)")
            params.append(model)
        chosen = " AND ".join(filters) or "TRUE"
        # Waiting = chosen verdicts - chosen verdicts reviewed: two cheap counts instead of
        # an anti-join over every verdict.
        total = int(self._scalar(f"SELECT COUNT(*) FROM audit_verdicts v WHERE {chosen}", params))
        reviewed = int(
            self._scalar(
                "SELECT COUNT(DISTINCT r.verdict_id) FROM audit_reviews r"
                f" JOIN audit_verdicts v ON v.id = r.verdict_id WHERE {chosen}",
                params,
            )
        )
        condition = (
            f"{chosen} AND NOT EXISTS (SELECT 1 FROM audit_reviews r WHERE r.verdict_id = v.id)"
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
        return self._by_id(ids), total - reviewed

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
            f" JOIN {LATEST_REVIEW} l ON l.verdict_id = v.id ORDER BY v.principle_id, v.id"
        )
        return [(r[0], r[1], r[2]) for r in rows]

    # -- summaries ------------------------------------------------------------------------

    def counts_by_model(self, model: str | None = None) -> list[tuple[str, str, PrincipleCounts]]:
        """Effective verdicts per (model, source, principle)."""
        where, params = ("WHERE r.model_name = ?", [model]) if model else ("", [])
        rows = self._all(
            f"SELECT r.model_name, r.source, v.principle_id, {VERDICT_COUNTS}"
            f" FROM audit_verdicts v JOIN audit_runs r ON r.id = v.run_id"
            f" LEFT JOIN {LATEST_REVIEW} l ON l.verdict_id = v.id {where}"
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
            f"SELECT v.run_id, v.principle_id, {VERDICT_COUNTS} FROM audit_verdicts v"
            f" LEFT JOIN {LATEST_REVIEW} l ON l.verdict_id = v.id {where}"
            " GROUP BY v.run_id, v.principle_id ORDER BY v.run_id, v.principle_id",
            params,
        )
        return [(r[0], _counts(r[1], r[2:])) for r in rows]

    # -- inside ---------------------------------------------------------------------------

    def _by_id(self, ids: Sequence[int]) -> list[VerdictRow]:
        """The verdicts of ``ids`` that exist, in the order of ``ids``."""
        if not ids:
            return []
        rows = self._all(
            f"SELECT {_VERDICT_COLUMNS} FROM audit_verdicts v WHERE v.id IN ({placeholders(ids)})",
            list(ids),
        )
        found = {r[0]: r for r in rows}
        return self._completed([found[i] for i in ids if i in found])

    def _completed(
        self, rows: Sequence[Sequence[Any]], *, run_id: int | None = None
    ) -> list[VerdictRow]:
        """Verdict rows with their prompt, answer and latest review.

        A run's rows read its prompts and answers by run (``run_id``); a few verdicts from
        anywhere read theirs by key, so only their rows are read.
        """
        if not rows:
            return []
        if run_id is not None:
            where, params = "run_id = ?", [run_id]
            reviewed = "verdict_id IN (SELECT id FROM audit_verdicts WHERE run_id = ?)"
            review_params: list[object] = [run_id]
        else:
            keys = sorted({prompt_key(r[1], r[2]) for r in rows})
            where, params = f"id IN ({placeholders(keys)})", list(keys)
            ids = [r[0] for r in rows]
            reviewed = f"verdict_id IN ({placeholders(ids)})"
            review_params = list(ids)
        prompts = {
            (r[0], r[1]): r[2:]
            for r in self._all(
                "SELECT run_id, position, prompt_id, text, kind, language FROM audit_prompts"
                f" WHERE {where}",
                params,
            )
        }
        answers = {
            (r[0], r[1]): r[2]
            for r in self._all(
                f"SELECT run_id, position, response FROM audit_responses WHERE {where}", params
            )
        }
        latest: dict[int, tuple[str, int]] = {
            r[0]: (r[1], int(r[2]))
            for r in self._all(
                "SELECT verdict_id, verdict, reviews FROM (SELECT verdict_id, verdict,"
                " ROW_NUMBER() OVER (PARTITION BY verdict_id ORDER BY seq DESC) AS n,"
                " COUNT(*) OVER (PARTITION BY verdict_id) AS reviews FROM audit_reviews"
                f" WHERE {reviewed}) ranked WHERE n = 1",
                review_params,
            )
        }
        out = []
        for r in rows:
            prompt = prompts.get((r[1], r[2]), ("", "", "", ""))
            review = latest.get(r[0])
            out.append(
                VerdictRow(
                    id=r[0],
                    run_id=r[1],
                    position=r[2],
                    principle_id=r[3],
                    verdict=r[4],
                    score=r[5],
                    confidence=r[6],
                    explanation=r[7],
                    parse_error=r[8],
                    judged_at=r[9],
                    prompt_id=prompt[0],
                    prompt=prompt[1],
                    kind=prompt[2],
                    language=prompt[3],
                    response=answers.get((r[1], r[2])) or "",
                    reviewed_verdict=None if review is None else review[0],
                    reviews=0 if review is None else review[1],
                )
            )
        return out
