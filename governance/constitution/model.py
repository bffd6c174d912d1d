"""The constitution: ordered principles, each carrying the democratic decision behind it.

The canonical form is JSON with sorted keys, no insignificant whitespace and UTF-8 text. The
content hash is the sha256 of the canonical form of what the constitution *says* (its name
and principles), so a rollback to an earlier release has that release's hash, while the
version and the creation time identify the release itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from functools import cached_property
from typing import Any

import pydantic_core
from pydantic import BaseModel, ConfigDict, Field

#: Version of the canonical JSON layout; readers refuse newer ones.
SCHEMA_VERSION = 1


def _frozen() -> ConfigDict:
    return ConfigDict(frozen=True, extra="forbid")


class GroupVote(BaseModel):
    """How one stakeholder group voted on the approved version."""

    model_config = _frozen()

    group: str
    approve: int
    reject: int
    abstain: int
    met: bool
    """Whether the group's support met its threshold."""


class Provenance(BaseModel):
    """Which decision put a principle into the constitution."""

    model_config = _frozen()

    guideline_id: str
    """The guideline, e.g. ``G-0007``."""
    guideline_version: int
    """The version that was voted on and approved."""
    rules_version: int
    """The voting rules that decided it."""
    decided_at: datetime
    """When voting closed (UTC)."""
    approve: int
    reject: int
    abstain: int
    groups: tuple[GroupVote, ...]
    """Per group, in the deployment's group order."""
    summary: tuple[str, ...] = ()
    """The tally explained in words, line by line."""


class Principle(BaseModel):
    """One principle in Constitutional-AI form."""

    model_config = _frozen()

    id: str
    """Stable across releases: ``P-0007`` for guideline ``G-0007``."""
    name: str
    """A slug of the title, e.g. ``admit-uncertainty`` (LangChain's principle name)."""
    title: str
    statement: str
    critique_request: str
    revision_request: str
    comparison_prompt: str
    """For AI feedback: asks which of two responses better follows the principle."""
    category: str
    priority: int = Field(ge=1)
    """1 is the highest; principles are ordered by priority, then id."""
    language: str
    provenance: Provenance


class Constitution(BaseModel):
    """A compiled constitution: what a release contains."""

    model_config = _frozen()

    schema_version: int = SCHEMA_VERSION
    name: str
    version: str
    """Semantic version of the release (``0.0.0`` for an unreleased draft)."""
    created_at: datetime
    principles: tuple[Principle, ...]
    decisions: tuple[str, ...]
    """The decisions compiled, as ``G-0007@v2``, in principle order."""
    content_hash: str = ""
    """sha256 of the canonical JSON of the name and principles (see the module docstring)."""

    @cached_property
    def data(self) -> dict[str, Any]:
        """The constitution as plain JSON data, computed once (exports share it)."""
        return self.model_dump(mode="json")

    def model_copy(
        self, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> Constitution:
        """A copy with ``update`` applied; the cached ``data`` is not carried over."""
        copy = super().model_copy(update=update, deep=deep)
        copy.__dict__.pop("data", None)
        return copy

    def content(self) -> dict[str, Any]:
        """What the hash covers."""
        data = self.data
        return {k: data[k] for k in ("schema_version", "name", "principles")}

    def with_hash(self) -> Constitution:
        """This constitution with its content hash filled in."""
        digest = hashlib.sha256(canonical_bytes(self.content())).hexdigest()
        return self.model_copy(update={"content_hash": digest})


def sorted_keys(value: Any) -> Any:
    """``value`` with every mapping's keys in sorted order (lists keep their order)."""
    if isinstance(value, dict):
        return {k: sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple):
        return [sorted_keys(v) for v in value]
    return value


def canonical_bytes(value: Any) -> bytes:
    """The canonical JSON encoding: sorted keys, no spaces, UTF-8.

    The same bytes as ``json.dumps(value, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False).encode()`` (a test checks), written by pydantic-core's encoder,
    which is several times faster on a large constitution.
    """
    return pydantic_core.to_json(sorted_keys(value))


def canonical_json(constitution: Constitution) -> bytes:
    """A constitution in canonical JSON; the same constitution gives the same bytes."""
    return canonical_bytes(constitution.data)
