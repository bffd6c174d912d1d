"""The critique -> revision loop of Constitutional AI's supervised phase, for one prompt.

The model answers the prompt; then, for each round, one principle of the release is
chosen, the model critiques its latest answer against the principle's critique request,
and, when the critique finds something, revises the answer following the principle's
revision request. The last revision is the final answer (Bai et al. 2022, section 3.1).

The prompt is the user's turn, sent as data: nothing in it is read as an instruction by
Charter. A critique whose structured answer does not parse is asked for once more; if it
still does not parse, the round is recorded as unparseable, the answer is left as it was,
and the round is never counted as "no critique needed".
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, Field

from governance.llm.specs import Message, Reply


class Critique(BaseModel):
    """The structured critique a model is asked for."""

    critique_needed: bool = Field(
        description="Whether the response falls short of the principle and should be revised."
    )
    critique: str = Field(
        description="What falls short and why; or, if nothing does, why the response is fine."
    )


class Sampling(StrEnum):
    """How each round's principle is chosen."""

    RANDOM = "random"
    """Drawn at random for each round, seeded per run and prompt (as in the CAI paper)."""
    PRIORITY = "priority"
    """Every principle once, highest priority first (the rounds are the principles)."""


@dataclass(frozen=True)
class RevisionPrinciple:
    """What the loop needs of a principle."""

    id: str
    title: str
    critique_request: str
    revision_request: str


class Client(Protocol):
    """A model client (``governance.llm.adapter.ModelClient``)."""

    def reply(self, messages: Sequence[Message]) -> Reply:
        """The model's answer."""
        ...

    def structured(self, messages: Sequence[Message], schema: type[Critique]) -> Reply:
        """A structured answer, or why it did not parse."""
        ...


class StepOutcome(StrEnum):
    """What a round did."""

    REVISED = "revised"
    NO_CRITIQUE = "no_critique"
    """The critique found nothing to change."""
    UNPARSEABLE = "unparseable"
    """The critique did not parse, twice: the answer was left as it was."""


@dataclass(frozen=True)
class Step:
    """One round: the principle, its critique and the revision it led to."""

    round: int
    principle_id: str
    outcome: StepOutcome
    critique: str
    revision: str
    """The answer after this round (the same as before when nothing was revised)."""
    before: str
    """The answer this round started from."""
    parse_error: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    ms: float = 0.0
    calls: int = 0
    cached_calls: int = 0


@dataclass(frozen=True)
class PromptOutcome:
    """What the loop made of one prompt."""

    initial: str
    final: str
    steps: tuple[Step, ...]
    input_tokens: int = 0
    output_tokens: int = 0
    ms: float = 0.0
    calls: int = 0
    cached_calls: int = 0


#: How a critique and a revision are asked for; the principle's request follows.
CRITIQUE_ASK = "Critique request: {request}"
REVISION_ASK = (
    "Revision request: {request}\n\n"
    "Write only the revised response to the user's message, with no preamble."
)


def choose_principles(
    principles: Sequence[RevisionPrinciple],
    rounds: int,
    sampling: Sampling,
    seed: str,
) -> list[RevisionPrinciple]:
    """The principle of each round.

    Args:
        principles: The release's principles, highest priority first.
        rounds: How many rounds (ignored by ``PRIORITY``, which has one per principle).
        sampling: How to choose.
        seed: Seeds ``RANDOM``: the same seed chooses the same principles.
    """
    if not principles:
        return []
    if sampling is Sampling.PRIORITY:
        return list(principles)
    rng = random.Random(seed)
    return [rng.choice(principles) for _ in range(rounds)]


@dataclass
class _Tally:
    input_tokens: int = 0
    output_tokens: int = 0
    ms: float = 0.0
    calls: int = 0
    cached: int = 0
    replies: list[Reply] = field(default_factory=list)

    def add(self, reply: Reply) -> Reply:
        self.input_tokens += reply.input_tokens
        self.output_tokens += reply.output_tokens
        self.ms += reply.ms
        self.calls += 1
        self.cached += int(reply.cached)
        return reply


def revise(
    client: Client,
    prompt: str,
    chosen: Sequence[RevisionPrinciple],
) -> PromptOutcome:
    """Answer ``prompt``, then critique and revise the answer once per chosen principle.

    Raises:
        Exception: Whatever the client raises when a call fails after its retries; the
            caller retries the whole prompt later (finished calls come from the cache).
    """
    total = _Tally()
    question = Message("user", prompt)
    initial = total.add(client.reply([question])).text
    answer = initial
    steps: list[Step] = []
    for number, principle in enumerate(chosen, start=1):
        step = _Tally()
        conversation = [
            question,
            Message("assistant", answer),
            Message("user", CRITIQUE_ASK.format(request=principle.critique_request)),
        ]
        critique = step.add(client.structured(conversation, Critique))
        if critique.parsed is None:  # asked once more, with a reminder of the form
            critique = step.add(client.structured(_again(conversation), Critique))
        if critique.parsed is None:
            outcome, said, revised = StepOutcome.UNPARSEABLE, critique.text, answer
        elif not critique.parsed["critique_needed"]:
            outcome, said, revised = StepOutcome.NO_CRITIQUE, critique.parsed["critique"], answer
        else:
            said = str(critique.parsed["critique"])
            asked = [
                *conversation,
                Message("assistant", said),
                Message("user", REVISION_ASK.format(request=principle.revision_request)),
            ]
            revised = step.add(client.reply(asked)).text.strip() or answer
            outcome = StepOutcome.REVISED
        steps.append(
            Step(
                round=number,
                principle_id=principle.id,
                outcome=outcome,
                critique=said,
                revision=revised,
                before=answer,
                parse_error=critique.parse_error if outcome is StepOutcome.UNPARSEABLE else "",
                input_tokens=step.input_tokens,
                output_tokens=step.output_tokens,
                ms=step.ms,
                calls=step.calls,
                cached_calls=step.cached,
            )
        )
        for name in ("input_tokens", "output_tokens", "ms", "calls", "cached"):
            setattr(total, name, getattr(total, name) + getattr(step, name))
        answer = revised
    return PromptOutcome(
        initial=initial,
        final=answer,
        steps=tuple(steps),
        input_tokens=total.input_tokens,
        output_tokens=total.output_tokens,
        ms=total.ms,
        calls=total.calls,
        cached_calls=total.cached,
    )


def _again(conversation: list[Message]) -> list[Message]:
    last = conversation[-1]
    reminder = (
        f"{last.content}\n\nAnswer with whether a critique is needed (true or false) and"
        " the critique itself."
    )
    return [*conversation[:-1], Message("user", reminder)]
