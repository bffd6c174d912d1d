"""The public transparency view: what it publishes, what it suppresses, and who may see it."""

from __future__ import annotations

from pathlib import Path

import pytest

from governance import public_charts
from governance.config import Settings
from governance.constitution.model import Constitution
from governance.errors import NotAllowed
from governance.models import Choice, Role, Stakeholder, Status
from governance.services import Charter
from governance.services.transparency import CLOSED_MESSAGE
from governance.services.transparency_screens import PublicView
from governance.storage import Database
from governance.voting import Counts
from tests.conftest import PROPOSAL, FakeClock, refused


def display_names(db: Database) -> set[str]:
    with db.read() as tx:
        return {p.display_name for p in tx.people.stakeholders()}


def assert_nothing_personal(view: PublicView, names: set[str]) -> None:
    """No display name, no person's id field, no reason or comment anywhere in the view."""
    published = view.model_dump_json()
    assert names
    for name in names:
        assert name not in published, name
    for word in ("display_name", "author", "stakeholder_id", "reason", "notes", "comment"):
        assert word not in published, word


# -- a small community with exact numbers ------------------------------------------------------


class Small:
    """4 ethicists (a group under k=5), 8 engineers and 10 public members; two votes.

    ``open_id``: 3 ethicists approve; 2 engineers approve and 1 rejects (8 members but only 3
    ballots); 4 public approve, 1 rejects, 1 abstains. ``closed_id``: 6 public approve, then
    the moderator closes the vote (rejected: the default quorum is 50).
    """

    def __init__(self, db: Database, db_path: Path, clock: FakeClock, **settings: object) -> None:
        self.charter = Charter(db, Settings(db=db_path, **settings), clock=clock)
        charter = self.charter
        self.people: dict[str, list[Stakeholder]] = {}
        with charter.db.transaction() as tx:
            for group, n in (("ethicist", 4), ("engineer", 8), ("public", 10)):
                for i in range(n):
                    roles = (
                        (Role.PARTICIPANT, Role.MODERATOR) if (group, i) == ("public", 9) else ()
                    )
                    person = Stakeholder(
                        id=tx.people.next_stakeholder_id(),
                        display_name=f"Zed Q{group.title()}{i} Privateperson",
                        groups=(group,),
                        roles=roles or (Role.PARTICIPANT,),
                        created_at=clock(),
                    )
                    tx.people.insert_stakeholder(person)
                    self.people.setdefault(group, []).append(person)
        author, moderator = self.people["public"][8], self.people["public"][9]
        self.open_id = self._put_to_vote(author, moderator, "Say when unsure {{ x }} <b>")
        self.closed_id = self._put_to_vote(author, moderator, "Cite sources")
        for voter, choice in [
            *((p, Choice.APPROVE) for p in self.people["ethicist"][:3]),
            (self.people["engineer"][0], Choice.APPROVE),
            (self.people["engineer"][1], Choice.APPROVE),
            (self.people["engineer"][2], Choice.REJECT),
            *((p, Choice.APPROVE) for p in self.people["public"][:4]),
            (self.people["public"][4], Choice.REJECT),
            (self.people["public"][5], Choice.ABSTAIN),
        ]:
            charter.ballots.cast(voter, self.open_id, choice.value, "my private reason")
        for voter in self.people["public"][:6]:
            charter.ballots.cast(voter, self.closed_id, "approve", "another private reason")
        clock.advance(hours=1)
        charter.guidelines.close_voting(moderator, self.closed_id, "closing early, a reason")

    def _put_to_vote(self, author: Stakeholder, moderator: Stakeholder, title: str) -> str:
        gid = self.charter.guidelines.propose(author, {**PROPOSAL, "title": title}).id
        self.charter.guidelines.submit(author, gid)
        self.charter.guidelines.open_voting(moderator, gid)
        return gid


@pytest.fixture
def small(db: Database, db_path: Path, clock: FakeClock) -> Small:
    return Small(db, db_path, clock)


def by_group(view: PublicView, gid: str) -> dict[str, tuple[int | None, int | None, int | None]]:
    (tally,) = [t for t in view.tallies if t.guideline_id == gid]
    return {g.group: (g.approve, g.reject, g.abstain) for g in tally.groups}


def test_small_groups_and_small_cells_read_fewer_than_k(small: Small) -> None:
    view = small.charter.transparency.view(None)
    assert view.k == 5
    assert [(g.group, g.members, g.shown) for g in view.group_sizes] == [
        ("ethicist", None, "fewer than 5"),
        ("engineer", 8, "8"),
        ("public", 10, "10"),
    ]
    head = view.headline
    assert (head.stakeholders, head.voters, head.ballots, head.releases) == (22, 12, 18, 0)
    assert head.guidelines_by_status["voting"] == 1
    assert head.guidelines_by_status["rejected"] == 1

    live, decided = view.tallies
    assert (live.guideline_id, live.status, live.live) == (small.open_id, Status.VOTING, True)
    assert live.overall == Counts(approve=9, reject=2, abstain=1)
    # 4 ethicists (a group under k) and 3 engineer ballots (a cell under k) are not published.
    assert by_group(view, small.open_id) == {
        "ethicist": (None, None, None),
        "engineer": (None, None, None),
        "public": (4, 1, 1),
    }
    rows = {r["group"]: r for r in view.group_tally_rows() if r["guideline"] == small.open_id}
    assert rows["ethicist"]["approve"] == rows["engineer"]["reject"] == "fewer than 5"
    assert rows["public"]["approve"] == 4

    assert (decided.guideline_id, decided.status, decided.live) == (
        small.closed_id,
        Status.REJECTED,
        False,
    )
    assert decided.overall == Counts(approve=6)
    assert decided.decided_at == small.charter.clock()
    assert by_group(view, small.closed_id)["public"] == (6, 0, 0)


def test_k_comes_from_the_settings(db: Database, db_path: Path, clock: FakeClock) -> None:
    view = Small(db, db_path, clock, min_group_size=3).charter.transparency.view(None)
    assert view.k == 3
    assert [g.shown for g in view.group_sizes] == ["4", "8", "10"]
    assert by_group(view, view.tallies[0].guideline_id) == {
        "ethicist": (3, 0, 0),
        "engineer": (2, 1, 0),
        "public": (4, 1, 1),
    }


def test_the_view_names_nobody(small: Small) -> None:
    view = small.charter.transparency.view(None)
    assert_nothing_personal(view, display_names(small.charter.db))
    assert "private reason" not in view.model_dump_json()
    assert "closing early" not in view.model_dump_json()


def test_switched_off_it_is_refused_to_visitors_only(
    db: Database, db_path: Path, clock: FakeClock
) -> None:
    small = Small(db, db_path, clock, public_view=False)
    error = refused(small.charter, NotAllowed, lambda: small.charter.transparency.view(None))
    assert error.message == CLOSED_MESSAGE
    stranger = small.people["public"][0].model_copy(update={"id": 9999})
    refused(small.charter, NotAllowed, lambda: small.charter.transparency.view(stranger))
    member = small.people["public"][0]
    assert small.charter.transparency.view(member).headline.stakeholders == 22


# -- the demo database --------------------------------------------------------------------------


def test_the_demo_view_matches_the_stored_data(demo_charter: Charter) -> None:
    view = demo_charter.transparency.view(None)
    with demo_charter.db.read() as tx:
        people = tx.analytics.headline()
        rows = tx.constitution.releases()
        sizes = tx.people.group_sizes()
        voting = tx.analytics.status_counts()[Status.VOTING]
    assert (view.headline.stakeholders, view.headline.ballots) == (
        people["stakeholders"],
        people["ballots"],
    )
    assert {g.group: g.members for g in view.group_sizes} == sizes
    assert sum(t.status is Status.VOTING for t in view.tallies) == voting
    assert [r.version for r in view.releases] == [r.version for r in rows]
    for row, release in zip(rows, view.releases, strict=True):
        body = Constitution.model_validate_json(row.body)
        assert release.content_hash == body.content_hash
        assert [p.principle_id for p in release.principles] == [p.id for p in body.principles]
        for published, principle in zip(release.principles, body.principles, strict=True):
            prov = principle.provenance
            assert published.overall == Counts(
                approve=prov.approve, reject=prov.reject, abstain=prov.abstain
            )
            assert (published.guideline_id, published.guideline_version) == (
                prov.guideline_id,
                prov.guideline_version,
            )
    report = demo_charter.audit_reviews.report()
    assert [(a.model, a.principle_id, a.violations, a.total) for a in view.audits] == [
        (r.model, r.counts.principle_id, r.counts.violates, r.counts.total) for r in report
    ]
    assert_nothing_personal(view, display_names(demo_charter.db))
    for figure in (
        public_charts.group_sizes_figure(view.group_sizes),
        public_charts.tallies_figure(view.tallies),
        public_charts.releases_figure(view.releases),
        public_charts.audits_figure(view.audits),
    ):
        assert figure is not None and figure.layout.title.text
        assert figure.layout.xaxis.title.text and figure.layout.yaxis.title.text


def test_a_large_k_suppresses_release_provenance_too(
    seeded_db: Database, seeded_path: Path
) -> None:
    charter = Charter(seeded_db, Settings(db=seeded_path, min_group_size=1000))
    view = charter.transparency.view(None)
    assert {g.shown for g in view.group_sizes} == {"fewer than 1000"}
    principles = [p for r in view.releases for p in r.principles]
    assert principles and all(g.suppressed for p in principles for g in p.groups)
    provenance = view.provenance_rows(view.releases[0].version)
    assert provenance[0]["public approve"] == "fewer than 1000"
    assert all(g.approve is None for t in view.tallies for g in t.groups)
    # The overall counts are everyone's: they stay.
    assert any(t.overall.total for t in view.tallies)
