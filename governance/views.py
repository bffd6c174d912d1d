"""Read models for pages: everything one screen needs, gathered in one snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from governance.auth import SYSTEM_NAME, Action, may
from governance.errors import NotFound
from governance.lifecycle import AMENDABLE
from governance.models import (
    Comment,
    Event,
    Guideline,
    GuidelineVersion,
    Stakeholder,
    Status,
    Vote,
)
from governance.storage import Store
from governance.storage.store import DecisionRecord, GuidelineFilter
from governance.voting import Counts, Tally, tally

PAGE_SIZE = 25


@dataclass(frozen=True)
class Thread:
    """A top-level comment and its replies."""

    comment: Comment
    replies: tuple[Comment, ...]


@dataclass(frozen=True)
class Permissions:
    """What the viewer may do with a guideline right now (the services check again)."""

    vote: bool = False
    comment: bool = False
    amend: bool = False
    submit: bool = False
    withdraw: bool = False
    open_voting: bool = False
    close_voting: bool = False
    moderate: bool = False
    """Hide or restore comments."""


@dataclass(frozen=True)
class GuidelineDetail:
    """Everything the guideline page shows."""

    guideline: Guideline
    versions: tuple[GuidelineVersion, ...]
    threads: tuple[Thread, ...]
    history: tuple[Event, ...]
    tally: Tally | None
    decision: DecisionRecord | None
    my_vote: Vote | None
    ballots_on_earlier_versions: int
    can: Permissions
    names: dict[int | None, str] = field(default_factory=dict)
    """Display names of everyone the page mentions; None is the system."""


@dataclass(frozen=True)
class ListedGuideline:
    """A row of the guideline list."""

    guideline: Guideline
    counts: Counts | None


@dataclass(frozen=True)
class GuidelinePage:
    """One page of a filtered guideline list."""

    items: tuple[ListedGuideline, ...]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class Activity:
    """A line of the activity feed."""

    at: datetime
    text: str
    guideline_id: str | None


@dataclass(frozen=True)
class Dashboard:
    """The first screen."""

    status_counts: dict[Status, int]
    participation: dict[str, int]
    awaiting_my_vote: tuple[Guideline, ...]
    closing_soon: tuple[Guideline, ...]
    recent: tuple[Activity, ...]
    ballots_per_day: tuple[tuple[object, str, int], ...]


def permissions_for(viewer: Stakeholder | None, guideline: Guideline, now: datetime) -> Permissions:
    """What ``viewer`` may do with ``guideline`` now, as the services would decide it."""
    if viewer is None or viewer.suspended:
        return Permissions()
    status, author = guideline.status, guideline.author_id
    voting_open = (
        status is Status.VOTING
        and guideline.voting is not None
        and now < guideline.voting.closes_at
        and bool(viewer.groups)
    )
    return Permissions(
        vote=voting_open and may(viewer, Action.VOTE),
        comment=status not in {Status.WITHDRAWN, Status.RETIRED} and may(viewer, Action.COMMENT),
        amend=status in AMENDABLE and may(viewer, Action.AMEND, author_id=author),
        submit=status is Status.DRAFT and may(viewer, Action.SUBMIT, author_id=author),
        withdraw=status in {Status.DRAFT, Status.DELIBERATION}
        and may(viewer, Action.WITHDRAW, author_id=author),
        open_voting=status is Status.DELIBERATION and may(viewer, Action.OPEN_VOTING),
        close_voting=status is Status.VOTING and may(viewer, Action.CLOSE_VOTING),
        moderate=may(viewer, Action.HIDE_COMMENT),
    )


def threads(comments: list[Comment]) -> tuple[Thread, ...]:
    """Group comments into top-level threads with their replies, in the order written."""
    replies: dict[int, list[Comment]] = {}
    for c in comments:
        if c.parent_id is not None:
            replies.setdefault(c.parent_id, []).append(c)
    return tuple(Thread(c, tuple(replies.get(c.id, ()))) for c in comments if c.parent_id is None)


def guideline_detail(
    store: Store,
    guideline_id: str,
    viewer: Stakeholder | None,
    groups: tuple[str, ...],
    now: datetime,
) -> GuidelineDetail:
    """Gather the guideline page from one snapshot."""
    guideline = store.get_guideline(guideline_id.strip().upper())
    if guideline is None:
        raise NotFound(f"no guideline {guideline_id!r}")
    versions = store.versions(guideline.id)
    history = store.events(
        subject=guideline.id,
        actions=("guideline.proposed", "guideline.amended", "guideline.transitioned"),
        ascending=True,
        limit=500,
    )
    live_tally = my_vote = None
    counted = 0
    if guideline.voting is not None:
        window = guideline.voting
        overall, by_group = store.ballot_counts(guideline.id, window.version)
        rules = store.rules_history(window.rules_version)[0].rules
        live_tally = tally(overall, by_group, rules, groups)
        counted = overall.total
        if viewer is not None:
            my_vote = store.get_vote(guideline.id, window.version, viewer.id)
    decision = store.decision(guideline.id)
    comments = store.comments(guideline.id)
    mentioned = [e.actor_id for e in history] + [v.author_id for v in versions]
    if decision is not None:
        mentioned.append(decision.decided_by)
    names: dict[int | None, str] = {None: SYSTEM_NAME}
    names.update(store.names(mentioned))
    return GuidelineDetail(
        guideline=guideline,
        versions=tuple(versions),
        threads=threads(comments),
        history=tuple(history),
        tally=live_tally,
        decision=decision,
        my_vote=my_vote,
        ballots_on_earlier_versions=store.count_votes(guideline.id) - counted,
        can=permissions_for(viewer, guideline, now),
        names=names,
    )


def guideline_page(store: Store, where: GuidelineFilter, page: int) -> GuidelinePage:
    """One page of the filtered list, with ballot counts for guidelines put to a vote."""
    page = max(page, 1)
    items, total = store.search_guidelines(where, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    totals = store.ballot_totals([(g.id, g.voting.version) for g in items if g.voting])
    listed = tuple(
        ListedGuideline(g, totals.get(g.id, Counts()) if g.voting else None) for g in items
    )
    return GuidelinePage(listed, total, page, max(1, -(-total // PAGE_SIZE)))


_ACTIVITY = {
    "guideline.proposed": "{actor} proposed {subject}",
    "guideline.amended": "{actor} amended {subject} (version {version})",
    "guideline.decided": "{subject} was {outcome}",
    "comment.added": "{actor} commented on {subject}",
    "rules.updated": "{actor} published rules version {rules_version}",
}
_TRANSITIONS = {
    Status.DELIBERATION.value: "{actor} opened {subject} for deliberation",
    Status.VOTING.value: "{actor} opened voting on {subject}",
    Status.WITHDRAWN.value: "{actor} withdrew {subject}",
}


def describe(event: Event, names: dict[int | None, str], titles: dict[str, str]) -> str | None:
    """An event in words for the activity feed; None for events the feed leaves out.

    Individual ballots are left out: the feed shows that people deliberate, not how each voted.
    """
    after = event.after or {}
    template = _ACTIVITY.get(event.action)
    if event.action == "guideline.transitioned":
        template = _TRANSITIONS.get(str(after.get("status")))
    if template is None:
        return None
    subject = event.subject
    if subject in titles:
        subject = f"{subject} \u201c{titles[subject]}\u201d"
    return template.format(
        actor=names.get(event.actor_id, f"#{event.actor_id}"),
        subject=subject,
        version=after.get("version", "?"),
        outcome=after.get("outcome", "decided"),
        rules_version=after.get("version", "?"),
    )


def dashboard(store: Store, viewer: Stakeholder | None, now: datetime) -> Dashboard:
    """Counts, what awaits the viewer's vote, what closes soon and recent activity."""
    events = store.events(actions=(*_ACTIVITY, "guideline.transitioned"), limit=40)
    names: dict[int | None, str] = {None: "Charter"}
    names.update(store.names(e.actor_id for e in events))
    titles = store.titles(e.subject for e in events if e.subject.startswith("G-"))
    recent = []
    for event in events:
        text = describe(event, names, titles)
        if text is not None:
            gid = event.subject if event.subject in titles else None
            recent.append(Activity(event.at, text, gid))
    voting, _ = store.search_guidelines(GuidelineFilter(statuses=(Status.VOTING,)), limit=200)
    closing = sorted(
        (g for g in voting if g.voting is not None and g.voting.closes_at > now),
        key=lambda g: g.voting.closes_at if g.voting else now,
    )
    awaiting: list[Guideline] = []
    if viewer is not None and not viewer.suspended and viewer.groups:
        awaiting = store.open_for_voting_without_ballot(viewer.id, now)
    return Dashboard(
        status_counts=store.status_counts(),
        participation=store.participation(),
        awaiting_my_vote=tuple(awaiting),
        closing_soon=tuple(closing[:5]),
        recent=tuple(recent[:15]),
        ballots_per_day=tuple(store.ballots_per_day(60, now)),
    )
