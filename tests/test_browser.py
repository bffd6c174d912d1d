"""End to end in a real browser: Debian's chromium, driven by Playwright, against `streamlit run`.

The acceptance flow: demo sign-in -> propose -> submit -> open voting -> vote -> the tally
shows the vote. Also: a visitor can neither propose nor vote, comment text cannot run
script, and no page asks any host but Charter's own for anything.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Locator, Page, Request, expect

from governance.models import GuidelineFilter, Status
from governance.storage import open_database
from tests.browser_support import (
    REPO_ROOT,
    WAIT_MS,
    _free_port,
    _fresh_database,
    choose,
    fill_proposal,
    move_on,
    nav_link,
    open_new_proposal,
    status_badge,
    stop_process,
    wait_idle,
    wait_until_healthy,
)
from tests.browser_support import browser as browser  # fixture
from tests.browser_support import chromium_available as chromium_available  # fixture
from tests.browser_support import xdg_env as xdg_env  # fixture

pytestmark = pytest.mark.browser


# -- fixtures ---------------------------------------------------------------------------------


def _voting_guideline(db_path: Path) -> str:
    """The id of a guideline open for voting (read before the server locks the file)."""
    database = open_database(db_path)
    try:
        with database.read() as tx:
            found, _ = tx.guidelines.search_guidelines(
                GuidelineFilter(statuses=(Status.VOTING,)), limit=1
            )
    finally:
        database.close()
    assert found, "the demo data should have a guideline open for voting"
    return found[0].id


@contextmanager
def running_app(
    db_path: Path | str, env: dict[str, str], *, logs: Path | None = None, name: str = "streamlit"
) -> Iterator[str]:
    """`streamlit run app.py` in demo mode on ``db_path`` (a file, or a PostgreSQL URL with
    ``logs`` given); yields the base URL. Its output goes to ``<name>.std*.log`` in ``logs``
    (by default beside the database file)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    logs = logs if logs is not None else Path(db_path).parent
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
    ]  # no --browser.gatherUsageStats: .streamlit/config.toml must switch it off
    server_env = {**os.environ, **env, "CHARTER_DEMO": "1", "CHARTER_DB": str(db_path)}
    stderr = logs / f"{name}.stderr.log"
    with (logs / f"{name}.stdout.log").open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=server_env, stdout=out, stderr=err)
    try:
        wait_until_healthy(process, url, stderr)
        yield url
    finally:
        stop_process(process)


@dataclass(frozen=True)
class App:
    """The running app and what the tests need to know about its data."""

    url: str
    voting_id: str
    """A seeded guideline that is open for voting."""


@pytest.fixture(scope="module")
def app(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory, xdg_env: dict[str, str]
) -> Iterator[App]:
    """The app, shared by the tests of this module, on its own copy of the demo database."""
    db_path = _fresh_database(demo_template, tmp_path_factory.mktemp("app"))
    voting_id = _voting_guideline(db_path)
    with running_app(db_path, xdg_env) as url:
        yield App(url, voting_id)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context, so a fresh Streamlit session, for each test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def run_with_screenshot(page: Page, tmp_path: Path, name: str, body: Callable[[], None]) -> None:
    """Run ``body``; if it fails, save a full-page screenshot in ``tmp_path`` and re-raise."""
    try:
        body()
    except BaseException:
        shot = tmp_path / f"{name}-failure.png"
        try:
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failure: {shot}")
        except Exception as exc:  # the browser may be gone; keep the original error
            print(f"could not take a screenshot: {exc}")
        raise


# -- steps ------------------------------------------------------------------------------------


def open_page(page: Page, url: str) -> None:
    """Load ``url`` (a new Streamlit session) and wait for the app shell to finish its run."""
    page.goto(url)
    expect(page.get_by_text("Demo mode")).to_be_visible(timeout=WAIT_MS)
    wait_idle(page)


def sign_in_as_moderator(page: Page) -> str:
    """Demo sign-in as the first moderator offered; returns that option's label."""
    sidebar = page.get_by_test_id("stSidebar")
    button = sidebar.get_by_role("button", name="Sign in", exact=True)
    # The first pick on a freshly started server must count too (ui._leave_old_pages_mode).
    box = sidebar.get_by_role("combobox", name="Act as (demo)")
    label = choose(box, "moderator", re.compile("moderator"))
    expect(button).to_be_enabled(timeout=10_000)
    button.click()
    expect(sidebar.get_by_text("Signed in as")).to_be_visible(timeout=WAIT_MS)
    wait_idle(page)
    return label


# -- tests ------------------------------------------------------------------------------------


def test_demo_sign_in_propose_vote_and_tally(app: App, page: Page, tmp_path: Path) -> None:
    title = f"Say when unsure {uuid.uuid4().hex[:8]}"

    def flow() -> None:
        open_page(page, app.url)
        assert "moderator" in sign_in_as_moderator(page)

        fill_proposal(page, title, "The assistant says when it is not sure, instead of guessing.")
        page.get_by_role("button", name="Propose as draft").click()
        open_new_proposal(page)

        expect(page.get_by_role("heading", name=title)).to_be_visible()
        expect(status_badge(page, Status.DRAFT)).to_be_visible()
        move_on(page, "Submit for deliberation")
        expect(status_badge(page, Status.DELIBERATION)).to_be_visible()
        move_on(page, "Open voting")
        expect(status_badge(page, Status.VOTING)).to_be_visible()
        expect(page.get_by_role("heading", name="Live tally")).to_be_visible()
        expect(page.get_by_text("overall: no ballots yet (")).to_be_visible()

        wait_idle(page)
        page.get_by_role("button", name="Approve").click()
        expect(page.get_by_text("Ballot recorded: approve.")).to_be_visible()
        expect(page.get_by_text("overall: 100% approve of 1 (0 abstain")).to_be_visible()

        # A reload starts a new Streamlit session: the ballot is stored, the sign-in is not.
        page.reload()
        expect(page.get_by_role("heading", name=title)).to_be_visible()
        expect(page.get_by_text("overall: 100% approve of 1 (0 abstain")).to_be_visible()
        wait_idle(page)
        if not page.get_by_text("Signed in as").is_visible():
            sign_in_as_moderator(page)
        expect(page.get_by_text("You voted approve")).to_be_visible()

    run_with_screenshot(page, tmp_path, "propose-vote", flow)


def test_two_tabs_of_one_person_each_confirm_their_ballot(
    app: App, page: Page, tmp_path: Path
) -> None:
    def flow() -> None:
        open_page(page, app.url)
        sign_in_as_moderator(page)
        found = re.search(r"[?&]as=(\d+)", page.url)
        assert found is not None
        address = f"{app.url}/guideline?id={app.voting_id}&as={found.group(1)}"
        tabs = [page, page.context.new_page()]
        for tab in tabs:
            tab.goto(address)
            expect(tab.get_by_role("heading", name="Your ballot")).to_be_visible()
            wait_idle(tab)
        first, second = tabs
        first.get_by_role("button", name="Approve", exact=True).click()
        expect(first.get_by_text("Ballot recorded: approve.")).to_be_visible()
        # The second tab still shows the page from before that ballot.
        second.get_by_label("Reason (optional)").fill("changed my mind")
        second.get_by_role("button", name="Reject", exact=True).click()
        expect(second.get_by_text("Ballot recorded: reject.")).to_be_visible()
        expect(second.get_by_text("You voted reject")).to_be_visible()

    run_with_screenshot(page, tmp_path, "two-tabs", flow)


def test_the_dashboard_charts_are_in_view_on_a_laptop_screen(
    app: App, page: Page, tmp_path: Path
) -> None:
    def flow() -> None:
        open_page(page, app.url)
        sign_in_as_moderator(page)  # a signed-in person also has "Awaiting your vote"
        expect(page.get_by_role("heading", name="Awaiting your vote")).to_be_visible()
        charts = page.get_by_test_id("stPlotlyChart")
        expect(charts).to_have_count(8)
        height = page.viewport_size["height"] if page.viewport_size else 0
        for chart in charts.all()[:2]:  # the filter bar and the first row of charts
            expect(chart.locator(".main-svg").first).to_be_visible()
            box = chart.bounding_box()
            assert box is not None and box["y"] + box["height"] <= height, (box, height)

    run_with_screenshot(page, tmp_path, "dashboard-fold", flow)


def test_an_auditor_reviews_from_the_keyboard_and_the_drift_chart_draws(
    app: App, page: Page, tmp_path: Path
) -> None:
    def flow() -> None:
        main = _sign_in_as_auditor_on_audits(page, app.url)
        main.get_by_role("tab", name="Review queue").click()
        waiting = main.get_by_text(re.compile(r"^\d+ verdicts waiting$"))
        expect(waiting).to_be_visible()
        before = int(waiting.inner_text().split()[0])
        expect(main.get_by_role("button", name="Confirm")).to_be_visible()
        page.keyboard.press("y")  # the Confirm button's shortcut: one key per decision
        expect(main.get_by_text(re.compile(r"Confirmed: verdict \d+"))).to_be_visible()
        expect(main.get_by_text(f"{before - 1} verdicts waiting", exact=True)).to_be_visible()
        main.get_by_role("tab", name="Drift").click()
        # The Drift tab's chart (the other tabs' charts are drawn hidden).
        drift = main.locator('[data-testid="stPlotlyChart"] .main-svg:visible').first
        expect(drift).to_be_visible()
        expect(main.get_by_role("heading", name="Flags")).to_be_visible()

    run_with_screenshot(page, tmp_path, "audit-review", flow)


def _sign_in_as_auditor_on_audits(page: Page, url: str) -> Locator:
    """Demo sign-in as the auditor, then the Audits page; returns its main area."""
    open_page(page, url)
    sidebar = page.get_by_test_id("stSidebar")
    box = sidebar.get_by_role("combobox", name="Act as (demo)")
    choose(box, "auditor", re.compile("auditor"))
    button = sidebar.get_by_role("button", name="Sign in", exact=True)
    expect(button).to_be_enabled(timeout=10_000)
    button.click()
    expect(sidebar.get_by_text("Signed in as")).to_be_visible(timeout=WAIT_MS)
    wait_idle(page)
    nav_link(page, "Audits").click()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Audits")).to_be_visible()
    wait_idle(page)
    return main


def test_an_auditor_imports_an_inspect_log_and_exports_a_promptfoo_config(
    app: App, page: Page, tmp_path: Path
) -> None:
    fixtures = REPO_ROOT / "tests" / "fixtures" / "audit"
    mapping = tmp_path / "map.json"
    mapping.write_text('{"P-0015": "P-0001"}')

    def flow() -> None:
        main = _sign_in_as_auditor_on_audits(page, app.url)
        main.get_by_role("tab", name="Suites & tools").click()
        main.get_by_text("Import an Inspect log or promptfoo results").click()

        def upload(key: str, path: Path) -> None:
            """Into the uploader whose widget key is ``key`` (Streamlit's st-key-* class)."""
            main.locator(f".st-key-{key} input[type='file']").set_input_files(str(path))
            size = re.compile(r"^\d+(\.\d+)?(B|KB|MB)$")  # the uploaded file's chip
            expect(main.locator(f".st-key-{key}").get_by_text(size)).to_be_visible()

        upload("audits-import-file", fixtures / "inspect_charter_task.json")
        upload("audits-import-map", mapping)
        wait_idle(page)
        main.get_by_role("button", name="Import", exact=True).click()
        expect(main.get_by_text(re.compile(r"3 results imported as audit run \d+"))).to_be_visible()
        expect(main.get_by_text(re.compile("1 score mapped to no principle"))).to_be_visible()
        # Export: the file of what is chosen, for promptfoo.
        main.get_by_role("combobox", name="Tool").click()
        page.get_by_role("option", name="promptfoo").click()
        wait_idle(page)
        main.get_by_role("button", name="Prepare the file").click()
        download = main.get_by_role("button", name=re.compile("promptfooconfig.yaml"))
        expect(download).to_be_visible()
        with page.expect_download() as info:
            download.click()
        text = Path(info.value.path()).read_text()
        assert 'metric: "P-0007"' in text and "llm-rubric" in text

    run_with_screenshot(page, tmp_path, "audit-import", flow)


def test_visitor_can_neither_propose_nor_vote(app: App, page: Page, tmp_path: Path) -> None:
    def flow() -> None:
        open_page(page, app.url)
        expect(nav_link(page, "Guidelines")).to_be_visible()
        expect(nav_link(page, "Dashboard")).to_be_visible()
        expect(nav_link(page, "Propose")).to_have_count(0)
        expect(page.get_by_role("combobox", name="Act as (demo)")).to_be_visible()

        open_page(page, f"{app.url}/guideline?id={app.voting_id}")
        expect(page.get_by_text(f"{app.voting_id} · version")).to_be_visible()
        expect(status_badge(page, Status.VOTING)).to_be_visible()
        expect(page.get_by_role("heading", name="Live tally")).to_be_visible()
        expect(page.get_by_text("Sign in to vote.")).to_be_visible()
        expect(page.get_by_role("button", name="Approve")).to_have_count(0)
        expect(page.get_by_text("Move this guideline on")).to_have_count(0)
        expect(nav_link(page, "Propose")).to_have_count(0)

    run_with_screenshot(page, tmp_path, "visitor", flow)


def test_demo_sign_in_survives_a_reload_and_a_new_tab(app: App, page: Page, tmp_path: Path) -> None:
    def signed_in(tab: Page, name: str) -> None:
        sidebar = tab.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text(f"Signed in as {name}", exact=True)).to_be_visible()
        expect(nav_link(tab, "Propose")).to_be_visible()

    def flow() -> None:
        open_page(page, app.url)
        name = sign_in_as_moderator(page).split(" - ")[0]
        expect(page).to_have_url(re.compile(r"[?&]as=\d+$"))
        nav_link(page, "Guidelines").click()
        expect(page.get_by_role("heading", name="Guidelines", exact=True)).to_be_visible()
        wait_idle(page)
        expect(page).to_have_url(re.compile(r"/guidelines\?as=\d+$"))

        page.reload()  # a new Streamlit session: only the URL says who this is
        expect(page.get_by_role("heading", name="Guidelines", exact=True)).to_be_visible()
        wait_idle(page)
        signed_in(page, name)

        link = page.get_by_test_id("stMain").get_by_role("link", name=re.compile(r"^G-\d{4} · "))
        # Streamlit's page links handle a plain or Ctrl click in the page; a middle click
        # opens the link's address in a new tab, as "Open link in new tab" does.
        with page.context.expect_page() as opened:
            link.first.click(button="middle")
        tab = opened.value
        expect(tab.get_by_role("tab", name="Discussion", exact=True)).to_be_visible()
        wait_idle(tab)
        signed_in(tab, name)

        # Signing out takes the person out of the URL: a reload stays signed out.
        tab.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
        expect(tab.get_by_role("combobox", name="Act as (demo)")).to_be_visible()
        wait_idle(tab)
        expect(tab).not_to_have_url(re.compile(r"[?&]as="))
        tab.reload()
        expect(tab.get_by_role("tab", name="Discussion", exact=True)).to_be_visible()
        wait_idle(tab)
        expect(tab.get_by_role("combobox", name="Act as (demo)")).to_be_visible()
        expect(nav_link(tab, "Propose")).to_have_count(0)

    run_with_screenshot(page, tmp_path, "sign-in-kept", flow)


def test_comment_markup_is_shown_as_text(app: App, page: Page, tmp_path: Path) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    marker = uuid.uuid4().hex[:8]
    html = "<img src=x onerror=alert(1)>"
    body = f"Check {marker}: {html} and [click](javascript:alert(1))"

    def flow() -> None:
        open_page(page, app.url)  # see test_fresh_server_deep_link_runs_the_app_shell
        open_page(page, f"{app.url}/guideline?id={app.voting_id}")
        sign_in_as_moderator(page)
        tab = page.get_by_role("tab", name="Discussion", exact=True)
        tab.click()
        box = page.get_by_label("Add a comment (markdown; no HTML)", exact=True)
        box.fill(body)
        box.press("Tab")
        wait_idle(page)
        page.get_by_role("button", name="Post comment").click()
        # The discussion stays open after posting: the tab labels do not change.
        expect(page.get_by_text("Comment posted.")).to_be_visible()

        posted = page.get_by_test_id("stMarkdownContainer").filter(has_text=marker)
        expect(posted).to_have_count(1)
        expect(posted).to_contain_text(f"Check {marker}: {html} and click")
        expect(page.get_by_text(html)).to_be_visible()
        expect(posted.locator("a, img")).to_have_count(0)
        expect(page.locator('a[href^="javascript:"]')).to_have_count(0)
        expect(page.locator('img[src="x"]')).to_have_count(0)
        page.wait_for_timeout(500)  # time for a stray onerror handler to fire, if there were one
        assert dialogs == []

    run_with_screenshot(page, tmp_path, "comment", flow)


def test_fresh_server_deep_link_runs_the_app_shell(
    demo_template: Path,
    tmp_path: Path,
    xdg_env: dict[str, str],
    browser: Browser,
) -> None:
    db_path = _fresh_database(demo_template, tmp_path)
    voting_id = _voting_guideline(db_path)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        with running_app(db_path, xdg_env) as url:

            def flow() -> None:
                # The very first request to this server is a link to a guideline. Streamlit
                # treats a pages/ folder beside app.py as old-style pages until st.navigation
                # has run once, so without care this runs pages/guideline.py alone.
                page.goto(f"{url}/guideline?id={voting_id}")
                expect(page.get_by_text(f"{voting_id} · version")).to_be_visible()
                expect(page.get_by_text("Demo mode")).to_be_visible()
                wait_idle(page)
                expect(nav_link(page, "Guidelines")).to_be_visible()
                for helper in ("ui", "parts", "app"):
                    expect(nav_link(page, helper)).to_have_count(0)
                expect(page.get_by_text("Sign in to vote.")).to_be_visible()

            run_with_screenshot(page, tmp_path, "deep-link", flow)
    finally:
        context.close()


# -- nothing from other hosts -------------------------------------------------------------


def record_foreign_requests(context: BrowserContext, url: str) -> list[str]:
    """Start recording every request of ``context`` (all its tabs) not made to the app at ``url``.

    Data and blob URLs are made inside the page and leave it for no host.
    """
    app = urlsplit(url)
    foreign: list[str] = []

    def on_request(request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            return
        if parts.scheme not in ("http", "https", "ws", "wss") or parts.netloc != app.netloc:
            foreign.append(request.url)

    context.on("request", on_request)
    return foreign


def walk_main_pages(page: Page) -> None:
    """Dashboard, Guidelines, the first guideline listed, Constitution and Rules, by clicks."""
    for link, heading in (("Dashboard", "Charter"), ("Guidelines", "Guidelines")):
        nav_link(page, link).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        wait_idle(page)
    page.get_by_test_id("stMain").get_by_role("link", name=re.compile(r"^G-\d{4} · ")).first.click()
    expect(page.get_by_role("tab", name="Discussion", exact=True)).to_be_visible()
    wait_idle(page)
    for title in ("Constitution", "Rules"):
        nav_link(page, title).click()
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        wait_idle(page)


def test_no_page_asks_another_host_for_anything(
    demo_template: Path, tmp_path: Path, xdg_env: dict[str, str], browser: Browser
) -> None:
    """Fonts, icons and the tab's icon all come from Charter: no visitor's address leaks.

    A server of its own, so the walk also covers the very first request after a start.
    """
    db_path = _fresh_database(demo_template, tmp_path)
    voting_id = _voting_guideline(db_path)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        with running_app(db_path, xdg_env) as url:
            foreign = record_foreign_requests(context, url)

            def flow() -> None:
                open_page(page, url)
                walk_main_pages(page)
                open_page(page, f"{url}/guideline?id={voting_id}")
                sign_in_as_moderator(page)
                walk_main_pages(page)
                page.wait_for_timeout(500)  # a late icon request of the last page counts too
                assert foreign == [], f"requests to other hosts: {sorted(set(foreign))}"

            run_with_screenshot(page, tmp_path, "foreign-requests", flow)
    finally:
        context.close()
