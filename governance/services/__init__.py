"""Charter's services: one module per area, composed by ``Charter``.

Each area has one noun, the same on its page, in its service and in its storage:
guidelines, ballots, rules, discussion, people, constitution, imports, dashboard, events, jobs,
models, revisions, audits (and their reviews).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from governance.config import Settings
from governance.services.audit_reviews import AuditReviews
from governance.services.audits import Audits
from governance.services.ballots import Ballots
from governance.services.base import Clock, utc_now
from governance.services.constitution import Constitutions
from governance.services.dashboard import Dashboard
from governance.services.discussion import Discussion
from governance.services.events import EventLog
from governance.services.guidelines import Guidelines
from governance.services.imports import Imports
from governance.services.jobs import Jobs
from governance.services.models import Models
from governance.services.people import People
from governance.services.reports import Reports
from governance.services.revisions import Revisions
from governance.services.rules import Rules
from governance.services.transparency import Transparency
from governance.storage import Database, open_database


class Charter:
    """Every use case over one database, by area: ``charter.guidelines.propose(...)``.

    Charter holds no use case itself; it builds each area once and shares the database,
    the settings and the clock between them.

    Args:
        db: The database.
        settings: Groups, categories and the rest of the deployment's settings.
        clock: Where "now" comes from; tests and the demo seeder pass their own.
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        clock: Clock = utc_now,
        chat_models: Mapping[str, Any] | None = None,
    ) -> None:
        """Build every area over ``db``; publish the default rules if none exist.

        ``chat_models`` replaces the chat model of a registered model by name (tests pass
        LangChain's fake chat models).
        """
        self.db = db
        self.settings = settings
        self.clock = clock
        self.rules = Rules(db, settings, clock=clock)
        self.ballots = Ballots(db, settings, clock=clock)
        self.guidelines = Guidelines(db, settings, self.ballots, clock=clock)
        self.discussion = Discussion(db, settings, clock=clock)
        self.people = People(db, settings, clock=clock)
        self.constitution = Constitutions(db, settings, clock=clock)
        self.imports = Imports(db, settings, clock=clock)
        self.dashboard = Dashboard(db, settings, clock=clock)
        self.events = EventLog(db, settings, clock=clock)
        self.jobs = Jobs(db, settings, clock=clock, context=self)
        self.models = Models(db, settings, clock=clock, chat_models=chat_models)
        self.revisions = Revisions(
            db,
            settings,
            clock=clock,
            models=self.models,
            constitution=self.constitution,
            jobs=self.jobs,
        )
        self.audits = Audits(
            db,
            settings,
            clock=clock,
            models=self.models,
            constitution=self.constitution,
            jobs=self.jobs,
        )
        self.audit_reviews = AuditReviews(db, settings, clock=clock)
        self.reports = Reports(db, settings, clock=clock)
        self.transparency = Transparency(db, settings, clock=clock)

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        clock: Clock = utc_now,
        chat_models: Mapping[str, Any] | None = None,
    ) -> Charter:
        """Open the database the settings name and build Charter over it.

        Raises:
            DatabaseBusy: Another process holds the database.
        """
        return cls(open_database(settings.db), settings, clock=clock, chat_models=chat_models)

    def close(self) -> None:
        """Close the database; the object is unusable afterwards."""
        self.db.close()


__all__ = ["Charter"]
