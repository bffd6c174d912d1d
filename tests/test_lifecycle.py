"""The transition table: every (from, to) pair is either allowed with its guard or refused."""

import itertools

import pytest

from governance.errors import InvalidTransition
from governance.lifecycle import TRANSITIONS, TransitionContext, check_transition
from governance.models import Status

# What each allowed move needs to pass its guard.
PASSING = {
    (Status.DRAFT, Status.WITHDRAWN): TransitionContext(reason="duplicate of G-0002"),
    (Status.DELIBERATION, Status.WITHDRAWN): TransitionContext(reason="superseded"),
    (Status.VOTING, Status.APPROVED): TransitionContext(outcome=Status.APPROVED),
    (Status.VOTING, Status.REJECTED): TransitionContext(outcome=Status.REJECTED),
    (Status.VOTING, Status.DELIBERATION): TransitionContext(amended=True),
    (Status.ADOPTED, Status.RETIRED): TransitionContext(reason="replaced in release 2.0"),
    (Status.ADOPTED, Status.DELIBERATION): TransitionContext(reason="violated in two audits"),
    (Status.APPROVED, Status.DELIBERATION): TransitionContext(reason="contradicts G-0003"),
    (Status.RETIRED, Status.ADOPTED): TransitionContext(reason="rolled back to 1.0.0"),
}

EXPECTED_TABLE = {
    (Status.DRAFT, Status.DELIBERATION),
    (Status.DRAFT, Status.WITHDRAWN),
    (Status.DELIBERATION, Status.VOTING),
    (Status.DELIBERATION, Status.WITHDRAWN),
    (Status.VOTING, Status.APPROVED),
    (Status.VOTING, Status.REJECTED),
    (Status.VOTING, Status.DELIBERATION),
    (Status.APPROVED, Status.ADOPTED),
    (Status.APPROVED, Status.DELIBERATION),
    (Status.ADOPTED, Status.RETIRED),
    (Status.ADOPTED, Status.DELIBERATION),
    (Status.RETIRED, Status.ADOPTED),
}


def test_table_is_exactly_the_published_lifecycle() -> None:
    assert set(TRANSITIONS) == EXPECTED_TABLE


@pytest.mark.parametrize(("frm", "to"), list(itertools.product(Status, Status)))
def test_every_pair(frm: Status, to: Status) -> None:
    if (frm, to) in EXPECTED_TABLE:
        row = check_transition(frm, to, PASSING.get((frm, to), TransitionContext()))
        assert row.verb
    else:
        with pytest.raises(InvalidTransition) as refused:
            check_transition(frm, to, TransitionContext(reason="x", amended=True, outcome=to))
        assert refused.value.from_status == frm.value
        assert refused.value.to_status == to.value
        assert frm.value in str(refused.value) and to.value in str(refused.value)
        assert refused.value.reason


@pytest.mark.parametrize("pair", sorted(PASSING, key=str))
def test_guards_refuse_without_their_condition(pair: tuple[Status, Status]) -> None:
    with pytest.raises(InvalidTransition) as refused:
        check_transition(*pair, TransitionContext())
    assert refused.value.reason


def test_tally_decides_the_outcome_not_the_caller() -> None:
    with pytest.raises(InvalidTransition, match="tally decided rejected"):
        check_transition(Status.VOTING, Status.APPROVED, TransitionContext(outcome=Status.REJECTED))


def test_final_states_say_so() -> None:
    with pytest.raises(InvalidTransition, match="rejected is final"):
        check_transition(Status.REJECTED, Status.VOTING)
    with pytest.raises(InvalidTransition, match="withdrawn is final"):
        check_transition(Status.WITHDRAWN, Status.DRAFT)
    with pytest.raises(
        InvalidTransition, match="can only move to approved, deliberation, rejected"
    ):
        check_transition(Status.VOTING, Status.WITHDRAWN)
