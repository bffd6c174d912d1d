"""People: sign-in, profiles, verified groups, roles, suspension and voided ballots.

A stakeholder is created at their first sign-in, keyed by the provider's (issuer, subject),
in the public group. Any other group is either asserted by a trusted provider's claim
(re-checked at every sign-in) or requested by the person and decided by a steward. Pending
requests never count: only rows in ``stakeholder_groups`` do. Every change is logged with
who, when and why.
"""

from __future__ import annotations

from datetime import datetime

from governance.auth import SYSTEM_ACTOR, Action
from governance.config import PUBLIC_GROUP
from governance.errors import NotAllowed, NotFound, ValidationFailed
from governance.events import EventAction
from governance.identity import Identity
from governance.ids import stakeholder_subject
from governance.models import (
    NAME_MAX,
    AccountStatus,
    GroupRequest,
    RequestStatus,
    Role,
    Source,
    Stakeholder,
)
from governance.services.base import UseCases
from governance.services.people_screens import (
    PeoplePage,
    PeopleQuery,
    PeopleScreen,
    Profile,
    profile_of,
    search,
)
from governance.storage import Tx
from governance.text import clean_text
from governance.validation import parse_reason

#: Roles a steward (or a claim) can grant; everyone is a participant.
GRANTABLE_ROLES = (Role.MODERATOR, Role.STEWARD, Role.AUDITOR)
_FROM_PROVIDER = (
    "comes from the identity provider's claims and returns at the next sign-in;"
    " change it at the provider or in [charter.claims]"
)


def _require_steward(person: Stakeholder, what: str) -> None:
    # Stewards' screens show personal data (justifications, identities): an active steward only.
    if person.suspended:
        raise NotAllowed("your account is suspended: you can read but not act")
    if Role.STEWARD not in person.roles:
        raise NotAllowed(f"only stewards may {what}")


_ROLE_ACTIONS = frozenset({EventAction.ROLE_GRANTED, EventAction.ROLE_REVOKED})
_DECIDED = {
    RequestStatus.APPROVED: EventAction.GROUP_REQUEST_APPROVED,
    RequestStatus.DECLINED: EventAction.GROUP_REQUEST_DECLINED,
}


class People(UseCases):
    """Use cases about people. Reached as ``charter.people``."""

    # -- sign-in ------------------------------------------------------------------------------

    def sign_in(self, identity: Identity) -> Stakeholder:
        """The stakeholder for ``identity``: created at first sign-in, claims synced after.

        A suspended person signs in as usual: they can read but not act.
        """
        now = self.clock()
        with self.db.transaction() as tx:
            owner = tx.people.identity_owner(identity.issuer, identity.subject)
            if owner is None:
                owner = self._sign_up(tx, identity)
            else:
                tx.people.touch_identity(identity.issuer, identity.subject, now)
            self._sync_claims(tx, owner, identity)
            return self._person(tx, owner)

    def _sign_up(self, tx: Tx, identity: Identity) -> int:
        now = self.clock()
        new_id = tx.people.next_stakeholder_id()
        person = Stakeholder(
            id=new_id,
            display_name=identity.name or f"Participant {new_id}",
            groups=(PUBLIC_GROUP,),
            roles=(Role.PARTICIPANT,),
            created_at=now,
        )
        tx.people.insert_stakeholder(person, source=Source.SIGNUP)
        tx.people.insert_identity(new_id, identity.issuer, identity.subject, identity.provider, now)
        self._log(
            tx,
            actor_id=new_id,
            action=EventAction.STAKEHOLDER_SIGNED_UP,
            subject=stakeholder_subject(new_id),
            at=now,
            reason=f"first sign-in through {identity.provider}",
            after={"issuer": identity.issuer, "groups": [PUBLIC_GROUP], "roles": ["participant"]},
        )
        return new_id

    def _sync_claims(self, tx: Tx, person_id: int, identity: Identity) -> None:
        # Claim-sourced grants follow the token: added when present, removed when gone.
        # Grants from a steward or the set-up are never touched here.
        now = self.clock()
        groups, roles = tx.people.grants(person_id)
        why = f"claim from identity provider {identity.provider}"
        gone = "no longer in the claims"
        wanted_groups = {g for g in identity.grants.groups if g in self.settings.groups}
        held_groups = {g.name: g.source for g in groups}
        for group in sorted(wanted_groups - set(held_groups)):
            tx.people.add_group(person_id, group, Source.CLAIM)
            self._grant_logged(tx, person_id, EventAction.GROUP_GRANTED, group, why, now)
            for request in tx.people.group_requests(
                status=RequestStatus.PENDING, stakeholder_id=person_id
            ):
                if request.group == group:
                    tx.people.decide_group_request(
                        request.id, RequestStatus.APPROVED, by=SYSTEM_ACTOR, at=now, reason=why
                    )
        for group, source in sorted(held_groups.items()):
            if source is Source.CLAIM and group not in wanted_groups:
                tx.people.remove_group(person_id, group)
                self._grant_logged(tx, person_id, EventAction.GROUP_REMOVED, group, gone, now)
        wanted_roles = set(identity.grants.roles)
        held_roles = {Role(r.name): r.source for r in roles}
        for role in sorted(wanted_roles - set(held_roles)):
            tx.people.add_role(person_id, role, Source.CLAIM)
            self._grant_logged(tx, person_id, EventAction.ROLE_GRANTED, role.value, why, now)
        for role, source in sorted(held_roles.items()):
            if source is Source.CLAIM and role not in wanted_roles:
                tx.people.remove_role(person_id, role)
                self._grant_logged(tx, person_id, EventAction.ROLE_REVOKED, role.value, gone, now)

    def _grant_logged(
        self,
        tx: Tx,
        person_id: int,
        action: EventAction,
        name: str,
        reason: str,
        at: datetime,
        actor_id: int | None = SYSTEM_ACTOR,
    ) -> None:
        key = "role" if action in _ROLE_ACTIONS else "group"
        self._log(
            tx,
            actor_id=actor_id,
            action=action,
            subject=stakeholder_subject(person_id),
            at=at,
            reason=reason,
            after={key: name},
        )

    # -- reading --------------------------------------------------------------------------------

    def stakeholder(self, stakeholder_id: int) -> Stakeholder:
        """One stakeholder, or ``NotFound``."""
        with self.db.read() as tx:
            return self._person(tx, stakeholder_id)

    def demo_stakeholders(self) -> list[Stakeholder]:
        """The seeded demo accounts, for the demo sign-in."""
        with self.db.read() as tx:
            return tx.people.stakeholders(demo_only=True)

    def demo_stakeholder(self, requested: str) -> Stakeholder:
        """The demo stakeholder a demo sign-in link names (``?as=12``), as typed in the URL.

        A link can only sign in as a seeded demo account that may act, never as a real one.

        Raises:
            NotFound: ``requested`` is not a stakeholder number, or names no demo stakeholder.
            NotAllowed: the demo stakeholder is suspended.
        """
        text = requested.strip()
        # At most 18 digits: any larger number is no stakeholder and overflows a BIGINT.
        if not (text.isascii() and text.isdigit() and len(text) <= 18):
            raise NotFound("no demo stakeholder has that number")
        with self.db.read() as tx:
            person = tx.people.get_stakeholder(int(text))
            if person is None or not tx.people.is_demo(person.id):
                raise NotFound(f"no demo stakeholder #{int(text)}")
        if person.suspended:
            raise NotAllowed(f"{person.display_name} is suspended")
        return person

    def profile(self, viewer: Stakeholder, stakeholder_id: int | None = None) -> Profile:
        """What Charter stores about a person: your own, or anyone's for a steward."""
        with self.db.read() as tx:
            me = self._acting(tx, viewer)
            target = me.id if stakeholder_id is None else stakeholder_id
            if target != me.id:
                _require_steward(me, "see another person's profile")
            return profile_of(tx, self._person(tx, target))

    def people(self, viewer: Stakeholder, query: PeopleQuery | None = None) -> PeoplePage:
        """Stakeholders matching a search, for stewards."""
        with self.db.read() as tx:
            _require_steward(self._acting(tx, viewer), "list people")
            return search(tx, query or PeopleQuery())

    def search_as_operator(self, query: PeopleQuery) -> PeoplePage:
        """Stakeholders matching a search, for the operator on the command line."""
        with self.db.read() as tx:
            return search(tx, query)

    def pending_requests(self, viewer: Stakeholder) -> list[GroupRequest]:
        """Group requests waiting for a steward, oldest first."""
        with self.db.read() as tx:
            _require_steward(self._acting(tx, viewer), "see group requests")
            return tx.people.group_requests(status=RequestStatus.PENDING)

    def screen(
        self, viewer: Stakeholder, query: PeopleQuery | None = None, chosen: int | None = None
    ) -> PeopleScreen:
        """The People page for a steward: requests waiting, a search, and the chosen person."""
        with self.db.read() as tx:
            _require_steward(self._acting(tx, viewer), "manage people")
            chosen_person = None if chosen is None else tx.people.get_stakeholder(chosen)
            return PeopleScreen(
                pending=tx.people.group_requests(status=RequestStatus.PENDING),
                found=search(tx, query or PeopleQuery()),
                chosen=None if chosen_person is None else profile_of(tx, chosen_person),
                groups=self.settings.groups,
                grantable=GRANTABLE_ROLES,
            )

    # -- the person's own changes ---------------------------------------------------------------

    def rename(self, actor: Stakeholder, display_name: str) -> Stakeholder:
        """Change your display name."""
        try:
            name = clean_text(display_name, max_length=NAME_MAX, multiline=False)
        except ValueError as exc:
            raise ValidationFailed({"display_name": str(exc)}) from None
        now = self.clock()
        with self.db.transaction() as tx:
            person = self._authorized(tx, actor, Action.EDIT_PROFILE)
            if name == person.display_name:
                return person
            tx.people.set_display_name(person.id, name)
            self._log(
                tx,
                actor_id=person.id,
                action=EventAction.STAKEHOLDER_RENAMED,
                subject=stakeholder_subject(person.id),
                at=now,
                before={"display_name": person.display_name},
                after={"display_name": name},
            )
            return self._person(tx, person.id)

    def request_group(self, actor: Stakeholder, group: str, justification: str) -> GroupRequest:
        """Ask to be recognised as a member of ``group``; a steward decides."""
        why = parse_reason(justification, field="justification", required=True)
        verifiable = [g for g in self.settings.groups if g != PUBLIC_GROUP]
        if group not in verifiable:
            raise ValidationFailed(
                {"group": f"choose one of: {', '.join(verifiable)}" if verifiable else "none"}
            )
        now = self.clock()
        with self.db.transaction() as tx:
            person = self._authorized(tx, actor, Action.REQUEST_GROUP)
            if group in person.groups:
                raise ValidationFailed({"group": f"you are already in the {group} group"})
            pending = tx.people.group_requests(
                status=RequestStatus.PENDING, stakeholder_id=person.id
            )
            if any(r.group == group for r in pending):
                raise ValidationFailed({"group": f"you already asked to join {group}; wait"})
            request_id = tx.people.insert_group_request(person.id, group, why, now)
            self._log(
                tx,
                actor_id=person.id,
                action=EventAction.GROUP_REQUESTED,
                subject=stakeholder_subject(person.id),
                at=now,
                reason=why,
                after={"group": group, "request": request_id},
            )
            return tx.people.group_requests(request_id=request_id)[0]

    def withdraw_request(self, actor: Stakeholder, request_id: int) -> GroupRequest:
        """Withdraw your own pending group request."""
        now = self.clock()
        with self.db.transaction() as tx:
            person = self._authorized(tx, actor, Action.REQUEST_GROUP)
            request = self._request(tx, request_id)
            if request.stakeholder_id != person.id:
                raise NotAllowed("you can withdraw only your own requests")
            tx.people.decide_group_request(
                request.id, RequestStatus.WITHDRAWN, by=person.id, at=now, reason="withdrawn"
            )
            self._log(
                tx,
                actor_id=person.id,
                action=EventAction.GROUP_REQUEST_WITHDRAWN,
                subject=stakeholder_subject(person.id),
                at=now,
                after={"group": request.group, "request": request.id},
            )
            return tx.people.group_requests(request_id=request.id)[0]

    @staticmethod
    def _request(tx: Tx, request_id: int) -> GroupRequest:
        found = tx.people.group_requests(request_id=request_id)
        if not found:
            raise NotFound(f"no group request #{request_id}")
        if found[0].status is not RequestStatus.PENDING:
            raise ValidationFailed(
                {"request": f"request #{request_id} is already {found[0].status.value}"}
            )
        return found[0]

    # -- stewards -------------------------------------------------------------------------------

    def decide_request(
        self, actor: Stakeholder, request_id: int, *, approve: bool, reason: str
    ) -> GroupRequest:
        """Approve or decline a pending group request, with a reason (a steward)."""
        why = parse_reason(reason, required=True)
        now = self.clock()
        with self.db.transaction() as tx:
            steward = self._authorized(tx, actor, Action.VERIFY_GROUPS)
            request = self._request(tx, request_id)
            if request.stakeholder_id == steward.id:
                raise NotAllowed("another steward must decide your own request")
            outcome = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
            person = self._person(tx, request.stakeholder_id)
            if approve and request.group not in person.groups:
                tx.people.add_group(person.id, request.group, Source.STEWARD)
            tx.people.decide_group_request(request.id, outcome, by=steward.id, at=now, reason=why)
            self._log(
                tx,
                actor_id=steward.id,
                action=_DECIDED[outcome],
                subject=stakeholder_subject(person.id),
                at=now,
                reason=why,
                after={"group": request.group, "request": request.id},
            )
            return tx.people.group_requests(request_id=request.id)[0]

    def remove_group(
        self, actor: Stakeholder, stakeholder_id: int, group: str, reason: str
    ) -> Stakeholder:
        """End someone's membership of a verified group, with a reason (a steward)."""
        why = parse_reason(reason, required=True)
        now = self.clock()
        with self.db.transaction() as tx:
            steward = self._authorized(tx, actor, Action.VERIFY_GROUPS)
            person = self._person(tx, stakeholder_id)
            if group == PUBLIC_GROUP:
                raise ValidationFailed({"group": "everyone stays in the public group"})
            held = {g.name: g.source for g in tx.people.grants(person.id)[0]}
            if group not in held:
                raise ValidationFailed({"group": f"{person.display_name} is not in {group}"})
            if held[group] is Source.CLAIM:
                raise ValidationFailed({"group": f"{group} {_FROM_PROVIDER}"})
            tx.people.remove_group(person.id, group)
            self._grant_logged(
                tx, person.id, EventAction.GROUP_REMOVED, group, why, now, steward.id
            )
            return self._person(tx, person.id)

    def grant_role(
        self, actor: Stakeholder, stakeholder_id: int, role: Role, reason: str
    ) -> Stakeholder:
        """Give someone a role, with a reason (a steward)."""
        return self._change_role(actor, stakeholder_id, role, reason, grant=True)

    def revoke_role(
        self, actor: Stakeholder, stakeholder_id: int, role: Role, reason: str
    ) -> Stakeholder:
        """Take a role away, with a reason (a steward). The last active steward stays."""
        return self._change_role(actor, stakeholder_id, role, reason, grant=False)

    def grant_role_as_operator(self, stakeholder_id: int, role: Role, reason: str) -> Stakeholder:
        """Give a role as the operator who holds the database file (the command line).

        This is how the first steward is made; after that, stewards grant roles in the app.
        """
        return self._change_role(None, stakeholder_id, role, reason, grant=True)

    def _change_role(
        self,
        actor: Stakeholder | None,
        stakeholder_id: int,
        role: Role,
        reason: str,
        *,
        grant: bool,
    ) -> Stakeholder:
        why = parse_reason(reason, required=True)
        if role not in GRANTABLE_ROLES:
            raise ValidationFailed(
                {"role": f"choose one of: {', '.join(r.value for r in GRANTABLE_ROLES)}"}
            )
        now = self.clock()
        with self.db.transaction() as tx:
            actor_id = self._actor_id(tx, actor, Action.MANAGE_ROLES)
            person = self._person(tx, stakeholder_id)
            held = {Role(r.name): r.source for r in tx.people.grants(person.id)[1]}
            if grant:
                if role in held:
                    raise ValidationFailed({"role": f"{person.display_name} is already {role}"})
                tx.people.add_role(person.id, role, Source.STEWARD if actor else Source.SEED)
            else:
                if role not in held:
                    raise ValidationFailed({"role": f"{person.display_name} is not {role}"})
                if held[role] is Source.CLAIM:
                    raise ValidationFailed({"role": f"{role} {_FROM_PROVIDER}"})
                if role is Role.STEWARD and tx.people.count_with_role(Role.STEWARD) <= 1:
                    raise ValidationFailed(
                        {
                            "role": "this is the last active steward; grant the role to someone"
                            " else first"
                        }
                    )
                tx.people.remove_role(person.id, role)
            action = EventAction.ROLE_GRANTED if grant else EventAction.ROLE_REVOKED
            self._grant_logged(tx, person.id, action, role.value, why, now, actor_id)
            return self._person(tx, person.id)

    def create_stakeholder(
        self,
        actor: Stakeholder | None,
        *,
        display_name: str,
        groups: tuple[str, ...],
        roles: tuple[Role, ...] = (Role.PARTICIPANT,),
        is_demo: bool = False,
    ) -> Stakeholder:
        """Register a stakeholder without a sign-in (set-up, seeding, a steward).

        ``actor`` None means the system.
        """
        unknown = sorted(set(groups) - set(self.settings.groups))
        errors = {}
        if unknown:
            errors["groups"] = f"unknown group(s): {', '.join(unknown)}"
        try:
            name = clean_text(display_name, max_length=NAME_MAX, multiline=False)
        except ValueError as exc:
            errors["display_name"] = str(exc)
        if errors:
            raise ValidationFailed(errors)
        now = self.clock()
        with self.db.transaction() as tx:
            actor_id = self._actor_id(tx, actor, Action.REGISTER_PEOPLE)
            person = Stakeholder(
                id=tx.people.next_stakeholder_id(),
                display_name=name,
                groups=tuple(g for g in self.settings.groups if g in groups),
                roles=tuple(dict.fromkeys((Role.PARTICIPANT, *roles))),
                created_at=now,
            )
            tx.people.insert_stakeholder(
                person, is_demo=is_demo, source=Source.SEED if actor is None else Source.STEWARD
            )
            self._log(
                tx,
                actor_id=actor_id,
                action=EventAction.STAKEHOLDER_CREATED,
                subject=stakeholder_subject(person.id),
                at=now,
                after={"groups": list(person.groups), "roles": [r.value for r in person.roles]},
            )
        return person

    def set_account_status(
        self, actor: Stakeholder, stakeholder_id: int, status: AccountStatus, reason: str
    ) -> Stakeholder:
        """Suspend or reinstate an account (a steward); a reason is required.

        A suspended person can still sign in and read. Their earlier ballots stay counted
        unless a steward voids them (``charter.ballots.void``).
        """
        why = parse_reason(reason, required=True)
        now = self.clock()
        with self.db.transaction() as tx:
            steward = self._authorized(tx, actor, Action.SUSPEND_ACCOUNTS)
            person = self._person(tx, stakeholder_id)
            if person.id == steward.id:
                raise NotAllowed("you cannot change the status of your own account")
            if person.status is status:
                raise ValidationFailed({"status": f"the account is already {status.value}"})
            tx.people.set_stakeholder_status(person.id, status)
            self._log(
                tx,
                actor_id=steward.id,
                action=EventAction.STAKEHOLDER_STATUS_CHANGED,
                subject=stakeholder_subject(person.id),
                at=now,
                reason=why,
                before={"status": person.status.value},
                after={"status": status.value},
            )
        return person.model_copy(update={"status": status})
