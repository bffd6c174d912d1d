"""The domain, as pydantic models: what a guideline, a vote and the rules are.

Models are the boundary: input is validated once, where it enters (form, CLI, import),
and typed objects travel inward. Value objects are frozen.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from governance.languages import LANGUAGES
from governance.text import clean_text

TITLE_MAX = 200
STATEMENT_MAX = 5_000
REQUEST_MAX = 5_500  # room for a request derived from a full-length statement
RATIONALE_MAX = 5_000
COMMENT_MAX = 5_000
REASON_MAX = 1_000
NOTES_MAX = 5_000  # release and rollback notes
PROMPT_MAX = 5_500  # a steward's comparison prompt, like a request
NAME_MAX = 120
TAGS_MAX = 10
_TAG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class Status(StrEnum):
    """Where a guideline is in its life."""

    DRAFT = "draft"
    DELIBERATION = "deliberation"
    VOTING = "voting"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ADOPTED = "adopted"
    RETIRED = "retired"


class Choice(StrEnum):
    """A ballot's choice."""

    APPROVE = "approve"
    REJECT = "reject"
    ABSTAIN = "abstain"


class Role(StrEnum):
    """What a stakeholder may do beyond taking part."""

    PARTICIPANT = "participant"
    MODERATOR = "moderator"
    STEWARD = "steward"
    AUDITOR = "auditor"


class AccountStatus(StrEnum):
    """Whether a stakeholder may act."""

    ACTIVE = "active"
    SUSPENDED = "suspended"


class Source(StrEnum):
    """Where a group membership or a role came from."""

    SEED = "seed"
    """Set up by the system (first start, demo data, the command line)."""
    SIGNUP = "signup"
    """The public group, given at first sign-in."""
    CLAIM = "claim"
    """A claim in the identity provider's token; re-checked at every sign-in."""
    STEWARD = "steward"
    """Granted by a steward, with a reason in the event log."""


class RequestStatus(StrEnum):
    """Where a request to join a group stands."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


def _single_line(limit: int, required: bool = True) -> AfterValidator:
    return AfterValidator(
        lambda v: clean_text(v, max_length=limit, multiline=False, required=required)
    )


def _multi_line(limit: int, required: bool = True) -> AfterValidator:
    return AfterValidator(
        lambda v: clean_text(v, max_length=limit, multiline=True, required=required)
    )


Title = Annotated[str, _single_line(TITLE_MAX)]
Name = Annotated[str, _single_line(NAME_MAX)]
Statement = Annotated[str, _multi_line(STATEMENT_MAX)]
Request = Annotated[str, _multi_line(REQUEST_MAX)]
Rationale = Annotated[str, _multi_line(RATIONALE_MAX, required=False)]
CommentBody = Annotated[str, _multi_line(COMMENT_MAX)]
Reason = Annotated[str, _multi_line(REASON_MAX, required=False)]
RequiredReason = Annotated[str, _multi_line(REASON_MAX)]


def _frozen() -> ConfigDict:
    return ConfigDict(frozen=True, extra="forbid")


class GuidelineText(BaseModel):
    """The words of one version of a guideline: everything an amendment may change."""

    model_config = _frozen()

    title: Title
    """A short name for the value, shown in lists (at most 200 characters, one line)."""
    statement: Statement
    """The value in plain words, as voters read it (at most 5,000 characters)."""
    critique_request: Request
    """Constitutional-AI critique request: asks a model where a response falls short."""
    revision_request: Request
    """Constitutional-AI revision request: asks a model to rewrite the response to comply."""
    rationale: Rationale = ""
    """Why the author thinks this matters (optional)."""
    category: str
    """One of the deployment's categories (``Settings.categories``)."""
    tags: tuple[str, ...] = ()
    """Lowercase keywords for search: letters, digits and hyphens, at most 10."""
    language: str = "en"
    """ISO 639-1 code of the language the text is written in."""

    @field_validator("tags", mode="before")
    @classmethod
    def _split_tags(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part for part in value.replace(";", ",").split(","))
        return value

    @field_validator("tags")
    @classmethod
    def _check_tags(cls, tags: tuple[str, ...]) -> tuple[str, ...]:
        cleaned: list[str] = []
        for raw in tags:
            tag = "-".join(raw.strip().lower().split())
            if not tag:
                continue
            if not _TAG.match(tag):
                raise ValueError(f"{raw.strip()!r}: use letters, digits and hyphens (max 40)")
            if tag not in cleaned:
                cleaned.append(tag)
        if len(cleaned) > TAGS_MAX:
            raise ValueError(f"at most {TAGS_MAX} tags")
        return tuple(cleaned)

    @field_validator("language")
    @classmethod
    def _check_language(cls, language: str) -> str:
        code = language.strip().lower()
        if code not in LANGUAGES:
            raise ValueError(f"unknown language code {language.strip()!r}")
        return code


class Stakeholder(BaseModel):
    """A person who takes part, with the groups their vote counts in."""

    model_config = _frozen()

    id: int
    """Stable number (the sign-in work maps an issuer and subject to it)."""
    display_name: Name
    """How the person is shown to others."""
    groups: tuple[str, ...]
    """Verified groups; a vote counts once in each and once overall."""
    roles: tuple[Role, ...] = (Role.PARTICIPANT,)
    """Roles held; every stakeholder is a participant."""
    status: AccountStatus = AccountStatus.ACTIVE
    """A suspended stakeholder can read but not act."""
    created_at: datetime
    """When the stakeholder first joined (UTC)."""

    @property
    def suspended(self) -> bool:
        """Whether the account is suspended."""
        return self.status is AccountStatus.SUSPENDED


class VotingWindow(BaseModel):
    """The version under vote, when voting closes and which rules decide it."""

    model_config = _frozen()

    version: int
    """The guideline version being voted on; ballots for other versions do not count."""
    opens_at: datetime
    """When voting opened (UTC)."""
    closes_at: datetime
    """When the window ends (UTC); ballots after this are refused."""
    rules_version: int
    """The rules pinned when voting opened; later rule changes do not affect this vote."""


class Guideline(BaseModel):
    """A guideline as it stands now: its current text and state."""

    model_config = _frozen()

    id: str
    """Identifier such as ``G-0007``."""
    status: Status
    """Lifecycle state."""
    version: int
    """The current version number (1 for the original proposal)."""
    text: GuidelineText
    """The words of the current version."""
    author_id: int
    """Who proposed it."""
    author_name: str
    """The author's display name."""
    created_at: datetime
    """When it was proposed (UTC)."""
    updated_at: datetime
    """When it last changed (UTC)."""
    voting: VotingWindow | None = None
    """The voting window, once voting has opened for the current version."""


class GuidelineVersion(BaseModel):
    """One stored version of a guideline's text; every version is kept."""

    model_config = _frozen()

    guideline_id: str
    """The guideline this is a version of."""
    version: int
    """1, 2, 3... in order."""
    text: GuidelineText
    """The words of this version."""
    author_id: int
    """Who wrote this version."""
    reason: str
    """Why this version was made (empty for the first)."""
    created_at: datetime
    """When this version was made (UTC)."""


class HiddenNote(BaseModel):
    """Why and by whom a comment was hidden."""

    model_config = _frozen()

    by_name: str
    """The moderator's display name."""
    at: datetime
    """When (UTC)."""
    reason: str
    """The moderator's reason, shown in place of the comment."""


class Comment(BaseModel):
    """A comment on a guideline, or a reply to one (one level deep)."""

    model_config = _frozen()

    id: int
    """Identifier."""
    guideline_id: str
    """The guideline discussed."""
    guideline_version: int
    """The version that was current when the comment was written."""
    parent_id: int | None
    """The comment this replies to, if a reply."""
    author_id: int
    """Who wrote it."""
    author_name: str
    """The author's display name."""
    author_groups: tuple[str, ...]
    """The author's groups when read, shown beside the name."""
    body: str
    """The text, rendered as safe markdown."""
    created_at: datetime
    """When it was written (UTC)."""
    hidden: HiddenNote | None = None
    """Set when a moderator hid the comment; the text stays stored for the record."""


class Vote(BaseModel):
    """A stakeholder's current ballot on one version of a guideline."""

    model_config = _frozen()

    guideline_id: str
    """The guideline voted on."""
    version: int
    """The version voted on."""
    stakeholder_id: int
    """Who voted."""
    choice: Choice
    """Approve, reject or abstain."""
    reason: str = ""
    """Optional reason given with the ballot."""
    cast_at: datetime
    """When this ballot was cast or last changed (UTC)."""


class GovernanceRules(BaseModel):
    """The published rules that decide a vote; versioned, and pinned when voting opens.

    Percentages are whole numbers so that comparisons are exact: a share meets a threshold
    when ``approve * 100 >= threshold * (approve + reject)``. Abstentions count towards
    quorum but not towards shares.
    """

    model_config = _frozen()

    version: int = 1
    """Rules version; every decision records the version it was decided under."""
    voting_window_days: int = Field(default=14, ge=1, le=365)
    """How long voting stays open."""
    overall_quorum: int = Field(default=50, ge=1)
    """Ballots (including abstentions) needed overall, each person counted once."""
    overall_threshold_pct: int = Field(default=60, ge=0, le=100)
    """Approval share needed overall, among approve and reject ballots."""
    default_group_quorum: int = Field(default=10, ge=1)
    """Ballots a group needs before its verdict counts, unless ``group_quorum`` says otherwise."""
    default_group_threshold_pct: int = Field(default=50, ge=0, le=100)
    """Approval share a group with quorum must reach, unless overridden per group."""
    group_quorum: dict[str, int] = Field(default_factory=dict)
    """Per-group quorum overrides."""
    group_threshold_pct: dict[str, int] = Field(default_factory=dict)
    """Per-group threshold overrides."""
    blocking_pct: int | None = Field(default=67, ge=1, le=100)
    """A group with quorum whose reject share reaches this blocks the guideline; None: off."""
    min_groups_with_quorum: int = Field(default=2, ge=1)
    """How many groups must reach quorum, so that support is shown across groups."""

    @model_validator(mode="after")
    def _check_overrides(self) -> GovernanceRules:
        for group, quorum in self.group_quorum.items():
            if quorum < 1:
                raise ValueError(f"group_quorum for {group!r} must be at least 1")
        for group, pct in self.group_threshold_pct.items():
            if not 0 <= pct <= 100:
                raise ValueError(f"group_threshold_pct for {group!r} must be 0-100")
        return self

    def quorum_for(self, group: str) -> int:
        """Quorum that applies to ``group``."""
        return self.group_quorum.get(group, self.default_group_quorum)

    def threshold_for(self, group: str) -> int:
        """Approval threshold (percent) that applies to ``group``."""
        return self.group_threshold_pct.get(group, self.default_group_threshold_pct)

    def unknown_groups(self, groups: tuple[str, ...]) -> set[str]:
        """Groups named in overrides that the deployment does not have."""
        return (set(self.group_quorum) | set(self.group_threshold_pct)) - set(groups)


class RulesRecord(BaseModel):
    """A stored version of the rules, with who set it and why."""

    model_config = _frozen()

    rules: GovernanceRules
    """The rules themselves."""
    created_at: datetime
    """When this version took effect (UTC)."""
    created_by: int | None
    """Who set it (None: the system)."""
    reason: str
    """Why it changed."""


class Grant(BaseModel):
    """One group membership or role and where it came from."""

    model_config = _frozen()

    name: str
    """The group or role."""
    source: Source
    """How it was granted."""


class LinkedIdentity(BaseModel):
    """A sign-in identity linked to a stakeholder."""

    model_config = _frozen()

    issuer: str
    """The provider's issuer URL."""
    subject: str
    """The provider's stable id for the person."""
    provider: str
    """The provider's name in ``[auth]``."""
    first_seen_at: datetime
    """First sign-in (UTC)."""
    last_seen_at: datetime
    """Latest sign-in (UTC)."""


class GroupRequest(BaseModel):
    """A person's request to be recognised as a member of a group; a steward decides."""

    model_config = _frozen()

    id: int
    """Identifier."""
    stakeholder_id: int
    """Who asks."""
    stakeholder_name: str
    """Their display name."""
    group: str
    """The group asked for."""
    justification: str
    """Why, in the person's words (shown to stewards as safe markdown)."""
    status: RequestStatus
    """Pending until a steward decides (or the person withdraws it)."""
    requested_at: datetime
    """When asked (UTC)."""
    decided_by: int | None = None
    """The steward who decided."""
    decided_at: datetime | None = None
    """When decided (UTC)."""
    decision_reason: str = ""
    """The steward's reason."""


class VoidedVote(BaseModel):
    """A ballot a steward removed from the count; kept on record."""

    model_config = _frozen()

    guideline_id: str
    """The guideline."""
    version: int
    """The version voted on."""
    choice: Choice
    """The ballot as cast."""
    cast_at: datetime
    """When it was cast (UTC)."""
    voided_by: int
    """The steward."""
    voided_at: datetime
    """When voided (UTC)."""
    void_reason: str
    """The steward's reason."""


class DashboardFilter(BaseModel):
    """What the dashboard's charts are narrowed to; empty means no restriction.

    Each chart uses the filters that mean something for it (its caption says which).
    """

    model_config = _frozen()

    since: date | None = None
    """First day (UTC) included."""
    until: date | None = None
    """Last day (UTC) included."""
    groups: tuple[str, ...] = ()
    """Only these stakeholder groups."""
    categories: tuple[str, ...] = ()
    """Only guidelines in these categories (of their current version)."""
    languages: tuple[str, ...] = ()
    """Only guidelines in these languages."""
    models: tuple[str, ...] = ()
    """Only audits of these models."""
    release: str | None = None
    """Only principles of this release (audits: only audits against it)."""


class GuidelineFilter(BaseModel):
    """What the guideline list is narrowed to; empty means no restriction."""

    model_config = _frozen()

    statuses: tuple[Status, ...] = ()
    """Only these statuses."""
    categories: tuple[str, ...] = ()
    """Only these categories."""
    languages: tuple[str, ...] = ()
    """Only these languages."""
    text: str = ""
    """Every word must appear in the title, statement, tags or id."""
    author_id: int | None = None
    """Only guidelines proposed by this stakeholder."""
