"""Page tests with real sign-in: OpenID Connect through ``st.login`` and ``st.user``.

AppTest sets ``st.user`` from ``at.user``; with ``[auth]`` in ``at.secrets`` the app runs in
OIDC mode, and the first run of a signed-in ``at.user`` creates (or finds) the stakeholder by
(issuer, subject), mapping ``charter_groups`` claim values to groups and roles as
``[charter.claims]`` says. Every test runs against its own copy of the seeded demo database
(``seeded_path`` from conftest) and reads that database directly to check what was stored.

As in ``test_pages``, every run after the first runs the page file directly and the page gate
draws the frame; the navigation registered by the last run tells which pages a person has.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from governance.identity import Identity
from governance.models import (
    AccountStatus,
    Comment,
    GuidelineFilter,
    RequestStatus,
    Role,
    Stakeholder,
)
from governance.services import Charter
from governance.storage import Database
from governance.text import safe_markdown
from tests.apptest_support import APP, message_below, open_page, registered_pages, rerun, texts

ISSUER = "http://idp.test"
_PROVIDER = {
    "client_id": "a",
    "client_secret": "b",
    "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
}
AUTH: dict[str, Any] = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 40,
    "mock": dict(_PROVIDER),
}
CLAIMS: dict[str, Any] = {
    "claim": "charter_groups",
    "providers": ["mock"],
    "groups": {"ethics-board": "ethicist", "ml-engineering": "engineer"},
    "roles": {
        "charter-moderators": "moderator",
        "charter-stewards": "steward",
        "charter-auditors": "auditor",
    },
}
READER_PAGES = {
    "dashboard.py",
    "guidelines.py",
    "guideline.py",
    "constitution.py",
    "rules.py",
    "revision.py",
    "audits.py",
    "transparency.py",  # the public view, on by default
}
PARTICIPANT_PAGES = READER_PAGES | {"propose.py", "profile.py"}
MODERATOR_PAGES = PARTICIPANT_PAGES | {"jobs.py"}
STEWARD_PAGES = PARTICIPANT_PAGES | {"people.py", "jobs.py", "models.py"}

# -- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def oidc_env(seeded_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Real sign-in over a private copy of the seeded database (no demo sign-in)."""
    monkeypatch.setenv("CHARTER_DB", str(seeded_path))
    monkeypatch.delenv("CHARTER_DEMO", raising=False)
    monkeypatch.delenv("CHARTER_GROUPS", raising=False)
    return seeded_path


# -- people as the identity provider describes them ---------------------------------------


def user(
    sub: str,
    name: str | None = "Sam Signed-In",
    groups: list[str] | None = None,
    *,
    iss: str = ISSUER,
    provider: str = "mock",
    email: str | None = "sam@idp.test",
) -> dict[str, Any]:
    """An ``at.user`` for a signed-in person."""
    claims: dict[str, Any] = {"is_logged_in": True, "iss": iss, "sub": sub, "provider": provider}
    if name is not None:
        claims["name"] = name
    if email is not None:
        claims["email"] = email
    if groups is not None:
        claims["charter_groups"] = groups
    return claims


VISITOR: dict[str, Any] = {"is_logged_in": False}


def signed_up(services: Charter, sub: str, name: str) -> Stakeholder:
    """Someone who already signed in once (through the services, not the app)."""
    return services.people.sign_in(Identity(ISSUER, sub, "mock", name))


# -- driving the app ----------------------------------------------------------------------


def start(
    who: dict[str, Any],
    *,
    auth: dict[str, Any] | None = None,
    claims: dict[str, Any] | None = CLAIMS,
    check: bool = True,
) -> AppTest:
    """Run the app once with ``[auth]`` (and ``[charter.claims]``) set, as ``who``."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.secrets["auth"] = copy.deepcopy(AUTH if auth is None else auth)
    if claims is not None:
        at.secrets["charter"] = {"claims": copy.deepcopy(claims)}
    at.user = copy.deepcopy(who)
    at.run()
    if check:
        assert not at.exception, at.exception
    return at


def drawn(at: AppTest) -> list[str]:
    """The kinds of element on the main area (layout blocks left out)."""
    return [type(e).__name__ for e in at.main if type(e).__name__ != "SpecialBlock"]


def popover_labels(at: AppTest) -> list[str]:
    return [str(p.proto.popover.label) for p in at.get("popover")]


def button_keys(at: AppTest) -> set[str]:
    return {str(b.key) for b in at.button}


# -- reading what was stored --------------------------------------------------------------


def owner(db: Database, sub: str, iss: str = ISSUER) -> Stakeholder | None:
    with db.read() as tx:
        person_id = tx.people.identity_owner(iss, sub)
        return None if person_id is None else tx.people.get_stakeholder(person_id)


def person_count(db: Database) -> int:
    with db.read() as tx:
        return tx.people.count_stakeholders()


def a_visible_comment(db: Database) -> Comment:
    """A top-level comment nobody has hidden, on some seeded guideline."""
    with db.read() as tx:
        found, _ = tx.guidelines.search_guidelines(GuidelineFilter(), limit=200)
        for guideline in found:
            for comment in tx.discussion.comments(guideline.id):
                if comment.hidden is None and comment.parent_id is None:
                    return comment
    raise AssertionError("the demo data has no visible comment")


def comment(db: Database, found: Comment) -> Comment:
    with db.read() as tx:
        (current,) = tx.discussion.comments(found.guideline_id, comment_id=found.id)
    return current


# -- navigation per role ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "pages"),
    [
        (VISITOR, READER_PAGES),
        (user("nav-participant", groups=["ml-engineering"]), PARTICIPANT_PAGES),
        (user("nav-moderator", groups=["charter-moderators"]), MODERATOR_PAGES),
        (user("nav-steward", groups=["charter-stewards"]), STEWARD_PAGES),
        (user("nav-auditor", groups=["charter-auditors"]), PARTICIPANT_PAGES),
    ],
    ids=["visitor", "participant", "moderator", "steward", "auditor"],
)
def test_navigation_offers_the_pages_of_each_role(
    oidc_env: Path, who: dict[str, Any], pages: set[str]
):
    at = start(who)
    assert registered_pages(at) == pages
    sidebar_buttons = [b.label for b in at.sidebar.button]
    if who["is_logged_in"]:
        assert sidebar_buttons == ["Sign out"]
        assert f"Signed in as **{who['name']}**" in [m.value for m in at.sidebar.markdown]
    else:
        assert sidebar_buttons == ["Sign in with Mock"]
        assert at.sidebar.button(key="sign_in:mock").proto.type == "primary"
    assert not at.warning, "no demo banner and no suspension notice"
    for missing in {"propose.py", "profile.py", "people.py", "jobs.py", "models.py"} - pages:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"pages/{missing}")
    if "profile.py" in pages:
        # A later run (the page gate draws the frame) offers the same pages.
        open_page(at, "pages/profile.py")
        assert texts(at.title) == ["Your profile"]
        assert registered_pages(at) == pages


def test_a_demo_sign_in_link_signs_nobody_in_with_real_sign_in(oidc_env: Path, services: Charter):
    demo_moderator = next(
        p
        for p in services.people.demo_stakeholders()
        if Role.MODERATOR in p.roles and not p.suspended
    )
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.secrets["auth"] = copy.deepcopy(AUTH)
    at.secrets["charter"] = {"claims": copy.deepcopy(CLAIMS)}
    at.user = copy.deepcopy(VISITOR)
    at.query_params["as"] = str(demo_moderator.id)
    rerun(at)
    assert [b.label for b in at.sidebar.button] == ["Sign in with Mock"]
    assert registered_pages(at) == READER_PAGES
    assert not at.toast
    open_page(at, "pages/guidelines.py")
    assert [b.label for b in at.sidebar.button] == ["Sign in with Mock"]
    assert at.page_link and all("as=" not in str(p.proto.query_string) for p in at.page_link)


def test_suspended_person_reads_and_sees_profile_but_cannot_propose(
    oidc_env: Path, seeded_db: Database, services: Charter
):
    steward = services.people.create_stakeholder(
        None, display_name="Set-up Steward", groups=("public",), roles=(Role.STEWARD,)
    )
    person = signed_up(services, "suspended-1", "Sue Spended")
    services.people.set_account_status(
        steward, person.id, AccountStatus.SUSPENDED, "spam in three guidelines"
    )

    at = start(user("suspended-1", "Sue Spended", ["ml-engineering"]))
    assert owner(seeded_db, "suspended-1") is not None
    assert owner(seeded_db, "suspended-1").id == person.id  # type: ignore[union-attr]
    assert any("Your account is suspended" in w for w in texts(at.warning)), texts(at.warning)
    assert registered_pages(at) == READER_PAGES | {"profile.py"}
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/propose.py")

    open_page(at, "pages/profile.py")
    assert texts(at.title) == ["Your profile"]
    assert any("Your account is suspended" in w for w in texts(at.warning))
    assert "Status: **suspended**" in " ".join(m.value for m in at.markdown)
    assert "request:send" not in button_keys(at), "a suspended person cannot ask to join"


# -- identity -----------------------------------------------------------------------------


def test_first_sign_in_creates_a_stakeholder_with_public_and_claim_groups(
    oidc_env: Path, seeded_db: Database
):
    before = person_count(seeded_db)
    who = user("first-1", "Fiona First", ["ethics-board", "ml-engineering", "charter-moderators"])
    at = start(who)

    person = owner(seeded_db, "first-1")
    assert person is not None
    assert person_count(seeded_db) == before + 1
    assert person.display_name == "Fiona First"
    assert set(person.groups) == {"public", "ethicist", "engineer"}
    assert set(person.roles) == {Role.PARTICIPANT, Role.MODERATOR}
    assert "Signed in as **Fiona First**" in [m.value for m in at.sidebar.markdown]
    with seeded_db.read() as tx:
        [linked] = tx.people.identities(person.id)
    assert (linked.issuer, linked.subject, linked.provider) == (ISSUER, "first-1", "mock")

    # Later runs of the same session read the stored record; nobody new appears.
    open_page(at, "pages/profile.py")
    shown = [m.value for m in at.markdown]
    assert "- **ethicist** :gray[from your identity provider]" in shown
    assert "- **public** :gray[everyone, from the first sign-in]" in shown
    assert person_count(seeded_db) == before + 1


def test_same_issuer_and_subject_with_another_name_is_the_same_person(
    oidc_env: Path, seeded_db: Database
):
    before = person_count(seeded_db)
    start(user("same-1", "Ada Original"))
    first = owner(seeded_db, "same-1")
    at = start(user("same-1", "Ada Renamed At The Provider"))  # a new session, later
    assert person_count(seeded_db) == before + 1
    again = owner(seeded_db, "same-1")
    assert first is not None and again is not None and again.id == first.id
    assert again.display_name == "Ada Original", "a sign-in does not overwrite the chosen name"
    assert "Signed in as **Ada Original**" in [m.value for m in at.sidebar.markdown]


def test_same_subject_from_another_issuer_is_another_person(oidc_env: Path, seeded_db: Database):
    before = person_count(seeded_db)
    start(user("shared-sub", "Ann From Here"))
    start(user("shared-sub", "Ann From Elsewhere", iss="http://other-idp.test"))
    assert person_count(seeded_db) == before + 2
    here = owner(seeded_db, "shared-sub")
    there = owner(seeded_db, "shared-sub", iss="http://other-idp.test")
    assert here is not None and there is not None and here.id != there.id
    assert (here.display_name, there.display_name) == ("Ann From Here", "Ann From Elsewhere")


def test_unknown_claim_values_are_ignored_and_shown_on_the_profile(
    oidc_env: Path, seeded_db: Database
):
    at = start(user("hacker-1", "Hal Hopeful", ["hackers"]))
    person = owner(seeded_db, "hacker-1")
    assert person is not None
    assert person.groups == ("public",)
    assert person.roles == (Role.PARTICIPANT,)
    open_page(at, "pages/profile.py")
    assert "Your provider also sent values that map to no group or role here: hackers" in texts(
        at.caption
    )
    groups_shown = [m.value for m in at.markdown if m.value.startswith("- **")]
    assert groups_shown == [
        "- **public** :gray[everyone, from the first sign-in]",
        "- **participant** :gray[everyone, from the first sign-in]",
    ]


def test_token_without_email_signs_in(oidc_env: Path, seeded_db: Database):
    at = start(user("no-mail-1", "Nora No-Mail", ["ml-engineering"], email=None))
    person = owner(seeded_db, "no-mail-1")
    assert person is not None and set(person.groups) == {"public", "engineer"}
    assert "Signed in as **Nora No-Mail**" in [m.value for m in at.sidebar.markdown]
    open_page(at, "pages/profile.py")
    assert at.text_input(key="profile:display_name").value == "Nora No-Mail"


def test_very_long_name_is_cut_with_an_ellipsis(oidc_env: Path, seeded_db: Database):
    long_name = ("Bartholomew " * 200)[:2000]
    assert len(long_name) == 2000
    at = start(user("long-1", long_name))
    person = owner(seeded_db, "long-1")
    assert person is not None
    assert len(person.display_name) <= 120
    assert person.display_name.endswith("…")
    assert person.display_name.startswith("Bartholomew Bartholomew")
    assert f"Signed in as **{person.display_name}**" in [m.value for m in at.sidebar.markdown]
    open_page(at, "pages/profile.py")
    assert at.text_input(key="profile:display_name").value == person.display_name


def test_claims_from_an_untrusted_provider_grant_nothing(oidc_env: Path, seeded_db: Database):
    auth = copy.deepcopy(AUTH)
    auth["other"] = dict(_PROVIDER)
    who = user("untrusted-1", "Mallory", ["charter-stewards", "ethics-board"], provider="other")
    at = start(who, auth=auth)
    person = owner(seeded_db, "untrusted-1")
    assert person is not None
    assert person.groups == ("public",)
    assert person.roles == (Role.PARTICIPANT,)
    assert registered_pages(at) == PARTICIPANT_PAGES, "no People page"


# -- the profile page ---------------------------------------------------------------------


@pytest.fixture
def on_profile(oidc_env: Path) -> AppTest:
    """An engineer (by claim) on their profile page."""
    return open_page(
        start(user("profile-1", "Pat Profile", ["ml-engineering"])), "pages/profile.py"
    )


def test_rename_with_an_empty_name_is_refused_at_the_field(
    on_profile: AppTest, seeded_db: Database
):
    at = on_profile
    at.text_input(key="profile:display_name").input("   ")
    at.button(key="profile:save").click()
    rerun(at)
    assert message_below(at, "profile:display_name") == "must not be empty"
    assert not at.success
    assert owner(seeded_db, "profile-1").display_name == "Pat Profile"  # type: ignore[union-attr]


def test_rename_is_stored_and_shown(on_profile: AppTest, seeded_db: Database):
    at = on_profile
    at.text_input(key="profile:display_name").input("Patricia Profile")
    at.button(key="profile:save").click()
    rerun(at)
    assert "Name saved." in texts(at.success)
    assert not at.error
    person = owner(seeded_db, "profile-1")
    assert person is not None and person.display_name == "Patricia Profile"
    assert "Signed in as **Patricia Profile**" in [m.value for m in at.sidebar.markdown]
    with seeded_db.read() as tx:
        [renamed] = tx.events.find(
            subject=f"stakeholder:{person.id}", actions=("stakeholder.renamed",)
        )
    assert renamed.after == {"display_name": "Patricia Profile"}


def test_group_request_needs_a_justification(on_profile: AppTest, seeded_db: Database):
    at = on_profile
    assert at.selectbox(key="request:group").options == ["ethicist"], "engineer is held already"
    at.selectbox(key="request:group").select("ethicist")
    at.button(key="request:send").click()
    rerun(at)
    assert message_below(at, "request:justification") == "must not be empty"
    assert not at.success
    person = owner(seeded_db, "profile-1")
    assert person is not None
    with seeded_db.read() as tx:
        assert tx.people.group_requests(stakeholder_id=person.id) == []


def test_group_request_is_pending_and_does_not_count(on_profile: AppTest, seeded_db: Database):
    at = on_profile
    before = owner(seeded_db, "profile-1")
    assert before is not None
    at.selectbox(key="request:group").select("ethicist")
    at.text_area(key="request:justification").input("I chair our hospital's ethics board.")
    at.button(key="request:send").click()
    rerun(at)

    assert "Request sent: a steward will decide." in texts(at.success)
    assert not at.error
    with seeded_db.read() as tx:
        [request] = tx.people.group_requests(stakeholder_id=before.id)
    assert (request.group, request.status) == ("ethicist", RequestStatus.PENDING)
    assert request.justification == "I chair our hospital's ethics board."
    assert any(
        m.startswith("Request to join **ethicist** · pending since") for m in texts(at.markdown)
    )
    assert f"request:withdraw:{request.id}" in button_keys(at)
    # Pending requests never count: the groups used by every tally are unchanged.
    after = owner(seeded_db, "profile-1")
    assert after is not None and after.groups == before.groups == ("engineer", "public")
    with seeded_db.read() as tx:
        groups, _ = tx.people.grants(before.id)
    assert {g.name for g in groups} == {"engineer", "public"}
    assert at.text_area(key="request:justification").value == "", "the box is emptied"


# -- the people page (stewards) -----------------------------------------------------------


@pytest.fixture
def pending(services: Charter) -> tuple[Stakeholder, int]:
    """Someone who signed in and asked to join the ethicists, and their request's id."""
    person = signed_up(services, "petra-1", "Petra Pending")
    request = services.people.request_group(
        person, "ethicist", "I teach applied ethics at the university."
    )
    return person, request.id


@pytest.fixture
def steward_on_people(oidc_env: Path, pending: tuple[Stakeholder, int]) -> AppTest:
    at = start(user("steward-1", "Stella Steward", ["charter-stewards"]))
    return open_page(at, "pages/people.py")


def test_steward_sees_and_approves_a_pending_request(
    steward_on_people: AppTest,
    pending: tuple[Stakeholder, int],
    services: Charter,
    seeded_db: Database,
):
    at = steward_on_people
    person, request_id = pending
    key = f"decide:{request_id}"
    with seeded_db.read() as tx:
        waiting = len(tx.people.group_requests(status=RequestStatus.PENDING))
    assert at.tabs[0].label == f"Group requests ({waiting})"
    assert any(
        "**Petra Pending**" in m and "asks to join **ethicist**" in m for m in texts(at.markdown)
    )
    assert "I teach applied ethics at the university." in texts(at.markdown)

    at.text_input(key=f"{key}:reason").input("Known to the ethics board.")
    at.button(key=f"{key}:approve").click()
    rerun(at)

    assert not at.error
    assert "ethicist" in services.people.stakeholder(person.id).groups
    with seeded_db.read() as tx:
        [request] = tx.people.group_requests(request_id=request_id)
    assert request.status is RequestStatus.APPROVED
    assert request.decision_reason == "Known to the ethics board."
    assert f"{key}:approve" not in button_keys(at), "the request left the list"
    assert at.tabs[0].label == f"Group requests ({waiting - 1})"


def test_steward_is_told_that_the_decision_was_recorded(
    steward_on_people: AppTest, pending: tuple[Stakeholder, int]
):
    at = steward_on_people
    _, request_id = pending
    at.text_input(key=f"decide:{request_id}:reason").input("Known to the ethics board.")
    at.button(key=f"decide:{request_id}:approve").click()
    rerun(at)
    assert "Approved." in texts(at.success)


def test_declining_without_a_reason_is_refused(
    steward_on_people: AppTest,
    pending: tuple[Stakeholder, int],
    services: Charter,
    seeded_db: Database,
):
    at = steward_on_people
    person, request_id = pending
    key = f"decide:{request_id}"
    at.button(key=f"{key}:decline").click()
    rerun(at)

    assert message_below(at, f"{key}:reason") == "must not be empty"
    assert not at.success
    with seeded_db.read() as tx:
        [request] = tx.people.group_requests(request_id=request_id)
    assert request.status is RequestStatus.PENDING
    assert services.people.stakeholder(person.id).groups == ("public",)
    assert f"{key}:decline" in button_keys(at), "still waiting for a decision"


def test_steward_makes_someone_a_moderator(
    steward_on_people: AppTest,
    pending: tuple[Stakeholder, int],
    services: Charter,
    seeded_db: Database,
):
    at = steward_on_people
    person, _ = pending
    at.text_input(key="people:text").input("Petra Pending")
    rerun(at)
    assert "1 people" in texts(at.caption)
    at.selectbox(key="people:chosen").set_value(person.id)
    rerun(at)
    key = f"person:{person.id}"
    assert f"{key}:revoke:moderator" not in button_keys(at)
    at.text_input(key=f"{key}:reason").input("Moderates the engineering forum already.")
    at.button(key=f"{key}:grant:moderator").click()
    rerun(at)

    assert "Done." in texts(at.success)
    assert not at.error
    assert Role.MODERATOR in services.people.stakeholder(person.id).roles
    with seeded_db.read() as tx:
        _, roles = tx.people.grants(person.id)
        [granted] = tx.events.find(subject=f"stakeholder:{person.id}", actions=("role.granted",))
    assert {r.name for r in roles} == {"participant", "moderator"}
    assert granted.reason == "Moderates the engineering forum already."
    keys = button_keys(at)
    assert f"{key}:revoke:moderator" in keys and f"{key}:grant:moderator" not in keys


# -- moderation on the guideline page -----------------------------------------------------


@pytest.fixture
def target(oidc_env: Path, seeded_db: Database) -> Comment:
    return a_visible_comment(seeded_db)


def moderator_on(found: Comment) -> AppTest:
    at = start(user("mod-1", "Mona Moderator", ["charter-moderators"]))
    return open_page(at, "pages/guideline.py", found.guideline_id)


def shows_body(at: AppTest, found: Comment) -> bool:
    return safe_markdown(found.body) in [m.value for m in at.markdown]


def comments_on(at: AppTest) -> int:
    """How many comments and replies the page draws (each has one byline with a date)."""
    return sum(1 for m in at.markdown if " UTC · v" in str(m.value))


def test_moderation_is_a_menu_beside_each_byline_not_a_button_under_each_comment(
    target: Comment,
):
    at = moderator_on(target)
    menus = [p.proto.popover for p in at.get("popover") if p.proto.popover.label == "Moderate"]
    assert len(menus) == comments_on(at) > 0
    assert {(m.type, m.icon) for m in menus} == {("tertiary", ":material/more_vert:")}
    labels = popover_labels(at)
    assert "Hide" not in labels and "Restore" not in labels, labels
    assert at.button(key=f"moderate:{target.id}:go").label == "Hide comment"


def test_moderator_hides_a_comment_and_readers_see_who_hid_it(target: Comment, seeded_db: Database):
    at = moderator_on(target)
    key = f"moderate:{target.id}"
    assert shows_body(at, target)
    assert popover_labels(at).count("Moderate") == comments_on(at), popover_labels(at)
    at.text_input(key=f"{key}:reason").input("personal attack")
    at.button(key=f"{key}:go").click()
    rerun(at)

    assert "Comment hidden." in texts(at.success)
    hidden = comment(seeded_db, target).hidden
    assert hidden is not None and hidden.reason == "personal attack"
    assert hidden.by_name == "Mona Moderator"
    # The moderator's page follows at once; they alone can still read the text.
    assert "Hidden text (moderators only)" in [e.label for e in at.expander]
    assert any(c.startswith("Hidden by Mona Moderator on ") for c in texts(at.caption))
    restore = at.button(key=f"{key}:go")
    assert restore.label == "Restore comment" and "Moderate" in popover_labels(at)

    reader = open_page(
        start(user("reader-1", "Rita Reader", ["ml-engineering"])),
        "pages/guideline.py",
        target.guideline_id,
    )
    assert not shows_body(reader, target)
    notes = [c for c in texts(reader.caption) if c.startswith("Hidden by Mona Moderator on ")]
    assert len(notes) == 1 and notes[0].endswith(": personal attack"), texts(reader.caption)
    assert not [k for k in button_keys(reader) if k.startswith("moderate:")]


def test_participant_has_no_moderation_control(target: Comment):
    at = open_page(
        start(user("reader-2", "Rolf Reader", ["ethics-board"])),
        "pages/guideline.py",
        target.guideline_id,
    )
    assert shows_body(at, target)
    assert not [k for k in button_keys(at) if k.startswith("moderate:")]
    assert "Moderate" not in popover_labels(at)
    with pytest.raises(KeyError):
        at.text_input(key=f"moderate:{target.id}:reason")


def test_hiding_without_a_reason_is_refused(target: Comment, seeded_db: Database):
    at = moderator_on(target)
    at.button(key=f"moderate:{target.id}:go").click()
    rerun(at)
    errors = texts(at.error)
    assert any("reason" in e and "must not be empty" in e for e in errors), errors
    assert not at.success
    assert comment(seeded_db, target).hidden is None
    assert shows_body(at, target)


# -- impossible sign-in settings ----------------------------------------------------------


def _without_cookie_secret() -> dict[str, Any]:
    auth = copy.deepcopy(AUTH)
    del auth["cookie_secret"]
    return auth


def _with_redirect(uri: str) -> dict[str, Any]:
    auth = copy.deepcopy(AUTH)
    auth["redirect_uri"] = uri
    return auth


_PHILOSOPHER = {**CLAIMS, "groups": {"ethics-board": "ethicist", "stoa": "philosopher"}}


@pytest.mark.parametrize(
    ("auth", "claims", "mentions"),
    [
        (_without_cookie_secret(), CLAIMS, "cookie_secret"),
        (AUTH, _PHILOSOPHER, "philosopher"),
        (_with_redirect("http://localhost:8501/callback"), CLAIMS, "/oauth2callback"),
    ],
    ids=["no-cookie-secret", "unknown-group", "bad-redirect"],
)
@pytest.mark.parametrize("who", [VISITOR, user("config-1")], ids=["visitor", "signed-in"])
def test_impossible_sign_in_settings_stop_with_one_error(
    oidc_env: Path,
    seeded_db: Database,
    auth: dict[str, Any],
    claims: dict[str, Any],
    mentions: str,
    who: dict[str, Any],
):
    before = person_count(seeded_db)
    at = start(who, auth=auth, claims=claims)
    errors = texts(at.error)
    assert len(errors) == 1 and mentions in errors[0], errors
    assert drawn(at) == ["Error"], "nothing else is drawn"
    assert not at.sidebar.button and not at.sidebar.markdown, "no sign-in, no navigation"
    assert person_count(seeded_db) == before, "nobody is signed in under broken settings"
    # Asking for another page (a later run: the page gate draws the frame) shows the same.
    at.switch_page("pages/guidelines.py")
    rerun(at)
    assert texts(at.error) == errors
    assert drawn(at) == ["Error"]
    assert not at.sidebar.button
