"""The guideline forms in a real browser, where what the browser keeps and sends matters.

A double click on "Propose as draft" makes one guideline and leaves an empty form; a pasted
statement over the limit stays in the box with the limit named.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from governance.models import STATEMENT_MAX, Status
from tests.browser_support import (
    _fresh_database,
    fill_proposal,
    move_on,
    open_new_proposal,
    status_badge,
    wait_idle,
)
from tests.browser_support import browser as browser  # fixture
from tests.browser_support import chromium_available as chromium_available  # fixture
from tests.browser_support import xdg_env as xdg_env  # fixture
from tests.test_browser import open_page, run_with_screenshot, running_app, sign_in_as_moderator
from tests.test_browser import page as page  # fixture

pytestmark = pytest.mark.browser

#: This checkout may change while the tests run; a reload would swap the app's modules.
NO_RELOAD = {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
#: Between the two presses of a double click: long enough that the first press already runs.
DOUBLE_CLICK_GAP_MS = 150
#: The pasted statement, as a pattern (a failure then shows this, not 5,001 characters).
PASTED = re.compile(r"^(word ){1000}x$")
#: Longer than an expander's closing animation.
COLLAPSE_MS = 1_000


@pytest.fixture(scope="module")
def url(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory, xdg_env: dict[str, str]
) -> Iterator[str]:
    """The app in demo mode, shared by this module's tests, on its own copy of the demo data."""
    db_path = _fresh_database(demo_template, tmp_path_factory.mktemp("forms"))
    with running_app(db_path, {**xdg_env, **NO_RELOAD}) as base:
        yield base


def guidelines_titled(page: Page, url: str, title: str) -> int:
    """How many guidelines the Guidelines page finds under ``title`` (read in another tab)."""
    reader = page.context.new_page()
    try:
        open_page(reader, f"{url}/guidelines")
        search = reader.get_by_label("Search", exact=True)
        search.fill(title)
        search.press("Enter")
        found = reader.get_by_text(re.compile(r"^\d+ guidelines?$"))
        expect(found).not_to_have_text(re.compile(r"^\d{2,} "))  # the search has applied
        wait_idle(reader)
        return int(found.inner_text().split()[0])
    finally:
        reader.close()


def test_a_double_click_proposes_once_and_empties_the_form(
    url: str, page: Page, tmp_path: Path
) -> None:
    title = f"Cite sources {uuid.uuid4().hex[:8]}"

    def flow() -> None:
        open_page(page, url)
        sign_in_as_moderator(page)
        fill_proposal(page, title, "The assistant names its sources when it states facts.")
        wait_idle(page)
        # A person's double click: the second press lands while the first is being handled.
        button = page.get_by_role("button", name="Propose as draft")
        button.click()
        page.wait_for_timeout(DOUBLE_CLICK_GAP_MS)
        # While the first press reruns the page, Streamlit may show the old button beside the
        # new one for a moment: the second press lands on the first one found, as a hand would.
        button.first.click()
        expect(page.get_by_text("as a draft.")).to_be_visible()
        wait_idle(page)
        assert guidelines_titled(page, url, title) == 1
        expect(page.get_by_label("Title", exact=True)).to_have_value("")
        expect(page.get_by_label("Value statement, in plain words", exact=True)).to_have_value("")
        # The person presses again on the emptied form: nothing more is proposed.
        page.get_by_role("button", name="Propose as draft").click()
        wait_idle(page)
        expect(page.get_by_text("must not be empty").first).to_be_visible()
        assert guidelines_titled(page, url, title) == 1

    run_with_screenshot(page, tmp_path, "double-click", flow)


def test_a_pasted_statement_over_the_limit_stays_and_names_the_limit(
    url: str, page: Page, tmp_path: Path
) -> None:
    title = f"Long statement {uuid.uuid4().hex[:8]}"
    statement = "word " * (STATEMENT_MAX // 5) + "x"  # 5,001 characters
    assert len(statement) == STATEMENT_MAX + 1 and PASTED.fullmatch(statement)

    def flow() -> None:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        open_page(page, url)
        sign_in_as_moderator(page)
        fill_proposal(page, title, "A short statement, replaced by the paste below.")
        box = page.get_by_label("Value statement, in plain words", exact=True)
        page.evaluate("text => navigator.clipboard.writeText(text)", statement)
        box.click()
        box.press("ControlOrMeta+A")
        box.press("ControlOrMeta+V")
        box.press("Tab")
        wait_idle(page)
        expect(box).to_have_value(PASTED)
        expect(page.get_by_text("5,001 / 5,000 characters: 1 too many")).to_be_visible()

        page.get_by_role("button", name="Propose as draft").click()
        wait_idle(page)
        expect(
            page.get_by_text("is 5,001 characters; the limit is 5,000", exact=True)
        ).to_be_visible()
        expect(box).to_have_value(PASTED)
        expect(page.get_by_text("as a draft.")).to_have_count(0)
        assert guidelines_titled(page, url, title) == 0

    run_with_screenshot(page, tmp_path, "paste-over-limit", flow)


def test_the_amend_form_stays_open_after_a_refusal(url: str, page: Page, tmp_path: Path) -> None:
    title = f"Amend me {uuid.uuid4().hex[:8]}"

    def flow() -> None:
        open_page(page, url)
        sign_in_as_moderator(page)
        fill_proposal(page, title, "The assistant says when it is not sure.")
        wait_idle(page)
        page.get_by_role("button", name="Propose as draft").click()
        open_new_proposal(page)
        expect(page.get_by_role("heading", name=title)).to_be_visible()
        wait_idle(page)
        page.get_by_role("tab", name="Versions", exact=True).click()
        page.get_by_text("Amend this guideline", exact=True).click()
        form = page.get_by_test_id("stExpander").filter(has_text="Amend this guideline")
        statement = form.get_by_label("Value statement, in plain words", exact=True)
        expect(statement).to_be_visible()
        wait_idle(page)
        statement.fill("The assistant says plainly when it is not sure.")
        statement.press("Tab")
        wait_idle(page)
        form.get_by_role("button", name="Save as a new version").click()
        expect(form.get_by_text("must not be empty", exact=True)).to_be_visible()

        reason = form.get_by_label("Why this change? (required)", exact=True)
        reason.fill("say it more plainly")
        reason.press("Tab")
        wait_idle(page)
        page.wait_for_timeout(COLLAPSE_MS)  # a closing expander would be closed by now
        assert form.locator("details").evaluate("d => d.open"), "the form stays open"
        expect(reason).to_have_value("say it more plainly")
        form.get_by_role("button", name="Save as a new version").click()
        expect(page.get_by_text("Amended: a new version is recorded.")).to_be_visible()
        expect(page.get_by_text("version 2").first).to_be_visible()

        page.get_by_role("tab", name="Vote", exact=True).click()
        move_on(page, "Submit for deliberation")  # the other form's expander still opens
        expect(status_badge(page, Status.DELIBERATION)).to_be_visible()

    run_with_screenshot(page, tmp_path, "amend-open", flow)


def test_a_visitor_at_a_closed_page_is_told_to_sign_in(
    url: str, page: Page, tmp_path: Path
) -> None:
    def flow() -> None:
        open_page(page, url)  # the server has run its navigation: no old-pages mode
        for path, message in (
            ("people", "Sign in as a steward to manage people."),
            ("propose", "Sign in to propose a guideline."),
        ):
            open_page(page, f"{url}/{path}")
            expect(page.get_by_text(message, exact=True)).to_be_visible()
            expect(page.get_by_text("Page not found")).to_have_count(0)
            expect(page).to_have_url(re.compile(f"/{path}$"))
        # Signing in right there opens the page that was asked for.
        sign_in_as_moderator(page)
        expect(page.get_by_role("heading", name="Propose a guideline")).to_be_visible()
        expect(page.get_by_text("Sign in to propose a guideline.")).to_have_count(0)

    run_with_screenshot(page, tmp_path, "closed-page", flow)
