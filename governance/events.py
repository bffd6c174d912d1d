"""The append-only event log: what can happen (``EventAction``) and one entry (``Event``).

Services, screens and analytics SQL name actions only through ``EventAction``, so a renamed
or new action is one edit here. Stored entries carry ``schema_version``; readers reject
newer versions.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

#: The format version of an event-log entry written now.
EVENT_SCHEMA = 1


class EventAction(StrEnum):
    """Everything the event log records, as ``area.verb``."""

    GUIDELINE_PROPOSED = "guideline.proposed"
    GUIDELINE_IMPORTED = "guideline.imported"
    GUIDELINE_AMENDED = "guideline.amended"
    GUIDELINE_TRANSITIONED = "guideline.transitioned"
    GUIDELINE_DECIDED = "guideline.decided"
    VOTE_CAST = "vote.cast"
    VOTE_VOIDED = "vote.voided"
    COMMENT_ADDED = "comment.added"
    COMMENT_HIDDEN = "comment.hidden"
    COMMENT_RESTORED = "comment.restored"
    RULES_UPDATED = "rules.updated"
    STAKEHOLDER_SIGNED_UP = "stakeholder.signed_up"
    STAKEHOLDER_CREATED = "stakeholder.created"
    STAKEHOLDER_RENAMED = "stakeholder.renamed"
    STAKEHOLDER_STATUS_CHANGED = "stakeholder.status_changed"
    STAKEHOLDER_BALLOTS_VOIDED = "stakeholder.ballots_voided"
    GROUP_GRANTED = "group.granted"
    GROUP_REMOVED = "group.removed"
    GROUP_REQUESTED = "group.requested"
    GROUP_REQUEST_WITHDRAWN = "group.request_withdrawn"
    GROUP_REQUEST_APPROVED = "group.request_approved"
    GROUP_REQUEST_DECLINED = "group.request_declined"
    ROLE_GRANTED = "role.granted"
    ROLE_REVOKED = "role.revoked"
    PRINCIPLE_EDITED = "principle.edited"
    FLAG_RESOLVED = "flag.resolved"
    CONSTITUTION_RELEASED = "constitution.released"
    JOB_STARTED = "job.started"
    JOB_CANCELLED = "job.cancelled"
    JOB_FINISHED = "job.finished"
    REVISION_STARTED = "revision.started"
    REVISION_RESUMED = "revision.resumed"
    DATASET_ROW_EXCLUDED = "dataset.row_excluded"
    DATASET_ROW_RESTORED = "dataset.row_restored"
    AUDIT_SUITE_ADDED = "audit.suite_added"
    AUDIT_STARTED = "audit.started"
    AUDIT_RESUMED = "audit.resumed"
    AUDIT_IMPORTED = "audit.imported"
    VERDICT_REVIEWED = "verdict.reviewed"
    GUIDELINE_REOPENED = "guideline.reopened"


class Event(BaseModel):
    """One entry of the append-only event log: who did what, when, why, before and after."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = EVENT_SCHEMA
    """Format version of this entry; readers reject newer versions."""
    id: int | None = None
    """Position in the log, assigned when stored."""
    at: datetime
    """When it happened (UTC)."""
    actor_id: int | None
    """Who acted (None: the system, for automatic actions)."""
    action: EventAction
    """What happened, e.g. ``guideline.proposed``, ``vote.cast``."""
    subject: str
    """What it happened to: a guideline id (``G-0007``), ``stakeholder:12`` or ``rules``."""
    reason: str = ""
    """Why, in the actor's words."""
    before: dict[str, object] | None = None
    """The relevant state before, if any."""
    after: dict[str, object] | None = None
    """The relevant state after, if any."""
