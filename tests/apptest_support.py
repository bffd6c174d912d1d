"""Helpers shared by the AppTest page tests (``test_pages`` and ``test_pages_signin``).

Plain functions for driving ``app.py`` with Streamlit's ``AppTest`` and reading what it drew.
Each test module keeps its own ``start`` (how a person is signed in differs per module).
"""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from governance.models import Stakeholder

APP = Path(__file__).resolve().parent.parent / "app.py"


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def open_page(at: AppTest, page: str, guideline_id: str | None = None) -> AppTest:
    if guideline_id is not None:
        at.query_params["id"] = guideline_id
    at.switch_page(page)
    return rerun(at)


def registered_pages(at: AppTest) -> set[str]:
    """The page files the navigation offers (as registered by the last run).

    A page closed to the person keeps its address as a hidden notice with no file
    (``ui.CLOSED_PAGES``); it is not counted.
    """
    return {
        Path(str(info["script_path"])).name
        for info in at._registered_pages.values()
        if info.get("script_path")
    }


def as_read(markdown: str) -> str:
    """Markdown source as a reader sees it: backslash escapes of punctuation removed."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def texts(elements: object) -> list[str]:
    return [as_read(str(e.value)) for e in elements]  # type: ignore[attr-defined]


def message_below(at: AppTest, key: str) -> str | None:
    """The error shown right below the widget ``key``, if any."""
    elements = list(at.main)
    for i, element in enumerate(elements):
        if getattr(element, "key", None) == key:
            following = elements[i + 1] if i + 1 < len(elements) else None
            if following is not None and type(following).__name__ == "Error":
                return as_read(str(following.value))
            return None
    raise AssertionError(f"no widget {key!r} on the page")


def start(person: Stakeholder | None = None) -> AppTest:
    """Run the app once, signed in (demo) as ``person``, or as a visitor."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    if person is not None:
        at.session_state["demo_stakeholder_id"] = person.id
    return rerun(at)
