"""The release report: one release's principles, votes, changes and audits, on one page.

Reached as ``charter.reports``. Reading only: the read model is gathered in one
``db.read()`` snapshot (no write lock) and drawn by the pure renderer in
``governance/report/``. Voters are never named, and no steward either (the Constitution
page names none); a group's ballots on a principle are published only when there are at
least k of them (``Settings.min_group_size``, see ``governance/privacy.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from governance.constitution.changes import diff
from governance.constitution.model import GroupVote, Principle
from governance.errors import NotFound
from governance.privacy import too_small
from governance.report import chromium_path, pdf_bytes, render_html
from governance.report.model import (
    AuditFigures,
    ModelAudit,
    PrincipleEntry,
    ReleaseReport,
    VoteRow,
)
from governance.services.base import UseCases
from governance.services.constitution_screens import release_constitution
from governance.storage import Tx
from governance.storage.audits import AuditRunRow
from governance.voting import Counts, Decision, meets

#: How many audit runs are looked through for each model's latest (newest first).
RUNS_LOOKED_AT = 100_000


class Reports(UseCases):
    """The release report. Reached as ``charter.reports``."""

    def release(self, version: str = "latest") -> ReleaseReport:
        """The release report's read model for ``version`` (or the latest release).

        Raises:
            NotFound: No such release; the message names the versions that exist.
        """
        with self.db.read() as tx:
            return self._report(tx, version)

    def html(self, version: str = "latest") -> str:
        """The release report as one self-contained HTML page."""
        return render_html(self.release(version))

    def pdf(self, version: str = "latest") -> bytes:
        """The release report as PDF, printed by headless chromium.

        Raises:
            NotFound: No such release.
            RenderFailed: No chromium here, or it failed.
        """
        return pdf_bytes(self.html(version))

    @staticmethod
    def pdf_available() -> bool:
        """Whether a PDF can be printed here (chromium is installed)."""
        return chromium_path() is not None

    @staticmethod
    def filename(version: str, suffix: str) -> str:
        """The file name a downloaded report gets: ``charter-2.0.0-report.html``."""
        return Path(f"charter-{version}-report").with_suffix(f".{suffix}").name

    # -- inside -----------------------------------------------------------------------------

    def _report(self, tx: Tx, version: str) -> ReleaseReport:
        rows = tx.constitution.releases()
        if not rows:
            raise NotFound("no release yet: release the constitution first")
        index = (
            0
            if version == "latest"
            else next((i for i, r in enumerate(rows) if r.version == version), None)
        )
        if index is None:
            known = ", ".join(r.version for r in rows)
            raise NotFound(f"no release {version!r}; releases: {known}")
        row = rows[index]
        constitution = release_constitution(row)
        previous = None if index + 1 >= len(rows) else release_constitution(rows[index + 1])
        approvals = tx.guidelines.approvals(
            [p.provenance.guideline_id for p in constitution.principles]
        )
        runs = tx.audits.runs(RUNS_LOOKED_AT)
        chosen = _latest_runs(runs, row.version)
        counts = tx.audit_reviews.counts_by_run([r.id for r, _ in chosen])
        k = self.settings.min_group_size
        principles = tuple(
            self._principle(p, approvals.get(_key(p)), k) for p in constitution.principles
        )
        return ReleaseReport(
            name=constitution.name,
            version=row.version,
            content_hash=row.content_hash,
            released_at=row.released_at,
            notes=row.notes,
            rollback_of=row.rollback_of,
            previous=None if previous is None else previous.version,
            changes=diff(previous, constitution),
            principles=principles,
            groups=tuple(self.settings.groups),
            audits=tuple(
                ModelAudit(
                    model=run.model_name,
                    run_id=run.id,
                    release_version=run.release_version,
                    against_release=against,
                    created_at=run.created_at,
                    source=run.source,
                    status=run.job_status,
                    results={
                        c.principle_id: AuditFigures(c.pass_rate, c.violates, c.total, c.basis)
                        for run_id, c in counts
                        if run_id == run.id
                    },
                )
                for run, against in chosen
            ),
            k=k,
            generated_at=self.clock(),
        )

    def _principle(self, p: Principle, decision: Decision | None, k: int) -> PrincipleEntry:
        prov = p.provenance
        if decision is not None and decision.decided_at == prov.decided_at:
            recorded = decision.tally.tally
            o = recorded.overall
            overall_met = o.total >= recorded.overall_quorum and meets(
                o.approve, o.decisive, recorded.overall_threshold_pct
            )
            overall = _row("overall", o, recorded.overall_threshold_pct, overall_met, True, k)
            by_name = {g.group: g for g in recorded.groups}
            groups = tuple(
                _row(g.group, g.counts, g.threshold_pct, g.met, g.has_quorum, k)
                for g in (by_name[name] for name in self._groups(by_name))
            )
        else:
            # No matching decision stored (a release restored from elsewhere): the release's
            # own provenance still says the counts, without the thresholds.
            overall = _row(
                "overall",
                Counts(approve=prov.approve, reject=prov.reject, abstain=prov.abstain),
                None,
                True,
                True,
                k,
            )
            groups = tuple(_group_row(g, k) for g in prov.groups)
        return PrincipleEntry(
            id=p.id,
            title=p.title,
            statement=p.statement,
            category=p.category,
            language=p.language,
            priority=p.priority,
            guideline_id=prov.guideline_id,
            guideline_version=prov.guideline_version,
            rules_version=prov.rules_version,
            decided_at=prov.decided_at,
            overall=overall,
            groups=groups,
        )

    def _groups(self, recorded: Iterable[str]) -> list[str]:
        # The deployment's order first, then any group the tally had that is gone since.
        names = set(recorded)
        order = [g for g in self.settings.groups if g in names]
        return order + sorted(names - set(order))


def _key(p: Principle) -> tuple[str, int]:
    return p.provenance.guideline_id, p.provenance.guideline_version


def _row(
    name: str, counts: Counts, threshold: int | None, met: bool, quorum: bool, k: int
) -> VoteRow:
    if too_small(counts.total, k):
        return VoteRow(name, None, threshold, "")
    outcome = "no quorum" if not quorum else "met" if met else "not met"
    return VoteRow(name, counts, threshold, outcome)


def _group_row(g: GroupVote, k: int) -> VoteRow:
    counts = Counts(approve=g.approve, reject=g.reject, abstain=g.abstain)
    return _row(g.group, counts, None, g.met, True, k)


def _latest_runs(runs: list[AuditRunRow], version: str) -> list[tuple[AuditRunRow, bool]]:
    """Per model: its latest run against ``version``, else its latest run; by model name.

    ``runs`` come newest first.
    """
    chosen: dict[str, tuple[AuditRunRow, bool]] = {}
    for run in runs:
        if run.model_name not in chosen:
            chosen[run.model_name] = (run, run.release_version == version)
        elif not chosen[run.model_name][1] and run.release_version == version:
            chosen[run.model_name] = (run, True)
    return [chosen[m] for m in sorted(chosen)]
