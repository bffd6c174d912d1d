"""Use cases: everything a person (or the system) does that changes data.

Each use case validates its input before touching storage, reloads the acting person inside
its transaction (so a suspension or a role change takes effect at once), checks permission,
then writes its changes and their event-log entries in one transaction. A refused action
raises a ``GovernanceError`` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from governance import views
from governance.accounts import Accounts
from governance.auth import SYSTEM_ACTOR, Action, authorize
from governance.ballot_box import Ballot, BallotBox
from governance.config import Settings
from governance.discussion import Discussion
from governance.errors import (
    NotAllowed,
    NotFound,
    StaleVersion,
    ValidationFailed,
    VotingClosed,
)
from governance.jobs.service import Jobs
from governance.lifecycle import AMENDABLE, TransitionContext, check_transition
from governance.models import (
    GovernanceRules,
    Guideline,
    GuidelineText,
    GuidelineVersion,
    RulesRecord,
    Stakeholder,
    Status,
    Vote,
    VotingWindow,
    guideline_number,
    guideline_ref,
)
from governance.releases import Constitutions
from governance.storage import Database, Store
from governance.storage.store import DecisionRecord, GuidelineFilter
from governance.usecase import Clock, utc_now
from governance.validation import parse_choice, parse_guideline_text, parse_reason
from governance.views import Dashboard, GuidelineDetail, GuidelinePage
from governance.voting import Counts, Tally, tally


class Charter(Discussion):
    """Charter's use cases over one database: guidelines, discussion, votes and rules.

    Discussion (comments and their moderation) is inherited from ``Discussion``. People
    (sign-in, groups, roles, suspension) are ``charter.accounts``; the constitution is
    ``charter.constitution``; background jobs are ``charter.jobs``.

    Args:
        db: The database.
        settings: Groups, categories and the rest of the deployment's settings.
        clock: Where "now" comes from; tests and the demo seeder pass their own.
    """

    def __init__(self, db: Database, settings: Settings, *, clock: Clock = utc_now) -> None:
        """Bind the use cases to a database; publish the default rules if none exist."""
        super().__init__(db, settings, clock=clock)
        self.accounts = Accounts(db, settings, clock=clock)
        self.constitution = Constitutions(db, settings, clock=clock)
        self._ballots = BallotBox(db, settings.groups)
        self.jobs = Jobs(db, settings, clock=clock, context=self)
        self._rules_cache: dict[int, GovernanceRules] = {}
        with db.transaction() as store:
            if not store.rules_history():
                store.insert_rules(
                    RulesRecord(
                        rules=GovernanceRules(),
                        created_at=self.clock(),
                        created_by=SYSTEM_ACTOR,
                        reason="default rules",
                    )
                )

    # -- proposing and amending -----------------------------------------------------------

    def propose(self, actor: Stakeholder, raw: Mapping[str, object]) -> Guideline:
        """Propose a new guideline; it starts as a draft at version 1.

        Args:
            actor: The author.
            raw: Field values as typed (see ``validation.GUIDELINE_FIELDS``); blank critique
                and revision requests are derived from the statement.
        """
        text = parse_guideline_text(raw, self.settings)
        now = self.clock()
        with self.db.transaction() as store:
            person = self._authorized(store, actor, Action.PROPOSE)
            return self._create_draft(store, person, text, now, actor_id=person.id)

    def amend(
        self,
        actor: Stakeholder,
        guideline_id: str,
        raw: Mapping[str, object],
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> Guideline:
        """Make a new version of the text, keeping every earlier one.

        An amendment while voting is open sends the guideline back to deliberation: the
        ballots cast so far were for the old words and do not carry over.
        """
        text = parse_guideline_text(raw, self.settings)
        why = parse_reason(reason, required=True)
        now = self.clock()
        with self.db.transaction() as store:
            person = self._acting(store, actor)
            guideline = self._guideline(store, guideline_id)
            authorize(person, Action.AMEND, author_id=guideline.author_id)
            if guideline.status not in AMENDABLE:
                raise NotAllowed(
                    f"a {guideline.status.value} guideline can no longer be amended;"
                    " propose a new one instead"
                )
            if expected_version is not None and expected_version != guideline.version:
                raise StaleVersion(
                    f"{guideline.id} is now at version {guideline.version}; review it first"
                )
            if text == guideline.text:
                raise ValidationFailed({"statement": "nothing changed from the current version"})
            version = guideline.version + 1
            store.insert_version(_version(guideline, text, person.id, why, now, version))
            updated = guideline.model_copy(update={"version": version, "text": text})
            if guideline.status is Status.VOTING:
                updated = self._move(
                    store,
                    updated,
                    Status.DELIBERATION,
                    actor_id=person.id,
                    at=now,
                    ctx=TransitionContext(reason=why, amended=True),
                    voting=None,
                )
            else:
                updated = updated.model_copy(update={"updated_at": now})
                store.update_guideline(updated)
            self._log(
                store,
                actor_id=person.id,
                action="guideline.amended",
                subject=guideline.id,
                at=now,
                reason=why,
                before={"version": guideline.version, "title": guideline.text.title},
                after={"version": version, "title": text.title},
            )
        return updated

    # -- lifecycle ------------------------------------------------------------------------

    def submit(self, actor: Stakeholder, guideline_id: str, reason: str = "") -> Guideline:
        """Move a draft into deliberation (its author or a moderator)."""
        return self._simple_move(actor, guideline_id, Status.DELIBERATION, Action.SUBMIT, reason)

    def withdraw(self, actor: Stakeholder, guideline_id: str, reason: str) -> Guideline:
        """Withdraw a draft or a guideline in deliberation; a reason is required."""
        return self._simple_move(actor, guideline_id, Status.WITHDRAWN, Action.WITHDRAW, reason)

    def _simple_move(
        self, actor: Stakeholder, guideline_id: str, to: Status, action: Action, reason: str
    ) -> Guideline:
        why = parse_reason(reason)
        now = self.clock()
        with self.db.transaction() as store:
            person = self._acting(store, actor)
            guideline = self._guideline(store, guideline_id)
            authorize(person, action, author_id=guideline.author_id)
            return self._move(
                store, guideline, to, actor_id=person.id, at=now, ctx=TransitionContext(reason=why)
            )

    def open_voting(self, actor: Stakeholder, guideline_id: str, reason: str = "") -> Guideline:
        """Open voting on the current version, under the rules in force now (a moderator)."""
        why = parse_reason(reason)
        now = self.clock()
        with self.db.transaction() as store:
            person = self._authorized(store, actor, Action.OPEN_VOTING)
            guideline = self._guideline(store, guideline_id)
            rules = store.rules_history()[0].rules
            window = VotingWindow(
                version=guideline.version,
                opens_at=now,
                closes_at=now + timedelta(days=rules.voting_window_days),
                rules_version=rules.version,
            )
            return self._move(
                store,
                guideline,
                Status.VOTING,
                actor_id=person.id,
                at=now,
                ctx=TransitionContext(reason=why),
                voting=window,
            )

    def close_voting(self, actor: Stakeholder, guideline_id: str, reason: str = "") -> Guideline:
        """Close voting and record the decision (a moderator).

        Before the window ends this needs a reason, which goes into the record.
        """
        why = parse_reason(reason)
        now = self.clock()
        with self.db.transaction() as store:
            person = self._authorized(store, actor, Action.CLOSE_VOTING)
            guideline = self._guideline(store, guideline_id)
            if (
                guideline.status is Status.VOTING
                and guideline.voting is not None
                and now < guideline.voting.closes_at
                and not why
            ):
                raise ValidationFailed(
                    {"reason": "closing before the voting window ends needs a reason"}
                )
            return self._decide(store, guideline, actor_id=person.id, at=now, reason=why)

    def close_due(self) -> list[Guideline]:
        """Close every vote whose window has ended, in one transaction; the system acts.

        The app and ``python -m governance close-due`` run the ``close-due`` job instead,
        which decides each guideline in its own transaction.
        """
        now = self.clock()
        with self.db.transaction() as store:
            decided = [self.decide_due(store, gid, now) for gid in store.voting_due(now)]
        return [g for g in decided if g is not None]

    def decide_due(self, store: Store, guideline_id: str, at: datetime) -> Guideline | None:
        """Decide one guideline whose window ended by ``at``, inside the caller's transaction.

        Returns:
            The decided guideline, or None if it is no longer due (already decided,
            amended back to deliberation, or its window has not ended).
        """
        guideline = self._guideline(store, guideline_id)
        window = guideline.voting
        if guideline.status is not Status.VOTING or window is None or window.closes_at > at:
            return None
        return self._decide(
            store, guideline, actor_id=SYSTEM_ACTOR, at=at, reason="voting window ended"
        )

    def _decide(
        self,
        store: Store,
        guideline: Guideline,
        *,
        actor_id: int | None,
        at: datetime,
        reason: str,
    ) -> Guideline:
        if guideline.status is not Status.VOTING or guideline.voting is None:
            check_transition(guideline.status, Status.APPROVED)  # raises, naming the states
            raise AssertionError("unreachable")
        result = self._tally(store, guideline.id, guideline.voting)
        outcome = Status.APPROVED if result.approved else Status.REJECTED
        decided = self._move(
            store,
            guideline,
            outcome,
            actor_id=actor_id,
            at=at,
            ctx=TransitionContext(reason=reason or "voting closed", outcome=outcome),
        )
        record = {**result.model_dump(mode="json"), "lines": list(result.lines)}
        store.insert_decision(
            guideline.id,
            DecisionRecord(
                version=guideline.voting.version,
                outcome=outcome,
                rules_version=result.rules_version,
                decided_at=at,
                decided_by=actor_id,
                reason=reason,
                tally=record,
            ),
        )
        self._log(
            store,
            actor_id=actor_id,
            action="guideline.decided",
            subject=guideline.id,
            at=at,
            reason=result.summary,
            after={
                "outcome": outcome.value,
                "version": guideline.voting.version,
                "rules_version": result.rules_version,
                "lines": list(result.lines),
            },
        )
        return decided

    # -- votes ----------------------------------------------------------------------------

    def cast_vote(
        self,
        actor: Stakeholder,
        guideline_id: str,
        choice: str,
        reason: str = "",
        *,
        version: int | None = None,
    ) -> Vote:
        """Cast, or change, this person's ballot on the version under vote.

        A second ballot replaces the first (it never counts twice); the event log keeps both.
        Casting the same ballot again changes nothing, so a double click is harmless.

        Args:
            actor: The voter.
            guideline_id: The guideline.
            choice: ``approve``, ``reject`` or ``abstain``.
            reason: Optional reason.
            version: The version the voter read; refused if voting moved on to another.
        """
        ballot = Ballot(
            stakeholder_id=actor.id,
            guideline_id=_ref(guideline_id),
            choice=parse_choice(choice),
            reason=parse_reason(reason),
            version=version,
            at=self.clock(),
        )
        return self._ballots.cast(ballot)

    # -- rules ----------------------------------------------------------------------------

    def rules(self, version: int | None = None) -> RulesRecord:
        """The rules in force now, or a given version."""
        with self.db.read() as store:
            found = store.rules_history(version)
        if not found:
            raise NotFound(f"no rules version {version}")
        return found[0]

    def rules_history(self) -> list[RulesRecord]:
        """Every rules version, newest first."""
        with self.db.read() as store:
            return store.rules_history()

    def update_rules(
        self, actor: Stakeholder | None, changes: Mapping[str, object], reason: str
    ) -> RulesRecord:
        """Publish a new rules version (a steward; ``None`` is the system).

        Votes already open keep the rules they opened under.
        """
        why = parse_reason(reason, required=True)
        now = self.clock()
        with self.db.transaction() as store:
            actor_id = self._actor_id(store, actor, Action.EDIT_RULES)
            current = store.rules_history()[0].rules
            data = {**current.model_dump(), **changes, "version": current.version + 1}
            try:
                rules = GovernanceRules.model_validate(data)
            except ValueError as exc:
                raise ValidationFailed({"rules": str(exc).splitlines()[-1]}) from None
            unknown = rules.unknown_groups(self.settings.groups)
            if unknown:
                raise ValidationFailed({"rules": f"unknown group(s): {', '.join(sorted(unknown))}"})
            record = RulesRecord(rules=rules, created_at=now, created_by=actor_id, reason=why)
            store.insert_rules(record)
            self._log(
                store,
                actor_id=actor_id,
                action="rules.updated",
                subject="rules",
                at=now,
                reason=why,
                before=current.model_dump(mode="json"),
                after=rules.model_dump(mode="json"),
            )
        return record

    # -- tallies --------------------------------------------------------------------------

    def _rules_at(self, store: Store, version: int) -> GovernanceRules:
        # A rules version never changes once published, so it can be kept.
        rules = self._rules_cache.get(version)
        if rules is None:
            rules = self._rules_cache[version] = store.rules_history(version)[0].rules
        return rules

    def _tally(self, store: Store, guideline_id: str, window: VotingWindow) -> Tally:
        overall, by_group = store.ballot_counts(guideline_id, window.version)
        return tally(
            overall, by_group, self._rules_at(store, window.rules_version), self.settings.groups
        )

    def tally(self, guideline_id: str) -> Tally:
        """The live tally of the version under vote (or last voted on), explained."""
        gid = _ref(guideline_id)
        with self.db.read() as store:
            state = store.voting_states([gid]).get(gid)
            if state is None:
                raise NotFound(f"no guideline {guideline_id!r}")
            status, window = state
            if window is None:
                raise VotingClosed(f"{gid} has not been put to a vote")
            return self._tally(store, gid, window)

    def tally_all(self) -> dict[str, Tally]:
        """Tallies of every guideline that has a voting window, in one query."""
        with self.db.read() as store:
            rules = {r.rules.version: r.rules for r in store.rules_history()}
            windows = store.voting_windows()
            counts = store.ballot_counts_under_vote()
        return {
            gid: tally(
                *counts.get(gid, (Counts(), {})),
                rules[window.rules_version],
                self.settings.groups,
            )
            for gid, window in windows.items()
        }

    # -- screens --------------------------------------------------------------------------

    def _viewer(self, store: Store, viewer: Stakeholder | None) -> Stakeholder | None:
        return None if viewer is None else store.get_stakeholder(viewer.id)

    def guideline_detail(self, guideline_id: str, viewer: Stakeholder | None) -> GuidelineDetail:
        """Everything the guideline page shows, including what ``viewer`` may do now."""
        with self.db.read() as store:
            return views.guideline_detail(
                store, guideline_id, self._viewer(store, viewer), self.settings.groups, self.clock()
            )

    def guideline_list(self, where: GuidelineFilter, page: int = 1) -> GuidelinePage:
        """One page of the guideline list, narrowed by ``where``."""
        with self.db.read() as store:
            return views.guideline_page(store, where, page)

    def dashboard(self, viewer: Stakeholder | None) -> Dashboard:
        """The first screen: counts, what awaits the viewer, recent activity."""
        with self.db.read() as store:
            return views.dashboard(store, self._viewer(store, viewer), self.clock())


def _ref(guideline_id: str) -> str:
    """The canonical public id (``g-7`` -> ``G-0007``), or ``NotFound``."""
    number = guideline_number(guideline_id)
    if number is None:
        raise NotFound(f"no guideline {guideline_id!r}")
    return guideline_ref(number)


def _version(
    guideline: Guideline,
    text: GuidelineText,
    author_id: int,
    reason: str,
    at: datetime,
    version: int = 1,
) -> GuidelineVersion:
    return GuidelineVersion(
        guideline_id=guideline.id,
        version=version,
        text=text,
        author_id=author_id,
        reason=reason,
        created_at=at,
    )
