"""Page tests: drive the Streamlit app with AppTest and check what each person can do.

Every test runs the real ``app.py`` against its own copy of the seeded demo database and then
reads the database directly to check what the page stored.

Two AppTest facts shape these tests:

* The pages live in a folder named ``pages/``. AppTest resets Streamlit's "pages directory"
  flag before every run, so every run after the first executes the requested page file
  directly; ``ui.page_gate`` then draws the frame (banner, sign-in) itself, as it does for
  the first request to a fresh server. A person is signed in by putting their id in session
  state before the first run.
* The navigation is registered on the first run, so ``switch_page`` refuses a page the
  navigation did not offer: that is how these tests see that a visitor has no Propose page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from governance.demo.content import GUIDELINES
from governance.identity import Identity
from governance.models import (
    AccountStatus,
    Choice,
    Guideline,
    GuidelineFilter,
    Role,
    Stakeholder,
    Status,
)
from governance.services import Charter
from governance.services.dashboard import CHARTS
from governance.storage import Database
from governance.voting import Counts
from tests.apptest_support import (
    APP,
    as_read,
    message_below,
    open_page,
    registered_pages,
    rerun,
    texts,
)

PRINCIPAL_KEY = "demo_stakeholder_id"
DEMO_PARAM = "as"
AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 40,
    "client_id": "a",
    "client_secret": "b",
    "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
}
LONG_AFTER_NFC = "x" * 190 + "\u0958" * 6
OVERALL = re.compile(
    r"^- overall: (?P<share>[\d.]+%|-) approve of (?P<decisive>\d+) \((?P<abstain>\d+) abstain"
)

# -- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def read_only_env(seeded_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No sign-in configured at all."""
    monkeypatch.setenv("CHARTER_DB", str(seeded_path))
    monkeypatch.delenv("CHARTER_DEMO", raising=False)
    return seeded_path


# -- finding people and guidelines in the demo data ---------------------------------------


def guidelines_in(db: Database, status: Status) -> list[Guideline]:
    with db.read() as tx:
        found, _ = tx.guidelines.search_guidelines(GuidelineFilter(statuses=(status,)), limit=200)
    assert found, f"the demo data has no guideline in {status.value}"
    return found


def a_moderator(services: Charter) -> Stakeholder:
    return next(
        p
        for p in services.people.demo_stakeholders()
        if Role.MODERATOR in p.roles and not p.suspended
    )


def a_plain_participant(
    services: Charter, *, not_author_of: Guideline | None = None
) -> Stakeholder:
    """A demo stakeholder with a group and no role beyond taking part."""
    return next(
        p
        for p in services.people.demo_stakeholders()
        if p.roles == (Role.PARTICIPANT,)
        and not p.suspended
        and p.groups
        and (not_author_of is None or p.id != not_author_of.author_id)
    )


def authored_in_voting(db: Database, services: Charter) -> tuple[Guideline, Stakeholder]:
    """A guideline open for voting and its (active) author."""
    for guideline in guidelines_in(db, Status.VOTING):
        author = services.people.stakeholder(guideline.author_id)
        if not author.suspended:
            return guideline, author
    raise AssertionError("no guideline in voting has an active author")


def voter_without_ballot(db: Database, services: Charter) -> tuple[Guideline, Stakeholder]:
    """A guideline open for voting and a demo voter who has not voted on it yet."""
    people = [p for p in services.people.demo_stakeholders() if p.groups and not p.suspended]
    open_now = guidelines_in(db, Status.VOTING)
    with db.read() as tx:
        for guideline in open_now:
            assert guideline.voting is not None
            for person in people:
                if tx.votes.get_vote(guideline.id, guideline.voting.version, person.id) is None:
                    return guideline, person
    raise AssertionError("every demo voter has voted on every open guideline")


def guideline_count(db: Database) -> int:
    with db.read() as tx:
        return sum(tx.analytics.status_counts().values())


def counts_under_vote(db: Database, guideline: Guideline) -> Counts:
    assert guideline.voting is not None
    with db.read() as tx:
        overall, _ = tx.votes.ballot_counts(guideline.id, guideline.voting.version)
    return overall


def stored(db: Database, guideline_id: str) -> Guideline:
    with db.read() as tx:
        found = tx.guidelines.get_guideline(guideline_id)
    assert found is not None
    return found


# -- driving the app ----------------------------------------------------------------------


def start(principal: Stakeholder | None = None) -> AppTest:
    """Run the app once, signed in as ``principal`` (None: a visitor)."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    if principal is not None:
        at.session_state[PRINCIPAL_KEY] = principal.id
    at.run()
    assert not at.exception, at.exception
    return at


def open_guideline(at: AppTest, guideline_id: str) -> AppTest:
    return open_page(at, "pages/guideline.py", guideline_id)


@dataclass(frozen=True)
class OverallLine:
    share: str
    decisive: int
    abstain: int

    @property
    def ballots(self) -> int:
        return self.decisive + self.abstain


def overall_line(at: AppTest) -> OverallLine:
    lines = [m.value for m in at.markdown if m.value.startswith("- overall:")]
    assert len(lines) == 1, lines
    match = OVERALL.match(lines[0])
    assert match, lines[0]
    return OverallLine(match["share"], int(match["decisive"]), int(match["abstain"]))


def share(line: OverallLine) -> float:
    return float(line.share.rstrip("%"))


def post_comment(at: AppTest):  # type: ignore[no-untyped-def]
    """The "Post comment" button (its key carries the form's token)."""
    [button] = [b for b in at.button if b.label == "Post comment"]
    return button


# -- proposing ----------------------------------------------------------------------------


def test_proposal_is_stored_as_draft_and_listed(
    demo_env: Path, seeded_db: Database, services: Charter
):
    author = a_plain_participant(services)
    before = guideline_count(seeded_db)
    at = start(author)
    assert "propose.py" in registered_pages(at)
    open_page(at, "pages/propose.py")

    title = "Cite sources for factual claims"
    at.text_input(key="propose:field:title").input(title)
    at.text_area(key="propose:field:statement").input(
        "The assistant names its sources when it states facts."
    )
    at.selectbox(key="propose:field:category").select("honesty")
    rerun(at)
    assert any(title in m for m in texts(at.markdown)), "the preview shows the title"
    [propose] = [b for b in at.button if b.label == "Propose as draft"]
    assert not propose.disabled
    propose.click()
    rerun(at)

    successes = texts(at.success)
    assert len(successes) == 1, successes
    match = re.fullmatch(r"Proposed (G-\d{4}) as a draft\.", successes[0])
    assert match, successes
    new_id = match[1]
    [link] = [p for p in at.page_link if p.value == f"Open {new_id}"]
    assert link.proto.query_string == f"id={new_id}&{DEMO_PARAM}={author.id}"
    assert not at.error
    # The form is emptied for the next proposal.
    assert at.text_input(key="propose:field:title").value == ""
    assert at.selectbox(key="propose:field:category").value is None

    guideline = stored(seeded_db, new_id)
    assert guideline.status is Status.DRAFT
    assert guideline.version == 1
    assert guideline.author_id == author.id
    assert guideline.text.title == title
    assert guideline.text.category == "honesty"
    assert guideline_count(seeded_db) == before + 1

    open_page(at, "pages/guidelines.py")
    assert f"{before + 1} guidelines" in texts(at.caption)
    labels = texts(at.page_link)
    assert labels[0] == f"{new_id} · {title}", "most recently changed first"


@pytest.mark.parametrize(
    ("field", "key", "value", "message"),
    [
        ("title", "propose:field:title", "", "^must not be empty$"),
        ("statement", "propose:field:statement", "  \n\t ", "^must not be empty$"),
        # The limit counts characters after normalisation: U+0958 becomes two code points in
        # NFC (196 typed, 202 stored). Text typed over the limit: tests/test_pages_forms.py.
        ("title", "propose:field:title", LONG_AFTER_NFC, "^is 202 characters; the limit is 200$"),
        (
            "statement",
            "propose:field:statement",
            "Ring the \x07 bell",
            re.escape("contains a control character (U+0007)"),
        ),
        ("category", "propose:field:category", None, "is required|choose a category"),
    ],
    ids=["empty-title", "blank-statement", "long-title", "control-char", "no-category"],
)
def test_invalid_proposal_shows_error_at_field_and_stores_nothing(
    demo_env: Path,
    seeded_db: Database,
    services: Charter,
    field: str,
    key: str,
    value: str | None,
    message: str,
):
    author = a_moderator(services)
    before = guideline_count(seeded_db)
    at = open_page(start(author), "pages/propose.py")
    good_title = "Cite sources for factual claims"
    at.text_input(key="propose:field:title").input(good_title)
    at.text_area(key="propose:field:statement").input(
        "The assistant names its sources when it states facts."
    )
    at.selectbox(key="propose:field:category").select("honesty")
    if field == "category":
        at.selectbox(key=key).set_value(None)
    elif field == "title":
        at.text_input(key=key).input(value)
    else:
        at.text_area(key=key).input(value)
    [propose] = [b for b in at.button if b.label == "Propose as draft"]
    propose.click()
    rerun(at)

    below = message_below(at, key)
    assert below is not None and re.search(message, below), (below, texts(at.error))
    # Only the broken field is flagged: blank optional requests are derived, not "required".
    assert texts(at.error) == [below]
    assert not at.success
    assert guideline_count(seeded_db) == before
    # What was typed stays, so it can be corrected.
    assert at.text_input(key="propose:field:title").value == (
        value if field == "title" else good_title
    )


# -- voting -------------------------------------------------------------------------------


def test_vote_updates_tally_and_a_changed_vote_counts_once(
    demo_env: Path, seeded_db: Database, services: Charter
):
    guideline, voter = voter_without_ballot(seeded_db, services)
    assert guideline.voting is not None
    at = open_guideline(start(voter), guideline.id)
    assert "Live tally" in texts(at.subheader)
    before = overall_line(at)
    counts_before = counts_under_vote(seeded_db, guideline)
    assert before.decisive == counts_before.decisive
    assert before.abstain == counts_before.abstain

    at.button(key=f"vote:{guideline.id}:approve").click()
    rerun(at)
    assert "Ballot recorded: approve." in texts(at.success)
    after_approve = overall_line(at)
    assert after_approve.ballots == before.ballots + 1
    assert after_approve.decisive == before.decisive + 1
    assert share(after_approve) >= share(before)
    with seeded_db.read() as tx:
        vote = tx.votes.get_vote(guideline.id, guideline.voting.version, voter.id)
    assert vote is not None and vote.choice is Choice.APPROVE
    counts = counts_under_vote(seeded_db, guideline)
    assert counts.approve == counts_before.approve + 1
    assert counts.total == counts_before.total + 1
    # The page now shows the ballot as this person's.
    assert any(f"You voted **{Choice.APPROVE.value}**" in m for m in texts(at.markdown))

    at.button(key=f"vote:{guideline.id}:reject").click()
    rerun(at)
    assert "Ballot recorded: reject." in texts(at.success)
    after_reject = overall_line(at)
    assert after_reject.ballots == after_approve.ballots, "a changed ballot never counts twice"
    assert after_reject.decisive == after_approve.decisive
    assert share(after_reject) < share(after_approve)
    counts = counts_under_vote(seeded_db, guideline)
    assert counts.approve == counts_before.approve
    assert counts.reject == counts_before.reject + 1
    assert counts.total == counts_before.total + 1
    with seeded_db.read() as tx:
        vote = tx.votes.get_vote(guideline.id, guideline.voting.version, voter.id)
    assert vote is not None and vote.choice is Choice.REJECT


# -- visitors and sign-in modes -----------------------------------------------------------


def test_filtering_from_a_later_page_starts_again_at_page_one(demo_env: Path, seeded_db: Database):
    at = open_page(start(), "pages/guidelines.py")
    listed = [p.label for p in at.page_link]
    assert len(listed) == 25 and f"{len(GUIDELINES)} guidelines" in texts(at.caption)
    at.get("pagination")[0].set_value(2)
    rerun(at)
    assert len(at.page_link) == len(GUIDELINES) - 25
    at.multiselect(key="f_status").select(Status.VOTING)
    rerun(at)
    voting = guidelines_in(seeded_db, Status.VOTING)
    assert len(at.page_link) == len(voting) == 9
    assert "9 guidelines" in texts(at.caption)


def test_visitor_dashboard_shows_the_stored_numbers(demo_env: Path, seeded_db: Database):
    at = start()
    metrics = {m.label: m.value for m in at.metric}
    with seeded_db.read() as tx:
        ballots = tx.votes.count_votes()
        people = tx.people.count_stakeholders()
        open_votes = tx.analytics.status_counts().get(Status.VOTING, 0)
    assert metrics["Ballots"] == f"{ballots:,}"
    assert metrics["Stakeholders"] == f"{people:,}"
    assert metrics["Open votes"] == str(open_votes)
    assert "Awaiting your vote" not in texts(at.subheader)
    # A short activity list keeps the charts in view; the rest is one click away.
    (earlier,) = [e for e in at.expander if e.label.startswith("Earlier activity")]
    shown = [m for m in texts(at.markdown) if m.endswith("UTC]")]
    folded = [m for m in texts(earlier.markdown) if m.endswith("UTC]")]
    assert len(shown) - len(folded) == 6 and folded
    assert len(at.get("plotly_chart")) == len(CHARTS) == 8
    # First run: app.py's own elements are there: the demo banner and the sign-in.
    assert any("Demo mode" in w for w in texts(at.warning))
    pick = at.sidebar.selectbox(key="demo_pick")
    assert pick.value is None
    assert at.sidebar.button(key="demo_sign_in").disabled, "nobody chosen yet"
    with_roles = [any(r in o for r in ("moderator", "steward", "auditor")) for o in pick.options]
    assert with_roles[0] and with_roles == sorted(with_roles, reverse=True), (
        "people with roles are listed first"
    )


def test_visitor_cannot_propose(demo_env: Path):
    at = start()
    assert "propose.py" not in registered_pages(at)
    assert registered_pages(at) == {
        "dashboard.py",
        "guidelines.py",
        "guideline.py",
        "constitution.py",
        "rules.py",
        "revision.py",
        "audits.py",
        "transparency.py",
    }
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/propose.py")


def test_visitor_cannot_vote_or_comment(demo_env: Path, seeded_db: Database):
    guideline = guidelines_in(seeded_db, Status.VOTING)[0]
    at = open_guideline(start(), guideline.id)
    assert "Live tally" in texts(at.subheader)
    assert "Sign in to vote." in texts(at.info)
    assert "Sign in to take part." in texts(at.caption)
    assert [b.key for b in at.button] == ["demo_sign_in"], "only the sidebar sign-in for a visitor"
    assert not at.text_area
    assert "Move this guideline on" not in [e.label for e in at.expander]


def test_demo_refused_while_real_sign_in_is_configured(demo_env: Path):
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.secrets["auth"] = dict(AUTH_SECRETS)
    at.run()
    assert not at.exception, at.exception
    errors = texts(at.error)
    assert len(errors) == 1 and "CHARTER_DEMO" in errors[0], errors
    assert not at.title and not at.metric and not at.subheader
    assert not at.warning, "no demo banner"
    assert not at.sidebar.selectbox and not at.sidebar.button, "no demo sign-in"
    assert [type(e).__name__ for e in at.main if type(e).__name__ != "SpecialBlock"] == ["Error"]


def test_read_only_mode_offers_reading_only(
    read_only_env: Path, seeded_db: Database, services: Charter
):
    moderator = a_moderator(services)
    # Even a demo id left in the session does not sign anyone in.
    at = start(moderator)
    assert "Sign-in is not configured: you can read everything but not act." in texts(
        at.sidebar.caption
    )
    assert not at.sidebar.selectbox and not at.sidebar.button
    assert not at.warning, "no demo banner"
    assert "propose.py" not in registered_pages(at)
    with pytest.raises(ValueError):
        at.switch_page("pages/propose.py")

    guideline = guidelines_in(seeded_db, Status.DELIBERATION)[0]
    open_guideline(at, guideline.id)
    assert at.title
    assert "Sign in to take part." in texts(at.caption)
    assert not at.button, "no lifecycle, comment or reply buttons"
    assert not at.text_input and not at.text_area


# -- the guideline page -------------------------------------------------------------------


@pytest.mark.parametrize("requested", ["G-9999", "<script>alert(1)</script>"])
def test_unknown_guideline_shows_error_and_way_back(demo_env: Path, requested: str):
    at = open_guideline(start(), requested)
    assert texts(at.error) == [f"no guideline {requested!r}"]
    [back] = at.page_link
    assert back.value == "All guidelines"
    assert back.proto.page == "guidelines"
    assert not at.title and not at.tabs


def test_comment_is_stored_and_rendered_without_html_or_unsafe_links(
    demo_env: Path, seeded_db: Database, services: Charter
):
    guideline = guidelines_in(seeded_db, Status.DELIBERATION)[0]
    person = a_plain_participant(services, not_author_of=guideline)
    with seeded_db.read() as tx:
        comments_before = len(tx.discussion.comments(guideline.id))
    at = open_guideline(start(person), guideline.id)
    body = "<script>alert(1)</script> and [x](javascript:alert(1))"
    at.text_area(key=f"comment:{guideline.id}:body").input(body)
    post_comment(at).click()
    rerun(at)

    assert "Comment posted." in texts(at.success)
    assert at.text_area(key=f"comment:{guideline.id}:body").value == "", "the box is emptied"
    rendered = [m for m in texts(at.markdown) if "alert(1)" in m]
    assert len(rendered) == 1, rendered
    assert "&lt;script&gt;" in rendered[0]
    assert "<script>" not in rendered[0]
    assert "javascript:" not in rendered[0]
    assert any(f"**{person.display_name}**" in m for m in texts(at.markdown))
    with seeded_db.read() as tx:
        comments = tx.discussion.comments(guideline.id)
    assert len(comments) == comments_before + 1
    newest = max(comments, key=lambda c: c.id)
    assert newest.body == body, "stored as typed; only rendering is made safe"
    assert newest.author_id == person.id


def test_empty_comment_is_refused_at_the_field(
    demo_env: Path, seeded_db: Database, services: Charter
):
    guideline = guidelines_in(seeded_db, Status.DELIBERATION)[0]
    person = a_plain_participant(services, not_author_of=guideline)
    with seeded_db.read() as tx:
        comments_before = len(tx.discussion.comments(guideline.id))
    at = open_guideline(start(person), guideline.id)
    at.text_area(key=f"comment:{guideline.id}:body").input("   ")
    post_comment(at).click()
    rerun(at)
    assert message_below(at, f"comment:{guideline.id}:body") == "must not be empty"
    assert not at.success
    with seeded_db.read() as tx:
        assert len(tx.discussion.comments(guideline.id)) == comments_before


def test_participant_has_no_lifecycle_actions(
    demo_env: Path, seeded_db: Database, services: Charter
):
    guideline = guidelines_in(seeded_db, Status.DELIBERATION)[0]
    person = a_plain_participant(services, not_author_of=guideline)
    at = open_guideline(start(person), guideline.id)
    keys = {b.key for b in at.button}
    assert not any(str(k).startswith("move:") for k in keys), keys
    assert post_comment(at), "but they may comment"


def test_moderator_opens_voting(demo_env: Path, seeded_db: Database, services: Charter):
    guideline = guidelines_in(seeded_db, Status.DELIBERATION)[0]
    at = open_guideline(start(a_moderator(services)), guideline.id)
    assert "Live tally" not in texts(at.subheader)
    at.button(key=f"move:{guideline.id}:Open voting").click()
    rerun(at)

    assert "Done: open voting." in texts(at.success)
    assert not at.error
    moved = stored(seeded_db, guideline.id)
    assert moved.status is Status.VOTING
    assert moved.voting is not None and moved.voting.version == guideline.version
    assert "Live tally" in texts(at.subheader)
    assert any(m.startswith("- overall: no ballots yet") for m in texts(at.markdown))
    assert ":orange-badge[voting]" in texts(at.markdown)
    keys = {b.key for b in at.button}
    assert f"move:{guideline.id}:Open voting" not in keys
    assert f"move:{guideline.id}:Close voting and record the decision" in keys


def test_a_vote_without_ballots_says_so_instead_of_drawing_an_empty_chart(
    demo_env: Path, seeded_db: Database, services: Charter
):
    guideline = guidelines_in(seeded_db, Status.DELIBERATION)[0]
    services.guidelines.open_voting(a_moderator(services), guideline.id)
    at = open_guideline(start(), guideline.id)
    assert "Live tally" in texts(at.subheader)
    assert not at.get("plotly_chart"), "no empty chart"
    assert any(i.startswith("No ballots yet") for i in texts(at.info)), texts(at.info)
    assert "If voting closed now: Not approved: no ballots yet." in texts(at.warning)
    assert not any("is below" in w for w in texts(at.warning))


def test_a_vote_with_ballots_draws_its_tally_chart(demo_env: Path, seeded_db: Database):
    guideline = guidelines_in(seeded_db, Status.VOTING)[0]
    at = open_guideline(start(), guideline.id)
    assert len(at.get("plotly_chart")) == 1
    assert not any(i.startswith("No ballots yet") for i in texts(at.info))


def test_withdraw_needs_a_reason(demo_env: Path, seeded_db: Database, services: Charter):
    guideline = guidelines_in(seeded_db, Status.DELIBERATION)[0]
    at = open_guideline(start(a_moderator(services)), guideline.id)
    at.button(key=f"move:{guideline.id}:Withdraw").click()
    rerun(at)

    errors = texts(at.error)
    assert any("reason" in e for e in errors), errors
    assert not at.success
    assert stored(seeded_db, guideline.id).status is Status.DELIBERATION

    at.text_input(key=f"move:{guideline.id}:reason").input("duplicate of another guideline")
    at.button(key=f"move:{guideline.id}:Withdraw").click()
    rerun(at)
    assert not at.error
    assert stored(seeded_db, guideline.id).status is Status.WITHDRAWN
    assert ":gray-badge[withdrawn]" in texts(at.markdown)
    assert "Discussion is closed here." in texts(at.caption)
    assert not any(str(b.key).startswith("move:") for b in at.button), "nothing left to do"
    with seeded_db.read() as tx:
        [event] = [
            e
            for e in tx.events.find(subject=guideline.id, actions=("guideline.transitioned",))
            if (e.after or {}).get("status") == Status.WITHDRAWN.value
        ]
    assert event.reason == "duplicate of another guideline"


def test_author_amending_during_voting_sends_back_to_deliberation(
    demo_env: Path, seeded_db: Database, services: Charter
):
    guideline, author = authored_in_voting(seeded_db, services)
    prefix = f"amend:{guideline.id}:v{guideline.version}"
    at = open_guideline(start(author), guideline.id)
    assert any("back to deliberation" in w for w in texts(at.warning))
    new_statement = "A plainer wording of the same value, so that every voter reads it alike."
    at.text_area(key=f"{prefix}:statement").input(new_statement)
    at.text_input(key=f"{prefix}:reason").input("say it more plainly")
    at.button(key=f"{prefix}:save").click()
    rerun(at)

    assert "Amended: a new version is recorded." in texts(at.success)
    amended = stored(seeded_db, guideline.id)
    assert amended.status is Status.DELIBERATION
    assert amended.version == guideline.version + 1
    assert amended.voting is None
    assert amended.text.statement == new_statement
    assert amended.text.title == guideline.text.title, "untouched fields are kept"
    with seeded_db.read() as tx:
        versions = tx.guidelines.versions(guideline.id)
    assert [v.version for v in versions][-2:] == [guideline.version, guideline.version + 1]
    assert versions[-1].reason == "say it more plainly"
    # The page follows: new version, no tally, and the old ballots are said not to count.
    assert any(f"version {guideline.version + 1}" in c for c in texts(at.caption))
    assert "Live tally" not in texts(at.subheader)
    assert any("cast on earlier versions" in c for c in texts(at.caption))
    assert f"amend:{guideline.id}:v{guideline.version + 1}:save" in {b.key for b in at.button}


def test_amend_without_reason_is_refused(demo_env: Path, seeded_db: Database, services: Charter):
    guideline, author = authored_in_voting(seeded_db, services)
    prefix = f"amend:{guideline.id}:v{guideline.version}"
    at = open_guideline(start(author), guideline.id)
    at.text_area(key=f"{prefix}:statement").input("A different statement altogether.")
    at.button(key=f"{prefix}:save").click()
    rerun(at)
    assert message_below(at, f"{prefix}:reason") == "must not be empty"
    unchanged = stored(seeded_db, guideline.id)
    assert unchanged.status is Status.VOTING
    assert unchanged.version == guideline.version


# -- the demo sign-in in the URL ------------------------------------------------------------


def signed_in_as(at: AppTest) -> str | None:
    """The name the sidebar shows as signed in, or None."""
    for markdown in at.sidebar.markdown:
        found = re.fullmatch(r"Signed in as \*\*(.+)\*\*", as_read(str(markdown.value)))
        if found:
            return found[1]
    return None


def start_from_link(requested: str) -> AppTest:
    """A new session (a reload, a link opened in a new tab) from a URL with ``?as=``."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params[DEMO_PARAM] = requested
    return rerun(at)


def link_params(at: AppTest) -> list[dict[str, list[str]]]:
    return [parse_qs(str(link.proto.query_string)) for link in at.page_link]


def test_a_demo_sign_in_link_signs_in(demo_env: Path, services: Charter):
    moderator = a_moderator(services)
    at = start_from_link(str(moderator.id))
    assert signed_in_as(at) == moderator.display_name
    assert "propose.py" in registered_pages(at)
    assert at.query_params[DEMO_PARAM] == str(moderator.id)
    assert not at.toast
    # A page switch drops the query parameters (st.switch_page, the navigation): the next
    # run puts the person back, and every guideline link carries them to a new tab.
    del at.query_params[DEMO_PARAM]
    at = open_page(at, "pages/guidelines.py")
    assert signed_in_as(at) == moderator.display_name
    assert at.query_params[DEMO_PARAM] == str(moderator.id)
    assert link_params(at) and all(q[DEMO_PARAM] == [str(moderator.id)] for q in link_params(at))


def test_picking_a_demo_stakeholder_puts_them_in_the_url(demo_env: Path, services: Charter):
    moderator = a_moderator(services)
    at = open_page(start(), "pages/guidelines.py")
    assert DEMO_PARAM not in at.query_params
    assert link_params(at) and all(DEMO_PARAM not in q for q in link_params(at))
    at.sidebar.selectbox(key="demo_pick").select(moderator)
    rerun(at)
    at.sidebar.button(key="demo_sign_in").click()
    rerun(at)
    assert signed_in_as(at) == moderator.display_name
    assert at.query_params[DEMO_PARAM] == str(moderator.id)
    assert all(q[DEMO_PARAM] == [str(moderator.id)] for q in link_params(at))


def test_signing_out_takes_the_person_out_of_the_url(demo_env: Path, services: Charter):
    moderator = a_moderator(services)
    at = open_page(start_from_link(str(moderator.id)), "pages/guidelines.py")
    at.sidebar.button(key="demo_sign_out").click()
    rerun(at)
    assert signed_in_as(at) is None
    assert DEMO_PARAM not in at.query_params
    assert "propose.py" not in registered_pages(at)
    assert link_params(at) and all(DEMO_PARAM not in q for q in link_params(at))


@pytest.mark.parametrize("who", ["unknown", "not a number", "real account", "suspended"])
def test_a_demo_sign_in_link_naming_nobody_who_may_act_is_ignored(
    demo_env: Path, services: Charter, who: str
):
    if who == "unknown":
        requested, reason = "987654", "no demo stakeholder #987654"
    elif who == "not a number":
        requested, reason = "[me](https://evil.example)", "no demo stakeholder has that number"
    elif who == "real account":
        real = services.people.sign_in(Identity("http://idp.test", "real-1", "mock", "Ria Real"))
        requested, reason = str(real.id), f"no demo stakeholder #{real.id}"
    else:
        person = a_plain_participant(services)
        steward = next(p for p in services.people.demo_stakeholders() if Role.STEWARD in p.roles)
        services.people.set_account_status(steward, person.id, AccountStatus.SUSPENDED, "spam")
        requested, reason = str(person.id), f"{person.display_name} is suspended"
    at = start_from_link(requested)
    assert signed_in_as(at) is None
    assert DEMO_PARAM not in at.query_params
    assert "propose.py" not in registered_pages(at)
    assert [as_read(str(t.value)) for t in at.toast] == [
        f"The link's demo sign-in was ignored: {reason}."
    ]
    assert not at.error, "a quiet message, not an error"
    assert at.sidebar.selectbox(key="demo_pick").value is None, "the pick is still offered"


def test_a_bad_demo_sign_in_link_keeps_whoever_is_signed_in(demo_env: Path, services: Charter):
    moderator = a_moderator(services)
    at = start(moderator)
    at.query_params[DEMO_PARAM] = "987654"
    rerun(at)
    assert signed_in_as(at) == moderator.display_name
    assert at.query_params[DEMO_PARAM] == str(moderator.id)


def test_a_demo_sign_in_link_does_nothing_without_demo_mode(read_only_env: Path, services: Charter):
    moderator = a_moderator(services)
    at = start_from_link(str(moderator.id))
    assert signed_in_as(at) is None
    assert "propose.py" not in registered_pages(at)
    assert not at.toast


# -- regressions of bugs found here ---------------------------------------------------------


def test_first_request_for_a_page_goes_through_app_py(demo_env: Path):
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.switch_page("pages/propose.py")  # a visitor whose first request is /propose
    at.run()
    assert not at.exception, at.exception
    assert "Propose a guideline" not in texts(at.title)
    assert any("Demo mode" in w for w in texts(at.warning))


def test_final_move_is_confirmed(demo_env: Path, seeded_db: Database, services: Charter):
    guideline = guidelines_in(seeded_db, Status.DELIBERATION)[0]
    at = open_guideline(start(a_moderator(services)), guideline.id)
    at.text_input(key=f"move:{guideline.id}:reason").input("duplicate of another guideline")
    at.button(key=f"move:{guideline.id}:Withdraw").click()
    rerun(at)
    assert stored(seeded_db, guideline.id).status is Status.WITHDRAWN
    assert "Done: withdraw." in texts(at.success)


def test_unknown_guideline_error_does_not_render_links_from_the_url(demo_env: Path):
    requested = "[Your session expired: sign in again](https://evil.example/login)"
    at = open_guideline(start(), requested)
    [error] = [str(e.value) for e in at.error]
    # The id is quoted back, but as text: no unescaped link syntax reaches the markdown.
    assert "evil\\.example" in error
    assert re.search(r"(?<!\\)\]\(", error) is None, error


def test_names_people_chose_are_shown_as_text(demo_env: Path, services: Charter):
    name = "Eve [pay here](javascript:alert(1)) <b>x</b>"
    eve = services.people.create_stakeholder(
        None, display_name=name, groups=("public",), is_demo=True
    )
    proposed = services.guidelines.propose(
        eve, {"title": "A title", "statement": "A statement.", "category": "honesty"}
    )
    at = open_page(start(eve), "pages/guidelines.py")
    [facts] = [c for c in texts(at.caption) if "A title" not in c and "by Eve" in c]
    assert "javascript:" not in facts and "<b>" not in facts
    at = open_guideline(at, proposed.id)
    shown = [str(c.value) for c in at.caption if "Eve" in str(c.value)]
    assert shown and all("javascript:" not in c and "<b>" not in c for c in shown)
