"""Queries about sent forms: what each form token made, so a form sent twice makes one thing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from governance.ids import guideline_key, guideline_ref
from governance.storage.base import Queries


@dataclass(frozen=True)
class FormUse:
    """What one person's form token made: proposed or imported guidelines, or a comment."""

    guideline_ids: tuple[str, ...] = ()
    """The guidelines the form made (public ids, in order): one for a proposal."""
    comment_id: int | None = None
    """The comment (or reply) the form posted."""

    @property
    def guideline_id(self) -> str | None:
        """The (first) guideline the form made."""
        return self.guideline_ids[0] if self.guideline_ids else None


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
        if row[0] is None:
            return FormUse(comment_id=row[1])
        several = self._all(
            "SELECT guideline_id FROM form_guidelines WHERE actor_id = ? AND token = ?"
            " ORDER BY position",
            [actor_id, token],
        )
        keys = [r[0] for r in several] or [row[0]]
        return FormUse(guideline_ids=tuple(guideline_ref(int(k)) for k in keys))

    def remember(self, actor_id: int, token: str, made: FormUse, at: datetime) -> None:
        """Record that ``actor_id``'s form ``token`` made ``made``."""
        keys = [guideline_key(g) for g in made.guideline_ids]
        self._all(
            "INSERT INTO form_tokens (actor_id, token, guideline_id, comment_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [actor_id, token, keys[0] if keys else None, made.comment_id, at],
        )
        if len(keys) > 1:
            self._many(
                "INSERT INTO form_guidelines (actor_id, token, position, guideline_id)"
                " VALUES (?, ?, ?, ?)",
                [[actor_id, token, i, key] for i, key in enumerate(keys)],
            )
