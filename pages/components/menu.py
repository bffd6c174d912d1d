"""Which pages the navigation offers a person: everyone reads; roles add pages."""

from __future__ import annotations

from typing import Any

from governance.auth import Action, may
from governance.errors import ConfigurationError
from governance.models import Stakeholder
from pages.components.services import settings

#: A person who may take any of these sees the People page.
STEWARD_PAGE_ACTIONS = (
    Action.VERIFY_GROUPS,
    Action.MANAGE_ROLES,
    Action.SUSPEND_ACCOUNTS,
    Action.VOID_VOTES,
)


def offered_pages(principal: Stakeholder | None) -> list[tuple[str, dict[str, Any]]]:
    """The pages this person may use, in menu order, with their titles and icons."""
    pages: list[tuple[str, dict[str, Any]]] = [
        ("pages/dashboard.py", {"title": "Dashboard", "icon": ":material/space_dashboard:"}),
        ("pages/guidelines.py", {"title": "Guidelines", "icon": ":material/list:"}),
        (
            "pages/guideline.py",
            {"title": "Guideline", "url_path": "guideline", "visibility": "hidden"},
        ),
        ("pages/constitution.py", {"title": "Constitution", "icon": ":material/menu_book:"}),
        ("pages/rules.py", {"title": "Rules", "icon": ":material/gavel:"}),
        # Everyone may read revision runs (transparency); only stewards start or curate them.
        (
            "pages/revision.py",
            {"title": "Model revision", "icon": ":material/auto_fix_high:", "url_path": "revision"},
        ),
        # Audits too: everyone reads runs, verdicts and what they show; roles add the controls.
        (
            "pages/audits.py",
            {"title": "Audits", "icon": ":material/fact_check:", "url_path": "audits"},
        ),
    ]
    # The public view is anyone's unless the deployment switched it off; then it is for
    # signed-in people, and a visitor finds a closed page (closed.CLOSED_PAGES).
    if principal is not None or _public_view():
        pages.append(
            (
                "pages/transparency.py",
                {"title": "Transparency", "icon": ":material/public:", "url_path": "transparency"},
            )
        )
    if principal is None:
        return pages
    if may(principal, Action.PROPOSE):
        pages.insert(2, ("pages/propose.py", {"title": "Propose", "icon": ":material/edit_note:"}))
    pages.append(("pages/profile.py", {"title": "Profile", "icon": ":material/person:"}))
    if any(may(principal, a) for a in STEWARD_PAGE_ACTIONS):
        pages.append(("pages/people.py", {"title": "People", "icon": ":material/groups:"}))
    if may(principal, Action.VIEW_JOBS):
        pages.append(("pages/jobs.py", {"title": "Jobs", "icon": ":material/pending_actions:"}))
    if may(principal, Action.RUN_MODELS):
        pages.append(("pages/models.py", {"title": "Models", "icon": ":material/smart_toy:"}))
    return pages


def _public_view() -> bool:
    """Whether the deployment publishes the transparency view to people not signed in."""
    try:
        return settings().public_view
    except ConfigurationError:  # the frame says what is wrong and stops the run
        return False
