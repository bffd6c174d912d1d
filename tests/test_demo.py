"""The demo dataset: alive, varied, and consistent with its own content."""

from __future__ import annotations

from collections import Counter

from governance.config import DEFAULT_CATEGORIES, Settings
from governance.demo import RETIRED_KEY
from governance.demo.content import GUIDELINES, DemoGuideline
from governance.models import AccountStatus, GuidelineFilter, RequestStatus, Role, Status
from governance.services import Charter
from governance.storage import Database, open_database


def _final_status(item: DemoGuideline) -> Status:
    # The demo's releases adopt the approved guidelines of their time and retire one.
    if item.key == RETIRED_KEY:
        return Status.RETIRED
    if item.status == "approved" and not item.late:
        return Status.ADOPTED
    return Status(item.status)


def test_every_guideline_ends_where_its_content_says(demo_db: Database) -> None:
    with demo_db.read() as tx:
        found, total = tx.guidelines.search_guidelines(GuidelineFilter(), limit=100)
        people = tx.people.count_stakeholders()
        ballots = tx.votes.count_votes()
        participation = tx.analytics.headline()
    assert total == len(GUIDELINES) >= 30
    by_title = {g.text.title: g for g in found}
    expected = {item.key: _final_status(item) for item in GUIDELINES}
    for item in GUIDELINES:
        last_title = next((a.title for a in reversed(item.amendments) if a.title), item.title)
        assert by_title[last_title].status is expected[item.key], item.key
    assert Counter(g.status for g in found) == Counter(expected.values())
    assert people >= 300
    assert ballots > 2000
    assert participation["comments"] > 150


def test_the_demo_shows_splits_amendments_and_both_rules_versions(seeded_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = open_database(seeded_path)
    charter = Charter(db, Settings(db=seeded_path))
    with db.read() as tx:
        found, _ = tx.guidelines.search_guidelines(GuidelineFilter(), limit=100)
    details = [charter.guidelines.detail(g.id, None) for g in found]
    decided = [d for d in details if d.decision is not None]
    late = {i.title for i in GUIDELINES if i.late}
    # Decided in the first round under rules v1; the late one under v2.
    assert {d.decision.rules_version for d in decided if d.guideline.text.title not in late} == {1}  # type: ignore[union-attr]
    assert {d.decision.rules_version for d in decided if d.guideline.text.title in late} == {2}  # type: ignore[union-attr]
    open_votes = [d for d in details if d.guideline.status is Status.VOTING]
    assert {d.tally.rules_version for d in open_votes} == {2}  # type: ignore[union-attr]
    # Some open votes split the groups: a group with quorum below its threshold.
    assert any(any(g.has_quorum and not g.met for g in d.tally.groups) for d in open_votes)  # type: ignore[union-attr]
    assert any(d.ballots_on_earlier_versions > 0 for d in open_votes)
    assert sum(len(d.versions) > 1 for d in details) >= 6
    assert {d.guideline.text.language for d in details} >= {"en", "es", "fr", "de"}
    assert {d.guideline.text.category for d in details} == set(DEFAULT_CATEGORIES)
    withdrawn = [d for d in details if d.guideline.status is Status.WITHDRAWN]
    assert all(d.history[-1].reason for d in withdrawn)
    db.close()


def test_the_demo_gives_stewards_and_moderators_something_to_see(demo_db: Database) -> None:
    with demo_db.read() as tx:
        requests = tx.people.group_requests()
        suspended, _ = tx.people.search_stakeholders(status=AccountStatus.SUSPENDED)
        auditors, _ = tx.people.search_stakeholders(role=Role.AUDITOR)
        hidden = [
            c
            for g in tx.guidelines.search_guidelines(GuidelineFilter(), limit=100)[0]
            for c in tx.discussion.comments(g.id)
            if c.hidden is not None
        ]
    statuses = Counter(r.status for r in requests)
    assert statuses == {
        RequestStatus.PENDING: 2,
        RequestStatus.APPROVED: 1,
        RequestStatus.DECLINED: 1,
    }
    assert all(r.decision_reason for r in requests if r.status is not RequestStatus.PENDING)
    assert len(suspended) == 1 and len(auditors) == 1
    assert len(hidden) == 1 and hidden[0].hidden is not None and hidden[0].hidden.reason


def test_the_demo_has_two_releases_and_a_draft_with_news(seeded_path, demo_template) -> None:  # type: ignore[no-untyped-def]
    db = open_database(seeded_path)
    charter = Charter(db, Settings(db=seeded_path))
    releases = charter.constitution.releases()
    assert [r.row.version for r in releases] == ["2.0.0", "1.0.0"]
    first, second = releases[1].constitution, releases[0].constitution
    assert len(first.principles) == len(second.principles) + 1
    assert all(r.row.notes for r in releases)
    draft = charter.constitution.draft()
    assert draft.constitution.version == "2.1.0" and len(draft.changes.added) == 1
    assert [f.kind.value for f in draft.flags] == ["duplicate"] and not draft.releasable
    # Seeding wrote every format beside the database it seeded (copies carry only the file).
    for release in releases:
        files = sorted(
            p.name for p in (demo_template.parent / "exports" / release.row.version).iterdir()
        )
        assert "manifest.json" in files and len(files) == 8
    db.close()
