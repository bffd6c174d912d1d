"""Models (stewards): the chat models revision runs may call, and a test of each connection."""

import streamlit as st

from governance.llm.specs import ModelSpec
from governance.services.models import ConnectionTest
from pages import ui

ui.page_gate(__file__)

charter = ui.charter()
principal = ui.current_principal()
st.title("Models")
st.caption(
    "Models are configured in `.streamlit/secrets.toml`, one table per model under"
    " `[charter.models.NAME]` (see the README). A key stays there or in the environment:"
    " it is never stored in the database or shown on a page."
)


def row(spec: ModelSpec) -> dict[str, object]:
    """What the table shows of a model: its public settings (``public()`` leaves the key out)."""
    public = spec.public()
    return {
        "name": public["name"],
        "what it is": spec.label,
        "temperature": public["temperature"],
        "max tokens": public["max_tokens"],
        "concurrency": public["concurrency"],
        "rate limit": f"{public['rate_limit']:g} calls/s" if public["rate_limit"] else "no limit",
        "timeout": f"{public['timeout_s']:g} s",
    }


def test(name: str) -> None:
    key = f"models:test:{name}"
    tested = ui.run_action(key, lambda: charter.models.test_connection(principal, name), "")
    st.session_state[f"{key}:result"] = tested


def outcome(result: ConnectionTest) -> None:
    # The reply and the error are the model's or the provider's words: shown as written.
    if result.ok:
        said = ui.plain(result.reply)
        st.success(f"Answered in {result.ms:,.0f} ms: '{said}'", icon=":material/check_circle:")
    else:
        st.error(ui.escape_markdown(result.error), icon=":material/error:")


registry = charter.models.registry
st.dataframe([row(spec) for spec in registry.values()], hide_index=True)

for name, spec in registry.items():
    with st.container(border=True):
        label, button = st.columns([4, 1], vertical_alignment="center")
        label.markdown(f"**{ui.plain(spec.name)}** · {ui.plain(spec.model)}")
        if spec.kind == "scripted":
            label.caption(
                "A scripted stand-in, not a model: its replies are templates written for"
                " Charter, for trying the pipeline. Runs made with it say so everywhere."
            )
        button.button("Test connection", key=f"models:test:{name}:go", on_click=test, args=(name,))
        key = f"models:test:{name}"
        ui.show_outcome(key, with_fields=True)
        result = st.session_state.get(f"{key}:result")
        if result is not None:
            outcome(result)
