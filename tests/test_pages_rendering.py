"""How user text appears on pages: titles as plain text, statements without page structure."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from governance.models import GuidelineFilter, Role, Status
from governance.services import Charter
from tests.apptest_support import as_read, open_page, rerun, start

TITLE = "**Bold** _it_ `code` # not a heading"
STATEMENT = "---\nname: x\n---\n# Heading?\nLine one\nLine two\n\n- a list?"


def test_titles_are_plain_text_and_statements_keep_their_lines_but_make_no_structure(
    demo_env: Path, services: Charter
) -> None:
    author = services.people.demo_stakeholders()[0]
    gid = services.guidelines.propose(
        author, {"title": TITLE, "statement": STATEMENT, "category": "honesty"}
    ).id
    at = open_page(start(), "pages/guideline.py", gid)
    (title,) = [t.value for t in at.title]
    assert as_read(title) == TITLE and "\\*\\*Bold" in title  # shown as typed, not bold
    body = next(str(m.value) for m in at.markdown if "Line one" in str(m.value))
    lines = body.split("  \n")
    # No line may start a heading, a rule, a setext underline or a list.
    assert not any(line.lstrip().startswith(("#", "---", "- ")) for line in lines), body
    assert "Line one  \nLine two" in body  # the typed line break stays
    listing = open_page(start(), "pages/guidelines.py")
    links = [str(p.proto.label) for p in listing.get("page_link") if gid in str(p.proto.label)]
    assert links and all("\\*\\*Bold" in label for label in links)


def test_a_ballot_from_a_stale_tab_is_refused_with_a_reason_and_the_decision_shows(
    demo_env: Path, services: Charter
) -> None:
    (voting, *_) = services.guidelines.listing(GuidelineFilter(statuses=(Status.VOTING,))).items
    gid = voting.guideline.id
    people = services.people.demo_stakeholders()
    voter = next(p for p in people if p.groups and not p.suspended)
    moderator = next(p for p in people if Role.MODERATOR in p.roles and not p.suspended)
    at = open_page(start(voter), "pages/guideline.py", gid)
    assert at.button(key=f"vote:{gid}:approve")
    # Meanwhile, in another tab, a moderator closes the vote.
    services.guidelines.close_voting(moderator, gid, "closing early for the test")
    at.button(key=f"vote:{gid}:approve").click()
    rerun(at)
    assert not at.exception
    errors = [as_read(str(e.value)) for e in at.error]
    assert any("not open for voting" in e for e in errors), errors
    decision = services.guidelines.detail(gid, None).decision
    assert decision is not None
    shown = [as_read(str(m.value)) for m in at.markdown]
    assert any(decision.tally.lines[0] in m for m in shown)


def test_a_comment_from_a_stale_tab_is_refused_with_a_reason(
    demo_env: Path, services: Charter
) -> None:
    author = services.people.demo_stakeholders()[0]
    gid = services.guidelines.propose(
        author, {"title": "To withdraw", "statement": "Soon withdrawn.", "category": "honesty"}
    ).id
    services.guidelines.submit(author, gid)
    at = open_page(start(author), "pages/guideline.py", gid)
    services.guidelines.withdraw(author, gid, "a duplicate")  # in another tab
    at.text_area(key=f"comment:{gid}:body").input("One more thought.")
    next(b for b in at.button if b.label == "Post comment").click()
    rerun(at)
    errors = [as_read(str(e.value)) for e in at.error]
    assert any("discussion is closed" in e for e in errors), errors


def _a_run_cut_short_after_its_outcome(keep: bool) -> None:
    """A page whose first run after "Act" stops right after showing its outcome.

    ``st.rerun()`` stops a run the way a click or an edit arriving mid-run does (Streamlit
    raises the same exception in the script); ``keep`` says whether the page runs the way
    app.py runs every page.
    """
    import contextlib

    import streamlit as st

    from pages.components import feedback

    def act() -> None:
        feedback.run_action("act", lambda: None, "Done: acted.")
        st.session_state["cut"] = True

    guard = feedback.outcomes_kept_if_interrupted() if keep else contextlib.nullcontext()
    with guard:
        st.button("Act", on_click=act)
        feedback.show_outcome("act")
        if st.session_state.pop("cut", False):
            st.rerun()


def test_an_outcome_taken_by_a_run_cut_short_is_shown_by_the_next() -> None:
    """A second tab "sometimes shows no confirmation": the run that took it was cut short."""
    for keep in (False, True):
        at = AppTest.from_function(_a_run_cut_short_after_its_outcome, args=(keep,)).run()
        at.button[0].click().run()
        assert not at.exception
        shown = [str(s.value) for s in at.success]
        assert shown == (["Done: acted."] if keep else []), (keep, shown)
        assert not at.run().success  # and then it is gone, as any shown outcome


def test_app_py_keeps_the_outcomes_of_a_run_cut_short() -> None:
    source = (Path(__file__).resolve().parent.parent / "app.py").read_text()
    assert "with ui.outcomes_kept_if_interrupted():\n    ui.navigation(principal).run()" in source


def test_the_guideline_page_draws_a_guideline_in_every_status(
    demo_env: Path, services: Charter
) -> None:
    steward = next(p for p in services.people.demo_stakeholders() if Role.STEWARD in p.roles)
    at = start(steward)
    seen = set()
    listed = [
        item
        for page in (1, 2)
        for item in services.guidelines.listing(GuidelineFilter(), page=page).items
    ]
    for item in listed:
        status = item.guideline.status
        if status in seen:
            continue
        seen.add(status)
        at = open_page(at, "pages/guideline.py", item.guideline.id)
        assert not at.exception, (item.guideline.id, status, at.exception)
    assert seen == set(Status)


def test_the_version_diff_follows_the_newest_versions_and_marks_deletions_apart(
    demo_env: Path, services: Charter
) -> None:
    author = services.people.demo_stakeholders()[0]
    text = {"title": "Diffs", "statement": "Say when unsure.", "category": "honesty"}
    gid = services.guidelines.propose(author, text).id
    services.guidelines.amend(author, gid, {**text, "statement": "Say when not sure."}, "v2")
    at = open_page(start(author), "pages/guideline.py", gid)
    assert [s.value for s in at.selectbox if "ompare" in s.label or s.label == "with version"] == [
        1,
        2,
    ]
    html = " ".join(str(h.proto.body) for h in at.get("html"))
    # "unsure" became "not sure": the deleted and the inserted words do not run together.
    assert "unsure.</del> <ins" in html, html
    services.guidelines.amend(author, gid, {**text, "statement": "Say it when not sure."}, "v3")
    rerun(at)
    assert [s.value for s in at.selectbox if "ompare" in s.label or s.label == "with version"] == [
        2,
        3,
    ]
