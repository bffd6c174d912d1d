"""Ballots: casting them (with group commit), tallies, and the one rule for who may vote.

Casting a ballot is the one write many people do at once. Each cast is checked and written
exactly as alone, but ballots that arrive while another batch is being written are written
together in the next transaction: one read of the voters, the guidelines and their earlier
ballots, one insert, one commit. Under load that keeps the latency of a cast near the time of
one transaction instead of growing with the queue.

There is no background thread: a caller who finds no batch in progress writes everything
queued, its own ballot included; the others wait for their result. When the last batch had
company, the writer first waits up to ``GATHER_S`` for as many ballots to queue: under load,
the voters just answered come back a moment apart, and without the wait one of them would
be written alone and the rest in the next transaction (half the ballots per transaction).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from governance.auth import Action, authorize
from governance.config import Settings
from governance.errors import (
    Conflict,
    GovernanceError,
    NotAllowed,
    NotFound,
    StaleVersion,
    ValidationFailed,
    VotingClosed,
)
from governance.events import Event, EventAction
from governance.ids import guideline_ref, parse_guideline_id, stakeholder_subject
from governance.models import Choice, GovernanceRules, Stakeholder, Status, Vote, VotingWindow
from governance.services.base import Clock, UseCases, event, known_person, utc_now
from governance.storage import Database, Tx
from governance.storage.summaries import FOLD_EVERY
from governance.validation import parse_choice, parse_reason
from governance.voting import Counts, Tally, tally

log = logging.getLogger(__name__)
#: Times a ballot is tried again after colliding with another process's write (PostgreSQL).
CONFLICT_RETRIES = 4
#: The first pause before trying again (seconds); each next one is twice as long.
CONFLICT_PAUSE_S = 0.005
#: Longest a writer waits for the next ballots of a busy moment to gather (seconds).
GATHER_S = 0.0005


def vote_refusal(
    person: Stakeholder,
    guideline_id: str,
    status: Status,
    window: VotingWindow | None,
    at: datetime,
    groups: Iterable[str],
) -> GovernanceError | None:
    """Why ``person`` may not vote on a guideline at ``at``; None when they may.

    The one "may vote" rule: the ballot box refuses with it and the guideline page shows the
    ballot buttons only when it says None.

    Args:
        person: The voter, as stored.
        guideline_id: The guideline.
        status: Its status.
        window: Its voting window, if it was ever put to a vote.
        at: When the ballot is cast.
        groups: The deployment's stakeholder groups: a voter must belong to one.
    """
    try:
        authorize(person, Action.VOTE)
    except NotAllowed as exc:
        return exc
    if not set(groups).intersection(person.groups):
        return NotAllowed("you are not in any stakeholder group yet, so you cannot vote")
    if status is not Status.VOTING or window is None:
        return VotingClosed(f"{guideline_id} is {status.value}, not open for voting")
    if at >= window.closes_at:
        return VotingClosed(
            f"voting on {guideline_id} closed at {window.closes_at:%Y-%m-%d %H:%M} UTC"
        )
    return None


@dataclass
class Ballot:
    """One cast, as requested, and what became of it."""

    stakeholder_id: int
    guideline_id: str
    choice: Choice
    reason: str
    version: int | None
    at: datetime
    done: threading.Event = field(default_factory=threading.Event)
    result: Vote | None = None
    error: BaseException | None = None


class Ballots(UseCases):
    """Cast ballots and count them. Reached as ``charter.ballots``.

    Args:
        db: The database.
        settings: Groups and the rest of the deployment's settings.
        clock: Where "now" comes from.
    """

    def __init__(self, db: Database, settings: Settings, *, clock: Clock = utc_now) -> None:
        """Collect ballots for ``db``."""
        super().__init__(db, settings, clock=clock)
        self._queue: list[Ballot] = []
        self._leading = False
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        """Notified when a batch is written."""
        self._arrived = threading.Condition(self._lock)
        """Notified when a ballot joins the queue."""
        self._rules_cache: dict[int, GovernanceRules] = {}
        self._since_fold = 0
        self._last_batch = 0
        self.fold_every = FOLD_EVERY
        """Ballots written between two folds of the summaries' pending moves."""

    def cast(
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

        Raises:
            GovernanceError: The ballot was refused; nothing was stored for it.
        """
        ballot = Ballot(
            stakeholder_id=actor.id,
            guideline_id=parse_guideline_id(guideline_id),
            choice=parse_choice(choice),
            reason=parse_reason(reason),
            version=version,
            at=self.clock(),
        )
        return self._cast(ballot)

    def _cast(self, ballot: Ballot) -> Vote:
        # Batched with any ballot cast at the same time.
        batch: list[Ballot] = []
        with self._lock:
            self._queue.append(ballot)
            self._arrived.notify()
            # Wait until someone has written this ballot, or until nobody is writing: then
            # this caller writes everything queued, its own ballot included.
            while not ballot.done.is_set() and self._leading:
                self._changed.wait()
            if not ballot.done.is_set():
                self._leading = True
                if self._last_batch > 1:
                    # Busy: the voters of the last batch are coming back with their next
                    # ballots, a moment apart. Waiting for as many, briefly, writes them in
                    # one transaction instead of one alone and the rest in the next.
                    self._arrived.wait_for(
                        lambda: len(self._queue) >= self._last_batch, timeout=GATHER_S
                    )
                batch, self._queue = self._queue, []
                self._last_batch = len(batch)
        if batch:
            try:
                self._write(batch)
            finally:
                with self._lock:
                    self._leading = False
                    self._changed.notify_all()
        if ballot.error is not None:
            raise ballot.error
        assert ballot.result is not None
        return ballot.result

    def _write(self, batch: list[Ballot], attempt: int = 0) -> None:
        try:
            with self.db.transaction() as tx:
                self._apply(tx, batch)
            self._since_fold += len(batch)
            if self._since_fold >= self.fold_every:
                self._since_fold = 0
                self._fold()
        except Exception as exc:
            for ballot in batch:
                ballot.result = None
            if len(batch) == 1:
                if isinstance(exc, Conflict) and attempt < CONFLICT_RETRIES:
                    # Another process wrote the same ballot or closed the vote meanwhile:
                    # read again and decide again, after a short, growing pause.
                    time.sleep(CONFLICT_PAUSE_S * 2**attempt)
                    self._write(batch, attempt + 1)
                    return
                batch[0].error = exc
            else:
                # Something failed that checks did not foresee: write each alone, so one
                # ballot's failure cannot take the others with it.
                for ballot in batch:
                    ballot.error = None
                    self._write([ballot])
        finally:
            for ballot in batch:
                ballot.done.set()

    def _fold(self) -> None:
        """Now and then, the summaries take the moves in: a few ms, and few moves to add.

        In a transaction of its own that reads one snapshot, so other processes' ballots
        are not held up; if it fails, the ballots written stand and the next fold takes the
        moves in.
        """
        try:
            with self.db.transaction() as tx:
                tx.summaries.fold(alone=True)
        except Conflict:
            log.info("ballots: another process folded the same moves first")
        except Exception:
            log.exception("ballots: could not fold the summaries' moves; the next fold will")

    def _apply(self, tx: Tx, batch: list[Ballot]) -> None:
        people = tx.people.stakeholders_by_id([b.stakeholder_id for b in batch])
        states = tx.guidelines.voting_states([b.guideline_id for b in batch])
        stored = tx.votes.votes_of(list(people))
        current = dict(stored)
        writes: dict[tuple[str, int, int], Vote] = {}
        events: list[Event] = []
        cast: list[Vote] = []  # every ballot that changed something, as the log has them
        for ballot in batch:
            try:
                vote, before = self._check(ballot, people, states, current)
            except GovernanceError as exc:
                ballot.error = exc
                continue
            ballot.result = vote
            if before is not None and before.choice is vote.choice and before.reason == vote.reason:
                ballot.result = before  # the same ballot again (a double click) changes nothing
                continue
            key = (vote.guideline_id, vote.version, vote.stakeholder_id)
            current[key] = writes[key] = vote
            cast.append(vote)
            events.append(
                event(
                    actor_id=vote.stakeholder_id,
                    action=EventAction.VOTE_CAST,
                    subject=vote.guideline_id,
                    at=ballot.at,
                    reason=vote.reason,
                    before=None if before is None else _ballot(before),
                    after=_ballot(vote),
                )
            )
        tx.votes.write_ballots(
            [v for k, v in writes.items() if k not in stored],
            [(v, stored[k].choice) for k, v in writes.items() if k in stored],
            {person.id: person.groups for person in people.values()},
            cast,
        )
        tx.events.append_all(events)

    def _check(
        self,
        ballot: Ballot,
        people: dict[int, Stakeholder],
        states: dict[str, tuple[Status, VotingWindow | None]],
        current: dict[tuple[str, int, int], Vote],
    ) -> tuple[Vote, Vote | None]:
        person = known_person(people.get(ballot.stakeholder_id))
        gid = ballot.guideline_id
        if gid not in states:
            raise NotFound(f"no guideline {gid!r}")
        status, window = states[gid]
        refusal = vote_refusal(person, gid, status, window, ballot.at, self.settings.groups)
        if refusal is not None:
            raise refusal
        assert window is not None
        if ballot.version is not None and ballot.version != window.version:
            raise StaleVersion(
                f"voting is on version {window.version} of {gid}, not version"
                f" {ballot.version}; read the current text first"
            )
        vote = Vote(
            guideline_id=gid,
            version=window.version,
            stakeholder_id=person.id,
            choice=ballot.choice,
            reason=ballot.reason,
            cast_at=ballot.at,
        )
        return vote, current.get((gid, window.version, person.id))

    # -- voiding -------------------------------------------------------------------------

    def void(self, actor: Stakeholder, stakeholder_id: int, reason: str) -> list[str]:
        """Remove a person's ballots from every vote still open, with a reason (a steward).

        Voided ballots leave the count but stay on record (``voided_votes`` and the event
        log). Decided votes are final and keep their recorded tallies.

        Returns:
            The ids of the guidelines whose ballots were voided.
        """
        why = parse_reason(reason, required=True)
        now = self.clock()
        with self.db.transaction() as tx:
            steward = self._authorized(tx, actor, Action.VOID_VOTES)
            person = self._person(tx, stakeholder_id)
            ballots = tx.votes.open_ballots_of(person.id)
            if not ballots:
                raise ValidationFailed(
                    {"ballots": f"{person.display_name} has no ballots in a vote still open"}
                )
            tx.votes.void_ballots(person.id, ballots, by=steward.id, at=now, reason=why)
            voided = [guideline_ref(key) for key, _ in ballots]
            for (_, version), ref in zip(ballots, voided, strict=True):
                self._log(
                    tx,
                    actor_id=steward.id,
                    action=EventAction.VOTE_VOIDED,
                    subject=ref,
                    at=now,
                    reason=why,
                    before={"voter": person.id, "version": version},
                )
            self._log(
                tx,
                actor_id=steward.id,
                action=EventAction.STAKEHOLDER_BALLOTS_VOIDED,
                subject=stakeholder_subject(person.id),
                at=now,
                reason=why,
                after={"guidelines": voided},
            )
            return voided

    # -- tallies --------------------------------------------------------------------------

    def _rules_at(self, tx: Tx, version: int) -> GovernanceRules:
        # A rules version never changes once published, so it can be kept.
        rules = self._rules_cache.get(version)
        if rules is None:
            rules = self._rules_cache[version] = tx.rules.rules_history(version)[0].rules
        return rules

    def tally_in(self, tx: Tx, guideline_id: str, window: VotingWindow) -> Tally:
        """The tally of ``window`` inside an open transaction (closing a vote uses this)."""
        overall, by_group = tx.votes.ballot_counts(guideline_id, window.version)
        return tally(
            overall, by_group, self._rules_at(tx, window.rules_version), self.settings.groups
        )

    def tally(self, guideline_id: str) -> Tally:
        """The live tally of the version under vote (or last voted on), explained."""
        gid = parse_guideline_id(guideline_id)
        with self.db.read() as tx:
            state = tx.guidelines.voting_states([gid]).get(gid)
            if state is None:
                raise NotFound(f"no guideline {guideline_id!r}")
            status, window = state
            if window is None:
                raise VotingClosed(f"{gid} has not been put to a vote")
            return self.tally_in(tx, gid, window)

    def tally_all(self) -> dict[str, Tally]:
        """Tallies of every guideline that has a voting window, in one query."""
        with self.db.read() as tx:
            rules = {r.rules.version: r.rules for r in tx.rules.rules_history()}
            windows = tx.guidelines.voting_windows()
            counts = tx.votes.ballot_counts_under_vote()
        return {
            gid: tally(
                *counts.get(gid, (Counts(), {})),
                rules[window.rules_version],
                self.settings.groups,
            )
            for gid, window in windows.items()
        }


def _ballot(vote: Vote) -> dict[str, object]:
    return {"version": vote.version, "choice": vote.choice.value, "reason": vote.reason}
