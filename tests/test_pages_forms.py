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

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from governance.models import COMMENT_MAX, NAME_MAX, STATEMENT_MAX, TITLE_MAX, Status
from governance.services import Charter
from governance.storage import Database
from tests.apptest_support import APP, as_read, open_page, registered_pages, rerun, texts
from tests.test_pages import (
    PRINCIPAL_KEY,
    a_moderator,
    a_plain_participant,
    authored_in_voting,
    guideline_count,
    guidelines_in,
    post_comment,
    start,
    stored,
)

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


# -- text over a limit ------------------------------------------------------------------------


def note_below(at: AppTest, key: str) -> str:
    """The caption or error right below the widget ``key``, as read."""
    elements = list(at.main)
    for i, element in enumerate(elements):
        if getattr(element, "key", None) == key:
            following = elements[i + 1]
            assert type(following).__name__ in ("Caption", "Error"), following
            return as_read(str(following.value))
    raise AssertionError(f"no widget {key!r} on the page")


OVER_LIMIT = [
    ("title", "T" * (TITLE_MAX + 4), TITLE_MAX),
    ("statement", "S" * (STATEMENT_MAX + 1), STATEMENT_MAX),
]


@pytest.mark.parametrize(("field", "text", "limit"), OVER_LIMIT, ids=["title", "statement"])
def test_an_over_long_proposal_keeps_the_text_and_names_the_limit(
    demo_env: Path, seeded_db: Database, services: Charter, field: str, text: str, limit: int
):
    before = guideline_count(seeded_db)
    key = f"propose:field:{field}"
    at = open_page(start(a_plain_participant(services)), "pages/propose.py")
    fill(at, {**PROPOSAL, key: text})
    rerun(at)
    assert widget(at, key).value == text, "the pasted text stays in the box"
    counted = note_below(at, key)
    assert f"{len(text):,} / {limit:,} characters" in counted, counted

    propose_button(at).click()
    rerun(at)
    message = note_below(at, key)
    assert f"{limit:,}" in message and f"{len(text):,}" in message, message
    assert widget(at, key).value == text
    assert not proposed_ids(at)
    assert guideline_count(seeded_db) == before


@pytest.mark.parametrize(("field", "text", "limit"), OVER_LIMIT, ids=["title", "statement"])
def test_an_over_long_amendment_keeps_the_text_and_saves_nothing(
    demo_env: Path, seeded_db: Database, services: Charter, field: str, text: str, limit: int
):
    guideline, author = authored_in_voting(seeded_db, services)
    prefix = f"amend:{guideline.id}:v{guideline.version}"
    at = open_page(start(author), "pages/guideline.py", guideline.id)
    changes = {
        f"{prefix}:statement": "A plainer wording of the same value, so every voter reads it alike.",
        f"{prefix}:{field}": text,
        f"{prefix}:reason": "say it more plainly",
    }
    fill(at, changes)
    at.button(key=f"{prefix}:save").click()
    rerun(at)

    unchanged = stored(seeded_db, guideline.id)
    assert (unchanged.version, unchanged.status) == (guideline.version, guideline.status)
    assert unchanged.text == guideline.text
    message = note_below(at, f"{prefix}:{field}")
    assert f"{limit:,}" in message and f"{len(text):,}" in message, message
    assert widget(at, f"{prefix}:{field}").value == text, "what was pasted stays"


def test_an_over_long_comment_is_kept_and_refused(
    demo_env: Path, seeded_db: Database, services: Charter
):
    guideline = guidelines_in(seeded_db, Status.DELIBERATION)[0]
    person = a_plain_participant(services, not_author_of=guideline)
    with seeded_db.read() as tx:
        comments_before = len(tx.discussion.comments(guideline.id))
    key = f"comment:{guideline.id}:body"
    body = "c" * (COMMENT_MAX + 1)
    at = open_page(start(person), "pages/guideline.py", guideline.id)
    fill(at, {key: body})
    post_comment(at).click()
    rerun(at)

    with seeded_db.read() as tx:
        assert len(tx.discussion.comments(guideline.id)) == comments_before
    message = note_below(at, key)
    assert f"{COMMENT_MAX:,}" in message and f"{len(body):,}" in message, message
    assert widget(at, key).value == body


def test_an_over_long_name_is_kept_and_the_old_one_not_saved_again(
    demo_env: Path, seeded_db: Database, services: Charter
):
    person = a_plain_participant(services)
    name = "N" * (NAME_MAX + 1)
    at = open_page(start(person), "pages/profile.py")
    fill(at, {"profile:display_name": name})
    at.button(key="profile:save").click()
    rerun(at)

    assert services.people.stakeholder(person.id).display_name == person.display_name
    assert not at.success, "nothing was saved"
    message = note_below(at, "profile:display_name")
    assert f"{NAME_MAX:,}" in message and f"{len(name):,}" in message, message
    assert widget(at, "profile:display_name").value == name


# -- the amend form stays open ------------------------------------------------------------------


def expander(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    [found] = [e for e in at.expander if e.label == label]
    return found


def test_the_amend_form_stays_open_after_a_refusal_while_it_is_edited(
    demo_env: Path, seeded_db: Database, services: Charter
):
    guideline, author = authored_in_voting(seeded_db, services)
    prefix = f"amend:{guideline.id}:v{guideline.version}"
    at = open_page(start(author), "pages/guideline.py", guideline.id)
    assert not expander(at, "Amend this guideline").proto.expanded, "closed until opened"
    fill(at, {f"{prefix}:statement": "A plainer wording of the same value, for every voter."})
    at.button(key=f"{prefix}:save").click()  # no reason: refused
    rerun(at)
    assert note_below(at, f"{prefix}:reason") == "must not be empty"
    assert expander(at, "Amend this guideline").proto.expanded

    fill(at, {f"{prefix}:reason": "say it more plainly"})  # the person goes on working
    rerun(at)
    assert expander(at, "Amend this guideline").proto.expanded, "the form stays open"
    assert widget(at, f"{prefix}:reason").value == "say it more plainly"
    fill(at, {f"{prefix}:title": "A plainer title"})
    rerun(at)
    assert expander(at, "Amend this guideline").proto.expanded

    at.button(key=f"{prefix}:save").click()
    rerun(at)
    assert "Amended: a new version is recorded." in texts(at.success)
    assert stored(seeded_db, guideline.id).version == guideline.version + 1
    assert not expander(at, "Amend this guideline").proto.expanded, "closed once saved"


def test_the_move_form_stays_open_after_a_refusal_while_it_is_edited(
    demo_env: Path, seeded_db: Database, services: Charter
):
    guideline = guidelines_in(seeded_db, Status.DELIBERATION)[0]
    at = open_page(start(a_moderator(services)), "pages/guideline.py", guideline.id)
    at.button(key=f"move:{guideline.id}:Withdraw").click()  # no reason: refused
    rerun(at)
    assert expander(at, "Move this guideline on").proto.expanded

    fill(at, {f"move:{guideline.id}:reason": "duplicate of another guideline"})
    rerun(at)
    assert expander(at, "Move this guideline on").proto.expanded, "the form stays open"


# -- saying why, and when ---------------------------------------------------------------------


def test_the_preview_says_when_it_follows_the_form(demo_env: Path, services: Charter):
    at = open_page(start(a_plain_participant(services)), "pages/propose.py")
    assert any("when you leave a field" in c for c in texts(at.caption)), texts(at.caption)


def first_request(page: str, principal_id: int | None = None) -> AppTest:
    """A new session whose first request is for ``page`` (a bookmark, a shared link)."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    if principal_id is not None:
        at.session_state[PRINCIPAL_KEY] = principal_id
    at.switch_page(page)
    return rerun(at)


CLOSED_TO_VISITORS = [
    ("pages/propose.py", "Sign in to propose a guideline."),
    ("pages/people.py", "Sign in as a steward to manage people."),
    ("pages/jobs.py", "Sign in as a moderator or a steward to see background jobs."),
    ("pages/models.py", "Sign in as a steward to manage models."),
    ("pages/profile.py", "Sign in to see your profile."),
]


@pytest.mark.parametrize(("page", "message"), CLOSED_TO_VISITORS)
def test_a_visitor_is_told_why_a_page_is_closed(demo_env: Path, page: str, message: str):
    at = first_request(page)
    assert texts(at.info) == [message]
    assert not at.main.text_input and not at.main.text_area and not at.main.button
    assert any("Demo mode" in w for w in texts(at.warning)), "the frame is drawn"


def test_a_participant_is_told_the_people_page_is_for_stewards(demo_env: Path, services: Charter):
    at = first_request("pages/people.py", a_plain_participant(services).id)
    assert texts(at.info) == ["Only stewards manage people."]


def test_signing_in_on_a_closed_page_opens_it(demo_env: Path, services: Charter):
    at = first_request("pages/propose.py")
    assert texts(at.info) == ["Sign in to propose a guideline."]
    at.session_state[PRINCIPAL_KEY] = a_plain_participant(services).id
    rerun(at)
    assert texts(at.title) == ["Propose a guideline"]
    assert not at.info


def test_a_closed_page_still_has_its_address(demo_env: Path):
    """For a visitor the navigation knows /propose and /people (to say why), but hides them."""
    at = start()
    paths = {str(info.get("url_pathname")) for info in at._registered_pages.values()}
    assert {"propose", "people", "jobs", "profile"} <= paths
    assert "propose.py" not in registered_pages(at), "no Propose page file for a visitor"


def test_a_double_click_posts_one_comment(demo_env: Path, seeded_db: Database, services: Charter):
    guideline = guidelines_in(seeded_db, Status.DELIBERATION)[0]
    person = a_plain_participant(services, not_author_of=guideline)
    with seeded_db.read() as tx:
        before = len(tx.discussion.comments(guideline.id))
    at = open_page(start(person), "pages/guideline.py", guideline.id)
    fill(at, {f"comment:{guideline.id}:body": "Once, please."})
    post_comment(at).click()
    click = at._tree.get_widget_states()
    replay(at, click)
    replay(at, click)  # the second click left the browser before the first was answered

    with seeded_db.read() as tx:
        assert len(tx.discussion.comments(guideline.id)) == before + 1


def test_a_double_click_posts_one_reply(demo_env: Path, seeded_db: Database, services: Charter):
    guideline = next(
        g
        for g in guidelines_in(seeded_db, Status.DELIBERATION)
        if services.guidelines.detail(g.id, None).threads
    )
    thread = services.guidelines.detail(guideline.id, None).threads[0]
    person = a_plain_participant(services, not_author_of=guideline)
    at = open_page(start(person), "pages/guideline.py", guideline.id)
    fill(at, {f"reply:{thread.comment.id}:body": "Agreed, once."})
    [post] = [b for b in at.button if str(b.key).startswith(f"reply:{thread.comment.id}:post")]
    post.click()
    click = at._tree.get_widget_states()
    replay(at, click)
    replay(at, click)

    replies = services.guidelines.detail(guideline.id, None).threads[0].replies
    assert [r.body for r in replies].count("Agreed, once.") == 1
