"""A guideline's versions with word diffs, and the form its text is written in (propose, amend)."""

from __future__ import annotations

import streamlit as st

from governance.diff import diff_texts
from governance.languages import LANGUAGES
from governance.models import (
    RATIONALE_MAX,
    REASON_MAX,
    REQUEST_MAX,
    STATEMENT_MAX,
    TITLE_MAX,
    Stakeholder,
)
from governance.services import Charter
from governance.services.guidelines import GuidelineDetail
from governance.validation import GUIDELINE_FIELDS
from pages import ui
from pages.components.fields import limited_text


def versions(detail: GuidelineDetail) -> None:
    """Every version with its reason, and a word diff between any two."""
    all_versions = detail.versions
    for v in reversed(all_versions):
        who = detail.names.get(v.author_id, "?")
        note = f" — {v.reason}" if v.reason else " — first version"
        st.markdown(ui.safe_markdown(f"**v{v.version}** · {v.created_at:%d %b %Y} · {who}{note}"))
    if len(all_versions) < 2:
        return
    numbers = [v.version for v in all_versions]
    cols = st.columns(2)
    # Keyed by the newest version: a new version starts the comparison at the newest two.
    key = f"diff:{detail.guideline.id}:{numbers[-1]}"
    old = cols[0].selectbox("Compare version", numbers, index=len(numbers) - 2, key=f"{key}:old")
    new = cols[1].selectbox("with version", numbers, index=len(numbers) - 1, key=f"{key}:new")
    by_number = {v.version: v for v in all_versions}
    changed = [d for d in diff_texts(by_number[old].text, by_number[new].text) if d.changed]
    if not changed:
        st.caption("No differences.")
    for field_diff in changed:
        st.markdown(f"**{field_diff.field.replace('_', ' ')}**")
        st.html(f'<div class="charter-diff">{ui.diff_html(field_diff.segments)}</div>')


_OPTIONAL_TEXTS = (
    (
        "critique_request",
        "Critique request (optional: derived from the statement when blank)",
        REQUEST_MAX,
    ),
    (
        "revision_request",
        "Revision request (optional: derived from the statement when blank)",
        REQUEST_MAX,
    ),
    ("rationale", "Rationale (optional)", RATIONALE_MAX),
)


def guideline_fields(prefix: str, error_key: str, current: dict[str, object] | None = None) -> None:
    """The guideline text widgets, each with its error message below it."""
    config = ui.settings()
    current = current or {}
    category_label, language_label = ui.labels()
    limited_text(
        "Title",
        f"{prefix}:title",
        TITLE_MAX,
        error_key=error_key,
        field="title",
        value=str(current.get("title", "")),
    )
    limited_text(
        "Value statement, in plain words",
        f"{prefix}:statement",
        STATEMENT_MAX,
        error_key=error_key,
        field="statement",
        multiline=True,
        value=str(current.get("statement", "")),
        height=140,
    )
    cols = st.columns(2)
    with cols[0]:
        categories = list(config.categories)
        chosen = current.get("category")
        st.selectbox(
            "Category",
            categories,
            index=categories.index(chosen) if chosen in categories else None,
            format_func=category_label,
            key=f"{prefix}:category",
            placeholder="Choose a category",
        )
        ui.field_error(error_key, "category")
    with cols[1]:
        codes = sorted(LANGUAGES, key=language_label)
        st.selectbox(
            "Language",
            codes,
            index=codes.index(str(current.get("language", "en"))),
            format_func=language_label,
            key=f"{prefix}:language",
        )
        ui.field_error(error_key, "language")
    tags = current.get("tags", ())
    st.text_input(
        "Tags (comma-separated, optional)",
        value=", ".join(tags) if isinstance(tags, (list, tuple)) else str(tags),
        key=f"{prefix}:tags",
    )
    ui.field_error(error_key, "tags")
    for field, label, limit in _OPTIONAL_TEXTS:
        limited_text(
            label,
            f"{prefix}:{field}",
            limit,
            error_key=error_key,
            field=field,
            multiline=True,
            value=str(current.get(field, "")),
        )


def clear_fields(prefix: str) -> None:
    """Empty the guideline widgets under ``prefix`` (from a callback), keeping the language.

    Each value is set rather than removed from the session: only a value set through the
    session reaches the browser, which otherwise keeps showing (and sending) the old text.
    """
    for field in GUIDELINE_FIELDS:
        if field != "language":  # a person writing in one language is likely to go on in it
            st.session_state[f"{prefix}:{field}"] = None if field == "category" else ""


def field_values(prefix: str) -> dict[str, object]:
    """What the guideline widgets under ``prefix`` hold now."""
    return {f: st.session_state.get(f"{prefix}:{f}") for f in GUIDELINE_FIELDS}


def amend_form(charter: Charter, principal: Stakeholder | None, detail: GuidelineDetail) -> None:
    """Edit the text into a new version, with the reason for the change."""
    g = detail.guideline
    key = f"amend:{g.id}"
    prefix = f"{key}:v{g.version}"
    with ui.action_expander("Amend this guideline", key):
        if g.status.value == "voting":
            st.warning(
                "Amending now sends the guideline back to deliberation;"
                " ballots cast so far will not count."
            )
        guideline_fields(prefix, key, g.text.model_dump())
        limited_text(
            "Why this change? (required)",
            f"{prefix}:reason",
            REASON_MAX,
            error_key=key,
            field="reason",
        )

        def amend() -> None:
            reason = st.session_state.get(f"{prefix}:reason", "")
            raw = field_values(prefix)
            amended = ui.run_action(
                key,
                lambda: charter.guidelines.amend(
                    principal, g.id, raw, reason, expected_version=g.version
                ),
                "Amended: a new version is recorded.",
            )
            if amended is not None:
                ui.close_action_expander(key)

        st.button("Save as a new version", key=f"{prefix}:save", on_click=amend, type="primary")
    ui.show_outcome(key)


if __name__ == "__main__":  # Streamlit's old pages mode can run this helper module as a page
    ui.page_gate(__file__)
