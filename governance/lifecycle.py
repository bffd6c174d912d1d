"""A guideline's lifecycle: the table of allowed transitions and their guards.

A transition not in the table, or one whose guard objects, raises ``InvalidTransition``
naming from, to and why. Services record every transition that happens in the event log
with actor, time and reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from governance.errors import InvalidTransition
from governance.models import Status


@dataclass(frozen=True)
class TransitionContext:
    """What the guards need to know about the attempted transition."""

    reason: str = ""
    """The actor's reason."""
    outcome: Status | None = None
    """When leaving voting: the outcome the tally decided (approved or rejected)."""
    amended: bool = False
    """Whether the transition is caused by a new version of the text."""


Guard = Callable[[TransitionContext], str | None]
"""Returns why a transition is refused, or None to allow it."""


def _needs_reason(ctx: TransitionContext) -> str | None:
    return None if ctx.reason.strip() else "a reason is required"


def _tally_says(outcome: Status) -> Guard:
    def guard(ctx: TransitionContext) -> str | None:
        if ctx.outcome is None:
            return "the outcome comes from closing the vote, not from a choice"
        if ctx.outcome is not outcome:
            return f"the tally decided {ctx.outcome.value}"
        return None

    return guard


def _only_by_amendment(ctx: TransitionContext) -> str | None:
    return None if ctx.amended else "only an amendment sends a guideline back from voting"


def _no_guard(ctx: TransitionContext) -> str | None:
    return None


@dataclass(frozen=True)
class Transition:
    """One row of the table."""

    verb: str
    """What the move is called in the interface and the event log."""
    guard: Guard = _no_guard


TRANSITIONS: dict[tuple[Status, Status], Transition] = {
    (Status.DRAFT, Status.DELIBERATION): Transition("submit for deliberation"),
    (Status.DRAFT, Status.WITHDRAWN): Transition("withdraw", _needs_reason),
    (Status.DELIBERATION, Status.VOTING): Transition("open voting"),
    (Status.DELIBERATION, Status.WITHDRAWN): Transition("withdraw", _needs_reason),
    (Status.VOTING, Status.APPROVED): Transition("close voting", _tally_says(Status.APPROVED)),
    (Status.VOTING, Status.REJECTED): Transition("close voting", _tally_says(Status.REJECTED)),
    (Status.VOTING, Status.DELIBERATION): Transition("amend during voting", _only_by_amendment),
    # The constitution work moves guidelines on from here.
    (Status.APPROVED, Status.ADOPTED): Transition("adopt into a constitution release"),
    # A steward resolving a conflict before release can send one guideline back.
    (Status.APPROVED, Status.DELIBERATION): Transition("send back to deliberation", _needs_reason),
    (Status.ADOPTED, Status.RETIRED): Transition("retire", _needs_reason),
    # An audit showed the model keeps violating it: the community deliberates it again.
    (Status.ADOPTED, Status.DELIBERATION): Transition("reopen for deliberation", _needs_reason),
    # Rolling the constitution back to a release that held it brings a guideline back.
    (Status.RETIRED, Status.ADOPTED): Transition("restore by rollback", _needs_reason),
}

#: States in which the text may still be amended.
AMENDABLE: frozenset[Status] = frozenset({Status.DRAFT, Status.DELIBERATION, Status.VOTING})


def check_transition(
    from_status: Status, to_status: Status, ctx: TransitionContext | None = None
) -> Transition:
    """Return the table row for a move, or raise ``InvalidTransition`` saying why not."""
    row = TRANSITIONS.get((from_status, to_status))
    if row is None:
        if from_status is to_status:
            why = f"the guideline is already {to_status.value}"
        else:
            allowed = sorted(t.value for (f, t) in TRANSITIONS if f is from_status)
            why = (
                f"{'an' if from_status.value[0] in 'aeiou' else 'a'} {from_status.value}"
                f" guideline can only move to {', '.join(allowed)}"
                if allowed
                else f"{from_status.value} is final"
            )
        raise InvalidTransition(from_status.value, to_status.value, why)
    refusal = row.guard(ctx or TransitionContext())
    if refusal is not None:
        raise InvalidTransition(from_status.value, to_status.value, refusal)
    return row
