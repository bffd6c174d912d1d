"""Propose: write a guideline, preview it as voters will read it, and submit it as a draft."""

import streamlit as st

from governance.errors import ValidationFailed
from governance.validation import parse_guideline_text
from pages import ui
from pages.components import text_form

ui.page_gate(__file__)

KEY = "propose"
PREFIX = "propose:field"

charter = ui.charter()
principal = ui.current_principal()
st.title("Propose a guideline")
st.caption(
    "A guideline starts as a draft that only changes when you amend it. Submit it for"
    " deliberation when you are ready; a moderator opens voting after discussion."
)


def propose(token: str) -> None:
    raw = text_form.field_values(PREFIX)
    proposed = ui.run_action(
        KEY, lambda: charter.guidelines.propose(principal, raw, token=token), ""
    )
    if proposed is not None:
        st.session_state["proposed"] = proposed.id  # shown, with a link, by this render
        ui.renew_form_token(KEY)
        text_form.clear_fields(PREFIX)


token = ui.form_token(KEY)  # on the button: a double click sends this form twice, not two


form, preview = st.columns([3, 2], gap="large")
with form:
    text_form.guideline_fields(PREFIX, KEY)
    st.button(
        "Propose as draft",
        key=f"propose:send:{token}",
        type="primary",
        on_click=propose,
        args=(token,),
        disabled=principal is None,
    )
    st.session_state.pop(f"{KEY}:ok", None)
    ui.show_outcome(KEY)
    if "proposed" in st.session_state:
        new_id = st.session_state.pop("proposed")
        st.success(f"Proposed {new_id} as a draft.", icon=":material/check_circle:")
        st.page_link(
            "pages/guideline.py", label=f"Open {new_id}", query_params=ui.link_params(id=new_id)
        )

with preview:
    st.subheader("Preview", anchor=False)
    # Streamlit sends a field's text when the person leaves it (or presses Enter, Ctrl+Enter
    # in a text area), not at each key: say so rather than leave a stale preview unexplained.
    st.caption(
        "The preview and the character counts catch up when you leave a field"
        " (or press Enter; Ctrl+Enter in a larger box)."
    )
    raw = text_form.field_values(PREFIX)
    if not raw.get("title") and not raw.get("statement"):
        st.caption("Start typing: the guideline appears here as voters will see it.")
    else:
        try:
            text = parse_guideline_text(raw, ui.settings())
        except ValidationFailed as exc:
            problems = "; ".join(f"{f.replace('_', ' ')} {m}" for f, m in exc.errors.items())
            st.caption(ui.escape_markdown(f"Not ready yet: {problems}"))
        else:
            st.markdown(f"### {ui.plain(text.title)}")
            ui.user_text(text.statement)
            st.markdown("**Critique request**")
            ui.user_text(text.critique_request)
            st.markdown("**Revision request**")
            ui.user_text(text.revision_request)
            if text.rationale:
                st.markdown("**Rationale**")
                ui.user_text(text.rationale)
