"""The typed contracts between layers: recorded tallies, event actions, ids, who may vote."""

from __future__ import annotations

import json

import pytest

from governance.errors import GovernanceError, NotFound, ValidationFailed
from governance.events import EventAction
from governance.ids import NO_KEY, guideline_key, guideline_ref, parse_guideline_id
from governance.models import (
    AccountStatus,
    GovernanceRules,
    GuidelineFilter,
    Role,
    Stakeholder,
    Status,
)
from governance.services import Charter
from governance.services.people_screens import PeopleQuery
from governance.voting import TALLY_SCHEMA, Counts, RecordedTally, tally
from tests.conftest import PROPOSAL, Cast, FakeClock

GROUPS = ("ethicist", "engineer", "public")


def _recorded() -> RecordedTally:
    counts = {g: Counts(approve=3, reject=1) for g in GROUPS}
    return RecordedTally.of(tally(Counts(approve=9, reject=3), counts, GovernanceRules(), GROUPS))


def test_a_recorded_tally_round_trips_with_its_version() -> None:
    recorded = _recorded()
    stored = json.loads(recorded.model_dump_json())
    assert stored["schema_version"] == TALLY_SCHEMA == 1
    assert RecordedTally.from_json(recorded.model_dump_json()) == recorded


def test_the_first_format_a_flat_tally_with_lines_is_migrated_on_read() -> None:
    recorded = _recorded()
    flat = {**recorded.tally.model_dump(mode="json"), "lines": ["as written then"]}
    migrated = RecordedTally.from_json(json.dumps(flat))
    assert migrated.schema_version == 1
    assert migrated.tally == recorded.tally
    assert migrated.lines == ("as written then",)  # the words of the time, not today's


def test_a_newer_recorded_tally_is_refused() -> None:
    newer = json.loads(_recorded().model_dump_json()) | {"schema_version": TALLY_SCHEMA + 1}
    with pytest.raises(ValidationFailed, match="newer"):
        RecordedTally.from_json(json.dumps(newer))


def test_the_stored_decision_is_typed_from_storage_to_the_page(
    charter: Charter, cast: Cast, in_voting: str, clock: FakeClock
) -> None:
    for voter in cast.everyone():
        charter.ballots.cast(voter, in_voting, "approve")
    clock.advance(days=15)
    charter.guidelines.close_due()
    decision = charter.guidelines.detail(in_voting, None).decision
    assert decision is not None and isinstance(decision.tally, RecordedTally)
    assert decision.tally.tally.overall.approve == len(cast.everyone())
    assert decision.tally.lines == decision.tally.tally.lines
    with charter.db.read() as tx:
        (decided,) = tx.guidelines.decided_for_constitution()
    assert decided.decision == decision


def test_every_logged_action_is_an_event_action(
    charter: Charter, cast: Cast, in_voting: str
) -> None:
    charter.ballots.cast(cast.voters["public"][0], in_voting, "approve")
    charter.discussion.comment(cast.author, in_voting, "Thanks")
    with charter.db.read() as tx:
        events = tx.events.find(limit=1000)
        raw = {r[0] for r in tx.cursor.execute("SELECT action FROM events").fetchall()}
    assert events and all(isinstance(e.action, EventAction) for e in events)
    assert raw <= {a.value for a in EventAction}


@pytest.mark.parametrize("typed", ["G-0007", "g-7", "7", " G7 ", "g-0007"])
def test_one_codec_reads_every_way_people_type_an_id(typed: str) -> None:
    assert parse_guideline_id(typed) == "G-0007" == guideline_ref(7)
    assert guideline_key(typed) == 7


@pytest.mark.parametrize("typed", ["", "G-", "x7", "G-00a7", "٧", "G-1234567890", "-1"])
def test_what_is_not_an_id_matches_nothing(typed: str) -> None:
    assert guideline_key(typed) == NO_KEY
    with pytest.raises(NotFound):
        parse_guideline_id(typed)


# -- one "may vote" rule: the buttons the page shows are exactly the ballots that count ----------


def _persona(charter: Charter, cast: Cast, kind: str) -> Stakeholder:
    if kind == "voter":
        return cast.voters["public"][1]
    if kind == "no group":
        # Set-up straight to storage: a member of a group this deployment no longer has.
        with charter.db.transaction() as tx:
            person = Stakeholder(
                id=tx.people.next_stakeholder_id(),
                display_name="Former member",
                groups=("retired-group",),
                roles=(Role.PARTICIPANT,),
                created_at=charter.clock(),
            )
            tx.people.insert_stakeholder(person)
        return person
    person = cast.voters["engineer"][1]
    charter.people.set_account_status(cast.steward, person.id, AccountStatus.SUSPENDED, "spam")
    return person


@pytest.mark.parametrize("kind", ["voter", "no group", "suspended"])
@pytest.mark.parametrize("moment", ["open", "after the window", "not in voting"])
def test_the_page_offers_a_ballot_exactly_when_the_ballot_box_takes_it(
    charter: Charter, cast: Cast, clock: FakeClock, kind: str, moment: str
) -> None:
    gid = charter.guidelines.propose(cast.author, PROPOSAL).id
    charter.guidelines.submit(cast.author, gid)
    if moment != "not in voting":
        charter.guidelines.open_voting(cast.moderator, gid)
    if moment == "after the window":
        clock.advance(days=15)
    person = _persona(charter, cast, kind)
    offered = charter.guidelines.detail(gid, person).can.vote
    try:
        charter.ballots.cast(person, gid, "approve")
    except GovernanceError:
        taken = False
    else:
        taken = True
    assert offered == taken == (kind == "voter" and moment == "open")
    assert charter.guidelines.detail(gid, None).guideline.status in {
        Status.VOTING,
        Status.DELIBERATION,
    }


def test_a_search_holding_a_lone_surrogate_is_refused_not_a_crash(
    charter: Charter, cast: Cast
) -> None:
    with pytest.raises(ValidationFailed):
        charter.guidelines.listing(GuidelineFilter(text="a\ud800"))
    with pytest.raises(ValidationFailed):
        charter.people.people(cast.steward, PeopleQuery(text="\udfff"))
