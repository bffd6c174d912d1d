"""Group commit for ballots.

Casting a ballot is the one write many people do at once. Each cast is checked and written
exactly as alone, but ballots that arrive while another batch is being written are written
together in the next transaction: one read of the voters, the guidelines and their earlier
ballots, one insert, one commit. Under load that keeps the latency of a cast near the time of
one transaction instead of growing with the queue.

There is no background thread: a caller who finds no batch in progress writes everything
queued, its own ballot included; the others wait for their result.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from governance.auth import Action, authorize
from governance.errors import GovernanceError, NotAllowed, NotFound, StaleVersion, VotingClosed
from governance.models import Choice, Event, Stakeholder, Status, Vote, VotingWindow
from governance.storage import Database, Store


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


class BallotBox:
    """Writes ballots in batches; ``cast`` behaves like a single transaction per ballot."""

    def __init__(self, db: Database, groups: tuple[str, ...]) -> None:
        """Collect ballots for ``db``; ``groups`` are the groups whose members may vote."""
        self._db = db
        self._groups = frozenset(groups)
        self._queue: list[Ballot] = []
        self._leading = False
        self._changed = threading.Condition()

    def cast(self, ballot: Ballot) -> Vote:
        """Check and store one ballot (batched with any cast at the same time).

        Raises:
            GovernanceError: The ballot was refused; nothing was stored for it.
        """
        batch: list[Ballot] = []
        with self._changed:
            self._queue.append(ballot)
            # Wait until someone has written this ballot, or until nobody is writing: then
            # this caller writes everything queued, its own ballot included.
            while not ballot.done.is_set() and self._leading:
                self._changed.wait()
            if not ballot.done.is_set():
                self._leading = True
                batch, self._queue = self._queue, []
        if batch:
            try:
                self._write(batch)
            finally:
                with self._changed:
                    self._leading = False
                    self._changed.notify_all()
        if ballot.error is not None:
            raise ballot.error
        assert ballot.result is not None
        return ballot.result

    def _write(self, batch: list[Ballot]) -> None:
        try:
            with self._db.transaction() as store:
                self._apply(store, batch)
        except Exception as exc:
            for ballot in batch:
                ballot.result = None
            if len(batch) == 1:
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

    def _apply(self, store: Store, batch: list[Ballot]) -> None:
        people = store.stakeholders_by_id([b.stakeholder_id for b in batch])
        states = store.voting_states([b.guideline_id for b in batch])
        stored = store.votes_of(list(people))
        current = dict(stored)
        writes: dict[tuple[str, int, int], Vote] = {}
        events: list[Event] = []
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
            events.append(
                Event(
                    at=ballot.at,
                    actor_id=vote.stakeholder_id,
                    action="vote.cast",
                    subject=vote.guideline_id,
                    reason=vote.reason,
                    before=None if before is None else _ballot(before),
                    after=_ballot(vote),
                )
            )
        store.insert_votes([v for k, v in writes.items() if k not in stored])
        for key, vote in writes.items():
            if key in stored:
                store.replace_vote(vote)
        store.append_events(events)

    def _check(
        self,
        ballot: Ballot,
        people: dict[int, Stakeholder],
        states: dict[str, tuple[Status, VotingWindow | None]],
        current: dict[tuple[str, int, int], Vote],
    ) -> tuple[Vote, Vote | None]:
        person = people.get(ballot.stakeholder_id)
        if person is None:
            raise NotAllowed("unknown account; sign in again")
        authorize(person, Action.VOTE)
        if not self._groups.intersection(person.groups):
            raise NotAllowed("you are not in any stakeholder group yet, so you cannot vote")
        gid = ballot.guideline_id
        if gid not in states:
            raise NotFound(f"no guideline {gid!r}")
        status, window = states[gid]
        if status is not Status.VOTING or window is None:
            raise VotingClosed(f"{gid} is {status.value}, not open for voting")
        if ballot.at >= window.closes_at:
            raise VotingClosed(f"voting on {gid} closed at {window.closes_at:%Y-%m-%d %H:%M} UTC")
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


def _ballot(vote: Vote) -> dict[str, object]:
    return {"version": vote.version, "choice": vote.choice.value, "reason": vote.reason}
