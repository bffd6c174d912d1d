"""The dashboard: counts, charts, what awaits the viewer's vote, votes closing soon, activity.

Reached as ``charter.dashboard``. Counts and series come from the read-only analytics
queries over the summary tables, cached on the data versions of the tables each one reads
(``ReadCache``); nothing here writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import plotly.graph_objects as go

from governance import audit_charts, dashboard_charts, dashboard_frames
from governance.audit.agreement import agreement_by_principle
from governance.config import Settings
from governance.errors import ValidationFailed
from governance.events import Event, EventAction
from governance.models import DashboardFilter, Guideline, GuidelineFilter, Stakeholder, Status
from governance.privacy import fewer_than
from governance.services.base import Clock, UseCases, utc_now
from governance.services.read_cache import ReadCache
from governance.storage import Database, Tx

#: Days the charts cover when no period is chosen, today included.
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

    @property
    def empty(self) -> bool:
        """Whether nobody and nothing is here yet (a new database)."""
        return self.participation["stakeholders"] == 0 and not self.status_counts


@dataclass(frozen=True)
class Chart:
    """One chart of the dashboard: its figure, what it shows, and the data behind it."""

    name: str
    """A stable key (``participation``, ``funnel``, ...)."""
    caption: str
    """One line: what the chart shows and how to read it."""
    filters: tuple[str, ...]
    """The filters that narrow it (the others do not apply)."""
    table: pd.DataFrame = field(repr=False)
    """The chart's data, as its CSV download has it."""
    figure: go.Figure | None = field(repr=False)
    """None when there is nothing to draw; ``empty`` says why."""
    empty: str = ""

    def csv(self) -> bytes:
        """The chart's data as CSV (UTF-8)."""
        return str(self.table.to_csv(index=False)).encode("utf-8")


@dataclass(frozen=True)
class FilterOptions:
    """What the filter bar offers, and the period shown when none is chosen."""

    groups: tuple[str, ...]
    categories: tuple[str, ...]
    languages: tuple[str, ...]
    models: tuple[str, ...]
    releases: tuple[str, ...]
    """Newest first."""
    since: date
    until: date


#: The tables each chart reads: a write to any of them makes the chart compute again.
_FACTS = ("guidelines", "guideline_versions", "release_principles")
_AUDITS = ("audit_runs", "audit_verdicts", "audit_reviews")
CHART_TABLES: dict[str, tuple[str, ...]] = {
    "participation": ("ballot_days", "ballot_moves", *_FACTS),
    "turnout": ("stakeholder_groups", "voter_firsts", "ballot_moves"),
    # The members and folded voters per group: unchanged by a ballot until the next fold.
    "turnout_base": ("stakeholder_groups", "voter_firsts"),
    "funnel": ("guideline_stages", *_FACTS),
    "split": ("tally_counts", "ballot_moves", *_FACTS),
    "contested": ("tally_counts", "ballot_moves", *_FACTS),
    "adoption": ("constitution_releases", *_FACTS),
    "audit_drift": (*_AUDITS, *_FACTS),
    "agreement": _AUDITS,
}
#: What the activity feed, the status counts and the votes closing soon read. Every action
#: the feed describes also writes one of these, so a ballot (an event the feed leaves out)
#: does not make them compute again.
#: The charts, in the order the page lays them out.
CHARTS = tuple(name for name in CHART_TABLES if not name.endswith("_base"))
_SCREEN_TABLES = (
    "guidelines",
    "guideline_versions",
    "decisions",
    "comments",
    "rules",
    "stakeholders",
)
_HEADLINE_TABLES = ("stakeholders", "voter_firsts", "tally_counts", "ballot_moves", "comments")
_OPTION_TABLES = ("guideline_versions", "audit_runs", "constitution_releases")
#: Longest period the filter bar accepts, in days.
MAX_PERIOD_DAYS = 3_660


class Dashboard(UseCases):
    """The first screen and its charts."""

    def __init__(self, db: Database, settings: Settings, *, clock: Clock = utc_now) -> None:
        """Read ``db`` through a cache keyed on its data versions."""
        super().__init__(db, settings, clock=clock)
        self.cache = ReadCache(db)

    def screen(self, viewer: Stakeholder | None) -> DashboardScreen:
        """Counts, what awaits the viewer, recent activity."""
        now = self.clock()
        shared = self.cache.get(
            # Per minute: what closes soon depends on the time.
            ("screen", now.replace(second=0, microsecond=0)),
            _SCREEN_TABLES,
            lambda tx: _gather(tx, None, now, self.settings.groups),
        )
        headline = self.cache.get("headline", _HEADLINE_TABLES, lambda tx: tx.analytics.headline())
        awaiting: list[Guideline] = []
        if viewer is not None:
            with self.db.read() as tx:
                seen = tx.people.get_stakeholder(viewer.id)
                if seen is not None and not seen.suspended and seen.groups:
                    awaiting = tx.analytics.open_for_voting_without_ballot(seen.id, now)
        return DashboardScreen(
            status_counts=shared.status_counts,
            participation=headline,
            awaiting_my_vote=tuple(awaiting),
            closing_soon=shared.closing_soon,
            recent=shared.recent,
            earlier=shared.earlier,
        )

    def options(self) -> FilterOptions:
        """What the filter bar offers: groups, categories, languages, models, releases."""
        today = self.clock().astimezone(UTC).date()

        def read(tx: Tx) -> FilterOptions:
            releases = tx.analytics.releases()
            return FilterOptions(
                groups=self.settings.groups,
                categories=self.settings.categories,
                languages=tuple(tx.analytics.languages()),
                models=tuple(tx.analytics.audit_models()),
                releases=tuple(str(v) for v in reversed(list(releases["version"]))),
                since=today - timedelta(days=BALLOT_DAYS - 1),
                until=today,
            )

        return self.cache.get(("options", today), _OPTION_TABLES, read)

    def charts(self, where: DashboardFilter | None = None) -> tuple[Chart, ...]:
        """Every chart, narrowed by ``where``, each computed or taken from the cache.

        Raises:
            ValidationFailed: A filter names something that does not exist, or the period
                is reversed or too long; nothing is computed.
        """
        where = self.checked(where or DashboardFilter())
        return tuple(self._get(name, where) for name in CHARTS)

    def chart(self, name: str, where: DashboardFilter | None = None) -> Chart:
        """One chart (``CHART_TABLES`` names them)."""
        if name not in CHARTS:
            raise ValidationFailed(
                {"chart": f"no chart {name!r}; choose one of {', '.join(CHARTS)}"}
            )
        return self._get(name, self.checked(where or DashboardFilter()))

    def _get(self, name: str, where: DashboardFilter) -> Chart:
        # The split and the contested list come from one query: computed and kept together.
        source = "shares" if name in ("split", "contested") else name
        builder = self._builder(source, where)
        tables = CHART_TABLES[name]
        key: tuple[object, ...] = (source, where)
        if name == "turnout":
            # The folded turnout changes at a fold; a ballot changes it only when it is
            # someone's first. So the chart is kept on the folded tables' versions and the
            # first-time voters pending (one small query for every view): a ballot from
            # someone who voted before recomputes nothing.
            base_tables = CHART_TABLES["turnout_base"]
            while True:
                versions = self.db.versions(base_tables)
                base = self.cache.get(
                    ("turnout_base", where),
                    base_tables,
                    lambda tx: tx.analytics.group_turnout(where),
                )
                new = self.cache.get("new_voters", tables, lambda tx: tx.analytics.new_voters())
                if self.db.versions(base_tables) == versions:
                    break  # no fold between the two: they add up
            k = self.settings.min_group_size
            builder = lambda tx: _turnout(base, new, k)  # noqa: E731
            key, tables = (*key, versions, tuple(sorted(new.items()))), ()
        built = self.cache.get(key, tables, builder)
        return built[name] if isinstance(built, dict) else built

    def checked(self, where: DashboardFilter) -> DashboardFilter:
        """``where`` with its period filled in, or the problems with it by filter."""
        options = self.options()
        problems: dict[str, str] = {}
        for key, chosen, offered in (
            ("groups", where.groups, options.groups),
            ("categories", where.categories, options.categories),
            ("languages", where.languages, options.languages),
            ("models", where.models, options.models),
        ):
            unknown = [c for c in chosen if c not in offered]
            if unknown:
                problems[key] = f"unknown: {', '.join(repr(u) for u in unknown[:5])}"
        if where.release and where.release not in options.releases:
            problems["release"] = f"no release {where.release!r}"
        since = where.since or options.since
        until = where.until or options.until
        if since > until:
            problems["since"] = "the period starts after it ends"
        elif (until - since).days >= MAX_PERIOD_DAYS:
            problems["since"] = f"the period is longer than {MAX_PERIOD_DAYS:,} days"
        if problems:
            raise ValidationFailed(problems)
        return where.model_copy(update={"since": since, "until": until})

    def _builder(
        self, name: str, where: DashboardFilter
    ) -> Callable[[Tx], Chart | dict[str, Chart]]:
        k = self.settings.min_group_size
        groups = where.groups or self.settings.groups
        builders: dict[str, Callable[[Tx], Chart | dict[str, Chart]]] = {
            "participation": lambda tx: _participation(tx, where, groups),
            "turnout": lambda tx: _turnout(tx.analytics.group_turnout(where), {}, k),
            "funnel": lambda tx: _funnel(tx, where),
            "shares": lambda tx: _shares(tx, where, groups, k),
            "adoption": lambda tx: _adoption(tx, where),
            "audit_drift": lambda tx: _audit_drift(tx, where),
            "agreement": lambda tx: _agreement(tx, where),
        }
        return builders[name]


# -- the charts ----------------------------------------------------------------------------

_NOTHING = "Nothing to draw for these filters."


def _participation(tx: Tx, where: DashboardFilter, groups: tuple[str, ...]) -> Chart:
    assert where.since is not None and where.until is not None
    rows = tx.analytics.ballots_by_day(where, where.since, where.until)
    days = tuple(
        where.since + timedelta(days=n) for n in range((where.until - where.since).days + 1)
    )
    index = {day: i for i, day in enumerate(days)}
    counts = {group: [0] * len(days) for group in groups}
    for row in rows.itertuples(index=False):
        day = pd.Timestamp(row.day).date()
        if row.group_name in counts and day in index:
            counts[row.group_name][index[day]] += int(row.ballots)
    table = pd.DataFrame({"day": days, **counts})
    return Chart(
        name="participation",
        caption="Ballots cast each day (UTC) by members of each group, changed ballots"
        " included; someone in two groups counts in both.",
        filters=("dates", "group", "category", "language", "release"),
        table=table,
        figure=dashboard_charts.participation(days, counts),
    )


def _turnout(base: pd.DataFrame, new_voters: dict[str, int], k: int) -> Chart:
    table = base.copy()
    table["voters"] = table["voters"] + table["group_name"].map(new_voters).fillna(0).astype(int)
    small = table["members"] < k
    published = table.astype({"members": object, "voters": object})
    published.loc[small, ["members", "voters"]] = fewer_than(k)
    return Chart(
        name="turnout",
        caption="Per group: its members and how many of them have ever cast a ballot."
        f" A group with fewer than {k} members is not counted.",
        filters=("group",),
        table=published,
        figure=dashboard_charts.turnout(table, k) if not table.empty else None,
        empty="" if not table.empty else _NOTHING,
    )


def _funnel(tx: Tx, where: DashboardFilter) -> Chart:
    table = dashboard_frames.funnel(tx.analytics.stage_entries(where))
    drawn = int(table["guidelines"].iloc[0]) > 0
    return Chart(
        name="funnel",
        caption="Guidelines proposed in the period and how far they got: each percentage is"
        " the share of the stage before, each time the median days it took from there.",
        filters=("dates", "category", "language", "release"),
        table=table,
        figure=dashboard_charts.funnel(table) if drawn else None,
        empty="" if drawn else "No guideline was proposed in this period.",
    )


def _shares(tx: Tx, where: DashboardFilter, groups: tuple[str, ...], k: int) -> dict[str, Chart]:
    """The split heatmap and the contested list, from one read of the tallies."""
    split = dashboard_frames.group_split(tx.analytics.group_shares(where, groups), groups, k)
    contested = dashboard_frames.contested(split)
    return {
        "split": Chart(
            name="split",
            caption="Share of approve among approve and reject ballots, per group, on the"
            f" version last put to a vote; the {dashboard_frames.TOP} guidelines the groups"
            f" disagree on most come first (the CSV has all). Blank: fewer than {k} such"
            " ballots.",
            filters=("dates", "group", "category", "language", "release"),
            table=split,
            figure=dashboard_charts.split_heatmap(split, groups, k) if not split.empty else None,
            empty="" if not split.empty else "No guideline was put to a vote in this period.",
        ),
        "contested": Chart(
            name="contested",
            caption="The guidelines with the most people on each side: ranked by the smaller"
            " of their approve and reject ballots.",
            filters=("dates", "group", "category", "language", "release"),
            table=contested,
            figure=dashboard_charts.contested(contested) if not contested.empty else None,
            empty="" if not contested.empty else "No vote has enough ballots on either side.",
        ),
    }


def _adoption(tx: Tx, where: DashboardFilter) -> Chart:
    summary, changes = dashboard_frames.adoption(
        tx.analytics.release_contents(where), tx.analytics.releases(where.release)
    )
    return Chart(
        name="adoption",
        caption="How many principles entered (up) and left (down) each release; hover for"
        " the median days from a principle's proposal to its adoption. The CSV lists them.",
        filters=("category", "language", "release"),
        table=changes,
        figure=dashboard_charts.adoption(summary) if not summary.empty else None,
        empty="" if not summary.empty else "No constitution has been released yet.",
    )


def _audit_drift(tx: Tx, where: DashboardFilter) -> Chart:
    keep = None
    if where.categories or where.languages:
        keep = set(tx.analytics.release_contents(where)["principle_id"])
    points = dashboard_frames.drift_points(tx.analytics.audit_results(where), keep)
    figure = audit_charts.drift_figure(points)
    return Chart(
        name="audit_drift",
        caption="Each principle's pass rate in successive audits of each model (reviewed"
        " verdicts count as the reviewer decided); dotted lines mark a new release.",
        filters=("dates", "model", "release", "category", "language"),
        table=dashboard_frames.drift_table(points),
        figure=figure,
        empty="" if figure is not None else "No audit matches these filters.",
    )


def _agreement(tx: Tx, where: DashboardFilter) -> Chart:
    rows = agreement_by_principle(tx.analytics.review_pairs(where))
    table = pd.DataFrame(
        [
            {
                "principle_id": r.principle_id,
                "reviewed": r.reviewed,
                "agreed": r.agreed,
                "agreement": None if r.raw is None else round(r.raw, 4),
                "kappa": None if r.kappa is None else round(r.kappa, 4),
            }
            for r in rows
        ],
        columns=["principle_id", "reviewed", "agreed", "agreement", "kappa"],
    )
    figure = audit_charts.agreement_figure(rows)
    return Chart(
        name="agreement",
        caption="How often reviewers kept the judge's verdict, per principle, and Cohen's"
        " kappa (1 is full agreement, 0 what chance gives).",
        filters=("model", "release"),
        table=table,
        figure=figure,
        empty="" if figure is not None else "No verdict has been reviewed yet.",
    )


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
    return DashboardScreen(
        status_counts=tx.analytics.status_counts(),
        participation={},
        awaiting_my_vote=tuple(awaiting),
        closing_soon=tuple(closing[:5]),
        recent=tuple(recent[:RECENT_ACTIVITY]),
        earlier=tuple(recent[RECENT_ACTIVITY:]),
    )
