"""Text fields with a length limit that keep what is typed or pasted and say where it stands.

No widget here sets Streamlit's ``max_chars``: the browser side of a widget with it ignores an
edit that would pass the limit, so a pasted 5,001-character statement leaves the box as it
was without a word (empty: "must not be empty"; in an amendment: the old text, saved as if
unchanged). The limit is the service's to enforce; a field shows it and the count instead.
"""

from __future__ import annotations

import streamlit as st

from governance.text import escape_markdown, normalize_text
from pages.components.feedback import action_errors


def count(value: object, limit: int) -> str:
    """``"31 / 200 characters"``, counted as the service counts; in red past the limit."""
    length = len(normalize_text(value)) if isinstance(value, str) else 0
    counted = f"{length:,} / {limit:,} characters"
    if length > limit:
        return f":red[{counted}: {length - limit:,} too many]"
    return counted


def limited_text(
    label: str,
    key: str,
    limit: int,
    *,
    error_key: str | None = None,
    field: str | None = None,
    multiline: bool = False,
    value: str = "",
    height: int | None = None,
) -> None:
    """A text input (a text area if ``multiline``) of at most ``limit`` characters.

    Below it: the refusal for ``field`` of the last ``run_action(error_key, ...)`` if there
    is one (it names the limit and the count), else the count so far. Streamlit sends a
    text area's value when the person leaves it (or presses Ctrl+Enter), and a text input's
    on Enter too, so the count follows then.
    """
    if multiline:
        st.text_area(label, value=value, key=key, height=height)
    else:
        st.text_input(label, value=value, key=key)
    message = action_errors(error_key).get(field or "") if error_key else None
    if message:
        st.error(escape_markdown(message), icon=":material/error:")
    else:
        st.caption(count(st.session_state.get(key), limit))
