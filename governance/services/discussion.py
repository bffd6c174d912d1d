"""Discussion: comments and replies on a guideline, and moderation of abusive ones.

A comment is attached to the guideline version it was written on. A moderator may hide one
with a reason; its text stays stored for the record and readers see who hid it and why.
"""

from __future__ import annotations

from governance.auth import Action
from governance.errors import NotAllowed, NotFound, ValidationFailed
from governance.events import EventAction
from governance.models import COMMENT_MAX, Stakeholder, Status
from governance.models import Comment as CommentModel
from governance.services.base import FORM_SPENT, UseCases
from governance.storage import Tx
from governance.storage.forms import FormUse
from governance.text import clean_text
from governance.validation import parse_form_token, parse_reason

#: Guidelines in these states are closed for discussion.
_NO_COMMENTS = frozenset({Status.WITHDRAWN, Status.RETIRED})


class Discussion(UseCases):
    """Comment, reply, hide and restore. Reached as ``charter.discussion``."""

    def comment(
        self,
        actor: Stakeholder,
        guideline_id: str,
        body: str,
        *,
        parent_id: int | None = None,
        token: str | None = None,
    ) -> CommentModel:
        """Comment on a guideline, or reply to a comment (replies stay one level deep).

        Args:
            actor: Who writes.
            guideline_id: The guideline discussed.
            body: The text (markdown; no HTML is rendered).
            parent_id: The comment replied to, if any.
            token: Names the filled-in form, as for ``Guidelines.propose``: the same form sent
                again by the same person returns the comment it posted instead of a second.

        Raises:
            ValidationFailed: The text or the token is not acceptable.
            NotAllowed: The person may not comment here, or their token was already spent
                on other text or on something else.
        """
        try:
            text = clean_text(body, max_length=COMMENT_MAX, multiline=True)
        except ValueError as exc:
            raise ValidationFailed({"body": str(exc)}) from None
        form = None if token is None else parse_form_token(token)
        now = self.clock()
        with self.db.transaction() as tx:
            person = self._authorized(tx, actor, Action.COMMENT)
            guideline = self._guideline(tx, guideline_id)
            earlier = None if form is None else tx.forms.made_with(person.id, form)
            if earlier is not None:
                return _posted_before(tx, guideline.id, earlier, text)
            if guideline.status in _NO_COMMENTS:
                raise NotAllowed(
                    f"{guideline.id} is {guideline.status.value}; discussion is closed"
                )
            if parent_id is not None:
                parents = tx.discussion.comments(guideline.id, comment_id=parent_id)
                if not parents:
                    raise NotFound(f"no comment {parent_id} on {guideline.id}")
                # A reply to a reply joins the same thread.
                parent_id = parents[0].parent_id or parents[0].id
            draft = CommentModel(
                id=0,
                guideline_id=guideline.id,
                guideline_version=guideline.version,
                parent_id=parent_id,
                author_id=person.id,
                author_name=person.display_name,
                author_groups=person.groups,
                body=text,
                created_at=now,
            )
            new_id = tx.discussion.insert_comment(draft)
            if form is not None:
                tx.forms.remember(person.id, form, FormUse(comment_id=new_id), now)
            self._log(
                tx,
                actor_id=person.id,
                action=EventAction.COMMENT_ADDED,
                subject=guideline.id,
                at=now,
                after={"comment_id": new_id, "parent_id": parent_id},
            )
        return draft.model_copy(update={"id": new_id})

    def hide(self, actor: Stakeholder, comment_id: int, reason: str) -> CommentModel:
        """Hide an abusive comment, with a reason (a moderator).

        The text stays stored for the record; readers see who hid it and why.
        """
        return self._moderate(actor, comment_id, reason, hide=True)

    def restore(self, actor: Stakeholder, comment_id: int, reason: str) -> CommentModel:
        """Show a hidden comment again, with a reason (a moderator)."""
        return self._moderate(actor, comment_id, reason, hide=False)

    def _moderate(
        self, actor: Stakeholder, comment_id: int, reason: str, *, hide: bool
    ) -> CommentModel:
        why = parse_reason(reason, required=True)
        now = self.clock()
        with self.db.transaction() as tx:
            person = self._authorized(tx, actor, Action.HIDE_COMMENT)
            where = tx.discussion.comment_location(comment_id)
            if where is None:
                raise NotFound(f"no comment {comment_id}")
            (comment,) = tx.discussion.comments(where, comment_id=comment_id)
            if hide == (comment.hidden is not None):
                state = "hidden" if hide else "visible"
                raise ValidationFailed({"reason": f"the comment is already {state}"})
            if hide:
                tx.discussion.set_comment_hidden(comment_id, by=person.id, at=now, reason=why)
            else:
                tx.discussion.set_comment_hidden(comment_id, by=None, at=None, reason=None)
            self._log(
                tx,
                actor_id=person.id,
                action=EventAction.COMMENT_HIDDEN if hide else EventAction.COMMENT_RESTORED,
                subject=where,
                at=now,
                reason=why,
                after={"comment_id": comment_id},
            )
            (changed,) = tx.discussion.comments(where, comment_id=comment_id)
            return changed


def _posted_before(tx: Tx, guideline_id: str, earlier: FormUse, text: str) -> CommentModel:
    """The comment a form already posted, if ``text`` is what that form sent."""
    if earlier.comment_id is None:
        raise NotAllowed(FORM_SPENT)
    posted = tx.discussion.comments(guideline_id, comment_id=earlier.comment_id)
    if not posted or posted[0].body != text:
        raise NotAllowed("this form already posted a different comment; start a new one")
    return posted[0]
