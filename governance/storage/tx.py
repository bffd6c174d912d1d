"""``Tx``: the queries of one transaction (or read snapshot), one attribute per area."""

from __future__ import annotations

from functools import cached_property

from governance.storage.analytics import Analytics
from governance.storage.audit_reviews import AuditReviewQueries
from governance.storage.audits import AuditQueries
from governance.storage.constitution import ConstitutionQueries
from governance.storage.cursors import Cursor
from governance.storage.discussion import DiscussionQueries
from governance.storage.events import EventQueries
from governance.storage.forms import FormQueries
from governance.storage.guidelines import GuidelineQueries
from governance.storage.jobs import JobQueries
from governance.storage.people import PeopleQueries
from governance.storage.revisions import ModelCallQueries, RevisionQueries
from governance.storage.rules import RuleQueries
from governance.storage.summaries import Summaries
from governance.storage.votes import VoteQueries


class Tx:
    """What a use case gets from ``Database.transaction()`` or ``.read()``.

    Each area's queries share the one cursor, so everything a use case does through them
    commits together or not at all. Areas are built on first use.
    """

    def __init__(self, cursor: Cursor) -> None:
        """Wrap the cursor of an open transaction."""
        self.cursor = cursor

    @cached_property
    def guidelines(self) -> GuidelineQueries:
        """Guidelines, versions, voting windows and decisions."""
        return GuidelineQueries(self.cursor)

    @cached_property
    def votes(self) -> VoteQueries:
        """Ballots and their counts."""
        return VoteQueries(self.cursor)

    @cached_property
    def discussion(self) -> DiscussionQueries:
        """Comments and their moderation."""
        return DiscussionQueries(self.cursor)

    @cached_property
    def forms(self) -> FormQueries:
        """Form tokens: what each sent form made."""
        return FormQueries(self.cursor)

    @cached_property
    def people(self) -> PeopleQueries:
        """Stakeholders, identities, groups, roles and requests."""
        return PeopleQueries(self.cursor)

    @cached_property
    def rules(self) -> RuleQueries:
        """Rules versions."""
        return RuleQueries(self.cursor)

    @cached_property
    def events(self) -> EventQueries:
        """The append-only event log."""
        return EventQueries(self.cursor)

    @cached_property
    def constitution(self) -> ConstitutionQueries:
        """Releases, principle edits and flag resolutions."""
        return ConstitutionQueries(self.cursor)

    @cached_property
    def jobs(self) -> JobQueries:
        """Jobs and their items."""
        return JobQueries(self.cursor)

    @cached_property
    def revisions(self) -> RevisionQueries:
        """Model revision runs, their results and their curation."""
        return RevisionQueries(self.cursor)

    @cached_property
    def model_calls(self) -> ModelCallQueries:
        """The cache of model calls."""
        return ModelCallQueries(self.cursor)

    @cached_property
    def audits(self) -> AuditQueries:
        """Audit suites, runs, verdicts and their reviews."""
        return AuditQueries(self.cursor)

    @cached_property
    def audit_reviews(self) -> AuditReviewQueries:
        """Verdicts, the review queue, reviews and their summaries."""
        return AuditReviewQueries(self.cursor)

    @cached_property
    def summaries(self) -> Summaries:
        """The dashboard's summary tables: folding pending moves, rebuilding."""
        return Summaries(self.cursor)

    @cached_property
    def analytics(self) -> Analytics:
        """Read-only analytics for the dashboard."""
        return Analytics(self.cursor)
