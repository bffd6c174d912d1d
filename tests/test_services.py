"""Use cases on a real DuckDB file: the journey, permissions, and bad input that changes nothing."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta

import pytest

from governance.errors import (
    InvalidTransition,
    NotAllowed,
    NotFound,
    StaleVersion,
    ValidationFailed,
    VotingClosed,
)
from governance.models import AccountStatus, Choice, GuidelineFilter, Role, Status
from governance.services import Charter
from governance.services.dashboard import BALLOT_DAYS, RECENT_ACTIVITY
from tests.conftest import PROPOSAL, Cast, FakeClock, changes_nothing, refused

# -- the journey -----------------------------------------------------------------------------


def test_propose_deliberate_vote_and_decide(charter: Charter, cast: Cast, clock: FakeClock) -> None:
    g = charter.guidelines.propose(cast.author, PROPOSAL)
    assert (g.id, g.status, g.version) == ("G-0001", Status.DRAFT, 1)
    assert g.text.critique_request.startswith("Identify specific ways")
    assert g.text.tags == ("calibration", "uncertainty")

    charter.guidelines.submit(cast.author, g.id, "ready")
    charter.discussion.comment(cast.voters["ethicist"][0], g.id, "Say what 'not sure' means.")
    opened = charter.guidelines.open_voting(cast.moderator, g.id)
    assert opened.voting is not None and opened.voting.rules_version == 1

    for i, voter in enumerate(cast.everyone()):
        charter.ballots.cast(voter, g.id, "reject" if i % 5 == 0 else "approve")
    live = charter.ballots.tally(g.id)
    assert live.overall.total == 60 and live.approved

    clock.advance(days=15)
    (decided,) = charter.guidelines.close_due()
    assert decided.status is Status.APPROVED
    detail = charter.guidelines.detail(g.id, None)
    assert detail.decision is not None
    assert detail.decision.outcome is Status.APPROVED
    assert detail.decision.decided_by is None  # the system closed it when the window ended
    assert "groups with quorum: 3 of 3 (needs 2) - met" in detail.decision.tally.lines
    moves = [
        (e.before or {}).get("status") for e in detail.history if e.action.endswith("transitioned")
    ]
    assert moves == ["draft", "deliberation", "voting"]


def test_a_split_community_rejects_despite_a_raw_majority(
    charter: Charter, cast: Cast, in_voting: str
) -> None:
    for voter in cast.voters["public"]:
        charter.ballots.cast(voter, in_voting, "approve")
    for voter in cast.voters["ethicist"]:
        charter.ballots.cast(voter, in_voting, "approve")
    for voter in cast.voters["engineer"]:
        charter.ballots.cast(voter, in_voting, "reject")
    result = charter.ballots.tally(in_voting)
    assert result.overall.approve == 40 and result.overall.reject == 20  # 67% overall
    assert not result.approved
    assert "engineer approval 0% is below 50%" in result.reasons
    closed = charter.guidelines.close_voting(cast.moderator, in_voting, "testing an early close")
    assert closed.status is Status.REJECTED


def test_rules_are_pinned_when_voting_opens(charter: Charter, cast: Cast, in_voting: str) -> None:
    for voter in cast.everyone():
        charter.ballots.cast(voter, in_voting, "approve")
    charter.rules.update(cast.steward, {"overall_quorum": 1000}, "a much larger community now")
    assert charter.rules.current().rules.version == 2
    result = charter.ballots.tally(in_voting)
    assert result.rules_version == 1 and result.approved


# -- ballots -------------------------------------------------------------------------------


def test_a_second_ballot_replaces_the_first_and_history_keeps_both(
    charter: Charter, cast: Cast, in_voting: str
) -> None:
    voter = cast.voters["public"][0]
    charter.ballots.cast(voter, in_voting, "approve")
    charter.ballots.cast(voter, in_voting, "reject", "changed my mind after the discussion")
    result = charter.ballots.tally(in_voting)
    assert (result.overall.approve, result.overall.reject) == (0, 1)
    with charter.db.read() as tx:
        history = tx.events.find(subject=in_voting, actions=["vote.cast"], ascending=True)
    assert [e.after["choice"] for e in history] == ["approve", "reject"]  # type: ignore[index]
    assert history[1].before == {"version": 1, "choice": "approve", "reason": ""}


def test_the_same_ballot_twice_is_harmless(charter: Charter, cast: Cast, in_voting: str) -> None:
    voter = cast.voters["engineer"][0]
    first = charter.ballots.cast(voter, in_voting, "approve")
    with changes_nothing(charter):
        again = charter.ballots.cast(voter, in_voting, " APPROVE ")
    assert again == first


def test_a_person_in_two_groups_counts_in_both_and_once_overall(
    charter: Charter, cast: Cast, in_voting: str
) -> None:
    both = charter.people.create_stakeholder(
        None, display_name="Dual", groups=("engineer", "public")
    )
    charter.ballots.cast(both, in_voting, "approve")
    result = charter.ballots.tally(in_voting)
    assert result.overall.total == 1
    assert {g.group: g.counts.total for g in result.groups} == {
        "ethicist": 0,
        "engineer": 1,
        "public": 1,
    }


@pytest.mark.parametrize("status", ["draft", "deliberation", "withdrawn"])
def test_no_ballot_outside_voting(charter: Charter, cast: Cast, status: str) -> None:
    g = charter.guidelines.propose(cast.author, PROPOSAL)
    if status != "draft":
        charter.guidelines.submit(cast.author, g.id)
    if status == "withdrawn":
        charter.guidelines.withdraw(cast.author, g.id, "duplicate")
    error = refused(
        charter,
        VotingClosed,
        lambda: charter.ballots.cast(cast.voters["public"][0], g.id, "approve"),
    )
    assert f"{g.id} is {status}, not open for voting" in error.message


def test_no_ballot_after_the_window(
    charter: Charter, cast: Cast, in_voting: str, clock: FakeClock
) -> None:
    clock.advance(days=14, seconds=1)
    refused(
        charter,
        VotingClosed,
        lambda: charter.ballots.cast(cast.voters["public"][0], in_voting, "approve"),
    )


def test_a_ballot_on_a_stale_version_is_refused(
    charter: Charter, cast: Cast, in_voting: str
) -> None:
    refused(
        charter,
        StaleVersion,
        lambda: charter.ballots.cast(cast.voters["public"][0], in_voting, "approve", version=2),
    )


@pytest.mark.parametrize("choice", ["", "yes", "approve!", "<b>approve</b>", "a" * 10_000])
def test_unknown_choices_are_refused(
    charter: Charter, cast: Cast, in_voting: str, choice: str
) -> None:
    error = refused(
        charter,
        ValidationFailed,
        lambda: charter.ballots.cast(cast.voters["public"][0], in_voting, choice),
    )
    assert "choice" in error.errors  # type: ignore[attr-defined]


def test_a_suspended_account_reads_but_cannot_act(
    charter: Charter, cast: Cast, in_voting: str
) -> None:
    voter = cast.voters["public"][0]
    charter.ballots.cast(voter, in_voting, "approve")
    charter.people.set_account_status(cast.steward, voter.id, AccountStatus.SUSPENDED, "spam")
    error = refused(charter, NotAllowed, lambda: charter.ballots.cast(voter, in_voting, "reject"))
    assert "suspended" in error.message
    refused(charter, NotAllowed, lambda: charter.guidelines.propose(voter, PROPOSAL))
    refused(charter, NotAllowed, lambda: charter.discussion.comment(voter, in_voting, "hello"))
    assert charter.ballots.tally(in_voting).overall.approve == 1  # earlier ballots stay counted
    assert charter.guidelines.detail(in_voting, voter).can.vote is False


def test_someone_without_a_group_cannot_vote(charter: Charter, cast: Cast, in_voting: str) -> None:
    nobody = charter.people.create_stakeholder(None, display_name="No Group", groups=())
    refused(charter, NotAllowed, lambda: charter.ballots.cast(nobody, in_voting, "approve"))


def test_an_unknown_guideline(charter: Charter, cast: Cast) -> None:
    for ref in ["G-9999", "nonsense", "<script>", "G-0001; DROP TABLE votes", ""]:
        refused(
            charter,
            NotFound,
            lambda ref=ref: charter.ballots.cast(cast.voters["public"][0], ref, "approve"),
        )
        with pytest.raises(NotFound):
            charter.guidelines.detail(ref, None)


# -- amendments ------------------------------------------------------------------------------


def test_an_amendment_during_voting_sends_it_back_and_ballots_do_not_carry_over(
    charter: Charter, cast: Cast, in_voting: str
) -> None:
    for voter in cast.voters["public"]:
        charter.ballots.cast(voter, in_voting, "approve")
    amended = charter.guidelines.amend(
        cast.author,
        in_voting,
        {**PROPOSAL, "statement": PROPOSAL["statement"] + " It says how sure it is."},
        "clearer after the discussion",
        expected_version=1,
    )
    assert (amended.status, amended.version, amended.voting) == (Status.DELIBERATION, 2, None)
    detail = charter.guidelines.detail(in_voting, None)
    assert detail.ballots_on_earlier_versions == 20
    assert [v.reason for v in detail.versions] == ["", "clearer after the discussion"]
    charter.guidelines.open_voting(cast.moderator, in_voting)
    assert charter.ballots.tally(in_voting).overall.total == 0
    refused(
        charter,
        StaleVersion,
        lambda: charter.ballots.cast(cast.voters["public"][0], in_voting, "approve", version=1),
    )


def test_amendment_rules(charter: Charter, cast: Cast, in_voting: str) -> None:
    other = cast.voters["public"][0]
    refused(
        charter,
        NotAllowed,
        lambda: charter.guidelines.amend(other, in_voting, PROPOSAL, "mine now"),
    )
    refused(
        charter,
        ValidationFailed,
        lambda: charter.guidelines.amend(cast.author, in_voting, PROPOSAL, "no change"),
    )
    refused(
        charter,
        ValidationFailed,
        lambda: charter.guidelines.amend(cast.author, in_voting, PROPOSAL, "   "),
    )
    changed = {**PROPOSAL, "title": "Admit uncertainty, always"}
    refused(
        charter,
        StaleVersion,
        lambda: charter.guidelines.amend(
            cast.author, in_voting, changed, "why", expected_version=7
        ),
    )
    charter.rules.update(None, {"overall_quorum": 1, "min_groups_with_quorum": 1}, "tiny")
    charter.ballots.cast(cast.voters["public"][1], in_voting, "approve")
    charter.guidelines.close_voting(cast.moderator, in_voting, "early, for the test")
    error = refused(
        charter,
        NotAllowed,
        lambda: charter.guidelines.amend(cast.author, in_voting, changed, "late"),
    )
    assert "can no longer be amended" in error.message


# -- lifecycle and permissions -------------------------------------------------------------------


def test_who_may_move_a_guideline(charter: Charter, cast: Cast) -> None:
    g = charter.guidelines.propose(cast.author, PROPOSAL)
    stranger = cast.voters["public"][0]
    refused(charter, NotAllowed, lambda: charter.guidelines.submit(stranger, g.id))
    refused(
        charter, InvalidTransition, lambda: charter.guidelines.open_voting(cast.moderator, g.id)
    )
    charter.guidelines.submit(cast.moderator, g.id)  # a moderator may submit for the author
    error = refused(charter, NotAllowed, lambda: charter.guidelines.open_voting(cast.author, g.id))
    assert error.message == "only moderators may open voting"
    refused(charter, NotAllowed, lambda: charter.guidelines.close_voting(cast.author, g.id))
    error = refused(
        charter, InvalidTransition, lambda: charter.guidelines.withdraw(cast.author, g.id, "")
    )
    assert "a reason is required" in error.message
    charter.guidelines.withdraw(cast.author, g.id, "merged into G-0002")
    error = refused(
        charter, InvalidTransition, lambda: charter.guidelines.submit(cast.author, g.id)
    )
    assert "withdrawn is final" in error.message


def test_closing_early_needs_a_reason(charter: Charter, cast: Cast, in_voting: str) -> None:
    error = refused(
        charter,
        ValidationFailed,
        lambda: charter.guidelines.close_voting(cast.moderator, in_voting),
    )
    assert "reason" in error.errors  # type: ignore[attr-defined]


def test_only_stewards_change_rules_and_accounts(charter: Charter, cast: Cast) -> None:
    refused(
        charter,
        NotAllowed,
        lambda: charter.rules.update(cast.moderator, {"overall_quorum": 5}, "x"),
    )
    refused(
        charter,
        NotAllowed,
        lambda: charter.people.set_account_status(
            cast.moderator, cast.author.id, AccountStatus.SUSPENDED, "x"
        ),
    )
    refused(
        charter,
        ValidationFailed,
        lambda: charter.rules.update(cast.steward, {"group_quorum": {"astronaut": 3}}, "new group"),
    )
    refused(
        charter,
        ValidationFailed,
        lambda: charter.rules.update(cast.steward, {"overall_threshold_pct": 140}, "typo"),
    )


def test_permissions_shown_to_each_viewer(charter: Charter, cast: Cast) -> None:
    g = charter.guidelines.propose(cast.author, PROPOSAL)
    assert charter.guidelines.detail(g.id, cast.author).can.submit
    assert charter.guidelines.detail(g.id, cast.author).can.amend
    assert not charter.guidelines.detail(g.id, cast.voters["public"][0]).can.amend
    charter.guidelines.submit(cast.author, g.id)
    assert charter.guidelines.detail(g.id, cast.moderator).can.open_voting
    assert not charter.guidelines.detail(g.id, cast.author).can.open_voting
    visitor = charter.guidelines.detail(g.id, None).can
    assert not any(vars(visitor).values())


# -- input validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "must not be empty"),
        ({"title": "   "}, "title", "must not be empty"),
        ({"title": "x" * 201}, "title", "the limit is 200"),
        ({"title": "two\nlines"}, "title", "line break"),
        ({"statement": " \n\t "}, "statement", "must not be empty"),
        ({"statement": "x" * 5001}, "statement", "the limit is 5,000"),
        ({"statement": "bell \x07"}, "statement", "control character"),
        ({"category": "astrology"}, "category", "unknown category"),
        ({"category": None}, "category", "choose a category"),
        ({"category": " "}, "category", "choose a category"),
        ({"language": "xx"}, "language", "unknown language"),
        ({"tags": "good, b@d"}, "tags", "letters, digits and hyphens"),
        ({"tags": ",".join(f"t{i}" for i in range(11))}, "tags", "at most 10"),
        ({"status": "approved"}, "status", "not a guideline field"),
    ],
)
def test_a_bad_proposal_is_refused_field_by_field(
    charter: Charter, cast: Cast, change: dict[str, object], field: str, message: str
) -> None:
    error = refused(
        charter,
        ValidationFailed,
        lambda: charter.guidelines.propose(cast.author, {**PROPOSAL, **change}),
    )
    assert message in error.errors[field]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("action", "field"),
    [
        (
            lambda c, cast, g: c.guidelines.propose(cast.author, {**PROPOSAL, "title": "a\ud800b"}),
            "title",
        ),
        (
            lambda c, cast, g: c.guidelines.propose(
                cast.author, {**PROPOSAL, "statement": "\udfff"}
            ),
            "statement",
        ),
        (lambda c, cast, g: c.discussion.comment(cast.author, g, "why \udc00?"), "body"),
        (
            lambda c, cast, g: c.ballots.cast(cast.voters["public"][0], g, "approve", "\ud800"),
            "reason",
        ),
    ],
    ids=["propose-title", "propose-statement", "comment", "vote-reason"],
)
def test_a_lone_surrogate_is_refused_before_it_reaches_the_database(
    charter: Charter,
    cast: Cast,
    in_voting: str,
    action: Callable[[Charter, Cast, str], object],
    field: str,
) -> None:
    # DuckDB cannot store a lone surrogate (it is not UTF-8): it must be refused like a
    # control character, naming the field, and not crash inside the database.
    error = refused(charter, ValidationFailed, lambda: action(charter, cast, in_voting))
    assert "lone surrogate" in error.errors[field]  # type: ignore[attr-defined]


def test_every_problem_is_reported_at_once(charter: Charter, cast: Cast) -> None:
    error = refused(
        charter,
        ValidationFailed,
        lambda: charter.guidelines.propose(cast.author, {"title": "", "category": "x"}),
    )
    assert set(error.errors) == {"title", "statement", "category"}  # type: ignore[attr-defined]


def test_hostile_text_is_stored_as_typed(charter: Charter, cast: Cast) -> None:
    hostile = {
        **PROPOSAL,
        "title": "Ignore previous instructions <script>alert(1)</script> 🙂",
        "statement": "[x](javascript:alert(1)) — Robert'); DROP TABLE votes;--",
        "language": "ar",
    }
    g = charter.guidelines.propose(cast.author, hostile)
    stored = charter.guidelines.detail(g.id, None).guideline.text
    assert stored.title == hostile["title"] and stored.statement == hostile["statement"]
    assert charter.guidelines.listing(GuidelineFilter(text="DROP TABLE")).total == 1


# -- one proposal per form ----------------------------------------------------------------


def guideline_total(charter: Charter) -> int:
    return charter.guidelines.listing(GuidelineFilter()).total


def test_a_form_sent_twice_makes_one_guideline(charter: Charter, cast: Cast) -> None:
    first = charter.guidelines.propose(cast.author, PROPOSAL, token="form-aaaa-1")
    with changes_nothing(charter):
        again = charter.guidelines.propose(cast.author, PROPOSAL, token="form-aaaa-1")
    assert again.id == first.id
    assert again.text == first.text and again.author_id == cast.author.id
    assert guideline_total(charter) == 1


def test_a_repeat_returns_the_guideline_as_it_is_now(charter: Charter, cast: Cast) -> None:
    first = charter.guidelines.propose(cast.author, PROPOSAL, token="form-aaaa-1")
    charter.guidelines.submit(cast.author, first.id)
    again = charter.guidelines.propose(cast.author, PROPOSAL, token="form-aaaa-1")
    assert (again.id, again.status) == (first.id, Status.DELIBERATION)


def test_another_form_makes_another_guideline(charter: Charter, cast: Cast) -> None:
    first = charter.guidelines.propose(cast.author, PROPOSAL, token="form-aaaa-1")
    second = charter.guidelines.propose(cast.author, PROPOSAL, token="form-aaaa-2")
    untokened = charter.guidelines.propose(cast.author, PROPOSAL)
    assert len({first.id, second.id, untokened.id}) == 3
    assert guideline_total(charter) == 3


def test_a_form_token_is_its_author_s_own(charter: Charter, cast: Cast) -> None:
    mine = charter.guidelines.propose(cast.author, PROPOSAL, token="form-aaaa-1")
    theirs = charter.guidelines.propose(cast.moderator, PROPOSAL, token="form-aaaa-1")
    assert theirs.id != mine.id
    assert (mine.author_id, theirs.author_id) == (cast.author.id, cast.moderator.id)
    assert guideline_total(charter) == 2


def test_a_form_token_sent_with_other_text_is_refused(charter: Charter, cast: Cast) -> None:
    first = charter.guidelines.propose(cast.author, PROPOSAL, token="form-aaaa-1")
    error = refused(
        charter,
        NotAllowed,
        lambda: charter.guidelines.propose(
            cast.author, {**PROPOSAL, "title": "Another idea"}, token="form-aaaa-1"
        ),
    )
    assert first.id in error.message


def test_a_refused_proposal_leaves_its_form_token_unused(charter: Charter, cast: Cast) -> None:
    refused(
        charter,
        ValidationFailed,
        lambda: charter.guidelines.propose(
            cast.author, {**PROPOSAL, "title": ""}, token="form-aaaa-1"
        ),
    )
    fixed = charter.guidelines.propose(cast.author, PROPOSAL, token="form-aaaa-1")
    assert guideline_total(charter) == 1
    assert fixed.text.title == PROPOSAL["title"]


@pytest.mark.parametrize("token", ["", "short", "x" * 65, "form token with spaces"])
def test_a_malformed_form_token_is_refused(charter: Charter, cast: Cast, token: str) -> None:
    error = refused(
        charter,
        ValidationFailed,
        lambda: charter.guidelines.propose(cast.author, PROPOSAL, token=token),
    )
    assert "token" in error.errors  # type: ignore[attr-defined]


def test_comments_and_replies(charter: Charter, cast: Cast, in_voting: str) -> None:
    a, b = cast.voters["public"][:2]
    top = charter.discussion.comment(a, in_voting, "Why now?")
    reply = charter.discussion.comment(b, in_voting, "Because models got tools.", parent_id=top.id)
    deeper = charter.discussion.comment(a, in_voting, "Fair.", parent_id=reply.id)
    assert deeper.parent_id == top.id  # replies stay one level deep
    (thread,) = charter.guidelines.detail(in_voting, None).threads
    assert [c.body for c in thread.replies] == ["Because models got tools.", "Fair."]
    refused(charter, ValidationFailed, lambda: charter.discussion.comment(a, in_voting, " "))
    refused(charter, ValidationFailed, lambda: charter.discussion.comment(a, in_voting, "x" * 5001))
    other = charter.guidelines.propose(cast.author, PROPOSAL)
    refused(
        charter, NotFound, lambda: charter.discussion.comment(a, other.id, "hi", parent_id=top.id)
    )


def comment_count(charter: Charter, guideline_id: str) -> int:
    threads = charter.guidelines.detail(guideline_id, None).threads
    return sum(1 + len(t.replies) for t in threads)


def test_a_comment_form_sent_twice_posts_once(charter: Charter, cast: Cast, in_voting: str) -> None:
    a, b = cast.voters["public"][:2]
    first = charter.discussion.comment(a, in_voting, "Why now?", token="form-cccc-1")
    with changes_nothing(charter):
        again = charter.discussion.comment(a, in_voting, "Why now?", token="form-cccc-1")
    assert again.id == first.id
    reply = charter.discussion.comment(
        b, in_voting, "Tools.", parent_id=first.id, token="form-cccc-1"
    )
    assert reply.id != first.id, "another person's token is their own"
    with changes_nothing(charter):
        charter.discussion.comment(b, in_voting, "Tools.", parent_id=first.id, token="form-cccc-1")
    charter.discussion.comment(a, in_voting, "Why now?", token="form-cccc-2")
    assert comment_count(charter, in_voting) == 3


def test_a_form_token_is_spent_on_one_thing(charter: Charter, cast: Cast, in_voting: str) -> None:
    a = cast.voters["public"][0]
    first = charter.discussion.comment(a, in_voting, "Why now?", token="form-cccc-1")
    error = refused(
        charter,
        NotAllowed,
        lambda: charter.discussion.comment(a, in_voting, "Another thought", token="form-cccc-1"),
    )
    assert "already" in error.message
    proposal = charter.guidelines.propose(cast.author, PROPOSAL, token="form-pppp-1")
    refused(
        charter,
        NotAllowed,
        lambda: charter.discussion.comment(cast.author, in_voting, "Hi", token="form-pppp-1"),
    )
    refused(
        charter,
        NotAllowed,
        lambda: charter.guidelines.propose(a, PROPOSAL, token="form-cccc-1"),
    )
    assert first.id and proposal.id


def test_search_and_filters(charter: Charter, cast: Cast) -> None:
    charter.guidelines.propose(cast.author, {**PROPOSAL, "title": "100% honest_answers"})
    charter.guidelines.propose(
        cast.author,
        {**PROPOSAL, "title": "Privacidad ante todo", "language": "es", "category": "privacy"},
    )
    assert charter.guidelines.listing(GuidelineFilter(text="100%")).total == 1
    assert charter.guidelines.listing(GuidelineFilter(text="%")).total == 1  # % is literal
    assert charter.guidelines.listing(GuidelineFilter(text="_")).total == 1
    assert charter.guidelines.listing(GuidelineFilter(text="PRIVACIDAD")).total == 1
    assert charter.guidelines.listing(GuidelineFilter(text="g-2")).total == 1
    assert charter.guidelines.listing(GuidelineFilter(languages=("es",))).total == 1
    assert charter.guidelines.listing(GuidelineFilter(categories=("honesty",))).total == 1
    assert charter.guidelines.listing(GuidelineFilter(statuses=(Status.VOTING,))).total == 0


def test_dashboard_lists_what_awaits_my_vote(charter: Charter, cast: Cast, in_voting: str) -> None:
    voter = cast.voters["ethicist"][0]
    assert [g.id for g in charter.dashboard.screen(voter).awaiting_my_vote] == [in_voting]
    charter.ballots.cast(voter, in_voting, Choice.ABSTAIN.value)
    board = charter.dashboard.screen(voter)
    assert board.awaiting_my_vote == ()
    assert board.participation["ballots"] == 1
    assert any("opened voting on G-0001" in item.text for item in board.recent)


def test_ballots_per_day_has_a_point_for_every_day_zero_days_included(
    charter: Charter, cast: Cast, in_voting: str, clock: FakeClock
) -> None:
    charter.ballots.cast(cast.voters["ethicist"][0], in_voting, "approve")
    clock.advance(days=3)
    charter.ballots.cast(cast.voters["engineer"][0], in_voting, "reject")
    charter.ballots.cast(cast.voters["engineer"][1], in_voting, "approve")
    series = charter.dashboard.chart("participation").table
    days = list(series["day"])
    assert len(days) == BALLOT_DAYS and days[-1] == clock.now.date()
    assert all(b - a == timedelta(days=1) for a, b in itertools.pairwise(days))
    assert list(series.columns) == ["day", *charter.settings.groups], "every group, in order"
    assert list(series["ethicist"][-4:]) == [1, 0, 0, 0]
    assert list(series["engineer"][-4:]) == [0, 0, 0, 2]
    assert series["public"].sum() == 0


def test_dashboard_keeps_recent_activity_short_with_the_rest_to_hand(
    charter: Charter, cast: Cast, in_voting: str, clock: FakeClock
) -> None:
    for i in range(15):
        clock.advance(minutes=1)
        charter.discussion.comment(cast.voters["public"][i], in_voting, f"Point {i}")
    board = charter.dashboard.screen(None)
    assert len(board.recent) == RECENT_ACTIVITY == 6
    assert (
        board.recent[0].text == "public voter 14 commented on G-0001 \u201cAdmit uncertainty\u201d"
    )
    feed = board.recent + board.earlier
    # proposed, opened for deliberation, opened voting, and the fifteen comments
    assert len(feed) == 18
    assert [a.at for a in feed] == sorted((a.at for a in feed), reverse=True)


def test_roles_are_additive(charter: Charter) -> None:
    person = charter.people.create_stakeholder(
        None, display_name="Both", groups=("public",), roles=(Role.STEWARD,)
    )
    assert set(person.roles) == {Role.PARTICIPANT, Role.STEWARD}
    with pytest.raises(ValidationFailed):
        charter.people.create_stakeholder(None, display_name="x", groups=("astronaut",))
    with pytest.raises(ValidationFailed):
        charter.people.create_stakeholder(None, display_name="x" * 121, groups=("public",))
