"""The dashboard's analytics: summary tables, queries with exact answers, the cache, filters."""

from __future__ import annotations

import random
from datetime import timedelta

import pandas as pd
import pytest

from governance.config import Settings
from governance.errors import ValidationFailed
from governance.models import DashboardFilter
from governance.services import Charter
from governance.services.dashboard import CHARTS
from governance.storage import Database, Tx
from governance.storage.summaries import DAYS_NOW, SUMMARY_COLUMNS, TALLY_NOW, VOTERS_NOW
from tests.conftest import PROPOSAL, Cast, FakeClock


def summaries_match_sources(db: Database) -> None:
    """Every summary holds what recomputing it from its sources gives: before folding the
    pending moves (as readers add them up) and after."""

    def now(tx: Tx) -> dict[str, list[tuple[object, ...]]]:
        return {
            "tally_counts": tx.summaries._all(
                f"SELECT * FROM {TALLY_NOW} t WHERE approve + reject + abstain <> 0"
            ),
            "ballot_days": tx.summaries._all(
                f"SELECT day, guideline_id, group_name, sum(ballots) FROM {DAYS_NOW} d"
                " WHERE group_name = '' GROUP BY 1, 2, 3"
            ),
            "voters": tx.summaries._all(f"SELECT stakeholder_id FROM {VOTERS_NOW} v"),
        }

    def expected(tx: Tx) -> dict[str, list[tuple[object, ...]]]:
        rebuilt = tx.summaries.rebuild_rows()
        return {
            "tally_counts": rebuilt["tally_counts"],
            "ballot_days": [r for r in rebuilt["ballot_days"] if r[2] == ""],
            "voters": [r[:1] for r in rebuilt["voter_firsts"]],
        }

    def same(a: list[tuple[object, ...]], b: list[tuple[object, ...]]) -> bool:
        return sorted(map(repr, a)) == sorted(map(repr, b))

    with db.read() as tx:
        found, wanted = now(tx), expected(tx)
    for name in wanted:
        assert same(found[name], wanted[name]), f"{name} before folding"
    with db.transaction() as tx:
        tx.summaries.fold()
    with db.read() as tx:
        assert tx.summaries.pending_moves() == 0
        rebuilt = tx.summaries.rebuild_rows()
        for table, columns in SUMMARY_COLUMNS.items():
            stored = tx.summaries._all(f"SELECT {', '.join(columns)} FROM {table}")
            expected_rows = rebuilt[table]
            if table == "ballot_days":  # per group: the groups at casting time (see module)
                stored = [r for r in stored if r[2] == ""]
                expected_rows = [r for r in expected_rows if r[2] == ""]
            if table == "tally_counts":  # a count moved to zero stays as a row of zeros
                stored = [r for r in stored if any(r[3:])]
            assert same(stored, expected_rows), table


def propose(charter: Charter, cast: Cast, title: str, category: str = "honesty") -> str:
    return charter.guidelines.propose(
        cast.author, {**PROPOSAL, "title": title, "category": category}
    ).id


def to_vote(charter: Charter, cast: Cast, gid: str) -> None:
    charter.guidelines.submit(cast.author, gid)
    charter.guidelines.open_voting(cast.moderator, gid)


def vote(charter: Charter, cast: Cast, gid: str, plan: dict[str, str]) -> None:
    """``plan``: per group, one letter per voter: a(pprove), r(eject), s (abstain), - none."""
    choices = {"a": "approve", "r": "reject", "s": "abstain"}
    for group, letters in plan.items():
        for voter, letter in zip(cast.voters[group], letters, strict=False):
            if letter in choices:
                charter.ballots.cast(voter, gid, choices[letter])


@pytest.fixture
def community(charter: Charter, cast: Cast, clock: FakeClock) -> dict[str, str]:
    """Three guidelines: two put to a vote on different days, one left a draft."""
    first = propose(charter, cast, "Admit uncertainty")
    clock.advance(days=2)
    to_vote(charter, cast, first)
    vote(
        charter,
        cast,
        first,
        {"ethicist": "aaaaaar", "engineer": "aaarrrr", "public": "a" * 10 + "rrrrrs"},
    )
    clock.advance(days=1)
    second = propose(charter, cast, "Cite <b>sources</b> {{ x }}", category="transparency")
    clock.advance(days=1)
    to_vote(charter, cast, second)
    vote(charter, cast, second, {"ethicist": "aar", "engineer": "arararar", "public": "aaaarrrr"})
    clock.advance(days=1)
    third = propose(charter, cast, "A draft nobody sent on")
    return {"first": first, "second": second, "third": third}


def table(charter: Charter, name: str, **where: object) -> pd.DataFrame:
    return charter.dashboard.chart(name, DashboardFilter(**where)).table  # type: ignore[arg-type]


def test_the_split_gives_each_groups_share_with_small_counts_held_back(
    charter: Charter, community: dict[str, str]
) -> None:
    split = table(charter, "split").set_index("guideline_id")
    first = split.loc[community["first"]]
    assert first["ethicist_share"] == round(6 / 7, 4) and first["ethicist_ballots"] == 7
    assert first["engineer_share"] == round(3 / 7, 4) and first["engineer_ballots"] == 7
    assert first["public_share"] == round(10 / 15, 4) and first["public_ballots"] == 15
    assert first["ballots"] == 29 and first["share"] == round(19 / 29, 4)
    assert first["spread"] == round(round(6 / 7, 4) - round(3 / 7, 4), 4)
    second = split.loc[community["second"]]
    # Three ethicists voted on the second: fewer than k = 5, so no share is published.
    assert pd.isna(second["ethicist_share"]) and second["ethicist_ballots"] == 3
    assert second["engineer_share"] == 0.5 and second["public_share"] == 0.5
    assert second["spread"] == 0.0
    assert list(split.index) == [community["first"], community["second"]], "most divided first"
    assert community["third"] not in split.index, "never put to a vote"


def test_a_changed_ballot_and_a_new_member_move_the_counts_at_once(
    charter: Charter, cast: Cast, community: dict[str, str]
) -> None:
    first = community["first"]
    charter.ballots.cast(cast.voters["public"][0], first, "reject")  # was approve
    split = table(charter, "split").set_index("guideline_id").loc[first]
    assert split["public_share"] == round(9 / 15, 4) and split["share"] == round(18 / 29, 4)
    # An engineer who voted reject is recognised as an ethicist too: the tally follows.
    engineer = cast.voters["engineer"][6]
    request = charter.people.request_group(engineer, "ethicist", "I teach ethics")
    charter.people.decide_request(cast.steward, request.id, approve=True, reason="checked")
    split = table(charter, "split").set_index("guideline_id").loc[first]
    assert split["ethicist_ballots"] == 8 and split["ethicist_share"] == round(6 / 8, 4)
    live = charter.ballots.tally(first)
    counts = {g.group: g.counts for g in live.groups}
    assert counts["ethicist"].approve == 6 and counts["ethicist"].reject == 2
    summaries_match_sources(charter.db)


def test_the_funnel_counts_stages_with_conversion_and_median_days(
    charter: Charter, community: dict[str, str]
) -> None:
    funnel = table(charter, "funnel").set_index("stage")
    assert list(funnel["guidelines"]) == [3, 2, 2, 0, 0]
    assert funnel.loc["deliberation", "conversion"] == round(2 / 3, 4)
    assert funnel.loc["voting", "conversion"] == 1.0
    # Proposal to deliberation: 2 days for the first, 1 for the second.
    assert funnel.loc["deliberation", "median_days"] == 1.5
    assert funnel.loc["voting", "median_days"] == 0.0
    only_transparency = table(charter, "funnel", categories=("transparency",))
    assert list(only_transparency["guidelines"]) == [1, 1, 1, 0, 0]


def test_participation_counts_ballots_per_day_and_group(
    charter: Charter, clock: FakeClock, community: dict[str, str]
) -> None:
    series = table(charter, "participation").set_index("day")
    first_vote = (clock.now - timedelta(days=3)).date()
    second_vote = (clock.now - timedelta(days=1)).date()
    assert series.loc[first_vote].to_dict() == {"ethicist": 7, "engineer": 7, "public": 16}
    assert series.loc[second_vote].to_dict() == {"ethicist": 3, "engineer": 8, "public": 8}
    assert int(series.to_numpy().sum()) == 49
    narrowed = table(charter, "participation", groups=("public",), categories=("transparency",))
    assert list(narrowed.columns) == ["day", "public"]
    assert int(narrowed["public"].sum()) == 8


def test_turnout_counts_members_and_voters(
    charter: Charter, cast: Cast, community: dict[str, str]
) -> None:
    turnout = table(charter, "turnout").set_index("group_name")
    # 20 voters per group, plus the steward (ethicist), author (engineer), moderator (public).
    assert turnout.loc["ethicist"].to_dict() == {"members": 21, "voters": 7}
    assert turnout.loc["engineer"].to_dict() == {"members": 21, "voters": 8}
    assert turnout.loc["public"].to_dict() == {"members": 21, "voters": 16}


def test_a_group_under_k_members_is_not_counted(
    db: Database, db_path: object, clock: FakeClock
) -> None:
    charter = Charter(db, Settings(db=db_path, min_group_size=25), clock=clock)  # type: ignore[arg-type]
    Cast(charter)
    turnout = table(charter, "turnout")
    assert set(turnout["members"]) == {"fewer than 25"}
    chart = charter.dashboard.chart("turnout")
    assert chart.figure is not None and "fewer than 25 members" in chart.figure.layout.title.text


def test_contested_ranks_by_the_smaller_side(charter: Charter, community: dict[str, str]) -> None:
    contested = table(charter, "contested")
    assert list(contested["guideline_id"]) == [community["first"], community["second"]]
    assert contested.iloc[0][["approve", "reject", "minority"]].to_list() == [19, 10, 10]
    # Ethicists 2 approve 1 reject, engineers 4 and 4, public 4 and 4.
    assert contested.iloc[1][["approve", "reject", "minority"]].to_list() == [10, 9, 9]


def test_adoption_and_audits_on_the_demo(demo_charter: Charter) -> None:
    changes = demo_charter.dashboard.chart("adoption").table
    first = changes[changes["release"] == "1.0.0"]
    assert set(first["change"]) == {"entered"} and len(first) > 0
    releases = demo_charter.dashboard.options().releases
    assert releases[0] == "2.0.0", "newest first"
    upto_first = demo_charter.dashboard.chart("adoption", DashboardFilter(release="1.0.0")).table
    assert set(upto_first["release"]) == {"1.0.0"}
    drift = demo_charter.dashboard.chart("audit_drift").table
    expected = demo_charter.audit_reviews.drift()
    assert len(drift) == len(expected.points)
    by_key = {(p.run_id, p.principle_id): p for p in expected.points}
    for row in drift.itertuples(index=False):
        point = by_key[(row.run_id, row.principle_id)]
        assert (row.scored, row.violates) == (point.scored, point.violates)
    agreement = demo_charter.dashboard.chart("agreement").table
    assert agreement["reviewed"].sum() == len(
        demo_charter.db.read().__enter__().audit_reviews.review_pairs()
    )
    assert demo_charter.dashboard.chart("audit_drift", DashboardFilter(models=("scripted",))).figure
    nothing = demo_charter.dashboard.chart("audit_drift", DashboardFilter(release="1.0.0"))
    assert nothing.figure is None and nothing.empty


def test_charts_are_cached_until_a_table_they_read_changes(
    charter: Charter, cast: Cast, community: dict[str, str]
) -> None:
    dashboard = charter.dashboard
    dashboard.charts()
    computed = dashboard.cache.computed
    dashboard.charts()
    assert dashboard.cache.computed == computed, "nothing changed: nothing computed"
    newcomer = cast.voters["public"][19]
    charter.ballots.cast(newcomer, community["first"], "approve")
    charts = {c.name: c for c in dashboard.charts()}
    again = dashboard.cache.computed - computed
    # A ballot changes what participation and the split read (the contested list comes with
    # the split), and who has voted: a first ballot changes the turnout. The funnel,
    # adoption and audits read nothing a ballot writes.
    assert again == 4, "participation, the first-time voters, turnout, the split"
    public = charts["participation"].table["public"]
    assert int(public.sum()) == 25, "the new ballot is there at once"
    turnout = charts["turnout"].table.set_index("group_name")["voters"]
    computed = dashboard.cache.computed
    charter.ballots.cast(newcomer, community["first"], "reject")
    again_charts = {c.name: c for c in dashboard.charts()}
    assert dashboard.cache.computed - computed == 3, "a second ballot leaves the turnout"
    assert again_charts["turnout"] is charts["turnout"]
    assert list(again_charts["turnout"].table.set_index("group_name")["voters"]) == list(turnout)


def test_the_summaries_follow_every_kind_of_write(
    charter: Charter, cast: Cast, community: dict[str, str], clock: FakeClock
) -> None:
    rng = random.Random(5)
    first, second = community["first"], community["second"]
    for _ in range(60):
        voter = rng.choice(cast.everyone())
        charter.ballots.cast(
            voter, rng.choice([first, second]), rng.choice(["approve", "reject", "abstain"])
        )
        clock.advance(hours=2)
    charter.ballots.void(cast.steward, cast.voters["public"][3].id, "duplicate account")
    charter.people.remove_group(cast.steward, cast.voters["engineer"][0].id, "engineer", "left")
    summaries_match_sources(charter.db)
    with charter.db.read() as tx:
        assert tx.analytics.tallies_under_vote() == tx.votes.ballot_counts_under_vote()
    live = charter.ballots.tally(first)
    split = table(charter, "split").set_index("guideline_id").loc[first]
    assert split["ballots"] == live.overall.approve + live.overall.reject


def test_bad_filters_are_refused_by_name(charter: Charter, community: dict[str, str]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        charter.dashboard.charts(
            DashboardFilter(groups=("astronaut",), models=("gpt-\ud800",), release="9.9.9")
        )
    assert set(refused.value.errors) == {"groups", "models", "release"}
    today = charter.clock().date()
    with pytest.raises(ValidationFailed) as refused:
        charter.dashboard.charts(DashboardFilter(since=today, until=today - timedelta(days=1)))
    assert "starts after it ends" in refused.value.errors["since"]
    with pytest.raises(ValidationFailed):
        charter.dashboard.chart("pie")
    assert set(CHARTS) == {c.name for c in charter.dashboard.charts()}


def test_every_chart_has_a_title_axes_caption_and_csv(demo_charter: Charter) -> None:
    for chart in demo_charter.dashboard.charts():
        assert chart.caption.endswith(".") and chart.filters
        assert chart.csv().decode("utf-8").splitlines()[0] == ",".join(chart.table.columns)
        assert chart.figure is not None, chart.name
        layout = chart.figure.layout
        assert layout.title.text, chart.name
        assert layout.xaxis.title.text and layout.yaxis.title.text, chart.name
        for trace in chart.figure.data:
            assert trace.hovertemplate, (chart.name, trace.name)


def test_the_ballots_fold_their_moves_into_the_summaries_now_and_then(
    charter: Charter, cast: Cast, in_voting: str
) -> None:
    charter.ballots.fold_every = 5
    for voter in cast.voters["public"][:12]:
        charter.ballots.cast(voter, in_voting, "approve")
    with charter.db.read() as tx:
        pending = tx.summaries.pending_moves()
        folded = tx.summaries._all("SELECT approve FROM tally_counts WHERE group_name = ''")
    assert pending == 2 * 2, "two ballots since the last fold, each for everyone and public"
    assert folded == [(10,)]
    assert table(charter, "split").iloc[0]["approve"] == 12
    summaries_match_sources(charter.db)


def test_a_crowd_asking_at_once_shares_one_computation(
    charter: Charter, cast: Cast, community: dict[str, str]
) -> None:
    import threading

    dashboard = charter.dashboard
    before = dashboard.cache.computed
    start = threading.Barrier(12)
    seen: list[int] = []

    def visitor() -> None:
        start.wait()
        seen.append(int(dashboard.chart("participation").table["public"].sum()))

    crowd = [threading.Thread(target=visitor) for _ in range(12)]
    for t in crowd:
        t.start()
    for t in crowd:
        t.join()
    assert seen == [24] * 12
    assert dashboard.cache.computed - before <= 2, "options, then the chart: once each"


def test_the_refresh_job_repairs_summaries_that_drifted(
    charter: Charter, cast: Cast, community: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    from governance.jobs.refresh import ANALYTICS_REFRESH
    from governance.jobs.runner import JobRunner

    with charter.db.transaction() as tx:
        tx.summaries.fold()
        tx.cursor.execute("UPDATE tally_counts SET approve = approve + 100 WHERE group_name = ''")
    assert table(charter, "split")["approve"].min() >= 100, "the damage shows"
    job = charter.jobs.start(None, ANALYTICS_REFRESH)
    JobRunner(charter, scheduled=()).run_until_idle()
    done = charter.jobs.job(None, job.id).job
    assert done.status.value == "done", done.error
    assert "tally_counts 4" in done.message, done.message  # two rows wrong, two right ones
    assert (
        table(charter, "split").set_index("guideline_id").loc[community["first"], "approve"] == 19
    )
    summaries_match_sources(charter.db)
    again = charter.jobs.start(None, ANALYTICS_REFRESH)
    JobRunner(charter, scheduled=()).run_until_idle()
    assert "all matched" in charter.jobs.job(None, again.id).job.message
