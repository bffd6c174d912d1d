"""Rules: the published, versioned rules that decide every vote. Reached as ``charter.rules``.

A vote is decided under the rules in force when it opened; publishing a new version never
changes a vote already open.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from governance.auth import SYSTEM_ACTOR, Action
from governance.config import Settings
from governance.errors import NotFound, ValidationFailed
from governance.events import EventAction
from governance.models import GovernanceRules, RulesRecord, Stakeholder
from governance.services.base import Clock, UseCases, utc_now
from governance.storage import Database
from governance.validation import parse_reason


@dataclass(frozen=True)
class GroupRule:
    """What one group needs, under the rules in force."""

    group: str
    quorum: int
    threshold_pct: int


@dataclass(frozen=True)
class RulesScreen:
    """Everything the Rules page shows."""

    current: RulesRecord
    groups: tuple[GroupRule, ...]
    history: tuple[tuple[RulesRecord, str], ...]
    """Every version, newest first, with the name of who published it."""


class Rules(UseCases):
    """The rules in force, their history, and publishing a new version."""

    def __init__(self, db: Database, settings: Settings, *, clock: Clock = utc_now) -> None:
        """Bind to a database; publish the default rules if none exist."""
        super().__init__(db, settings, clock=clock)
        with db.transaction() as tx:
            tx.cursor.hold("rules")  # replicas starting together: one publishes them
            if not tx.rules.rules_history():
                tx.rules.insert_rules(
                    RulesRecord(
                        rules=GovernanceRules(),
                        created_at=self.clock(),
                        created_by=SYSTEM_ACTOR,
                        reason="default rules",
                    )
                )

    def current(self, version: int | None = None) -> RulesRecord:
        """The rules in force now, or a given version."""
        with self.db.read() as tx:
            found = tx.rules.rules_history(version)
        if not found:
            raise NotFound(f"no rules version {version}")
        return found[0]

    def history(self) -> list[RulesRecord]:
        """Every rules version, newest first."""
        with self.db.read() as tx:
            return tx.rules.rules_history()

    def update(
        self, actor: Stakeholder | None, changes: Mapping[str, object], reason: str
    ) -> RulesRecord:
        """Publish a new rules version (a steward; ``None`` is the system).

        Votes already open keep the rules they opened under.
        """
        why = parse_reason(reason, required=True)
        now = self.clock()
        with self.db.transaction() as tx:
            actor_id = self._actor_id(tx, actor, Action.EDIT_RULES)
            current = tx.rules.rules_history()[0].rules
            data = {**current.model_dump(), **changes, "version": current.version + 1}
            try:
                rules = GovernanceRules.model_validate(data)
            except ValueError as exc:
                raise ValidationFailed({"rules": str(exc).splitlines()[-1]}) from None
            unknown = rules.unknown_groups(self.settings.groups)
            if unknown:
                raise ValidationFailed({"rules": f"unknown group(s): {', '.join(sorted(unknown))}"})
            record = RulesRecord(rules=rules, created_at=now, created_by=actor_id, reason=why)
            tx.rules.insert_rules(record)
            self._log(
                tx,
                actor_id=actor_id,
                action=EventAction.RULES_UPDATED,
                subject="rules",
                at=now,
                reason=why,
                before=current.model_dump(mode="json"),
                after=rules.model_dump(mode="json"),
            )
        return record

    def screen(self) -> RulesScreen:
        """The Rules page: the rules in force per group and every version with its author."""
        with self.db.read() as tx:
            history = tx.rules.rules_history()
            names = tx.people.names(r.created_by for r in history)
        rules = history[0].rules
        return RulesScreen(
            current=history[0],
            groups=tuple(
                GroupRule(g, rules.quorum_for(g), rules.threshold_for(g))
                for g in self.settings.groups
            ),
            history=tuple(
                (r, "Charter" if r.created_by is None else names.get(r.created_by, "?"))
                for r in history
            ),
        )
