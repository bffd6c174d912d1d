"""People: sign-in keyed by (issuer, subject), claims sync, group verification, roles, suspension."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from governance.errors import NotAllowed, NotFound, ValidationFailed
from governance.identity import Grants, Identity, identity_from_claims
from governance.ids import stakeholder_subject
from governance.models import AccountStatus, RequestStatus, Role, Source, Stakeholder
from governance.services import Charter
from governance.services.people_screens import PeopleQuery
from governance.storage import open_database
from governance.storage.migrations import MIGRATIONS, applied_versions
from tests.conftest import Cast, refused


def identity(
    sub: str = "u-1",
    *,
    issuer: str = "https://idp.example",
    name: str = "Ada Okafor",
    groups: tuple[str, ...] = (),
    roles: tuple[Role, ...] = (),
) -> Identity:
    return Identity(
        issuer=issuer,
        subject=sub,
        provider="staff",
        name=name,
        grants=Grants(groups=groups, roles=roles),
    )


def events(charter: Charter, person_id: int) -> list[str]:
    with charter.db.read() as tx:
        return [e.action for e in tx.events.find(subject=stakeholder_subject(person_id))]


# -- sign-in --------------------------------------------------------------------------------


def test_first_sign_in_creates_a_public_participant(charter: Charter):
    person = charter.people.sign_in(identity())
    assert person.display_name == "Ada Okafor"
    assert person.groups == ("public",) and person.roles == (Role.PARTICIPANT,)
    profile = charter.people.profile(person)
    assert [(i.issuer, i.subject) for i in profile.identities] == [("https://idp.example", "u-1")]
    assert [(g.name, g.source) for g in profile.groups] == [("public", Source.SIGNUP)]
    assert events(charter, person.id) == ["stakeholder.signed_up"]


def test_the_same_issuer_and_subject_is_the_same_person_whatever_the_name(charter, clock):
    first = charter.people.sign_in(identity(name="Ada"))
    clock.advance(days=1)
    again = charter.people.sign_in(identity(name="Someone Else"))
    assert again.id == first.id and again.display_name == "Ada"
    (linked,) = charter.people.profile(again).identities
    assert linked.last_seen_at > linked.first_seen_at


def test_the_same_subject_at_another_issuer_is_another_person(charter: Charter):
    one = charter.people.sign_in(identity("same"))
    other = charter.people.sign_in(identity("same", issuer="https://other.example"))
    assert one.id != other.id


def test_a_nameless_identity_gets_a_placeholder_name(charter: Charter):
    person = charter.people.sign_in(identity(name=""))
    assert person.display_name == f"Participant {person.id}"


def test_claims_grant_groups_and_roles_and_follow_the_token(charter: Charter):
    person = charter.people.sign_in(identity(groups=("ethicist",), roles=(Role.MODERATOR,)))
    assert person.groups == ("ethicist", "public") and Role.MODERATOR in person.roles
    # The provider stops asserting them: they go at the next sign-in, with a logged reason.
    person = charter.people.sign_in(identity())
    assert person.groups == ("public",) and person.roles == (Role.PARTICIPANT,)
    assert events(charter, person.id)[:2] == ["role.revoked", "group.removed"]


def test_claims_sync_leaves_steward_decisions_alone(charter: Charter, cast: Cast):
    person = charter.people.sign_in(identity())
    request = charter.people.request_group(person, "engineer", "I maintain the eval harness.")
    charter.people.decide_request(cast.steward, request.id, approve=True, reason="known work")
    person = charter.people.sign_in(identity(groups=("ethicist",)))
    assert person.groups == ("engineer", "ethicist", "public")
    person = charter.people.sign_in(identity())
    assert person.groups == ("engineer", "public")


def test_a_claim_settles_a_pending_request_for_the_same_group(charter: Charter):
    person = charter.people.sign_in(identity())
    request = charter.people.request_group(person, "ethicist", "I teach applied ethics.")
    charter.people.sign_in(identity(groups=("ethicist",)))
    (settled,) = charter.people.profile(person).requests
    assert settled.id == request.id and settled.status is RequestStatus.APPROVED


def test_a_suspended_person_can_sign_in_but_not_act(charter: Charter, cast: Cast, in_voting):
    person = charter.people.sign_in(identity())
    charter.people.set_account_status(cast.steward, person.id, AccountStatus.SUSPENDED, "spam")
    again = charter.people.sign_in(identity())
    assert again.suspended
    with pytest.raises(NotAllowed, match="suspended"):
        charter.ballots.cast(again, in_voting, "approve")
    with pytest.raises(NotAllowed, match="suspended"):
        charter.people.request_group(again, "ethicist", "please")


def demo_person(charter: Charter, name: str = "Dana Demo") -> Stakeholder:
    return charter.people.create_stakeholder(
        None, display_name=name, groups=("public",), is_demo=True
    )


def test_a_demo_sign_in_link_names_a_demo_stakeholder(charter: Charter):
    person = demo_person(charter)
    assert charter.people.demo_stakeholder(str(person.id)) == person
    assert charter.people.demo_stakeholder(f" {person.id} ") == person


@pytest.mark.parametrize("requested", ["", "abc", "-1", "1.0", "١", "9" * 40, "999999"])
def test_a_demo_sign_in_link_naming_no_stakeholder_is_refused(charter: Charter, requested):
    demo_person(charter)
    with pytest.raises(NotFound, match="no demo stakeholder"):
        charter.people.demo_stakeholder(requested)


def test_a_demo_sign_in_link_never_names_a_real_account(charter: Charter):
    real = charter.people.sign_in(identity())
    with pytest.raises(NotFound, match="no demo stakeholder"):
        charter.people.demo_stakeholder(str(real.id))


def test_a_demo_sign_in_link_never_names_a_suspended_stakeholder(charter: Charter, cast: Cast):
    person = demo_person(charter)
    charter.people.set_account_status(cast.steward, person.id, AccountStatus.SUSPENDED, "spam")
    with pytest.raises(NotAllowed, match="suspended"):
        charter.people.demo_stakeholder(str(person.id))


# -- group requests ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("group", "why", "field"),
    [
        ("ethicist", "", "justification"),
        ("ethicist", "x" * 1001, "justification"),
        ("public", "I am the public", "group"),
        ("philosopher", "I am one", "group"),
    ],
)
def test_bad_group_requests_are_refused_and_store_nothing(charter, group, why, field):
    person = charter.people.sign_in(identity())
    with pytest.raises(ValidationFailed) as refused:
        charter.people.request_group(person, group, why)
    assert field in refused.value.errors
    assert charter.people.profile(person).requests == []


def test_one_pending_request_per_group_and_none_for_a_group_already_held(charter: Charter):
    person = charter.people.sign_in(identity(groups=("engineer",)))
    charter.people.request_group(person, "ethicist", "I sit on an ethics board.")
    with pytest.raises(ValidationFailed, match="already asked"):
        charter.people.request_group(person, "ethicist", "again")
    with pytest.raises(ValidationFailed, match="already in"):
        charter.people.request_group(person, "engineer", "again")


def test_pending_requests_never_count_in_a_tally(charter: Charter, cast: Cast, in_voting):
    person = charter.people.sign_in(identity())
    charter.people.request_group(person, "ethicist", "I teach ethics.")
    charter.ballots.cast(person, in_voting, "approve")
    tally = charter.ballots.tally(in_voting)
    ethicists = next(g for g in tally.groups if g.group == "ethicist")
    public = next(g for g in tally.groups if g.group == "public")
    assert ethicists.counts.total == 0 and public.counts.approve == 1


def test_a_steward_approves_with_a_reason_and_the_vote_counts_in_the_group(
    charter: Charter, cast: Cast, in_voting
):
    person = charter.people.sign_in(identity())
    charter.ballots.cast(person, in_voting, "approve")
    request = charter.people.request_group(person, "ethicist", "I teach ethics.")
    with pytest.raises(ValidationFailed, match="must not be empty"):
        charter.people.decide_request(cast.steward, request.id, approve=True, reason=" ")
    decided = charter.people.decide_request(
        cast.steward, request.id, approve=True, reason="Confirmed with the university."
    )
    assert decided.status is RequestStatus.APPROVED and decided.decided_by == cast.steward.id
    assert "ethicist" in charter.people.stakeholder(person.id).groups
    ethicists = next(g for g in charter.ballots.tally(in_voting).groups if g.group == "ethicist")
    assert ethicists.counts.approve == 1
    with pytest.raises(ValidationFailed, match="already approved"):
        charter.people.decide_request(cast.steward, request.id, approve=False, reason="oops")
    with charter.db.read() as tx:
        (logged,) = tx.events.find(
            subject=stakeholder_subject(person.id), actions=["group.request_approved"]
        )
    assert logged.actor_id == cast.steward.id and logged.reason == "Confirmed with the university."


def test_a_declined_request_changes_no_membership(charter: Charter, cast: Cast):
    person = charter.people.sign_in(identity())
    request = charter.people.request_group(person, "engineer", "I write code.")
    charter.people.decide_request(cast.steward, request.id, approve=False, reason="no evidence")
    assert charter.people.stakeholder(person.id).groups == ("public",)
    assert charter.people.pending_requests(cast.steward) == []


def test_a_steward_cannot_decide_their_own_request(charter: Charter, cast: Cast):
    request = charter.people.request_group(cast.steward, "engineer", "I also write code.")
    with pytest.raises(NotAllowed, match="another steward"):
        charter.people.decide_request(cast.steward, request.id, approve=True, reason="me")


def test_withdrawing_a_request(charter: Charter, cast: Cast):
    person = charter.people.sign_in(identity())
    request = charter.people.request_group(person, "engineer", "I write code.")
    with pytest.raises(NotAllowed):
        charter.people.withdraw_request(cast.author, request.id)
    assert charter.people.withdraw_request(person, request.id).status is RequestStatus.WITHDRAWN
    with pytest.raises(NotFound):
        charter.people.withdraw_request(person, 999)


def test_claim_grants_cannot_be_removed_in_the_app(charter: Charter, cast: Cast):
    person = charter.people.sign_in(identity(groups=("ethicist",), roles=(Role.AUDITOR,)))
    with pytest.raises(ValidationFailed, match="identity provider"):
        charter.people.remove_group(cast.steward, person.id, "ethicist", "why")
    with pytest.raises(ValidationFailed, match="identity provider"):
        charter.people.revoke_role(cast.steward, person.id, Role.AUDITOR, "why")
    with pytest.raises(ValidationFailed, match="public"):
        charter.people.remove_group(cast.steward, person.id, "public", "why")


# -- roles ------------------------------------------------------------------------------------


def test_granting_and_revoking_roles(charter: Charter, cast: Cast):
    person = charter.people.sign_in(identity())
    person = charter.people.grant_role(cast.steward, person.id, Role.MODERATOR, "trusted")
    assert Role.MODERATOR in person.roles
    with pytest.raises(ValidationFailed, match="already"):
        charter.people.grant_role(cast.steward, person.id, Role.MODERATOR, "again")
    with pytest.raises(ValidationFailed, match="choose one of"):
        charter.people.grant_role(cast.steward, person.id, Role.PARTICIPANT, "again")
    person = charter.people.revoke_role(cast.steward, person.id, Role.MODERATOR, "rotated")
    assert Role.MODERATOR not in person.roles
    assert events(charter, person.id)[:2] == ["role.revoked", "role.granted"]


def test_the_last_steward_stays(charter: Charter, cast: Cast):
    with pytest.raises(ValidationFailed, match="last active steward"):
        charter.people.revoke_role(cast.steward, cast.steward.id, Role.STEWARD, "bye")
    second = charter.people.grant_role(cast.steward, cast.author.id, Role.STEWARD, "backup")
    charter.people.revoke_role(second, cast.steward.id, Role.STEWARD, "handover")
    assert Role.STEWARD not in charter.people.stakeholder(cast.steward.id).roles


def test_the_operator_makes_the_first_steward(charter: Charter):
    person = charter.people.sign_in(identity())
    person = charter.people.grant_role_as_operator(person.id, Role.STEWARD, "first steward")
    assert Role.STEWARD in person.roles
    with charter.db.read() as tx:
        (logged,) = tx.events.find(subject=stakeholder_subject(person.id), actions=["role.granted"])
    assert logged.actor_id is None and logged.reason == "first steward"


# -- suspension and voided ballots -----------------------------------------------------------


def test_suspension_keeps_earlier_ballots_until_a_steward_voids_them(
    charter: Charter, cast: Cast, in_voting
):
    voter = cast.voters["ethicist"][0]
    charter.ballots.cast(voter, in_voting, "reject")
    charter.people.set_account_status(cast.steward, voter.id, AccountStatus.SUSPENDED, "fraud")
    assert charter.ballots.tally(in_voting).overall.reject == 1
    with pytest.raises(ValidationFailed, match="must not be empty"):
        charter.ballots.void(cast.steward, voter.id, "")
    assert charter.ballots.tally(in_voting).overall.reject == 1
    assert charter.ballots.void(cast.steward, voter.id, "duplicate account") == [in_voting]
    assert charter.ballots.tally(in_voting).overall.reject == 0
    (voided,) = charter.people.profile(cast.steward, voter.id).voided
    assert voided.guideline_id == in_voting and voided.void_reason == "duplicate account"
    with charter.db.read() as tx:
        assert [e.action for e in tx.events.find(subject=in_voting, limit=1)] == ["vote.voided"]
    with pytest.raises(ValidationFailed, match="no ballots"):
        charter.ballots.void(cast.steward, voter.id, "again")


def test_a_steward_cannot_suspend_themselves(charter: Charter, cast: Cast):
    with pytest.raises(NotAllowed, match="your own account"):
        charter.people.set_account_status(
            cast.steward, cast.steward.id, AccountStatus.SUSPENDED, "tired"
        )


def test_only_stewards_see_other_profiles_and_requests(charter: Charter, cast: Cast):
    with pytest.raises(NotAllowed):
        charter.people.profile(cast.author, cast.moderator.id)
    with pytest.raises(NotAllowed):
        charter.people.pending_requests(cast.moderator)
    with pytest.raises(NotAllowed):
        charter.people.people(cast.moderator)
    found = charter.people.people(cast.steward, PeopleQuery(text="stew"))
    assert [p.id for p in found.people] == [cast.steward.id]


def test_rename(charter: Charter):
    person = charter.people.sign_in(identity())
    with pytest.raises(ValidationFailed) as refused:
        charter.people.rename(person, "   ")
    assert "display_name" in refused.value.errors
    assert charter.people.rename(person, "Ada O.").display_name == "Ada O."


@pytest.mark.parametrize(
    ("action", "field"),
    [
        (lambda c, person: c.people.rename(person, "Ada \ud800"), "display_name"),
        (
            lambda c, person: c.people.request_group(person, "ethicist", "I \udfff ethics"),
            "justification",
        ),
    ],
    ids=["rename", "group-request"],
)
def test_a_lone_surrogate_is_refused_before_it_reaches_the_database(
    charter: Charter, action: Callable[[Charter, Stakeholder], object], field: str
):
    person = charter.people.sign_in(identity())
    error = refused(charter, ValidationFailed, lambda: action(charter, person))
    assert "lone surrogate" in error.errors[field]  # type: ignore[attr-defined]


def test_a_lone_surrogate_in_a_providers_name_is_dropped(charter: Charter):
    # A name from an identity provider is tidied, not refused: the person can still sign in.
    claims = {"iss": "https://idp.example", "sub": "u-9", "name": "Ada\ud800 Okafor\udfff"}
    found = identity_from_claims(claims, None)
    assert found is not None
    assert charter.people.sign_in(found).display_name == "Ada Okafor"


# -- comment moderation -----------------------------------------------------------------------


def test_a_moderator_hides_and_restores_a_comment_with_reasons(charter, cast, in_voting):
    comment = charter.discussion.comment(cast.author, in_voting, "You are all <b>idiots</b>")
    with pytest.raises(ValidationFailed):
        charter.discussion.hide(cast.moderator, comment.id, "")
    hidden = charter.discussion.hide(cast.moderator, comment.id, "insults")
    assert hidden.hidden is not None and hidden.hidden.reason == "insults"
    assert hidden.body == comment.body  # kept for the record
    with pytest.raises(ValidationFailed, match="already hidden"):
        charter.discussion.hide(cast.moderator, comment.id, "again")
    restored = charter.discussion.restore(cast.moderator, comment.id, "appeal upheld")
    assert restored.hidden is None
    with pytest.raises(NotFound):
        charter.discussion.hide(cast.moderator, 4242, "nope")


# -- migration --------------------------------------------------------------------------------


def test_a_database_from_before_sign_in_is_migrated(tmp_path):
    path = tmp_path / "old.duckdb"
    old = open_database(path, migrate_schema=False)
    with old.transaction() as tx:
        applied_versions(tx.cursor)
        MIGRATIONS[0][1](tx.cursor)
        tx.cursor.execute(
            "INSERT INTO schema_migrations VALUES (1, 'initial schema', ?)",
            [datetime.now(UTC)],
        )
        tx.cursor.execute(
            "INSERT INTO stakeholders VALUES (1, 'Old Timer', 'active', FALSE, ?)",
            [datetime.now(UTC)],
        )
        tx.cursor.execute("INSERT INTO stakeholder_groups VALUES (1, 'ethicist')")
        tx.cursor.execute("INSERT INTO stakeholder_roles VALUES (1, 'participant')")
    old.close()
    new = open_database(path)
    with new.read() as tx:
        assert applied_versions(tx.cursor) == set(range(1, len(MIGRATIONS) + 1))
        groups, roles = tx.people.grants(1)
    assert [(g.name, g.source) for g in groups] == [("ethicist", Source.SEED)]
    assert [(r.name, r.source) for r in roles] == [("participant", Source.SEED)]
    new.close()


def test_concurrent_first_sign_ins_make_one_stakeholder(charter: Charter):
    with ThreadPoolExecutor(max_workers=8) as pool:
        people = list(pool.map(lambda _: charter.people.sign_in(identity("twin")), range(16)))
    assert len({p.id for p in people}) == 1
    with charter.db.read() as tx:
        found, total = tx.people.search_stakeholders(text="Ada Okafor")
    assert total == 1
    assert events(charter, people[0].id) == ["stakeholder.signed_up"]


def test_a_suspended_steward_loses_the_stewards_screens(charter: Charter, cast: Cast):
    second = charter.people.grant_role(cast.steward, cast.author.id, Role.STEWARD, "backup")
    charter.people.set_account_status(cast.steward, second.id, AccountStatus.SUSPENDED, "audit")
    for read in (
        lambda: charter.people.people(second),
        lambda: charter.people.pending_requests(second),
        lambda: charter.people.profile(second, cast.moderator.id),
    ):
        with pytest.raises(NotAllowed, match="suspended"):
            read()
    assert charter.people.profile(second).person.suspended  # their own profile stays readable


def test_people_pages_past_the_end_show_the_last_page(charter: Charter, cast: Cast):
    found = charter.people.people(cast.steward, PeopleQuery(page=99, per_page=10))
    assert found.page == found.pages > 1 and found.people
    narrowed = charter.people.people(cast.steward, PeopleQuery(text="Stew", page=5))
    assert narrowed.page == 1 and [p.id for p in narrowed.people] == [cast.steward.id]
