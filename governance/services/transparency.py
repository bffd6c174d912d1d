"""The public transparency view: tallies, releases with provenance and audit summaries.

Reached as ``charter.transparency``. Published to anyone, signed in or not, unless the
deployment switches it off (``Settings.public_view``); then only signed-in people see it.

Nothing personal is published: voters are counted, never listed; no display name, no
stakeholder id, no comment, no reason a person wrote (ballots, reviews, release notes) and no
activity feed. Small groups are named as small (``governance.privacy``): a group with fewer
than k members is "fewer than k", and so are a group's numbers on a guideline when the group
has fewer than k members or cast fewer than k ballots on that version, since a small cell
would tell how identifiable people voted. Reads only, from one snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from governance.config import Settings
from governance.constitution.model import Constitution, GroupVote
from governance.errors import NotAllowed
from governance.models import GuidelineFilter, Stakeholder, Status
from governance.privacy import fewer_than, shown_count, too_small
from governance.services.base import Clock, UseCases, utc_now
from governance.services.constitution_screens import release_constitution
from governance.services.read_cache import ReadCache
from governance.storage import Database, Tx
from governance.storage.constitution import ReleaseRow
from governance.voting import Counts

#: Guidelines whose tallies are published: open votes and decided ones.
PUBLISHED_STATUSES = (Status.VOTING, Status.APPROVED, Status.REJECTED, Status.ADOPTED)
#: Of those, the ones published with the tally recorded when the vote closed.
DECIDED_STATUSES = (Status.APPROVED, Status.REJECTED, Status.ADOPTED)
#: What a visitor is told when the deployment does not publish the view.
CLOSED_MESSAGE = "This deployment does not publish a public view; sign in to see its data."


def _frozen() -> ConfigDict:
    return ConfigDict(frozen=True, extra="forbid")


class GroupSize(BaseModel):
    """How many members a stakeholder group has, as published."""

    model_config = _frozen()

    group: str
    """The group."""
    members: int | None
    """Its members; None when fewer than k (then only ``shown`` says anything)."""
    shown: str
    """The number as published: ``12`` or ``fewer than 5``."""


class GroupCounts(BaseModel):
    """One group's ballots on one guideline version, as published."""

    model_config = _frozen()

    group: str
    """The group."""
    suppressed: bool
    """Whether the group has fewer than k members or cast fewer than k ballots here."""
    approve: int | None
    """Approve ballots; None when suppressed."""
    reject: int | None
    """Reject ballots; None when suppressed."""
    abstain: int | None
    """Abstentions; None when suppressed."""


class Headline(BaseModel):
    """The numbers at the top of the view."""

    model_config = _frozen()

    stakeholders: int
    """People registered."""
    voters: int
    """People who have cast at least one ballot that still counts."""
    ballots: int
    """Ballots that count (each person's current ballot per guideline version)."""
    releases: int
    """Constitution releases."""
    guidelines_by_status: dict[str, int]
    """Guidelines in each status (every status present, zeros included)."""


class PublicTally(BaseModel):
    """A guideline's tally: live while voting, as recorded once decided."""

    model_config = _frozen()

    guideline_id: str
    """The guideline (``G-0007``)."""
    title: str
    """Its current title (text a person wrote: render it as text)."""
    status: Status
    """Voting, approved, rejected or adopted."""
    version: int
    """The version voted on."""
    live: bool
    """True for an open vote (the counts change), False for a decided one."""
    rules_version: int
    """The rules the vote is (or was) decided under."""
    closes_at: datetime | None
    """When an open vote closes (UTC)."""
    decided_at: datetime | None
    """When a decided vote closed (UTC)."""
    overall: Counts
    """Everyone's ballots, each person once."""
    groups: tuple[GroupCounts, ...]
    """Per group, in the deployment's group order."""


class PublicPrinciple(BaseModel):
    """One principle of a release with the decision behind it."""

    model_config = _frozen()

    principle_id: str
    """``P-0007``."""
    title: str
    """Its title (text a person wrote: render it as text)."""
    guideline_id: str
    """The guideline it came from."""
    guideline_version: int
    """The version that was approved."""
    rules_version: int
    """The rules that decided it."""
    decided_at: datetime
    """When its vote closed (UTC)."""
    overall: Counts
    """Everyone's ballots on the approved version."""
    groups: tuple[GroupCounts, ...]
    """Per group, as recorded in the release."""


class PublicRelease(BaseModel):
    """A constitution release and where each principle came from."""

    model_config = _frozen()

    version: str
    """Semantic version."""
    content_hash: str
    """sha256 of what the constitution says."""
    released_at: datetime
    """When it was released (UTC)."""
    rollback_of: str | None
    """The release it restored, for a rollback."""
    principles: tuple[PublicPrinciple, ...]
    """In the release's order."""


class AuditSummary(BaseModel):
    """What the audits of one model found about one principle (effective verdicts)."""

    model_config = _frozen()

    model: str
    """The audited model."""
    source: str
    """Where the verdicts came from (Charter's own audits or an imported log)."""
    principle_id: str
    """The principle."""
    title: str
    """Its title in the latest release ("" when no release holds it)."""
    pass_rate: float | None
    """Mean score of the scored verdicts, 0 to 1; None when none was scored."""
    violations: int
    """Verdicts that found a violation."""
    total: int
    """Every verdict."""
    basis: str
    """Whose verdicts count: ``judge``, ``reviewed`` (every one) or ``mixed``."""


class PublicView(BaseModel):
    """Everything the public transparency view publishes, and nothing personal."""

    model_config = _frozen()

    k: int
    """Groups and cells with fewer than this many are shown as "fewer than k"."""
    headline: Headline
    group_sizes: tuple[GroupSize, ...]
    """In the deployment's group order, then any other group with members."""
    tallies: tuple[PublicTally, ...]
    """Open votes first (closing soonest first), then decided ones (latest first)."""
    releases: tuple[PublicRelease, ...]
    """Newest first."""
    audits: tuple[AuditSummary, ...]
    """By model, source and principle."""

    @property
    def hidden(self) -> str:
        """What a suppressed number reads as."""
        return fewer_than(self.k)

    def group_size_rows(self) -> list[dict[str, object]]:
        """The group sizes as table rows."""
        return [{"group": g.group, "members": g.shown} for g in self.group_sizes]

    def tally_rows(self) -> list[dict[str, object]]:
        """One row per guideline: its overall counts."""
        return [
            {
                "guideline": t.guideline_id,
                "title": t.title,
                "status": t.status.value,
                "version": t.version,
                "tally": "live" if t.live else "recorded",
                "approve": t.overall.approve,
                "reject": t.overall.reject,
                "abstain": t.overall.abstain,
                "ballots": t.overall.total,
                "closes / closed (UTC)": _when(t.closes_at if t.live else t.decided_at),
            }
            for t in self.tallies
        ]

    def group_tally_rows(self) -> list[dict[str, object]]:
        """One row per guideline and group: the group's counts, or "fewer than k"."""
        return [
            {"guideline": t.guideline_id, "version": t.version, **self._cells(g)}
            for t in self.tallies
            for g in t.groups
        ]

    def release_rows(self) -> list[dict[str, object]]:
        """One row per release."""
        return [
            {
                "version": r.version,
                "released (UTC)": _when(r.released_at),
                "principles": len(r.principles),
                "rollback of": r.rollback_of or "",
                "content hash": r.content_hash,
            }
            for r in self.releases
        ]

    def provenance_rows(self, version: str) -> list[dict[str, object]]:
        """One row per principle of release ``version`` (none for an unknown version)."""
        release = next((r for r in self.releases if r.version == version), None)
        if release is None:
            return []
        rows: list[dict[str, object]] = []
        for p in release.principles:
            row: dict[str, object] = {
                "principle": p.principle_id,
                "title": p.title,
                "guideline": p.guideline_id,
                "guideline version": p.guideline_version,
                "rules version": p.rules_version,
                "decided (UTC)": _when(p.decided_at),
                "approve": p.overall.approve,
                "reject": p.overall.reject,
                "abstain": p.overall.abstain,
            }
            for g in p.groups:
                cells = self._cells(g)
                for choice in ("approve", "reject", "abstain"):
                    row[f"{g.group} {choice}"] = cells[choice]
            rows.append(row)
        return rows

    def audit_rows(self) -> list[dict[str, object]]:
        """One row per model, source and principle."""
        return [
            {
                "model": a.model,
                "source": a.source,
                "principle": a.principle_id,
                "title": a.title,
                "pass rate": "" if a.pass_rate is None else f"{a.pass_rate:.1%}",
                "violations": a.violations,
                "verdicts": a.total,
                "basis": a.basis,
            }
            for a in self.audits
        ]

    def _cells(self, g: GroupCounts) -> dict[str, object]:
        if g.suppressed:
            hidden = self.hidden
            return {"group": g.group, "approve": hidden, "reject": hidden, "abstain": hidden}
        return {"group": g.group, "approve": g.approve, "reject": g.reject, "abstain": g.abstain}


def _when(at: datetime | None) -> str:
    return "" if at is None else f"{at:%Y-%m-%d %H:%M}"


#: The tables the view reads: a write to any of them makes the next view compute again.
PUBLIC_TABLES = (
    "stakeholders",
    "stakeholder_groups",
    "voter_firsts",
    "tally_counts",
    "ballot_moves",
    "guidelines",
    "guideline_versions",
    "decisions",
    "constitution_releases",
    "audit_runs",
    "audit_verdicts",
    "audit_reviews",
)


class Transparency(UseCases):
    """The public transparency view. Reached as ``charter.transparency``."""

    def __init__(self, db: Database, settings: Settings, *, clock: Clock = utc_now) -> None:
        """Read ``db`` through a cache keyed on its data versions."""
        super().__init__(db, settings, clock=clock)
        self.cache = ReadCache(db)

    def view(self, viewer: Stakeholder | None) -> PublicView:
        """Everything published, from one read snapshot.

        Args:
            viewer: Who looks; None for a visitor who is not signed in.

        Raises:
            NotAllowed: The deployment does not publish the view and the viewer is not
                signed in.
        """
        if not self.settings.public_view:
            with self.db.read() as tx:
                seen = None if viewer is None else tx.people.get_stakeholder(viewer.id)
            if seen is None:
                raise NotAllowed(CLOSED_MESSAGE)
        return self.cache.get("public view", PUBLIC_TABLES, self._read)

    def _read(self, tx: Tx) -> PublicView:
        k = self.settings.min_group_size
        sizes = tx.people.group_sizes()
        groups = _group_order(self.settings.groups, sizes)
        rows = tx.constitution.releases()
        releases = [(row, release_constitution(row)) for row in rows]
        return PublicView(
            k=k,
            headline=_headline(tx, len(releases)),
            group_sizes=tuple(
                GroupSize(
                    group=g,
                    members=None if too_small(sizes.get(g, 0), k) else sizes.get(g, 0),
                    shown=shown_count(sizes.get(g, 0), k),
                )
                for g in groups
            ),
            tallies=tuple(_tallies(tx, groups, sizes, k)),
            releases=tuple(_release(row, c, sizes, k) for row, c in releases),
            audits=tuple(_audits(tx, releases[0][1] if releases else None)),
        )


def _group_order(configured: Sequence[str], sizes: Mapping[str, int]) -> tuple[str, ...]:
    """The deployment's groups in order, then any other group that has members."""
    return (*configured, *sorted(set(sizes) - set(configured)))


def _published(group: str, counts: Counts, members: int, k: int) -> GroupCounts:
    """A group's counts, suppressed when the group or its ballots here are fewer than k."""
    if too_small(members, k) or too_small(counts.total, k):
        return GroupCounts(group=group, suppressed=True, approve=None, reject=None, abstain=None)
    return GroupCounts(
        group=group,
        suppressed=False,
        approve=counts.approve,
        reject=counts.reject,
        abstain=counts.abstain,
    )


def _by_group(
    counts: Mapping[str, Counts], groups: Sequence[str], sizes: Mapping[str, int], k: int
) -> tuple[GroupCounts, ...]:
    order = [*groups, *sorted(set(counts) - set(groups))]
    return tuple(_published(g, counts.get(g, Counts()), sizes.get(g, 0), k) for g in order)


def _headline(tx: Tx, releases: int) -> Headline:
    people = tx.analytics.headline()
    statuses = tx.analytics.status_counts()
    return Headline(
        stakeholders=people["stakeholders"],
        voters=people["voters"],
        ballots=people["ballots"],
        releases=releases,
        guidelines_by_status={s.value: statuses.get(s, 0) for s in Status},
    )


def _tallies(
    tx: Tx, groups: Sequence[str], sizes: Mapping[str, int], k: int
) -> Iterable[PublicTally]:
    found, _ = tx.guidelines.search_guidelines(
        GuidelineFilter(statuses=PUBLISHED_STATUSES), limit=1_000_000
    )
    live = tx.analytics.tallies_under_vote()
    decisions = tx.guidelines.latest_decisions(DECIDED_STATUSES)
    open_votes: list[tuple[datetime, PublicTally]] = []
    decided: list[tuple[datetime, PublicTally]] = []
    for g in found:
        decision = decisions.get(g.id)
        if g.status is Status.VOTING and g.voting is not None:
            overall, by_group = live.get(g.id, (Counts(), {}))
            open_votes.append(
                (
                    g.voting.closes_at,
                    PublicTally(
                        guideline_id=g.id,
                        title=g.text.title,
                        status=g.status,
                        version=g.voting.version,
                        live=True,
                        rules_version=g.voting.rules_version,
                        closes_at=g.voting.closes_at,
                        decided_at=None,
                        overall=overall,
                        groups=_by_group(by_group, groups, sizes, k),
                    ),
                )
            )
        elif decision is not None:
            recorded = decision.tally.tally
            decided.append(
                (
                    decision.decided_at,
                    PublicTally(
                        guideline_id=g.id,
                        title=g.text.title,
                        status=g.status,
                        version=decision.version,
                        live=False,
                        rules_version=decision.rules_version,
                        closes_at=None,
                        decided_at=decision.decided_at,
                        overall=recorded.overall,
                        groups=_by_group(
                            {gt.group: gt.counts for gt in recorded.groups}, groups, sizes, k
                        ),
                    ),
                )
            )
    open_votes.sort(key=lambda pair: (pair[0], pair[1].guideline_id))
    decided.sort(key=lambda pair: (pair[0], pair[1].guideline_id), reverse=True)
    return [t for _, t in (*open_votes, *decided)]


def _group_counts(vote: GroupVote) -> Counts:
    return Counts(approve=vote.approve, reject=vote.reject, abstain=vote.abstain)


def _release(
    row: ReleaseRow, constitution: Constitution, sizes: Mapping[str, int], k: int
) -> PublicRelease:
    principles = []
    for p in constitution.principles:
        prov = p.provenance
        principles.append(
            PublicPrinciple(
                principle_id=p.id,
                title=p.title,
                guideline_id=prov.guideline_id,
                guideline_version=prov.guideline_version,
                rules_version=prov.rules_version,
                decided_at=prov.decided_at,
                overall=Counts(approve=prov.approve, reject=prov.reject, abstain=prov.abstain),
                groups=tuple(
                    _published(v.group, _group_counts(v), sizes.get(v.group, 0), k)
                    for v in prov.groups
                ),
            )
        )
    return PublicRelease(
        version=row.version,
        content_hash=row.content_hash,
        released_at=row.released_at,
        rollback_of=row.rollback_of,
        principles=tuple(principles),
    )


def _audits(tx: Tx, latest: Constitution | None) -> Iterable[AuditSummary]:
    titles = {} if latest is None else {p.id: p.title for p in latest.principles}
    for model, source, c in tx.audit_reviews.counts_by_model():
        yield AuditSummary(
            model=model,
            source=source,
            principle_id=c.principle_id,
            title=titles.get(c.principle_id, ""),
            pass_rate=c.pass_rate,
            violations=c.violates,
            total=c.total,
            basis=c.basis,
        )
