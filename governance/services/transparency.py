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

from governance.config import Settings
from governance.constitution.model import Constitution, GroupVote
from governance.errors import NotAllowed
from governance.models import GuidelineFilter, Stakeholder, Status
from governance.privacy import shown_count, too_small
from governance.services.base import Clock, UseCases, utc_now
from governance.services.constitution_screens import release_constitution
from governance.services.read_cache import ReadCache
from governance.services.transparency_screens import (
    AuditSummary,
    GroupCounts,
    GroupSize,
    Headline,
    PublicPrinciple,
    PublicRelease,
    PublicTally,
    PublicView,
)
from governance.storage import Database, Tx
from governance.storage.constitution import ReleaseRow
from governance.voting import Counts

#: Guidelines whose tallies are published: open votes and decided ones.
PUBLISHED_STATUSES = (Status.VOTING, Status.APPROVED, Status.REJECTED, Status.ADOPTED)
#: Of those, the ones published with the tally recorded when the vote closed.
DECIDED_STATUSES = (Status.APPROVED, Status.REJECTED, Status.ADOPTED)
#: What a visitor is told when the deployment does not publish the view.
CLOSED_MESSAGE = "This deployment does not publish a public view; sign in to see its data."


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
