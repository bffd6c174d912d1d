"""The errors a person can cause, and nothing else.

Every interface translates a ``GovernanceError`` into a message in exactly one place
(``pages/components/feedback.py`` for pages, ``main`` in ``governance/cli/`` for the command
line). Any other exception is a bug and is allowed to be loud.
"""

from __future__ import annotations

from collections.abc import Mapping


class GovernanceError(Exception):
    """Base class: an action was refused; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(GovernanceError):
    """Input did not pass validation.

    ``errors`` maps a field name (as the form or CLI names it) to one message, so an
    interface can show each message next to the field that caused it.
    """

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        summary = "; ".join(f"{field}: {message}" for field, message in self.errors.items())
        super().__init__(summary)


class NotFound(GovernanceError):
    """The thing asked for does not exist."""


class NotAllowed(GovernanceError):
    """The acting person may not do this."""


class InvalidTransition(GovernanceError):
    """A lifecycle transition that the table or one of its guards refuses."""

    def __init__(self, from_status: str, to_status: str, reason: str) -> None:
        self.from_status = from_status
        self.to_status = to_status
        self.reason = reason
        super().__init__(f"cannot move from {from_status} to {to_status}: {reason}")


class VotingClosed(GovernanceError):
    """A ballot for a guideline that is not open for voting (or whose window ended)."""


class StaleVersion(GovernanceError):
    """The person acted on a version that is no longer the current one."""


class Conflict(GovernanceError):
    """Someone else changed the same thing at the same moment (another process).

    Nothing was stored; trying again sees their change.
    """


class DatabaseBusy(GovernanceError):
    """Another process holds the database file (DuckDB allows one process per file)."""


class ConfigurationError(GovernanceError):
    """Settings that cannot work together; raised at start-up."""


class RenderFailed(GovernanceError):
    """A report could not be rendered: e.g. no chromium here to print a PDF, or it failed."""
