"""The guideline forms (propose, amend) as a person uses them: one proposal per intention,
text over a limit kept and explained, the amend form kept open, and pages that say why not.

AppTest takes every widget's value from the server after a run, but a browser keeps what the
person typed unless the server sends a new value (``set_value`` in the widget's message).
``browser_sends`` puts that difference back, so a test sees what a second press in the browser
would send; ``replay`` sends the very same message twice, as a double click does.
"""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from governance.services import Charter
from governance.storage import Database
from tests.apptest_support import open_page, rerun, texts
from tests.test_pages import a_plain_participant, guideline_count, start, stored
from tests.test_pages import demo_env as demo_env  # fixture

PROPOSAL = {
    "propose:field:title": "Cite sources for factual claims",
    "propose:field:statement": "The assistant names its sources when it states facts.",
    "propose:field:category": "honesty",
}


# -- driving the forms like a browser ---------------------------------------------------------


def widget(at: AppTest, key: str):  # type: ignore[no-untyped-def]
    """The text box, text area or selectbox with ``key``."""
    for kind in (at.text_input, at.text_area, at.selectbox):
        for found in kind:
            if found.key == key:
                return found
    raise AssertionError(f"no widget {key!r} on the page")


def fill(at: AppTest, values: dict[str, str]) -> None:
    for key, value in values.items():
        box = widget(at, key)
        if type(box).__name__ == "Selectbox":
            box.select(value)
        else:
            box.input(value)


def browser_sends(at: AppTest, typed: dict[str, str]) -> None:
    """Make AppTest send what a browser would: what was typed, unless the server replaced it."""
    for key, value in typed.items():
        box = widget(at, key)
        if not box.proto.set_value:
            box.set_value(value)


def shown_by_browser(at: AppTest, key: str, typed: str) -> object:
    """What the browser shows in ``key`` after the last run, ``typed`` having been typed."""
    box = widget(at, key)
    if not box.proto.set_value:
        return typed
    return box.value


def propose_button(at: AppTest):  # type: ignore[no-untyped-def]
    [button] = [b for b in at.button if b.label == "Propose as draft"]
    return button


def proposed_ids(at: AppTest) -> list[str]:
    return re.findall(r"Proposed (G-\d{4}) as a draft\.", " ".join(texts(at.success)))


def replay(at: AppTest, message: WidgetStates) -> AppTest:
    """Send ``message`` (the widget states of one click) again, as a double click does."""
    at._run(message)
    assert not at.exception, at.exception
    return at


# -- one proposal per intention ---------------------------------------------------------------


def test_a_proposal_empties_the_form_in_the_browser(
    demo_env: Path, seeded_db: Database, services: Charter
):
    at = open_page(start(a_plain_participant(services)), "pages/propose.py")
    fill(at, PROPOSAL)
    rerun(at)
    propose_button(at).click()
    rerun(at)

    assert len(proposed_ids(at)) == 1
    for key, typed in PROPOSAL.items():
        assert shown_by_browser(at, key, typed) in ("", None), key


def test_pressing_propose_again_makes_no_second_guideline(
    demo_env: Path, seeded_db: Database, services: Charter
):
    before = guideline_count(seeded_db)
    at = open_page(start(a_plain_participant(services)), "pages/propose.py")
    fill(at, PROPOSAL)
    rerun(at)
    propose_button(at).click()
    rerun(at)
    [first] = proposed_ids(at)

    browser_sends(at, PROPOSAL)
    propose_button(at).click()
    rerun(at)

    assert guideline_count(seeded_db) == before + 1
    assert stored(seeded_db, first).text.title == PROPOSAL["propose:field:title"]
    assert not proposed_ids(at), "nothing new was proposed"


def test_a_double_click_makes_one_guideline(demo_env: Path, seeded_db: Database, services: Charter):
    before = guideline_count(seeded_db)
    at = open_page(start(a_plain_participant(services)), "pages/propose.py")
    fill(at, PROPOSAL)
    rerun(at)
    propose_button(at).click()
    click = at._tree.get_widget_states()
    replay(at, click)
    [first] = proposed_ids(at)
    replay(at, click)  # the second click left the browser before the first was answered

    assert guideline_count(seeded_db) == before + 1
    assert proposed_ids(at) in ([], [first])
