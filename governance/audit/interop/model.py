"""What an imported log holds, whichever tool wrote it, and how its scores find principles.

A reader (``inspect_log``, ``promptfoo_results``) turns a tool's file into an
``ImportedLog``: one ``ImportedScore`` per (sample, score) with the *label* the file gives
the score (a sample's metadata value, a promptfoo metric, a score's key). ``map_scores``
then names each score's Charter principle, by a person's mapping or as written, and lists
the scores that map to none: they are shown to the person, never dropped silently.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pydantic_core

from governance.errors import ValidationFailed

#: How a Charter principle id looks (``P-0007``): ASCII digits only, as ``\d`` would also
#: take other scripts' digits (``P-١٢٣٤``).
PRINCIPLE_ID = re.compile(r"P-[0-9]{4,}")

#: The verdicts an audit records for one (prompt, principle).
COMPLIES, VIOLATES, PARTIAL, NOT_APPLICABLE, UNPARSEABLE = (
    "complies",
    "violates",
    "partial",
    "not_applicable",
    "unparseable",
)
VERDICTS = (COMPLIES, VIOLATES, PARTIAL, NOT_APPLICABLE, UNPARSEABLE)

#: Largest log file Charter reads, in bytes (checked before parsing).
LOG_MAX = 256 * 1024 * 1024

#: The sample metadata key an Inspect log names a principle by, unless the person names another.
DEFAULT_KEY = "principle_id"


def verdict_for(score: float) -> str:
    """A score from 0 (fails) to 1 (passes) in words; anything between is ``partial``."""
    if score >= 1:
        return COMPLIES
    if score <= 0:
        return VIOLATES
    return PARTIAL


@dataclass(frozen=True)
class ImportedScore:
    """One score of one sample, as the file gives it."""

    sample_id: str
    """The sample's id in the file (with its epoch when there are several)."""
    prompt: str
    """The input the model was given, as text."""
    response: str
    """What the model answered, as text."""
    label: str
    """What the file calls the thing scored: the metadata value, metric or score key."""
    score: float | None
    """From 0 to 1, partial scores as they are; None when the tool gave no usable score."""
    verdict: str
    """One of ``VERDICTS`` (``verdict_for(score)``, or unparseable / not_applicable)."""
    explanation: str = ""
    """The grader's reason, if the file has one."""
    principle_id: str = ""
    """The Charter principle, once ``map_scores`` found one."""


@dataclass(frozen=True)
class ImportedLog:
    """Everything Charter keeps of one tool's file."""

    source: str
    """``inspect`` or ``promptfoo``."""
    tool_version: str
    """The tool's version, or the log format's, as the file states it."""
    task: str
    """The task name (Inspect) or the description (promptfoo)."""
    model: str
    """The model that answered (its provider's name for it)."""
    judge: str
    """The scorer or grader that scored the answers."""
    created: datetime | None
    """When the tool ran, as the file says (UTC)."""
    scores: tuple[ImportedScore, ...]


def map_scores(
    scores: Sequence[ImportedScore],
    mapping: Mapping[str, str],
    known: Collection[str],
) -> tuple[list[ImportedScore], list[ImportedScore]]:
    """Each score's principle: ``mapping[label]`` if given, else the label if it is an id.

    Args:
        scores: As a reader returned them.
        mapping: From the file's labels to Charter principle ids (``{"fairness": "P-0006"}``).
        known: The principle ids a score may map to (the chosen release's).

    Returns:
        The scores that map to a known principle (``principle_id`` set), and those that
        do not, in file order.
    """
    mapped: list[ImportedScore] = []
    unmapped: list[ImportedScore] = []
    for score in scores:
        target = mapping.get(score.label, score.label).strip()
        if target in known:
            mapped.append(replace(score, principle_id=target))
        else:
            unmapped.append(score)
    return mapped, unmapped


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cycle collector off while a large log becomes Python objects.

    A 100 MB log is millions of new objects with no cycles among them; each collection the
    collector starts on the way walks them all again, which took about half of the read.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def load_log(data: bytes, *, what: str, limit: int | None = None) -> Any:
    """A tool's JSON file parsed once, or one clear message under ``file``.

    Args:
        data: The file's bytes.
        what: What the file should be, for messages ("an Inspect eval log").
        limit: Largest size in bytes (default ``LOG_MAX``, read when called).

    Raises:
        ValidationFailed: Too large, empty, not UTF-8, or not (complete) JSON.
    """
    limit = LOG_MAX if limit is None else limit
    if len(data) > limit:
        raise ValidationFailed(
            {"file": f"the file is larger than the {limit / 1024 / 1024:g} MB limit"}
        )
    if not data.strip():
        raise ValidationFailed({"file": f"the file is empty: expected {what} (JSON)"})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationFailed(
            {"file": f"the file is not UTF-8 text (byte {error.start}): expected {what} (JSON)"}
        ) from None
    try:
        # pydantic-core's parser reads a 100 MB log about twice as fast as json.loads; a file
        # it refuses is parsed again by json.loads only to say where and why.
        return pydantic_core.from_json(text)
    except ValueError:
        pass
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        # An unterminated string runs to the end of the file, wherever it started.
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            message = "the file ends before the JSON does: is it truncated?"
        else:
            message = (
                f"the file is not JSON (line {error.lineno}, column {error.colno}:"
                f" {error.msg}): expected {what}"
            )
        raise ValidationFailed({"file": message}) from None


def utc_time(value: object) -> datetime | None:
    """An ISO 8601 time from a log as an aware UTC datetime (None if absent or unreadable)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        # Both tools write UTC; a time without an offset is taken as UTC.
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def as_text(value: object) -> str:
    """A log's value as text: strings as they are, anything else as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
