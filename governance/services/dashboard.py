"""The dashboard: counts, what awaits the viewer's vote, votes closing soon, activity.

Reached as ``charter.dashboard``. Counts and series come from the read-only analytics
queries; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from governance.events import Event, EventAction
from governance.models import Guideline, GuidelineFilter, Stakeholder, Status
from governance.services.base import UseCases
from governance.storage import Tx

#: Days the "ballots per day" series covers, today included.
BALLOT_DAYS = 60
#: Activity items shown at once; the rest are one click away.
RECENT_ACTIVITY = 6


@dataclass(frozen=True)
class Activity:
    """A line of the activity feed."""

    at: datetime
    text: str
    guideline_id: str | None


@dataclass(frozen=True)
class DailyBallots:
    """Ballots cast per day and group, every day of the period present (zero or not)."""

    days: tuple[date, ...]
    """Every day of the period (UTC), oldest first, today last."""
    by_group: dict[str, tuple[int, ...]]
    """Per group, in the deployment's group order, its ballots on each of ``days``."""


@dataclass(frozen=True)
class DashboardScreen:
    """The first screen."""

    status_counts: dict[Status, int]
    participation: dict[str, int]
    awaiting_my_vote: tuple[Guideline, ...]
    closing_soon: tuple[Guideline, ...]
    recent: tuple[Activity, ...]
    """The latest activity, at most ``RECENT_ACTIVITY`` items, newest first."""
    earlier: tuple[Activity, ...]
    """Older activity, newest first, for whoever asks to see more."""
    ballots_per_day: DailyBallots

    @property
    def empty(self) -> bool:
        """Whether nobody and nothing is here yet (a new database)."""
        return self.participation["stakeholders"] == 0 and not self.status_counts


class Dashboard(UseCases):
    """The first screen."""

    def screen(self, viewer: Stakeholder | None) -> DashboardScreen:
        """Counts, what awaits the viewer, recent activity."""
        with self.db.read() as tx:
            seen = None if viewer is None else tx.people.get_stakeholder(viewer.id)
            return _gather(tx, seen, self.clock(), self.settings.groups)


_ACTIVITY = {
    EventAction.GUIDELINE_PROPOSED: "{actor} proposed {subject}",
    EventAction.GUIDELINE_AMENDED: "{actor} amended {subject} (version {version})",
    EventAction.GUIDELINE_DECIDED: "{subject} was {outcome}",
    EventAction.COMMENT_ADDED: "{actor} commented on {subject}",
    EventAction.RULES_UPDATED: "{actor} published rules version {rules_version}",
    EventAction.GUIDELINE_REOPENED: (
        "{actor} sent {subject} back to deliberation: audits of {model} found it violated"
    ),
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
    if event.action is EventAction.GUIDELINE_TRANSITIONED:
        # A reopening has its own entry (guideline.reopened), with the audits behind it.
        reopened = after.get("verb") == "reopen for deliberation"
        template = None if reopened else _TRANSITIONS.get(str(after.get("status")))
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
        model=after.get("model", "a model"),
    )


def daily_ballots(
    rows: Iterable[tuple[date, str, int]], last_day: date, groups: tuple[str, ...]
) -> DailyBallots:
    """Ballots per day and group over the ``BALLOT_DAYS`` days up to ``last_day``, zeros filled.

    Args:
        rows: ``(day, group, ballots)`` for the days and groups that had ballots.
        last_day: The period's last day (today).
        groups: The deployment's groups, in order; a group found only in ``rows`` comes after.

    Returns:
        One count per day for every group.
    """
    days = tuple(last_day - timedelta(days=n) for n in reversed(range(BALLOT_DAYS)))
    index = {day: i for i, day in enumerate(days)}
    counts = {group: [0] * len(days) for group in groups}
    for day, group, ballots in rows:
        if day in index:
            counts.setdefault(group, [0] * len(days))[index[day]] += ballots
    return DailyBallots(days, {group: tuple(n) for group, n in counts.items()})


def _gather(
    tx: Tx, viewer: Stakeholder | None, now: datetime, groups: tuple[str, ...]
) -> DashboardScreen:
    """Counts, what awaits the viewer's vote, what closes soon and recent activity."""
    events = tx.events.find(actions=(*_ACTIVITY, EventAction.GUIDELINE_TRANSITIONED), limit=60)
    names: dict[int | None, str] = {None: "Charter"}
    names.update(tx.people.names(e.actor_id for e in events))
    titles = tx.guidelines.titles(e.subject for e in events if e.subject.startswith("G-"))
    recent = []
    for event in events:
        text = describe(event, names, titles)
        if text is not None:
            gid = event.subject if event.subject in titles else None
            recent.append(Activity(event.at, text, gid))
    voting, _ = tx.guidelines.search_guidelines(
        GuidelineFilter(statuses=(Status.VOTING,)), limit=200
    )
    closing = sorted(
        (g for g in voting if g.voting is not None and g.voting.closes_at > now),
        key=lambda g: g.voting.closes_at if g.voting else now,
    )
    awaiting: list[Guideline] = []
    if viewer is not None and not viewer.suspended and viewer.groups:
        awaiting = tx.analytics.open_for_voting_without_ballot(viewer.id, now)
    today = now.astimezone(UTC).date()
    first_day = today - timedelta(days=BALLOT_DAYS - 1)
    return DashboardScreen(
        status_counts=tx.analytics.status_counts(),
        participation=tx.analytics.participation(),
        awaiting_my_vote=tuple(awaiting),
        closing_soon=tuple(closing[:5]),
        recent=tuple(recent[:RECENT_ACTIVITY]),
        earlier=tuple(recent[RECENT_ACTIVITY:]),
        ballots_per_day=daily_ballots(tx.analytics.ballots_per_day(first_day), today, groups),
    )
