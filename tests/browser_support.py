"""Helpers and fixtures shared by the browser tests (``test_browser`` and ``test_browser_oidc``).

A test module uses a fixture from here by importing it by name: pytest then finds it in that
module, so the session-scoped autouse ``chromium_available`` applies to the modules that import
it and to no other. Import each fixture as ``from tests.browser_support import browser as
browser``: ruff reads that form as a deliberate re-export, so it reports neither an unused
import nor a test parameter that redefines it. Each browser test module still sets
``pytestmark = pytest.mark.browser``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from governance.models import Status

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The first render on a small machine is slow: every wait allows this many milliseconds.
WAIT_MS = 30_000
SERVER_START_S = 60.0


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def chromium_available() -> None:
    """Skip without Debian's chromium, except in CI, where a skipped browser test is a failure.

    Session-scoped (it still applies only to the modules that import it) so it runs before the
    session-scoped ``demo_template`` spends seconds seeding a database for tests that cannot run.
    """
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {message}; browser tests must run in CI", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def xdg_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Private XDG config and cache folders for this process, the browser and the server."""
    base = tmp_path_factory.mktemp("xdg")
    env = {"XDG_CONFIG_HOME": str(base / "config"), "XDG_CACHE_HOME": str(base / "cache")}
    with pytest.MonkeyPatch.context() as patch:
        for name, folder in env.items():
            Path(folder).mkdir()
            patch.setenv(name, folder)
        yield env


@pytest.fixture(scope="module")
def browser(xdg_env: dict[str, str]) -> Iterator[Browser]:
    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            env={**os.environ, **xdg_env},
        )
        try:
            yield launched
        finally:
            launched.close()


# -- the server -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.read().decode().strip() == "ok")
    except (urllib.error.URLError, OSError):
        return False


def _fresh_database(demo_template: Path, folder: Path) -> Path:
    db_path = folder / "charter.duckdb"
    shutil.copy(demo_template, db_path)
    return db_path


def wait_until_healthy(process: subprocess.Popen[bytes], url: str, stderr: Path) -> None:
    """Wait for the Streamlit server at ``url`` to answer its health check.

    Fails the test, showing the server's ``stderr`` log, if the server exits or does not answer
    within ``SERVER_START_S``.
    """
    health = f"{url}/_stcore/health"
    deadline = time.monotonic() + SERVER_START_S
    while not _healthy(health):
        if process.poll() is not None:
            pytest.fail(
                f"streamlit exited with code {process.returncode}:\n{stderr.read_text()}",
                pytrace=False,
            )
        if time.monotonic() > deadline:
            pytest.fail(
                f"streamlit did not answer {health} within {SERVER_START_S:.0f} s:\n"
                + stderr.read_text(),
                pytrace=False,
            )
        time.sleep(0.25)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Terminate ``process`` (killing it if it lingers) and wait for it; idempotent."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


# -- steps ------------------------------------------------------------------------------------


def wait_idle(page: Page) -> None:
    """Wait until the app is connected and no script run is in progress."""
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=WAIT_MS)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=WAIT_MS)


def choose(box: Locator, typed: str, option: str | re.Pattern[str]) -> str:
    """Pick the first ``option`` of the selectbox ``box`` after typing ``typed``; its label.

    The caller checks the choice reached the server (by what the next run shows).
    """
    page = box.page
    wait_idle(page)
    box.click()
    box.fill(typed)
    choice = page.get_by_role("option", name=option).first
    expect(choice).to_be_visible(timeout=WAIT_MS)
    label = choice.inner_text().strip()
    choice.click()
    return label


def nav_link(page: Page, title: str) -> Locator:
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)


def status_badge(page: Page, status: Status) -> Locator:
    return page.get_by_test_id("stMain").get_by_text(status.value, exact=True)


def move_on(page: Page, button_label: str) -> None:
    """Click a button in the "Move this guideline on" expander, opening it if it is closed."""
    wait_idle(page)
    button = page.get_by_role("button", name=button_label, exact=True)
    if not button.is_visible():
        page.get_by_text("Move this guideline on", exact=True).click()
    button.click()


def fill_proposal(page: Page, title: str, statement: str) -> None:
    """Open the Propose page and fill in a proposal in the Honesty category (not sent yet)."""
    nav_link(page, "Propose").click()
    expect(page.get_by_role("heading", name="Propose a guideline")).to_be_visible()
    wait_idle(page)
    title_box = page.get_by_label("Title", exact=True)
    title_box.fill(title)
    title_box.press("Tab")
    statement_box = page.get_by_label("Value statement, in plain words", exact=True)
    statement_box.fill(statement)
    statement_box.press("Tab")
    choose(page.get_by_role("combobox", name="Category"), "Honesty", "Honesty")
    # The preview shows the title once title, statement and category reached the server.
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def open_new_proposal(page: Page) -> str:
    """Follow the link in the "Proposed G-NNNN as a draft." message; returns that id."""
    proposed = page.get_by_text(re.compile(r"Proposed G-\d{4} as a draft\."))
    expect(proposed).to_be_visible()
    found = re.search(r"G-\d{4}", proposed.inner_text())
    assert found is not None
    gid = found.group(0)
    page.get_by_role("link", name=f"Open {gid}").click()
    return gid
