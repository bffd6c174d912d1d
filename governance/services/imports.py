"""Imports: start from an existing constitution; each principle becomes a draft guideline.

Reached as ``charter.imports``. A file (HF CAI, Charter JSON) or LangChain's built-in
principles are parsed and checked whole first (``constitution.imports``); then every draft
is created in one transaction, or none is.
"""

from __future__ import annotations

from governance.auth import Action
from governance.constitution.imports import from_pairs, parse
from governance.errors import NotAllowed, ValidationFailed
from governance.events import EventAction
from governance.models import REASON_MAX, Stakeholder
from governance.services.base import FORM_SPENT, UseCases
from governance.storage.forms import FormUse
from governance.text import tidy_line
from governance.validation import parse_form_token


class Imports(UseCases):
    """Create draft guidelines from a constitution, all or nothing."""

    def create_drafts(
        self,
        actor: Stakeholder | None,
        fmt: str,
        data: bytes | None = None,
        *,
        author_id: int | None = None,
        source: str = "",
        token: str | None = None,
    ) -> list[str]:
        """Create a draft guideline per imported principle, all or nothing.

        One press imports once: a form sent twice (a double click) carries the same
        ``token`` and gets the first import's drafts back.

        Args:
            actor: The steward importing (None: the operator, on the command line).
            fmt: ``hf-cai``, ``json`` or ``langchain-builtin``.
            data: The file's bytes (not for ``langchain-builtin``).
            author_id: Who the drafts are credited to (default: the actor); a suspended
                account is refused.
            source: Where the file came from (a file name), recorded with each draft.
            token: Names the filled-in import form (see ``validation.parse_form_token``); a
                second call with the steward's token returns the drafts the first made.
                None: every call imports anew (the command line).

        Returns:
            The ids of the new drafts.
        """
        # A file name is a label, not typed text: tidy it (a name of undecodable bytes
        # reaches Python as lone surrogates, which the database cannot store).
        source = tidy_line(source, max_length=REASON_MAX)
        form = None if token is None else parse_form_token(token)
        default = self.settings.categories[0]
        if fmt == "langchain-builtin":
            from governance.llm.principles import builtin_principles

            imported = from_pairs(builtin_principles(), default_category=default)
            source = source or "LangChain built-in principles (langchain-classic)"
        elif data is None:
            raise ValidationFailed({"file": f"the {fmt} import needs a file"})
        else:
            imported = parse(
                fmt, data, default_category=default, categories=self.settings.categories
            )
        now = self.clock()
        with self.db.transaction() as tx:
            actor_id = self._actor_id(tx, actor, Action.IMPORT_PRINCIPLES)
            if form is not None and actor_id is not None:
                earlier = tx.forms.made_with(actor_id, form)
                if earlier is not None:
                    if not earlier.guideline_ids:
                        raise NotAllowed(FORM_SPENT)
                    return list(earlier.guideline_ids)
            credited = author_id if author_id is not None else actor_id
            if credited is None:
                raise ValidationFailed(
                    {"author": "name the stakeholder the drafts are credited to (--author N)"}
                )
            author = self._person(tx, credited)
            if author.suspended:
                raise ValidationFailed(
                    {
                        "author": f"{author.display_name} (#{author.id}) is suspended;"
                        " credit the drafts to an active account"
                    }
                )
            created = []
            for item in imported:
                guideline = self._create_draft(
                    tx,
                    author,
                    item.text,
                    now,
                    actor_id=actor_id,
                    action=EventAction.GUIDELINE_IMPORTED,
                    reason=f"imported from {source or fmt} ({fmt}): {item.name}"[:REASON_MAX],
                )
                created.append(guideline.id)
            if form is not None and actor_id is not None and created:
                tx.forms.remember(actor_id, form, FormUse(guideline_ids=tuple(created)), now)
            return created
