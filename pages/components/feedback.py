"""How a page reports what an action did: the only place a ``GovernanceError`` is shown."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st
from streamlit.elements.lib.mutable_expander_container import ExpanderContainer
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException

from governance.errors import GovernanceError, ValidationFailed
from governance.text import escape_markdown

T = TypeVar("T")

#: Outcomes shown by the run under way, as they were in the session before it took them.
_SHOWN = "outcomes:shown"


def show_error(exc: GovernanceError) -> None:
    """Show a refused action's message (it may quote input, so no markdown is honoured)."""
    st.error(escape_markdown(exc.message), icon=":material/block:")


def run_action(key: str, action: Callable[[], T], success: str) -> T | None:
    """Call a service from a widget callback; keep its outcome for the next render.

    Returns the service's result, or None when it refused (its message is kept for ``key``).
    """
    try:
        result = action()
    except ValidationFailed as exc:
        st.session_state[f"{key}:errors"] = exc.errors
        st.session_state.pop(f"{key}:ok", None)
        return None
    except GovernanceError as exc:
        st.session_state[f"{key}:errors"] = {"": exc.message}
        st.session_state.pop(f"{key}:ok", None)
        return None
    st.session_state.pop(f"{key}:errors", None)
    st.session_state[f"{key}:ok"] = success
    return result


def action_expander(label: str, key: str) -> ExpanderContainer:
    """An expander holding the form of ``run_action(key, ...)``, left as the person leaves it.

    Its open state is the person's (kept in the session under ``key:open``): it opens to
    show a refusal and stays open while they correct the form. An ``expanded=`` computed
    from the last refusal would close it at their next edit, when that refusal is gone.
    """
    open_key = f"{key}:open"
    if action_errors(key):
        st.session_state[open_key] = True
    return st.expander(label, key=open_key, on_change="rerun")


def close_action_expander(key: str) -> None:
    """Close the expander of ``action_expander(..., key)`` (from a callback: its work is done)."""
    st.session_state[f"{key}:open"] = False


def form_token(key: str) -> str:
    """The token naming the form of ``run_action(key, ...)`` now being filled in.

    Bind it to the form's button, in its key and as its callback's argument: a second click
    on that button, even one sent before the first was answered, then sends the same form
    again, and the service answers it with what the first made.
    """
    token: str = st.session_state.setdefault(f"{key}:token", uuid.uuid4().hex)
    return token


def renew_form_token(key: str) -> None:
    """Start a new form for ``key`` (from the callback, once its form was accepted)."""
    st.session_state[f"{key}:token"] = uuid.uuid4().hex


def action_errors(key: str) -> dict[str, str]:
    """Messages from the last ``run_action(key, ...)``, keyed by field ("" for the action)."""
    errors: dict[str, str] = st.session_state.get(f"{key}:errors", {})
    return errors


@contextmanager
def outcomes_kept_if_interrupted() -> Iterator[None]:
    """Run a page; if its run is cut short, show its outcomes again in the next run.

    An outcome is shown once: the run that shows it takes it from the session. But a click or
    an edit that arrives while a run is under way stops that run where it is and starts
    another, and what the stopped run drew never stays on screen. Without this, an outcome
    taken by a stopped run is lost, and the person who acted sees no word of what happened.
    """
    st.session_state[_SHOWN] = {}
    try:
        yield
    except RerunException:
        shown: dict[str, Any] = st.session_state.pop(_SHOWN, {})
        for state_key, value in shown.items():
            # An action in the coming run sets its own outcome after this, replacing ours.
            st.session_state.setdefault(state_key, value)
        raise


def _take(state_key: str, default: Any) -> Any:
    """Take an outcome from the session, noting it for ``outcomes_kept_if_interrupted``."""
    if state_key not in st.session_state:
        return default
    value = st.session_state.pop(state_key)
    shown = st.session_state.get(_SHOWN)
    if shown is not None:
        shown[state_key] = value
    return value


def show_outcome(key: str, *, with_fields: bool = False) -> None:
    """Show, once, what the last ``run_action(key, ...)`` did.

    Field messages are normally shown next to their fields by ``field_error``; pass
    ``with_fields`` where the action has no fields of its own.
    """
    errors: dict[str, str] = _take(f"{key}:errors", {})
    for field, message in errors.items():
        if not field:
            st.error(escape_markdown(message), icon=":material/block:")
        elif with_fields:
            text = f"{field.replace('_', ' ')}: {message}"
            st.error(escape_markdown(text), icon=":material/error:")
    success = _take(f"{key}:ok", None)
    if success:
        st.success(success, icon=":material/check_circle:")


def show_settled_outcomes(prefix: str, drawn: set[str]) -> None:
    """Show outcomes of ``prefix`` actions whose item is no longer drawn.

    A decided request or a resolved flag leaves its list, taking the place its outcome would
    be shown in; call this above the list with the keys of the items still drawn.
    """
    for state_key in [k for k in st.session_state if str(k).startswith(prefix)]:
        key, _, kind = str(state_key).rpartition(":")
        if kind == "ok" or (kind == "errors" and key not in drawn):
            show_outcome(key, with_fields=True)


def field_error(key: str, field: str) -> None:
    """Show the message for one field, right below it."""
    message = action_errors(key).get(field)
    if message:
        st.error(escape_markdown(message), icon=":material/error:")
