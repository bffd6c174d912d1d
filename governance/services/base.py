"""What every area's use cases share: the database, the clock, the acting person, the log."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from governance.auth import Action, authorize
from governance.config import Settings
from governance.errors import NotAllowed, NotFound
from governance.events import Event, EventAction
from governance.lifecycle import TransitionContext, check_transition
from governance.models import Guideline, GuidelineText, GuidelineVersion, Stakeholder, Status
from governance.storage import Database, Tx

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def event(
    *,
    actor_id: int | None,
    action: EventAction,
    subject: str,
    at: datetime,
    reason: str = "",
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
) -> Event:
    """An event-log entry; every use case logs through this (or ``UseCases._log``)."""
    return Event(
        at=at,
        actor_id=actor_id,
        action=action,
        subject=subject,
        reason=reason,
        before=before,
        after=after,
    )


#: Refusal for a form token that already made something of another kind.
FORM_SPENT = "this form was already sent for something else; reload the page and start again"


def known_person(person: Stakeholder | None) -> Stakeholder:
    """The acting person as stored; ``NotAllowed`` when the account does not exist."""
    # The page's copy of the person may be stale: the stored record decides.
    if person is None:
        raise NotAllowed("unknown account; sign in again")
    return person


class UseCases:
    """Use cases over one database: the base of every area's service.

    Args:
        db: The database.
        settings: Groups, categories and the rest of the deployment's settings.
        clock: Where "now" comes from; tests and the demo seeder pass their own.
    """

    def __init__(self, db: Database, settings: Settings, *, clock: Clock = utc_now) -> None:
        """Bind the use cases to a database."""
        self.db = db
        self.settings = settings
        self.clock = clock

    @staticmethod
    def _acting(tx: Tx, actor: Stakeholder) -> Stakeholder:
        return known_person(tx.people.get_stakeholder(actor.id))

    def _authorized(self, tx: Tx, actor: Stakeholder, action: Action) -> Stakeholder:
        """The acting person as stored, if they may take ``action``; else ``NotAllowed``."""
        person = self._acting(tx, actor)
        authorize(person, action)
        return person

    def _actor_id(self, tx: Tx, actor: Stakeholder | None, action: Action) -> int | None:
        """Like ``_authorized``; ``None`` (the system or the operator) may act and is kept."""
        return None if actor is None else self._authorized(tx, actor, action).id

    @staticmethod
    def _guideline(tx: Tx, guideline_id: str) -> Guideline:
        found = tx.guidelines.get_guideline(guideline_id)
        if found is None:
            raise NotFound(f"no guideline {guideline_id!r}")
        return found

    @staticmethod
    def _person(tx: Tx, stakeholder_id: int) -> Stakeholder:
        person = tx.people.get_stakeholder(stakeholder_id)
        if person is None:
            raise NotFound(f"no stakeholder #{stakeholder_id}")
        return person

    @staticmethod
    def _log(
        tx: Tx,
        *,
        actor_id: int | None,
        action: EventAction,
        subject: str,
        at: datetime,
        reason: str = "",
        before: dict[str, object] | None = None,
        after: dict[str, object] | None = None,
    ) -> None:
        tx.events.append(
            event(
                actor_id=actor_id,
                action=action,
                subject=subject,
                at=at,
                reason=reason,
                before=before,
                after=after,
            )
        )

    def _move(
        self,
        tx: Tx,
        guideline: Guideline,
        to: Status,
        *,
        actor_id: int | None,
        at: datetime,
        ctx: TransitionContext,
        **changes: object,
    ) -> Guideline:
        row = check_transition(guideline.status, to, ctx)
        moved = guideline.model_copy(update={"status": to, "updated_at": at, **changes})
        tx.guidelines.update_guideline(moved)
        self._log(
            tx,
            actor_id=actor_id,
            action=EventAction.GUIDELINE_TRANSITIONED,
            subject=guideline.id,
            at=at,
            reason=ctx.reason or row.verb,
            before={"status": guideline.status.value, "version": guideline.version},
            after={"status": to.value, "version": moved.version, "verb": row.verb},
        )
        return moved

    def _move_all(
        self,
        tx: Tx,
        guidelines: Sequence[tuple[str, Status, int]],
        to: Status,
        *,
        actor_id: int | None,
        at: datetime,
        ctx: TransitionContext,
    ) -> None:
        """``_move`` for many guidelines at once: one update and one batch of events.

        Args:
            tx: The transaction.
            guidelines: (id, status, current version) of each guideline to move.
            to: Where they go.
            actor_id: Who moves them.
            at: When.
            ctx: Why.
        """
        logged = []
        for guideline_id, status, version in guidelines:
            row = check_transition(status, to, ctx)
            logged.append(
                event(
                    actor_id=actor_id,
                    action=EventAction.GUIDELINE_TRANSITIONED,
                    subject=guideline_id,
                    at=at,
                    reason=ctx.reason or row.verb,
                    before={"status": status.value, "version": version},
                    after={"status": to.value, "version": version, "verb": row.verb},
                )
            )
        tx.guidelines.set_status_many([g[0] for g in guidelines], to, at)
        tx.events.append_all(logged)

    def _create_draft(
        self,
        tx: Tx,
        author: Stakeholder,
        text: GuidelineText,
        at: datetime,
        *,
        actor_id: int | None,
        action: EventAction = EventAction.GUIDELINE_PROPOSED,
        reason: str = "",
    ) -> Guideline:
        """Store a new draft guideline at version 1 and log it."""
        guideline = Guideline(
            id=tx.guidelines.next_guideline_id(),
            status=Status.DRAFT,
            version=1,
            text=text,
            author_id=author.id,
            author_name=author.display_name,
            created_at=at,
            updated_at=at,
        )
        tx.guidelines.insert_guideline(guideline)
        tx.guidelines.insert_version(
            GuidelineVersion(
                guideline_id=guideline.id,
                version=1,
                text=text,
                author_id=author.id,
                reason=reason,
                created_at=at,
            )
        )
        self._log(
            tx,
            actor_id=actor_id,
            action=action,
            subject=guideline.id,
            at=at,
            reason=reason,
            after={"version": 1, "title": text.title, "status": Status.DRAFT.value},
        )
        return guideline
