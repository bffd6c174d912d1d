"""Who may do what: the permission table, checked inside every service that changes data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from governance.errors import ConfigurationError, NotAllowed
from governance.models import Role, Stakeholder

#: The actor recorded for automatic actions (closing a vote whose window ended, seeding).
SYSTEM_ACTOR: None = None
SYSTEM_NAME = "Charter (automatic)"


class Action(StrEnum):
    """Everything a person can do that changes data, and what not everyone may see."""

    PROPOSE = "propose a guideline"
    AMEND = "amend a guideline"
    COMMENT = "comment"
    VOTE = "vote"
    EDIT_PROFILE = "edit your profile"
    REQUEST_GROUP = "ask to join a group"
    SUBMIT = "submit a draft for deliberation"
    WITHDRAW = "withdraw a guideline"
    OPEN_VOTING = "open voting"
    CLOSE_VOTING = "close voting"
    HIDE_COMMENT = "hide or restore a comment"
    EDIT_RULES = "edit the rules"
    VERIFY_GROUPS = "decide group membership"
    MANAGE_ROLES = "grant or revoke roles"
    REGISTER_PEOPLE = "register a stakeholder"
    SUSPEND_ACCOUNTS = "suspend or reinstate accounts"
    VOID_VOTES = "void ballots"
    RELEASE_CONSTITUTION = "prepare and release a constitution"
    IMPORT_PRINCIPLES = "import principles as draft guidelines"
    REVIEW_AUDITS = "review audit verdicts"
    VIEW_JOBS = "see background jobs"
    CANCEL_JOBS = "cancel any background job"
    RUN_MODELS = "run models and curate what they make"
    RUN_AUDITS = "run audits, import their results and add audit suites"
    REOPEN_GUIDELINES = "send an adopted guideline back to deliberation"


@dataclass(frozen=True)
class Permission:
    """Who may take an action: anyone holding one of ``roles``, or the author if ``author``."""

    roles: frozenset[Role]
    author: bool = False


def _roles(*roles: Role, author: bool = False) -> Permission:
    return Permission(frozenset(roles), author=author)


_P, _M, _S, _A = Role.PARTICIPANT, Role.MODERATOR, Role.STEWARD, Role.AUDITOR
#: The permission table. Every stakeholder holds the participant role; the other roles are
#: granted by a steward or by a claim from a trusted identity provider.
PERMISSIONS: dict[Action, Permission] = {
    Action.PROPOSE: _roles(_P),
    Action.AMEND: _roles(author=True),
    Action.COMMENT: _roles(_P),
    Action.VOTE: _roles(_P),
    Action.EDIT_PROFILE: _roles(_P),
    Action.REQUEST_GROUP: _roles(_P),
    Action.SUBMIT: _roles(_M, author=True),
    Action.WITHDRAW: _roles(_M, author=True),
    Action.OPEN_VOTING: _roles(_M),
    Action.CLOSE_VOTING: _roles(_M),
    Action.HIDE_COMMENT: _roles(_M),
    Action.EDIT_RULES: _roles(_S),
    Action.VERIFY_GROUPS: _roles(_S),
    Action.MANAGE_ROLES: _roles(_S),
    Action.REGISTER_PEOPLE: _roles(_S),
    Action.SUSPEND_ACCOUNTS: _roles(_S),
    Action.VOID_VOTES: _roles(_S),
    Action.RELEASE_CONSTITUTION: _roles(_S),
    Action.IMPORT_PRINCIPLES: _roles(_S),
    Action.REVIEW_AUDITS: _roles(_A),
    # A job kind names the action needed to start or cancel it; stewards may cancel any.
    Action.VIEW_JOBS: _roles(_M, _S),
    Action.CANCEL_JOBS: _roles(_S),
    Action.RUN_MODELS: _roles(_S),
    Action.RUN_AUDITS: _roles(_A, _S),
    Action.REOPEN_GUIDELINES: _roles(_S),
}


def may(person: Stakeholder, action: Action, *, author_id: int | None = None) -> bool:
    """Whether ``person`` may take ``action`` (on something written by ``author_id``)."""
    if person.suspended:
        return False
    rule = PERMISSIONS[action]
    if rule.author and author_id is not None and author_id == person.id:
        return True
    return bool(rule.roles.intersection(person.roles))


def authorize(person: Stakeholder, action: Action, *, author_id: int | None = None) -> None:
    """Raise ``NotAllowed`` unless ``person`` may take ``action``."""
    if person.suspended:
        raise NotAllowed("your account is suspended: you can read but not act")
    if may(person, action, author_id=author_id):
        return
    rule = PERMISSIONS[action]
    who = [f"{r.value}s" for r in sorted(rule.roles)]
    if rule.author:
        who.insert(0, "its author")
    raise NotAllowed(f"only {' or '.join(who)} may {action.value}")


def authorize_any(person: Stakeholder, actions: Sequence[Action], doing: str) -> None:
    """Raise ``NotAllowed`` unless ``person`` may take one of ``actions``.

    Args:
        person: The acting person, as stored.
        actions: Any one of these is enough (author rules do not apply); none: only the
            system may.
        doing: What they are trying to do, named in the message when ``actions`` is not
            exactly one (``cancel close due votes``).
    """
    if len(actions) == 1:
        authorize(person, actions[0])
        return
    if person.suspended:
        raise NotAllowed("your account is suspended: you can read but not act")
    if any(may(person, action) for action in actions):
        return
    roles = sorted({role for action in actions for role in PERMISSIONS[action].roles})
    if not roles:
        raise NotAllowed(f"only the system may {doing}")
    raise NotAllowed(f"only {' or '.join(f'{r.value}s' for r in roles)} may {doing}")


class SignInMode(StrEnum):
    """How people sign in to this deployment."""

    DEMO = "demo"
    """Pick any seeded demo stakeholder; for trying Charter locally."""
    OIDC = "oidc"
    """OpenID Connect through ``st.login``."""
    READ_ONLY = "read-only"
    """No sign-in configured: everyone can read, nobody can act."""


def sign_in_mode(*, demo_requested: bool, oidc_configured: bool) -> SignInMode:
    """Decide the sign-in mode; demo sign-in is impossible while real sign-in is configured."""
    if demo_requested and oidc_configured:
        raise ConfigurationError(
            "CHARTER_DEMO is set but [auth] sign-in is configured in .streamlit/secrets.toml;"
            " demo sign-in would let anyone act as anyone, so Charter refuses to start."
            " Unset CHARTER_DEMO or remove [auth]."
        )
    if oidc_configured:
        return SignInMode.OIDC
    return SignInMode.DEMO if demo_requested else SignInMode.READ_ONLY
