"""Guidelines: proposing, amending and moving them through their life, and their screens.

Reached as ``charter.guidelines``. Each use case validates its input before touching
storage, reloads the acting person inside its transaction (so a suspension or a role change
takes effect at once), checks permission, then writes its changes and their event-log
entries in one transaction. A refused action raises a ``GovernanceError`` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from governance.auth import SYSTEM_ACTOR, SYSTEM_NAME, Action, authorize, may
from governance.config import Settings
from governance.errors import NotAllowed, NotFound, StaleVersion, ValidationFailed
from governance.events import Event, EventAction
from governance.ids import parse_guideline_id
from governance.lifecycle import AMENDABLE, TransitionContext, check_transition
from governance.models import (
    Comment,
    Guideline,
    GuidelineFilter,
    GuidelineText,
    GuidelineVersion,
    Stakeholder,
    Status,
    Vote,
    VotingWindow,
)
from governance.services.ballots import Ballots, vote_refusal
from governance.services.base import FORM_SPENT, Clock, UseCases, utc_now
from governance.storage import Database, Tx
from governance.storage.forms import FormUse
from governance.text import is_utf8
from governance.validation import parse_form_token, parse_guideline_text, parse_reason
from governance.voting import Counts, Decision, RecordedTally, Tally, tally

PAGE_SIZE = 25


@dataclass(frozen=True)
class Thread:
    """A top-level comment and its replies."""

    comment: Comment
    replies: tuple[Comment, ...]


@dataclass(frozen=True)
class Permissions:
    """What the viewer may do with a guideline right now (the services check again)."""

    vote: bool = False
    comment: bool = False
    amend: bool = False
    submit: bool = False
    withdraw: bool = False
    open_voting: bool = False
    close_voting: bool = False
    moderate: bool = False
    """Hide or restore comments."""


@dataclass(frozen=True)
class GuidelineDetail:
    """Everything the guideline page shows."""

    guideline: Guideline
    versions: tuple[GuidelineVersion, ...]
    threads: tuple[Thread, ...]
    history: tuple[Event, ...]
    tally: Tally | None
    decision: Decision | None
    my_vote: Vote | None
    ballots_on_earlier_versions: int
    can: Permissions
    names: dict[int | None, str] = field(default_factory=dict)
    """Display names of everyone the page mentions; None is the system."""


@dataclass(frozen=True)
class ListedGuideline:
    """A row of the guideline list."""

    guideline: Guideline
    counts: Counts | None


@dataclass(frozen=True)
class GuidelinePage:
    """One page of a filtered guideline list."""

    items: tuple[ListedGuideline, ...]
    total: int
    page: int
    pages: int


class Guidelines(UseCases):
    """Propose, amend, submit, withdraw, open and close voting; the guideline screens.

    Args:
        db: The database.
        settings: Groups, categories and the rest of the deployment's settings.
        ballots: The ballots area, whose tallies decide a closed vote.
        clock: Where "now" comes from.
    """

    def __init__(
        self, db: Database, settings: Settings, ballots: Ballots, *, clock: Clock = utc_now
    ) -> None:
        """Bind the use cases to a database."""
        super().__init__(db, settings, clock=clock)
        self._ballots = ballots

    def propose(
        self, actor: Stakeholder, raw: Mapping[str, object], *, token: str | None = None
    ) -> Guideline:
        """Propose a new guideline; it starts as a draft at version 1.

        One intention makes one guideline: a form sent twice (a double click, a second
        press of the button) carries the same ``token`` and gets the first guideline back.

        Args:
            actor: The author.
            raw: Field values as typed (see ``validation.GUIDELINE_FIELDS``); blank critique
                and revision requests are derived from the statement.
            token: Names the filled-in form (see ``validation.parse_form_token``). A second
                call with the author's token returns, unchanged, the guideline the first made;
                another person's token is theirs alone. None: every call proposes anew.

        Raises:
            ValidationFailed: The text or the token is not acceptable.
            NotAllowed: The person may not propose, or their token already made a guideline
                with other text or something else (a form is sent once; a new proposal
                needs a new form).
        """
        text = parse_guideline_text(raw, self.settings)
        form = None if token is None else parse_form_token(token)
        now = self.clock()
        with self.db.transaction() as tx:
            person = self._authorized(tx, actor, Action.PROPOSE)
            if form is not None:
                earlier = tx.forms.made_with(person.id, form)
                if earlier is not None:
                    if earlier.guideline_id is None or len(earlier.guideline_ids) > 1:
                        raise NotAllowed(FORM_SPENT)
                    return self._proposed_before(tx, earlier.guideline_id, text)
            guideline = self._create_draft(tx, person, text, now, actor_id=person.id)
            if form is not None:
                tx.forms.remember(person.id, form, FormUse(guideline_ids=(guideline.id,)), now)
            return guideline

    def _proposed_before(self, tx: Tx, guideline_id: str, text: GuidelineText) -> Guideline:
        """The guideline a form already made, if ``text`` is what that form sent."""
        first = tx.guidelines.versions(guideline_id)[0]
        if first.text != text:
            raise NotAllowed(
                f"this form already proposed {guideline_id} with other text; start a new proposal"
            )
        return self._guideline(tx, guideline_id)

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
        with self.db.transaction() as tx:
            person = self._acting(tx, actor)
            guideline = self._guideline(tx, guideline_id)
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
            tx.guidelines.insert_version(_version(guideline, text, person.id, why, now, version))
            updated = guideline.model_copy(update={"version": version, "text": text})
            if guideline.status is Status.VOTING:
                updated = self._move(
                    tx,
                    updated,
                    Status.DELIBERATION,
                    actor_id=person.id,
                    at=now,
                    ctx=TransitionContext(reason=why, amended=True),
                    voting=None,
                )
            else:
                updated = updated.model_copy(update={"updated_at": now})
                tx.guidelines.update_guideline(updated)
            self._log(
                tx,
                actor_id=person.id,
                action=EventAction.GUIDELINE_AMENDED,
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
        with self.db.transaction() as tx:
            person = self._acting(tx, actor)
            guideline = self._guideline(tx, guideline_id)
            authorize(person, action, author_id=guideline.author_id)
            return self._move(
                tx, guideline, to, actor_id=person.id, at=now, ctx=TransitionContext(reason=why)
            )

    def open_voting(self, actor: Stakeholder, guideline_id: str, reason: str = "") -> Guideline:
        """Open voting on the current version, under the rules in force now (a moderator)."""
        why = parse_reason(reason)
        now = self.clock()
        with self.db.transaction() as tx:
            person = self._authorized(tx, actor, Action.OPEN_VOTING)
            guideline = self._guideline(tx, guideline_id)
            rules = tx.rules.rules_history()[0].rules
            window = VotingWindow(
                version=guideline.version,
                opens_at=now,
                closes_at=now + timedelta(days=rules.voting_window_days),
                rules_version=rules.version,
            )
            return self._move(
                tx,
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
        with self.db.transaction() as tx:
            person = self._authorized(tx, actor, Action.CLOSE_VOTING)
            guideline = self._guideline(tx, guideline_id)
            if (
                guideline.status is Status.VOTING
                and guideline.voting is not None
                and now < guideline.voting.closes_at
                and not why
            ):
                raise ValidationFailed(
                    {"reason": "closing before the voting window ends needs a reason"}
                )
            return self._decide(tx, guideline, actor_id=person.id, at=now, reason=why)

    def close_due(self) -> list[Guideline]:
        """Close every vote whose window has ended; the system is the actor."""
        now = self.clock()
        closed = []
        with self.db.transaction() as tx:
            for guideline_id in tx.guidelines.voting_due(now):
                decided = self.decide_due(tx, guideline_id, now)
                if decided is not None:
                    closed.append(decided)
        return closed

    def decide_due(self, tx: Tx, guideline_id: str, at: datetime) -> Guideline | None:
        """Close one vote whose window has ended, inside ``tx``; the system is the actor.

        Returns None when the guideline is no longer in a vote that has ended (someone closed
        it, or it was amended back into deliberation), so a retried job item does nothing.
        """
        guideline = self._guideline(tx, guideline_id)
        window = guideline.voting
        if guideline.status is not Status.VOTING or window is None or window.closes_at > at:
            return None
        return self._decide(
            tx, guideline, actor_id=SYSTEM_ACTOR, at=at, reason="voting window ended"
        )

    def _decide(
        self,
        tx: Tx,
        guideline: Guideline,
        *,
        actor_id: int | None,
        at: datetime,
        reason: str,
    ) -> Guideline:
        if guideline.status is not Status.VOTING or guideline.voting is None:
            check_transition(guideline.status, Status.APPROVED)  # raises, naming the states
            raise AssertionError("unreachable")
        result = self._ballots.tally_in(tx, guideline.id, guideline.voting)
        outcome = Status.APPROVED if result.approved else Status.REJECTED
        decided = self._move(
            tx,
            guideline,
            outcome,
            actor_id=actor_id,
            at=at,
            ctx=TransitionContext(reason=reason or "voting closed", outcome=outcome),
        )
        tx.guidelines.insert_decision(
            guideline.id,
            Decision(
                version=guideline.voting.version,
                outcome=outcome,
                rules_version=result.rules_version,
                decided_at=at,
                decided_by=actor_id,
                reason=reason,
                tally=RecordedTally.of(result),
            ),
        )
        self._log(
            tx,
            actor_id=actor_id,
            action=EventAction.GUIDELINE_DECIDED,
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

    # -- screens ----------------------------------------------------------------------------

    def detail(self, guideline_id: str, viewer: Stakeholder | None) -> GuidelineDetail:
        """Everything the guideline page shows, including what ``viewer`` may do now."""
        with self.db.read() as tx:
            seen = None if viewer is None else tx.people.get_stakeholder(viewer.id)
            return _detail(tx, guideline_id, seen, self.settings.groups, self.clock())

    def listing(self, where: GuidelineFilter, page: int = 1) -> GuidelinePage:
        """One page of the guideline list, narrowed by ``where``."""
        words = [where.text, *where.categories, *where.languages]
        if not all(is_utf8(w) for w in words):
            raise ValidationFailed({"text": "contains a lone surrogate; remove it"})
        with self.db.read() as tx:
            return _listing(tx, where, page)


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


def permissions_for(
    viewer: Stakeholder | None, guideline: Guideline, now: datetime, groups: tuple[str, ...]
) -> Permissions:
    """What ``viewer`` may do with ``guideline`` now, as the services would decide it."""
    if viewer is None or viewer.suspended:
        return Permissions()
    status, author = guideline.status, guideline.author_id
    refusal = vote_refusal(viewer, guideline.id, status, guideline.voting, now, groups)
    return Permissions(
        vote=refusal is None,
        comment=status not in {Status.WITHDRAWN, Status.RETIRED} and may(viewer, Action.COMMENT),
        amend=status in AMENDABLE and may(viewer, Action.AMEND, author_id=author),
        submit=status is Status.DRAFT and may(viewer, Action.SUBMIT, author_id=author),
        withdraw=status in {Status.DRAFT, Status.DELIBERATION}
        and may(viewer, Action.WITHDRAW, author_id=author),
        open_voting=status is Status.DELIBERATION and may(viewer, Action.OPEN_VOTING),
        close_voting=status is Status.VOTING and may(viewer, Action.CLOSE_VOTING),
        moderate=may(viewer, Action.HIDE_COMMENT),
    )


def _threads(comments: list[Comment]) -> tuple[Thread, ...]:
    """Group comments into top-level threads with their replies, in the order written."""
    replies: dict[int, list[Comment]] = {}
    for c in comments:
        if c.parent_id is not None:
            replies.setdefault(c.parent_id, []).append(c)
    return tuple(Thread(c, tuple(replies.get(c.id, ()))) for c in comments if c.parent_id is None)


def _detail(
    tx: Tx,
    guideline_id: str,
    viewer: Stakeholder | None,
    groups: tuple[str, ...],
    now: datetime,
) -> GuidelineDetail:
    """Gather the guideline page from one snapshot."""
    guideline = tx.guidelines.get_guideline(parse_guideline_id(guideline_id))
    if guideline is None:
        raise NotFound(f"no guideline {guideline_id!r}")
    versions = tx.guidelines.versions(guideline.id)
    history = tx.events.find(
        subject=guideline.id,
        actions=(
            EventAction.GUIDELINE_PROPOSED,
            EventAction.GUIDELINE_AMENDED,
            EventAction.GUIDELINE_TRANSITIONED,
        ),
        ascending=True,
        limit=500,
    )
    live_tally = my_vote = None
    counted = 0
    if guideline.voting is not None:
        window = guideline.voting
        overall, by_group = tx.votes.ballot_counts(guideline.id, window.version)
        rules = tx.rules.rules_history(window.rules_version)[0].rules
        live_tally = tally(overall, by_group, rules, groups)
        counted = overall.total
        if viewer is not None:
            my_vote = tx.votes.get_vote(guideline.id, window.version, viewer.id)
    decision = tx.guidelines.decision(guideline.id)
    comments = tx.discussion.comments(guideline.id)
    mentioned = [e.actor_id for e in history] + [v.author_id for v in versions]
    if decision is not None:
        mentioned.append(decision.decided_by)
    names: dict[int | None, str] = {None: SYSTEM_NAME}
    names.update(tx.people.names(mentioned))
    return GuidelineDetail(
        guideline=guideline,
        versions=tuple(versions),
        threads=_threads(comments),
        history=tuple(history),
        tally=live_tally,
        decision=decision,
        my_vote=my_vote,
        ballots_on_earlier_versions=tx.votes.count_votes(guideline.id) - counted,
        can=permissions_for(viewer, guideline, now, groups),
        names=names,
    )


def _listing(tx: Tx, where: GuidelineFilter, page: int) -> GuidelinePage:
    """One page of the filtered list, with ballot counts for guidelines put to a vote."""
    page = max(page, 1)
    items, total = tx.guidelines.search_guidelines(
        where, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    totals = tx.votes.ballot_totals([(g.id, g.voting.version) for g in items if g.voting])
    listed = tuple(
        ListedGuideline(g, totals.get(g.id, Counts()) if g.voting else None) for g in items
    )
    return GuidelinePage(listed, total, page, max(1, -(-total // PAGE_SIZE)))
