"""End to end with real OpenID Connect sign-in: Debian's chromium, the mock provider, the app.

The app runs without demo mode, with ``[auth]`` pointing at ``tests/oidc_stack.py``'s mock
provider, so every sign-in goes over the real protocol (authorize, callback, token exchange,
the ID token's ``charter_groups`` claim, end session). The flow: a visitor sees only the public
pages -> ben (engineer) proposes and submits -> mod (moderator) opens voting -> ada (ethicist)
and ben vote -> the tally counts a ballot in each group -> ada signs out, signs back in and
finds her claimed group and her identity (not her e-mail) on her profile -> the database holds
the accounts the sign-ins created.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from governance.models import Role, Source, Status
from governance.storage import open_database
from tests.browser_support import (
    REPO_ROOT,
    WAIT_MS,
    _free_port,
    _fresh_database,
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
from tests.oidc_stack import LOOPBACK, mock_provider, streamlit_command, write_secrets

pytestmark = pytest.mark.browser

#: Failure screenshots go here (git-ignored).
ARTIFACTS = REPO_ROOT / "test-artifacts"
PUBLIC_PAGES = ("Dashboard", "Guidelines", "Constitution", "Rules")
MEMBER_PAGES = ("Propose", "Profile", "People")
SIGN_IN_LABEL = "Sign in with Mock"
#: Other people edit this checkout while tests run. On any change to a watched file Streamlit
#: drops every project module from ``sys.modules``; the next run re-imports them while the
#: cached ``Charter`` keeps the old classes, so ``g.status is Status.VOTING`` turns false.
NO_RELOAD = ("--server.fileWatcherType", "none")


# -- fixtures ---------------------------------------------------------------------------------


@dataclass
class Stack:
    """The mock provider and the app signing in through it, on a copy of the demo data."""

    url: str
    provider_url: str
    db_path: Path
    process: subprocess.Popen[bytes]
    stderr: Path

    def stop(self) -> None:
        """Stop the app (idempotent), which releases the database file."""
        stop_process(self.process)


@pytest.fixture(scope="module")
def stack(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory, xdg_env: dict[str, str]
) -> Iterator[Stack]:
    """The provider and `streamlit run app.py` with only the written secrets, not demo mode.

    A test may ``stop()`` the app early to read the database (DuckDB allows one process).
    """
    folder = tmp_path_factory.mktemp("oidc-app")
    db_path = _fresh_database(demo_template, folder)
    port = _free_port()
    url = f"http://{LOOPBACK}:{port}"
    # No CHARTER_DEMO, nor any other Charter setting from the developer's environment.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTER_")}
    env.update(xdg_env)
    env["CHARTER_DB"] = str(db_path)
    # The provider runs in this process; one log line per request would drown a failure.
    werkzeug_log = logging.getLogger("werkzeug")
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)
    with ExitStack() as cleanup:
        cleanup.callback(werkzeug_log.setLevel, level)
        provider_url = cleanup.enter_context(mock_provider(port=0))
        secrets_file = write_secrets(folder / "secrets", app_url=url, provider_url=provider_url)
        stderr = folder / "streamlit.stderr.log"
        with (folder / "streamlit.stdout.log").open("wb") as out, stderr.open("wb") as err:
            process = subprocess.Popen(
                [*streamlit_command(port=port, secrets_file=secrets_file), *NO_RELOAD],
                cwd=REPO_ROOT,
                env=env,
                stdout=out,
                stderr=err,
            )
        running = Stack(url, provider_url, db_path, process, stderr)
        try:
            wait_until_healthy(process, url, stderr)
            yield running
        finally:
            running.stop()


@dataclass
class People:
    """One browser context (own cookies, so own sign-in) per person; screenshots on failure."""

    browser: Browser
    _pages: dict[str, Page] = field(default_factory=dict)
    _contexts: list[BrowserContext] = field(default_factory=list)

    def new_page(self, who: str) -> Page:
        context = self.browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(WAIT_MS)
        self._contexts.append(context)
        page = context.new_page()
        self._pages[who] = page
        return page

    def page(self, who: str) -> Page:
        """The page ``who`` signed in on earlier."""
        return self._pages[who]

    def screenshots(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        for who, page in self._pages.items():
            shot = ARTIFACTS / f"{name}-{who}-failure.png"
            try:
                page.screenshot(path=str(shot), full_page=True)
                print(f"screenshot of the failure ({who}, at {page.url}): {shot}")
            except Exception as exc:  # the browser may be gone; keep the original error
                print(f"could not take a screenshot for {who}: {exc}")

    def close(self) -> None:
        for context in self._contexts:
            context.close()


@pytest.fixture
def people(browser: Browser) -> Iterator[People]:
    everyone = People(browser)
    try:
        yield everyone
    finally:
        everyone.close()


def run_with_screenshots(people: People, name: str, body: Callable[[], None]) -> None:
    """Run ``body``; if it fails, save a screenshot of every person's page and re-raise."""
    try:
        body()
    except BaseException:
        people.screenshots(name)
        raise


# -- steps ------------------------------------------------------------------------------------


def sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def sign_in_button(page: Page) -> Locator:
    return sidebar(page).get_by_role("button", name=SIGN_IN_LABEL, exact=True)


def open_app(page: Page, url: str) -> None:
    """Load ``url`` (a new Streamlit session) and wait for its run to finish."""
    page.goto(url)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    wait_idle(page)


def sign_in(page: Page, stack: Stack, sub: str, name: str) -> None:
    """Sign in through the provider's authorize page as the predefined user ``sub``."""
    open_app(page, stack.url)
    sign_in_button(page).click()
    expect(page).to_have_url(re.compile("^" + re.escape(stack.provider_url) + "/"))
    # Only the predefined users: once someone signed in, the page also offers them again
    # under "Authenticate previous users".
    predefined = page.get_by_role("form", name="Authenticate predefined users")
    predefined.get_by_role("button", name=sub, exact=True).click()
    expect(page).to_have_url(re.compile("^" + re.escape(stack.url) + "/"))
    expect(sidebar(page).get_by_text(f"Signed in as {name}", exact=True)).to_be_visible()
    expect(sidebar(page).get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    expect(sign_in_button(page)).to_have_count(0)
    wait_idle(page)


def open_guideline(page: Page, stack: Stack, gid: str, title: str) -> None:
    open_app(page, f"{stack.url}/guideline?id={gid}")
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def vote(page: Page, choice: str) -> None:
    wait_idle(page)
    page.get_by_role("button", name=choice.capitalize(), exact=True).click()
    expect(page.get_by_text(f"Ballot recorded: {choice}.")).to_be_visible()
    wait_idle(page)


def tally_line(page: Page, group: str, ballots: int) -> Locator:
    """The tally's line for ``group`` when it holds ``ballots`` ballots, with or without quorum.

    ``ethicist: 1 of 10 ballots needed for quorum - not counted`` below quorum, else
    ``ethicist: 100% approve of 1 (needs 60%) - met``.
    """
    pattern = re.compile(
        rf"^{group}: ({ballots} of \d+ ballots needed for quorum|\S+ approve of {ballots} \()"
    )
    return page.get_by_test_id("stMain").get_by_text(pattern)


def grant_line(page: Page, name: str, source: str) -> Locator:
    """A profile line such as ``ethicist from your identity provider``."""
    pattern = re.compile(rf"^\s*{name}\s+{re.escape(source)}\s*$")
    return page.get_by_test_id("stMain").get_by_text(pattern)


# -- the test ---------------------------------------------------------------------------------


# Deprecated calls inside the mock provider's authlib, which runs in this process.
@pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")
def test_oidc_sign_in_propose_vote_tally_sign_out_and_profile(stack: Stack, people: People) -> None:
    title = f"Name the source {uuid.uuid4().hex[:8]}"
    ids: dict[str, str] = {}

    def visitor() -> None:
        page = people.new_page("visitor")
        open_app(page, stack.url)
        for title_ in PUBLIC_PAGES:
            expect(nav_link(page, title_)).to_be_visible()
        for title_ in MEMBER_PAGES:
            expect(nav_link(page, title_)).to_have_count(0)
        expect(sign_in_button(page)).to_be_visible()
        expect(page.get_by_text("Demo mode")).to_have_count(0)
        expect(page.get_by_role("combobox", name="Act as (demo)")).to_have_count(0)

    def ben_proposes_and_submits() -> None:
        page = people.new_page("ben")
        sign_in(page, stack, "ben", "Ben Adeyemi")
        expect(sidebar(page).get_by_text("Ben Adeyemi - engineer, public")).to_be_visible()
        expect(nav_link(page, "Profile")).to_be_visible()
        expect(nav_link(page, "People")).to_have_count(0)
        fill_proposal(page, title, "The assistant names where a fact comes from when it can.")
        wait_idle(page)
        page.get_by_role("button", name="Propose as draft").click()
        ids["gid"] = open_new_proposal(page)

        expect(page.get_by_role("heading", name=title)).to_be_visible()
        expect(page.get_by_test_id("stMain").get_by_text("Proposed by Ben Adeyemi")).to_be_visible()
        expect(status_badge(page, Status.DRAFT)).to_be_visible()
        move_on(page, "Submit for deliberation")
        expect(status_badge(page, Status.DELIBERATION)).to_be_visible()
        expect(page.get_by_text("Done: submit for deliberation.")).to_be_visible()
        wait_idle(page)
        # An author who is no moderator cannot open voting.
        expect(page.get_by_role("button", name="Open voting", exact=True)).to_have_count(0)

    def mod_opens_voting() -> None:
        page = people.new_page("mod")
        sign_in(page, stack, "mod", "Mira Castellanos")
        expect(sidebar(page).get_by_text("Mira Castellanos - public - moderator")).to_be_visible()
        open_guideline(page, stack, ids["gid"], title)
        expect(status_badge(page, Status.DELIBERATION)).to_be_visible()
        move_on(page, "Open voting")
        expect(status_badge(page, Status.VOTING)).to_be_visible()
        expect(page.get_by_role("heading", name="Live tally")).to_be_visible()
        expect(page.get_by_text("overall: no ballots yet (")).to_be_visible()

    def ada_and_ben_vote() -> None:
        ada = people.new_page("ada")
        sign_in(ada, stack, "ada", "Ada Okafor")
        expect(sidebar(ada).get_by_text("Ada Okafor - ethicist, public")).to_be_visible()
        open_guideline(ada, stack, ids["gid"], title)
        expect(status_badge(ada, Status.VOTING)).to_be_visible()
        vote(ada, "approve")
        expect(ada.get_by_text("overall: 100% approve of 1 (0 abstain")).to_be_visible()

        ben = people.page("ben")
        open_guideline(ben, stack, ids["gid"], title)  # a new session: still signed in
        expect(sidebar(ben).get_by_text("Signed in as Ben Adeyemi", exact=True)).to_be_visible()
        vote(ben, "reject")
        expect(ben.get_by_text("overall: 50% approve of 2 (0 abstain")).to_be_visible()

        # Anyone reloading sees both ballots, each in its voter's group and both in public.
        open_guideline(ada, stack, ids["gid"], title)
        expect(ada.get_by_text("overall: 50% approve of 2 (0 abstain")).to_be_visible()
        expect(tally_line(ada, "ethicist", 1)).to_have_count(1)
        expect(tally_line(ada, "engineer", 1)).to_have_count(1)
        expect(tally_line(ada, "public", 2)).to_have_count(1)
        expect(ada.get_by_text("You voted approve")).to_be_visible()

    def ada_signs_out() -> None:
        page = people.page("ada")
        wait_idle(page)
        sidebar(page).get_by_role("button", name="Sign out", exact=True).click()
        expect(page).to_have_url(re.compile("^" + re.escape(stack.provider_url) + "/"))
        page.get_by_role("button", name="End session", exact=True).click()
        expect(page).to_have_url(re.compile("^" + re.escape(stack.url) + "/"))
        expect(sign_in_button(page)).to_be_visible()
        wait_idle(page)
        expect(sidebar(page).get_by_text("Signed in as")).to_have_count(0)
        for title_ in MEMBER_PAGES:
            expect(nav_link(page, title_)).to_have_count(0)
        # Still signed out in a new session: the sign-in cookie is gone.
        open_app(page, stack.url)
        expect(sign_in_button(page)).to_be_visible()
        expect(nav_link(page, "Propose")).to_have_count(0)

    def ada_profile() -> None:
        page = people.page("ada")
        sign_in(page, stack, "ada", "Ada Okafor")  # signing back in after signing out works
        nav_link(page, "Profile").click()
        expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
        wait_idle(page)
        expect(grant_line(page, "ethicist", "from your identity provider")).to_have_count(1)
        expect(grant_line(page, "public", "everyone, from the first sign-in")).to_have_count(1)
        expect(grant_line(page, "engineer", "from your identity provider")).to_have_count(0)
        expect(
            page.get_by_text(re.compile(r"0 proposals · 0 comments · 1 current ballot$"))
        ).to_be_visible()
        # The table is drawn on a canvas; its cells are also in a hidden accessible grid.
        identities = page.get_by_test_id("stDataFrame")
        expect(identities).to_have_count(1)
        cell = identities.get_by_role("gridcell", name="ada", exact=True, include_hidden=True)
        expect(cell).to_have_count(1)
        headers = identities.get_by_role("columnheader", include_hidden=True)
        cells = identities.get_by_role("gridcell", include_hidden=True)
        row = dict(zip(headers.all_text_contents(), cells.all_text_contents(), strict=False))
        assert row.get("provider") == "mock", row
        assert row.get("issuer") == stack.provider_url, row
        assert row.get("subject") == "ada", row
        expect(page.get_by_text("ada@example.org")).to_have_count(0)
        assert "example.org" not in page.content()

    def database_holds_the_accounts() -> None:
        stack.stop()  # DuckDB: one process per file
        database = open_database(stack.db_path)
        try:
            with database.read() as tx:
                found = {}
                for sub in ("ada", "ben", "mod"):
                    owner = tx.people.identity_owner(stack.provider_url, sub)
                    assert owner is not None, f"no stakeholder for the identity {sub!r}"
                    person = tx.people.get_stakeholder(owner)
                    assert person is not None
                    groups, roles = tx.people.grants(owner)
                    found[sub] = (person, {g.name: g.source for g in groups}, roles)
        finally:
            database.close()
        ada, ada_groups, _ = found["ada"]
        assert ada.display_name == "Ada Okafor"
        assert ada_groups == {"ethicist": Source.CLAIM, "public": Source.SIGNUP}
        ben, ben_groups, _ = found["ben"]
        assert ben.display_name == "Ben Adeyemi"
        assert ben_groups == {"engineer": Source.CLAIM, "public": Source.SIGNUP}
        mod, mod_groups, mod_roles = found["mod"]
        assert mod_groups == {"public": Source.SIGNUP}
        assert Role.MODERATOR in mod.roles
        assert {r.name: r.source for r in mod_roles}.get("moderator") == Source.CLAIM
        assert len({ada.id, ben.id, mod.id}) == 3
        # The provider sent e-mail addresses (see oidc_stack.MOCK_USERS); none is stored.
        connection = duckdb.connect(str(stack.db_path), read_only=True)
        try:
            columns = connection.execute(
                "SELECT table_name, column_name FROM information_schema.columns"
                " WHERE table_schema = 'main'"
            ).fetchall()
            leaks = [
                (table, column)
                for table, column in columns
                if connection.execute(
                    f'SELECT count(*) FROM "{table}"'
                    f" WHERE CAST(\"{column}\" AS VARCHAR) LIKE '%@example.org%'"
                ).fetchone()
                != (0,)
            ]
        finally:
            connection.close()
        assert leaks == [], f"e-mail addresses stored in {leaks}"

    steps = [
        visitor,
        ben_proposes_and_submits,
        mod_opens_voting,
        ada_and_ben_vote,
        ada_signs_out,
        ada_profile,
        database_holds_the_accounts,
    ]
    for step in steps:
        run_with_screenshots(people, step.__name__, step)
