"""Guidelines: browse, filter by status, category and language, and search."""

import streamlit as st

from governance.config import category_label
from governance.languages import LANGUAGES, language_label
from governance.models import GuidelineFilter, Status
from governance.text import clean_text
from governance.voting import share_text
from pages import ui

ui.page_gate(__file__)

config = ui.settings()
st.title("Guidelines")

cols = st.columns([2, 2, 2, 3])
statuses = cols[0].multiselect(
    "Status", list(Status), format_func=lambda s: s.value, key="f_status"
)
categories = cols[1].multiselect(
    "Category", config.categories, format_func=category_label, key="f_category"
)
languages = cols[2].multiselect(
    "Language", sorted(LANGUAGES, key=language_label), format_func=language_label, key="f_lang"
)
raw_search = cols[3].text_input(
    "Search", placeholder="words, tags or an id like G-0007", key="f_search"
)
try:
    search = clean_text(raw_search, max_length=200, multiline=False, required=False)
except ValueError as exc:
    cols[3].error(f"Search {exc}")
    search = ""

where = GuidelineFilter(
    statuses=tuple(statuses), categories=tuple(categories), languages=tuple(languages), text=search
)
page_number = st.session_state.get("f_page", 1)
result = ui.charter().guidelines.listing(where, page_number)
if page_number > result.pages:  # the filters changed under a later page: start again
    st.session_state["f_page"] = page_number = 1
    result = ui.charter().guidelines.listing(where, page_number)
st.caption(f"{result.total} guideline{'s' if result.total != 1 else ''}")

for item in result.items:
    g = item.guideline
    with st.container(border=True):
        top = st.columns([6, 1])
        with top[0]:
            ui.guideline_link(g.id, g.text.title)
        with top[1]:
            ui.status_badge(g.status)
        facts = [category_label(g.text.category), language_label(g.text.language), f"v{g.version}"]
        facts.append(f"by {g.author_name}")
        if item.counts is not None:
            c = item.counts
            facts.append(f"{c.total} ballots, {share_text(c.approve, c.decisive)} approve")
        if g.text.tags:
            facts.append("tags: " + ", ".join(g.text.tags))
        st.caption(ui.safe_markdown(" · ".join(facts)))

if result.pages > 1:
    st.pagination(result.pages, default=min(page_number, result.pages), key="f_page")
