"""Queries about sent forms: what each form token made, so a form sent twice makes one thing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from governance.ids import guideline_key, guideline_ref
from governance.storage.base import Queries


@dataclass(frozen=True)
class FormUse:
    """What one person's form token made: a proposed guideline or a posted comment."""

    guideline_id: str | None = None
    """The guideline the form proposed (public id)."""
    comment_id: int | None = None
    """The comment (or reply) the form posted."""


class FormQueries(Queries):
    """Form tokens and what they made."""

    def made_with(self, actor_id: int, token: str) -> FormUse | None:
        """What ``actor_id``'s form ``token`` made, or None if it made nothing yet."""
        row = self._one(
            "SELECT guideline_id, comment_id FROM form_tokens WHERE actor_id = ? AND token = ?",
            [actor_id, token],
        )
        if row is None:
            return None
        guideline = None if row[0] is None else guideline_ref(int(row[0]))
        return FormUse(guideline_id=guideline, comment_id=row[1])

    def remember(self, actor_id: int, token: str, made: FormUse, at: datetime) -> None:
        """Record that ``actor_id``'s form ``token`` made ``made``."""
        guideline = None if made.guideline_id is None else guideline_key(made.guideline_id)
        self._all(
            "INSERT INTO form_tokens (actor_id, token, guideline_id, comment_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [actor_id, token, guideline, made.comment_id, at],
        )
