"""The group-aware decision rule, checked against an independent oracle and by properties."""

import re
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from governance.models import Choice, GovernanceRules
from governance.voting import Counts, meets, share_text, tally

GROUPS = ("ethicist", "engineer", "public")

counts = st.builds(
    Counts,
    approve=st.integers(0, 60),
    reject=st.integers(0, 60),
    abstain=st.integers(0, 20),
)
rules_strategy = st.builds(
    GovernanceRules,
    overall_quorum=st.integers(1, 80),
    overall_threshold_pct=st.integers(0, 100),
    default_group_quorum=st.integers(1, 30),
    default_group_threshold_pct=st.integers(0, 100),
    group_threshold_pct=st.fixed_dictionaries({}, optional={"public": st.integers(0, 100)}),
    blocking_pct=st.one_of(st.none(), st.integers(1, 100)),
    min_groups_with_quorum=st.integers(1, 3),
)
by_group = st.fixed_dictionaries({g: counts for g in GROUPS})


def oracle(overall: Counts, groups: dict[str, Counts], rules: GovernanceRules) -> bool:
    """The rule as docs/voting.md states it, with exact fractions."""

    def share(part: int, whole: int) -> Fraction | None:
        return Fraction(part, whole) if whole else None

    def reaches(part: int, whole: int, pct: int) -> bool:
        s = share(part, whole)
        return pct == 0 or (s is not None and s >= Fraction(pct, 100))

    if overall.total < rules.overall_quorum:
        return False
    if not reaches(overall.approve, overall.decisive, rules.overall_threshold_pct):
        return False
    with_quorum = [g for g in GROUPS if groups[g].total >= rules.quorum_for(g)]
    if len(with_quorum) < rules.min_groups_with_quorum:
        return False
    for g in with_quorum:
        c = groups[g]
        if not reaches(c.approve, c.decisive, rules.threshold_for(g)):
            return False
        if rules.blocking_pct is not None and c.decisive:
            if share(c.reject, c.decisive) >= Fraction(rules.blocking_pct, 100):  # type: ignore[operator]
                return False
    return True


@settings(max_examples=400)
@given(overall=counts, groups=by_group, rules=rules_strategy)
def test_verdict_matches_the_published_rule(overall, groups, rules) -> None:  # type: ignore[no-untyped-def]
    result = tally(overall, groups, rules, GROUPS)
    assert result.approved == oracle(overall, groups, rules)
    assert result.approved == (not result.reasons)
    assert len(result.lines) == len(GROUPS) + 2


@given(groups=by_group, rules=rules_strategy, group=st.sampled_from(GROUPS))
def test_more_approval_in_a_group_with_quorum_never_hurts(groups, rules, group) -> None:  # type: ignore[no-untyped-def]
    overall = Counts(approve=200)
    before = tally(overall, groups, rules, GROUPS)
    if not before.groups[GROUPS.index(group)].has_quorum:
        return
    more = {**groups, group: groups[group].add(Choice.APPROVE, 5)}
    after = tally(overall.add(Choice.APPROVE, 5), more, rules, GROUPS)
    assert after.approved or not before.approved


@given(overall=counts, groups=by_group, rules=rules_strategy, raise_by=st.integers(1, 50))
def test_a_higher_threshold_never_approves_more(overall, groups, rules, raise_by) -> None:  # type: ignore[no-untyped-def]
    stricter = rules.model_copy(
        update={"overall_threshold_pct": min(100, rules.overall_threshold_pct + raise_by)}
    )
    if tally(overall, groups, stricter, GROUPS).approved:
        assert tally(overall, groups, rules, GROUPS).approved


@given(part=st.integers(0, 10_000), whole=st.integers(1, 10_000), pct=st.integers(1, 100))
def test_shown_share_never_rounds_up_across_a_threshold(part, whole, pct) -> None:  # type: ignore[no-untyped-def]
    part = min(part, whole)
    shown = float(share_text(part, whole).rstrip("%"))
    # A share that misses shows below the threshold, one that meets shows at or above it
    # (thresholds are whole percents).
    assert (shown >= pct) == meets(part, whole, pct)


@given(part=st.integers(0, 10_000), whole=st.integers(1, 10_000))
def test_shown_share_is_the_nearest_tenth_unless_that_reaches_a_whole_percent(part, whole) -> None:  # type: ignore[no-untyped-def]
    part = min(part, whole)
    exact = Fraction(part * 100, whole)
    shown = Fraction(share_text(part, whole).rstrip("%"))
    nearest = Fraction(int(exact * 10 + Fraction(1, 2)), 10)
    if nearest > exact and nearest.denominator == 1:
        assert shown == nearest - Fraction(1, 10), "held below the whole percent it has not reached"
    else:
        assert shown == nearest


def test_shown_share_reads_as_people_expect() -> None:
    assert share_text(2, 3) == "66.7%"
    assert share_text(1, 3) == "33.3%"
    assert share_text(1, 8) == "12.5%"
    assert share_text(3, 5) == "60%"
    assert share_text(5996, 10_000) == "59.9%", "59.96% has not reached 60%"
    assert share_text(1999, 2000) == "99.9%", "not unanimous, so never 100%"
    assert share_text(6004, 10_000) == "60%"


LINE = re.compile(
    r"^(?P<who>\w+): (?P<share>[\d.]+)% approve of \d+ .*needs (?P<pct>\d+)%.* - (?P<verdict>met|not met)$"
)


@settings(max_examples=300)
@given(overall=counts, groups=by_group, rules=rules_strategy)
def test_a_shown_share_never_contradicts_its_verdict(overall, groups, rules) -> None:  # type: ignore[no-untyped-def]
    result = tally(overall, groups, rules, GROUPS)
    for line in result.lines:
        match = LINE.match(line)
        if match is None or (match["who"] == "overall" and overall.total < rules.overall_quorum):
            continue  # no share shown, or not met for want of ballots
        reaches = float(match["share"]) >= int(match["pct"])
        assert reaches == (match["verdict"] == "met"), line
    for reason in result.reasons:
        below = re.search(r"approval (?P<share>[\d.]+)% is below (?P<pct>\d+)%", reason)
        if below:
            assert float(below["share"]) < int(below["pct"]), reason


def test_no_ballots_reads_as_no_ballots_yet() -> None:
    result = tally(Counts(), {}, GovernanceRules(), GROUPS)
    assert not result.approved
    assert result.reasons == ("no ballots yet",)
    assert result.summary == "Not approved: no ballots yet."
    assert result.lines[0] == "overall: no ballots yet (needs 60% and 50 ballots) - not met"


def test_only_abstentions_overall_is_not_called_a_share_below_the_threshold() -> None:
    result = tally(Counts(abstain=4), {"public": Counts(abstain=4)}, GovernanceRules(), GROUPS)
    assert not result.approved
    assert "overall: only abstentions (4 ballots), no approve or reject" in result.reasons
    assert not any("is below" in r for r in result.reasons), result.reasons
    assert result.lines[0] == "overall: only abstentions (4; needs 60% and 50 ballots) - not met"


def test_a_raw_majority_is_not_enough_when_a_group_objects() -> None:
    rules = GovernanceRules()
    result = tally(
        Counts(approve=430, reject=120),
        {
            "public": Counts(approve=400, reject=40),
            "engineer": Counts(approve=12, reject=13),
            "ethicist": Counts(approve=18, reject=67),
        },
        rules,
        GROUPS,
    )
    assert not result.approved
    assert "ethicist approval 21.2% is below 50%" in result.reasons
    assert "ethicist blocks with 78.8% reject (blocking at 67%)" in result.reasons
    assert "engineer approval 48% is below 50%" in result.reasons


def test_explanation_reads_like_the_published_example() -> None:
    rules = GovernanceRules(group_threshold_pct={"public": 60, "engineer": 60})
    result = tally(
        Counts(approve=320, reject=117),
        {"public": Counts(approve=292, reject=120), "engineer": Counts(approve=12, reject=13)},
        rules,
        GROUPS,
    )
    assert "public: 70.9% approve of 412 (needs 60%) - met" in result.lines
    assert "engineer: 48% approve of 25 (needs 60%) - not met" in result.lines
    assert "ethicist: 0 of 10 ballots needed for quorum - not counted" in result.lines
    assert result.summary.startswith("Not approved: engineer approval 48% is below 60%")


def test_abstentions_count_for_quorum_but_not_for_shares() -> None:
    rules = GovernanceRules(overall_quorum=10, default_group_quorum=5, min_groups_with_quorum=1)
    only_public = {"public": Counts(approve=3, reject=1, abstain=6)}
    result = tally(Counts(approve=3, reject=1, abstain=6), only_public, rules, GROUPS)
    assert result.approved
    assert "public: 75% approve of 4 (needs 50%) - met" in result.lines


def test_a_group_of_only_abstentions_does_not_meet_its_threshold() -> None:
    rules = GovernanceRules(overall_quorum=1, default_group_quorum=3, min_groups_with_quorum=1)
    result = tally(Counts(abstain=5), {"public": Counts(abstain=5)}, rules, GROUPS)
    assert not result.approved
    assert "public: only abstentions (5) - not met" in result.lines
