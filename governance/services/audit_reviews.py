"""Audit reviews: people confirm or override a judge's verdicts, and what the verdicts show.

Reached as ``charter.audit_reviews``. Auditors work the review queue (violations and
doubtful verdicts first); a decision is appended, never replacing the judge's verdict or an
earlier decision, and the latest counts. From the reviewed verdicts come the judge's raw
agreement and Cohen's kappa per principle; from the effective verdicts (reviewed where a
person decided, the judge's otherwise) come the per-principle report, drift over
successive audits of a model, its flags, and the comparison of two audits. A steward may
send a flagged principle's guideline back to deliberation, the evidence linked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from governance.audit.agreement import Agreement, agreement_by_principle
from governance.audit.drift import DriftFlag, DriftPoint, flags
from governance.audit.interop.model import COMPLIES, NOT_APPLICABLE, UNPARSEABLE, VIOLATES
from governance.auth import Action
from governance.config import Settings
from governance.errors import NotFound, ValidationFailed
from governance.events import EventAction
from governance.lifecycle import TransitionContext
from governance.models import Guideline, Stakeholder, Status
from governance.services.base import Clock, UseCases, utc_now
from governance.services.read_cache import ReadCache
from governance.storage import Database, Tx
from governance.storage.audit_reviews import PrincipleCounts, ReviewRow, VerdictRow
from governance.storage.audits import AuditRunRow
from governance.validation import parse_reason

#: Items on one page of the review queue.
QUEUE_PAGE = 50
#: What a person may decide a verdict is.
HUMAN_VERDICTS = (COMPLIES, VIOLATES, NOT_APPLICABLE)
DECISIONS = ("confirm", "override")


def verdict_subject(verdict_id: int) -> str:
    """A verdict's subject in the event log."""
    return f"audit-verdict:{verdict_id}"


@dataclass(frozen=True)
class QueueItem:
    """One verdict to review, with what the reviewer needs beside it."""

    verdict: VerdictRow
    run: AuditRunRow
    principle: dict[str, Any]
    """What the run recorded of the principle: its text and the decision behind it."""


@dataclass(frozen=True)
class QueuePage:
    """A page of the review queue."""

    items: tuple[QueueItem, ...]
    waiting: int
    """Verdicts nobody reviewed yet (under the same filters)."""


@dataclass(frozen=True)
class ReportRow:
    """A principle's effective verdicts for one model, from one source."""

    model: str
    source: str
    counts: PrincipleCounts

    def as_json(self) -> dict[str, object]:
        """The row as ``audit report --json`` prints it."""
        c = self.counts
        return {
            "principle_id": c.principle_id,
            "model": self.model,
            "source": self.source,
            "total": c.total,
            "violations": c.violates,
            "complies": c.complies,
            "partial": c.partial,
            "not_applicable": c.not_applicable,
            "unparseable": c.unparseable,
            "scored": c.scored,
            "pass_rate": None if c.pass_rate is None else round(c.pass_rate, 4),
            "reviewed": c.reviewed,
            "basis": c.basis,
        }


@dataclass(frozen=True)
class Drift:
    """Pass rates over successive audits, and the principles flagged."""

    points: tuple[DriftPoint, ...]
    flags: tuple[DriftFlag, ...]
    threshold: float


@dataclass(frozen=True)
class Comparison:
    """One principle in two audits of one model."""

    principle_id: str
    title: str
    change: str
    """Between the two releases: ``same``, ``changed``, ``added`` or ``removed``."""
    before: PrincipleCounts | None
    after: PrincipleCounts | None

    @property
    def delta(self) -> float | None:
        """The change of pass rate, from the first audit to the second."""
        if self.before is None or self.after is None:
            return None
        if self.before.pass_rate is None or self.after.pass_rate is None:
            return None
        return self.after.pass_rate - self.before.pass_rate


#: What the summaries read: they are cached until a write to one of these.
AUDIT_TABLES = ("audit_runs", "audit_verdicts", "audit_reviews")


class AuditReviews(UseCases):
    """Reviews of verdicts and what the verdicts show. Reached as ``charter.audit_reviews``."""

    def __init__(self, db: Database, settings: Settings, *, clock: Clock = utc_now) -> None:
        """Read the summaries through a cache keyed on the audit tables' data versions."""
        super().__init__(db, settings, clock=clock)
        self.cache = ReadCache(db)

    # -- the queue ------------------------------------------------------------------------

    def queue(
        self,
        *,
        limit: int = QUEUE_PAGE,
        offset: int = 0,
        principle_id: str | None = None,
        model: str | None = None,
    ) -> QueuePage:
        """Verdicts nobody reviewed: violations first, then doubtful ones, least sure first."""
        with self.db.read() as tx:
            rows, waiting = tx.audit_reviews.queue(
                limit=limit, offset=offset, principle_id=principle_id, model=model
            )
            runs = tx.audits.runs_by_id(sorted({r.run_id for r in rows}))
        items = tuple(
            QueueItem(row, runs[row.run_id], runs[row.run_id].principle(row.principle_id))
            for row in rows
        )
        return QueuePage(items, waiting)

    def item(self, verdict_id: int) -> tuple[QueueItem, list[ReviewRow]]:
        """One verdict with its context and every decision on it.

        Raises:
            NotFound: No such verdict.
        """
        with self.db.read() as tx:
            row = tx.audit_reviews.verdict(verdict_id)
            if row is None:
                raise NotFound(f"no audit verdict {verdict_id}")
            run = tx.audits.runs_by_id([row.run_id])[row.run_id]
            reviews = tx.audit_reviews.reviews(verdict_id)
        return QueueItem(row, run, run.principle(row.principle_id)), reviews

    def review(
        self,
        actor: Stakeholder | None,
        verdict_id: int,
        decision: str,
        *,
        verdict: str | None = None,
        reason: str = "",
    ) -> ReviewRow:
        """Confirm the judge's verdict or override it with yours (auditors).

        Decisions are appended: the judge's verdict and earlier decisions stay, the latest
        counts.

        Args:
            actor: The auditor.
            verdict_id: The verdict.
            decision: ``confirm`` or ``override``.
            verdict: With ``override``: complies, violates or not_applicable.
            reason: Why; required to override.

        Raises:
            ValidationFailed: A bad decision, verdict or reason; confirming a verdict the
                judge never gave (unparseable).
            NotFound: No such verdict.
            NotAllowed: The person may not review audits.
        """
        if decision not in DECISIONS:
            raise ValidationFailed({"decision": "confirm or override"})
        why = parse_reason(reason, required=decision == "override")
        now = self.clock()
        with self.db.transaction() as tx:
            actor_id = self._actor_id(tx, actor, Action.REVIEW_AUDITS)
            row = tx.audit_reviews.verdict(verdict_id)
            if row is None:
                raise NotFound(f"no audit verdict {verdict_id}")
            if decision == "confirm":
                if row.verdict == UNPARSEABLE:
                    raise ValidationFailed(
                        {"decision": "the judge gave no verdict to confirm; override it"}
                    )
                decided = row.verdict
            else:
                if verdict not in HUMAN_VERDICTS:
                    raise ValidationFailed(
                        {"verdict": f"choose one of {', '.join(HUMAN_VERDICTS)}"}
                    )
                if verdict == row.verdict:
                    raise ValidationFailed(
                        {"verdict": "that is the judge's verdict: confirm it instead"}
                    )
                decided = verdict
            seq = tx.audit_reviews.add_review(
                verdict_id,
                decision=decision,
                verdict=decided,
                reason=why,
                reviewer_id=actor_id,
                at=now,
            )
            self._log(
                tx,
                actor_id=actor_id,
                action=EventAction.VERDICT_REVIEWED,
                subject=verdict_subject(verdict_id),
                at=now,
                reason=why,
                before={"verdict": row.effective, "judge": row.verdict},
                after={"decision": decision, "verdict": decided, "review": seq},
            )
            reviews = tx.audit_reviews.reviews(verdict_id)
        return reviews[-1]

    # -- what the verdicts show -----------------------------------------------------------

    def agreement(self) -> list[Agreement]:
        """Per principle: how often people kept the judge's verdict, and Cohen's kappa."""
        return list(
            self.cache.get(
                "agreement",
                AUDIT_TABLES,
                lambda tx: agreement_by_principle(tx.audit_reviews.review_pairs()),
            )
        )

    def report(self, model: str | None = None) -> list[ReportRow]:
        """Per model, source and principle: effective verdicts and the pass rate."""
        rows = self.cache.get(
            ("report", model), AUDIT_TABLES, lambda tx: tx.audit_reviews.counts_by_model(model)
        )
        return [ReportRow(m, source, counts) for m, source, counts in rows]

    def drift(self, model: str | None = None, *, threshold: float | None = None) -> Drift:
        """Each principle's figures per audit of each model, and the flags they raise."""
        limit = self.settings.audit_threshold if threshold is None else threshold
        runs, counts = self.cache.get(("drift", model), AUDIT_TABLES, _drift_rows(model))
        points = tuple(
            DriftPoint(
                model=runs[run_id].model_name,
                principle_id=c.principle_id,
                run_id=run_id,
                at=runs[run_id].created_at,
                release_version=runs[run_id].release_version,
                source=runs[run_id].source,
                scored=c.scored,
                violates=c.violates,
                pass_rate=c.pass_rate,
                violation_rate=c.violation_rate,
                basis=c.basis,
            )
            for run_id, c in counts
        )
        return Drift(points, tuple(flags(points, limit)), limit)

    def compare(self, first: int, second: int) -> list[Comparison]:
        """Two audits of one model, principle by principle, with what changed between them.

        Raises:
            NotFound: No such run.
            ValidationFailed: The runs audit different models, or are the same run.
        """
        if first == second:
            raise ValidationFailed({"run": "choose two different audits"})
        with self.db.read() as tx:
            runs = tx.audits.runs_by_id([first, second])
            for run_id in (first, second):
                if run_id not in runs:
                    raise NotFound(f"no audit run {run_id}")
            counts = tx.audit_reviews.counts_by_run([first, second])
        a, b = runs[first], runs[second]
        if a.model_name != b.model_name:
            raise ValidationFailed(
                {
                    "run": f"audits {first} and {second} are of different models"
                    f" ({a.model_name}, {b.model_name}); compare two audits of one model"
                }
            )
        by_run: dict[int, dict[str, PrincipleCounts]] = {first: {}, second: {}}
        for run_id, c in counts:
            by_run[run_id][c.principle_id] = c
        old = {p["id"]: p for p in a.principles}
        new = {p["id"]: p for p in b.principles}
        out = []
        for pid in sorted(set(old) | set(new) | set(by_run[first]) | set(by_run[second])):
            if pid not in old:
                change = "added"
            elif pid not in new:
                change = "removed"
            else:
                change = "same" if old[pid].get("content") == new[pid].get("content") else "changed"
            title = str((new.get(pid) or old.get(pid) or {}).get("title", ""))
            out.append(
                Comparison(pid, title, change, by_run[first].get(pid), by_run[second].get(pid))
            )
        return out

    # -- reopening ------------------------------------------------------------------------

    def reopen(
        self,
        actor: Stakeholder | None,
        principle_id: str,
        *,
        model: str,
        reason: str,
    ) -> Guideline:
        """Send a flagged principle's guideline back to deliberation (stewards).

        The drift flag of ``principle_id`` on ``model`` is the evidence: the two audits and
        their violation rates are linked in the event log with the steward's reason.

        Raises:
            ValidationFailed: No reason, or the principle is not flagged for the model.
            InvalidTransition: The guideline is no longer adopted.
            NotAllowed: The person may not reopen guidelines.
        """
        why = parse_reason(reason, required=True)
        drift = self.drift(model)
        flag = next((f for f in drift.flags if f.principle_id == principle_id), None)
        if flag is None:
            raise ValidationFailed(
                {
                    "principle": f"{principle_id} is not flagged for {model}: its violation"
                    f" rate is not above {drift.threshold:.0%} in its last two audits"
                }
            )
        now = self.clock()
        with self.db.transaction() as tx:
            actor_id = self._actor_id(tx, actor, Action.REOPEN_GUIDELINES)
            run = tx.audits.runs_by_id([flag.run_ids[1]])[flag.run_ids[1]]
            guideline_id = str(run.principle(principle_id).get("guideline_id", ""))
            guideline = self._guideline(tx, guideline_id)
            moved = self._move(
                tx,
                guideline,
                Status.DELIBERATION,
                actor_id=actor_id,
                at=now,
                ctx=TransitionContext(reason=why),
            )
            self._log(
                tx,
                actor_id=actor_id,
                action=EventAction.GUIDELINE_REOPENED,
                subject=guideline_id,
                at=now,
                reason=why,
                after={
                    "principle_id": principle_id,
                    "model": model,
                    "audits": [f"audit-run:{r}" for r in flag.run_ids],
                    "violation_rates": [round(r, 4) for r in flag.rates],
                    "threshold": flag.threshold,
                },
            )
        return moved


__all__ = [
    "AuditReviews",
    "Comparison",
    "Drift",
    "QueueItem",
    "QueuePage",
    "ReportRow",
    "verdict_subject",
]


def _drift_rows(
    model: str | None,
) -> Callable[[Tx], tuple[dict[int, AuditRunRow], list[tuple[int, PrincipleCounts]]]]:
    """Reads the runs of ``model`` (all without it) and each one's counts per principle."""

    def read(tx: Tx) -> tuple[dict[int, AuditRunRow], list[tuple[int, PrincipleCounts]]]:
        runs = {r.id: r for r in tx.audits.runs(100_000, model=model)}
        return runs, tx.audit_reviews.counts_by_run(sorted(runs))

    return read
