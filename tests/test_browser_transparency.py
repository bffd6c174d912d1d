"""The public view in a real browser: a visitor sees its charts drawn and nobody's name.

The page asks no other host for anything either (its charts and icons are Charter's own).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from governance.services.dashboard import CHARTS
from governance.storage import open_database
from tests.browser_support import WAIT_MS, _fresh_database
from tests.browser_support import browser as browser  # fixture
from tests.browser_support import chromium_available as chromium_available  # fixture
from tests.browser_support import xdg_env as xdg_env  # fixture
from tests.test_browser import (
    open_page,
    record_foreign_requests,
    run_with_screenshot,
    running_app,
)

pytestmark = pytest.mark.browser


def drawn_charts(page: Page, count: int) -> None:
    """Wait until ``count`` Plotly charts have drawn their SVG in the main area."""
    main = page.get_by_test_id("stMain")
    expect(main.locator(".js-plotly-plot")).to_have_count(count, timeout=WAIT_MS)
    for chart in main.locator(".js-plotly-plot").all():
        expect(chart.locator("svg.main-svg").first).to_be_visible(timeout=WAIT_MS)


def test_a_visitor_sees_the_public_view_drawn_and_no_name(
    demo_template: Path, tmp_path: Path, xdg_env: dict[str, str], browser: Browser
) -> None:
    db_path = _fresh_database(demo_template, tmp_path)
    database = open_database(db_path)
    try:
        with database.read() as tx:
            names = {p.display_name for p in tx.people.stakeholders(demo_only=True)}
    finally:
        database.close()  # the server opens the file next
    assert names
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        with running_app(db_path, xdg_env) as url:
            foreign = record_foreign_requests(context, url)

            def flow() -> None:
                open_page(page, f"{url}/transparency")
                expect(page.get_by_role("heading", name="Transparency")).to_be_visible()
                drawn_charts(page, 4)
                shown = page.locator("body").inner_text()
                assert "Stakeholders" in shown and "Releases" in shown
                leaked = sorted(n for n in names if n in shown)
                assert not leaked, f"names on the public view: {leaked}"
                open_page(page, url)  # the dashboard, still signed out
                drawn_charts(page, len(CHARTS))
                # Its activity feed names people: the names looked for are the ones pages show.
                feed = page.get_by_test_id("stMain").inner_text()
                assert any(n in feed for n in names)
                assert foreign == [], f"requests to other hosts: {sorted(set(foreign))}"

            run_with_screenshot(page, tmp_path, "transparency", flow)
    finally:
        context.close()
