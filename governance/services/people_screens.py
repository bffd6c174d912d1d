"""Read models of the people area: a profile, a page of the people list, the People page."""

from __future__ import annotations

from dataclasses import dataclass

from governance.errors import ValidationFailed
from governance.events import Event
from governance.ids import stakeholder_subject
from governance.models import (
    NAME_MAX,
    AccountStatus,
    Grant,
    GroupRequest,
    LinkedIdentity,
    Role,
    Stakeholder,
    VoidedVote,
)
from governance.storage import Tx
from governance.text import is_utf8


@dataclass(frozen=True)
class Profile:
    """Everything Charter stores about one person, for them and for stewards."""

    person: Stakeholder
    identities: list[LinkedIdentity]
    groups: list[Grant]
    roles: list[Grant]
    requests: list[GroupRequest]
    voided: list[VoidedVote]
    proposals: int
    comments: int
    ballots: int
    history: list[Event]
    """Event-log entries about the person (sign-ups, grants, decisions), latest first."""


@dataclass(frozen=True)
class PeopleQuery:
    """A steward's search of the people list; empty fields do not narrow it."""

    text: str = ""
    """Part of a name, or a number."""
    group: str | None = None
    role: Role | None = None
    status: AccountStatus | None = None
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True)
class PeoplePage:
    """One page of the people list."""

    people: list[Stakeholder]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class PeopleScreen:
    """Everything the People page shows a steward."""

    pending: list[GroupRequest]
    """Group requests waiting for a decision, oldest first."""
    found: PeoplePage
    chosen: Profile | None
    """The person the steward picked to manage, if any."""
    groups: tuple[str, ...]
    """The deployment's groups, for the search."""
    grantable: tuple[Role, ...]
    """Roles a steward can grant."""


def profile_of(tx: Tx, person: Stakeholder) -> Profile:
    """Gather one person's profile from one snapshot."""
    groups, roles = tx.people.grants(person.id)
    proposals, comments, ballots = tx.people.activity_counts(person.id)
    return Profile(
        person=person,
        identities=tx.people.identities(person.id),
        groups=groups,
        roles=roles,
        requests=tx.people.group_requests(stakeholder_id=person.id),
        voided=tx.votes.voided_votes(person.id),
        proposals=proposals,
        comments=comments,
        ballots=ballots,
        history=tx.events.find(subject=stakeholder_subject(person.id), limit=100),
    )


def search(tx: Tx, query: PeopleQuery) -> PeoplePage:
    """One page of the people matching ``query``; past the end, the last page."""
    if not is_utf8(query.text) or not is_utf8(query.group or ""):
        raise ValidationFailed({"text": "contains a lone surrogate; remove it"})
    page = max(query.page, 1)
    while True:
        people, total = tx.people.search_stakeholders(
            text=query.text[:NAME_MAX],
            group=query.group,
            role=query.role,
            status=query.status,
            limit=query.per_page,
            offset=(page - 1) * query.per_page,
        )
        pages = max(1, -(-total // query.per_page))
        if page <= pages:
            return PeoplePage(people=people, total=total, page=page, pages=pages)
        page = pages  # past the end (the filter narrowed): show the last page
