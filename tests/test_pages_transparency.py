"""The Transparency page, driven with AppTest: open to visitors by default, closed when off."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from governance.services.transparency import CLOSED_MESSAGE
from governance.storage import Database
from tests.apptest_support import APP, open_page, registered_pages, rerun, start, texts

PAGE = "pages/transparency.py"


def first_request(page: str, principal_id: int | None = None) -> AppTest:
    """A new session whose first request is for ``page`` (a bookmark, a shared link)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    if principal_id is not None:
        at.session_state["demo_stakeholder_id"] = principal_id
    at.switch_page(page)
    return rerun(at)


def page_text(at: AppTest) -> str:
    """Everything the main area shows as text, tables included."""
    main = at.main
    parts = [
        *texts(main.title),
        *texts(main.subheader),
        *texts(main.markdown),
        *texts(main.caption),
        *(f"{m.label} {m.value}" for m in main.metric),
        *(d.value.to_csv() for d in main.dataframe),
    ]
    return "\n".join(parts)


def test_a_visitor_sees_the_public_view_and_no_name(demo_env: Path, seeded_db: Database) -> None:
    at = start()
    assert "transparency.py" in registered_pages(at)
    open_page(at, PAGE)
    assert texts(at.title) == ["Transparency"]
    metrics = {m.label: m.value for m in at.metric}
    with seeded_db.read() as tx:
        people = tx.analytics.headline()
        names = {p.display_name for p in tx.people.stakeholders()}
        releases = tx.constitution.release_count()
    assert metrics["Stakeholders"] == f"{people['stakeholders']:,}"
    assert metrics["Ballots"] == f"{people['ballots']:,}"
    assert metrics["Releases"] == str(releases)
    assert len(at.get("plotly_chart")) == 4
    assert {b.key for b in at.get("download_button")} >= {
        "public:groups_csv",
        "public:tallies_csv",
        "public:groups_tally",
        "public:releases_csv",
        "public:provenance_csv",
        "public:audits_csv",
    }
    shown = page_text(at)
    assert "fewer than 5" in shown  # the caption explains k
    for name in names:
        assert name not in shown, name


def test_switched_off_a_visitor_is_told_to_sign_in(
    demo_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHARTER_PUBLIC_VIEW", "off")
    at = first_request(PAGE)
    assert texts(at.info) == [CLOSED_MESSAGE]
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert "transparency.py" not in registered_pages(at)


def test_switched_off_a_signed_in_person_still_sees_it(
    demo_env: Path, seeded_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHARTER_PUBLIC_VIEW", "off")
    with seeded_db.read() as tx:
        someone = tx.people.stakeholders(limit=1)[0]
    at = first_request(PAGE, someone.id)
    assert texts(at.title) == ["Transparency"]
    assert not at.info
    assert len(at.get("plotly_chart")) == 4
