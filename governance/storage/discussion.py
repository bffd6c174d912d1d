"""Queries about the discussion: comments, replies and their moderation."""

from __future__ import annotations

from datetime import datetime

from governance.ids import guideline_key, guideline_ref
from governance.models import Comment, HiddenNote
from governance.storage.base import Queries


class DiscussionQueries(Queries):
    """Comments on guidelines."""

    def insert_comment(self, comment: Comment) -> int:
        """Store a comment and return its new id (the given id is ignored)."""
        new_id = int(self._scalar("SELECT nextval('comment_ids')"))
        self._all(
            "INSERT INTO comments (id, guideline_id, guideline_version, parent_id, author_id,"
            " body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                new_id,
                guideline_key(comment.guideline_id),
                comment.guideline_version,
                comment.parent_id,
                comment.author_id,
                comment.body,
                comment.created_at,
            ],
        )
        return new_id

    def comments(self, guideline_id: str, *, comment_id: int | None = None) -> list[Comment]:
        """A guideline's comments in the order written (or one comment by id)."""
        where = "c.guideline_id = ?"
        params: list[object] = [guideline_key(guideline_id)]
        if comment_id is not None:
            where += " AND c.id = ?"
            params.append(comment_id)
        rows = self._all(
            f"""SELECT c.id, c.guideline_id, c.guideline_version, c.parent_id, c.author_id,
                    s.display_name,
                    (SELECT string_agg(group_name, ',' ORDER BY group_name)
                       FROM stakeholder_groups WHERE stakeholder_id = c.author_id),
                    c.body, c.created_at, c.hidden_at, c.hidden_reason, h.display_name
                FROM comments c LEFT JOIN stakeholders s ON s.id = c.author_id
                LEFT JOIN stakeholders h ON h.id = c.hidden_by
                WHERE {where} ORDER BY c.created_at, c.id""",
            params,
        )
        return [
            Comment.model_construct(
                id=r[0],
                guideline_id=guideline_ref(r[1]),
                guideline_version=r[2],
                parent_id=r[3],
                author_id=r[4],
                author_name=r[5] or f"#{r[4]}",
                author_groups=tuple(r[6].split(",")) if r[6] else (),
                body=r[7],
                created_at=r[8],
                hidden=None
                if r[9] is None
                else HiddenNote(by_name=r[11] or "a moderator", at=r[9], reason=r[10] or ""),
            )
            for r in rows
        ]

    def comment_location(self, comment_id: int) -> str | None:
        """The guideline a comment belongs to, or None."""
        key = self._scalar("SELECT guideline_id FROM comments WHERE id = ?", [comment_id])
        return None if key is None else guideline_ref(int(key))

    def set_comment_hidden(
        self, comment_id: int, *, by: int | None, at: datetime | None, reason: str | None
    ) -> None:
        """Hide a comment (with who, when and why) or, with all None, show it again."""
        self._all(
            "UPDATE comments SET hidden_by = ?, hidden_at = ?, hidden_reason = ? WHERE id = ?",
            [by, at, reason, comment_id],
        )
