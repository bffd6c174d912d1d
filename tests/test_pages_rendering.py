"""How user text appears on pages: titles as plain text, statements without page structure."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from governance.models import Stakeholder
from governance.services import Charter
from tests.apptest_support import APP, as_read, open_page, rerun

TITLE = "**Bold** _it_ `code` # not a heading"
STATEMENT = "---\nname: x\n---\n# Heading?\nLine one\nLine two\n\n- a list?"


@pytest.fixture
def demo_env(seeded_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHARTER_DB", str(seeded_path))
    monkeypatch.setenv("CHARTER_DEMO", "1")
    return seeded_path


def start(person: Stakeholder | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    if person is not None:
        at.session_state["demo_stakeholder_id"] = person.id
    return rerun(at)


def test_titles_are_plain_text_and_statements_keep_their_lines_but_make_no_structure(
    demo_env: Path, services: Charter
) -> None:
    author = services.people.demo_stakeholders()[0]
    gid = services.guidelines.propose(
        author, {"title": TITLE, "statement": STATEMENT, "category": "honesty"}
    ).id
    at = open_page(start(), "pages/guideline.py", gid)
    (title,) = [t.value for t in at.title]
    assert as_read(title) == TITLE and "\\*\\*Bold" in title  # shown as typed, not bold
    body = next(str(m.value) for m in at.markdown if "Line one" in str(m.value))
    lines = body.split("  \n")
    # No line may start a heading, a rule, a setext underline or a list.
    assert not any(line.lstrip().startswith(("#", "---", "- ")) for line in lines), body
    assert "Line one  \nLine two" in body  # the typed line break stays
    listing = open_page(start(), "pages/guidelines.py")
    links = [str(p.proto.label) for p in listing.get("page_link") if gid in str(p.proto.label)]
    assert links and all("\\*\\*Bold" in label for label in links)
