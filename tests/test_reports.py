"""The release report: its read model, the HTML page, the PDF and the ``report`` command.

A small community of our own makes two releases (one title hostile, one group too small to
publish); the demo dataset gives the audits (it audits release 2.0.0).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs

from governance.cli import main
from governance.config import Settings
from governance.errors import NotFound, RenderFailed
from governance.models import Status
from governance.report import chromium_path, pdf_bytes, render_html
from governance.report.model import ReleaseReport
from governance.services import Charter
from governance.storage import open_database
from tests.conftest import Cast, FakeClock

HOSTILE = '<script>alert("x")</script> {{ 7*7 }} **bold** & <b>'
TEXTS = (
    {
        "title": "Admit uncertainty",
        "statement": "The assistant says when it is not sure, instead of guessing confidently.",
        "category": "honesty",
    },
    {
        "title": HOSTILE,
        "statement": "Text that looks like <img src=x onerror=alert(1)> stays text.",
        "category": "privacy",
    },
)
LATER = {
    "title": "Protect privacy",
    "statement": "Personal details about private people stay out of answers.",
    "category": "privacy",
}
#: No PDF test is skipped in CI: there chromium must be installed.
needs_chromium = pytest.mark.skipif(
    chromium_path() is None and os.environ.get("CI") != "true",
    reason="chromium is not installed (CI must have it)",
)


def approve(
    charter: Charter, cast: Cast, clock: FakeClock, text: dict[str, str], public: int
) -> str:
    """Propose, vote (every ethicist and engineer, ``public`` of the public) and close."""
    guideline = charter.guidelines.propose(cast.author, text)
    charter.guidelines.submit(cast.author, guideline.id)
    charter.guidelines.open_voting(cast.moderator, guideline.id)
    for group, voters in cast.voters.items():
        for voter in voters[: public if group == "public" else None]:
            charter.ballots.cast(voter, guideline.id, "approve")
    clock.advance(days=15)
    assert {g.status for g in charter.guidelines.close_due()} == {Status.APPROVED}
    return guideline.id


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Charter]:
    """1.0.0 with two principles (the public cast 3 ballots on the hostile one), then 1.1.0.

    Built once for the module: the report only reads.
    """
    path = tmp_path_factory.mktemp("report") / "charter.duckdb"
    clock = FakeClock()
    charter = Charter(open_database(path), Settings(db=path), clock=clock)
    cast = Cast(charter)
    charter.rules.update(
        None, {"overall_quorum": 20, "min_groups_with_quorum": 2}, "a small community"
    )
    approve(charter, cast, clock, TEXTS[0], public=20)
    approve(charter, cast, clock, TEXTS[1], public=3)
    charter.constitution.release_draft(cast.steward, "First: <b>not bold</b> {{ x }}")
    approve(charter, cast, clock, LATER, public=20)
    charter.constitution.release_draft(cast.steward, "Adds privacy.")
    yield charter
    charter.close()


def tags_fetching(page: str) -> list[str]:
    """Every script or link tag that names a source: none may, the page is self-contained."""
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", page, re.IGNORECASE)
    return [t for t in tags if re.search(r"\b(?:src|href)\s*=", t, re.IGNORECASE)]


def test_the_report_holds_every_principle_its_votes_and_the_changes(two_releases: Charter):
    report = two_releases.reports.release("latest")
    assert (report.version, report.previous) == ("1.1.0", "1.0.0")
    assert [p.id for p in report.changes.added] == ["P-0003"]
    assert not report.changes.removed
    principles = {p.id: p for p in report.principles}
    assert set(principles) == {"P-0001", "P-0002", "P-0003"}
    # The recorded tally, with the thresholds of the rules it was decided under.
    first = principles["P-0001"]
    assert [(g.name, g.counts and g.counts.approve, g.threshold_pct) for g in first.groups] == [
        ("ethicist", 20, 50),
        ("engineer", 20, 50),
        ("public", 20, 50),
    ]
    assert first.overall.counts is not None and first.overall.counts.approve == 60
    assert first.overall.threshold_pct == 60 and first.overall.outcome == "met"
    # Three public ballots are fewer than k = 5: withheld, not counted.
    public = next(g for g in principles["P-0002"].groups if g.name == "public")
    assert public.counts is None and public.outcome == ""

    page = render_html(report)
    for p in report.principles:
        assert f"<code>{p.id}</code> {html.escape(p.title)}</h3>" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img" not in page
    assert "{{ 7*7 }} **bold** &amp; &lt;b&gt;" in page
    assert "Changes since 1.0.0" in page and "added <code>P-0003</code> Protect privacy" in page
    # In the summary table and in the principle's own tally: nowhere else.
    assert page.count("<span class='withheld'>fewer than 5 ballots</span>") == 2
    assert "No model has been audited yet." in page
    ours = page.replace(get_plotlyjs(), "")
    assert "Stew Ard" not in ours and "voter" not in ours  # nobody is named
    assert tags_fetching(page) == []
    assert page.count(get_plotlyjs()) == 1
    assert page.count("<script>") == 2  # Plotly, and the votes figure (no audit: no figure)
    page.encode("utf-8")

    first_release = render_html(two_releases.reports.release("1.0.0"))
    assert "the first release" in first_release and "Changes (the first release" in first_release
    assert "First: &lt;b&gt;not bold&lt;/b&gt; {{ x }}" in first_release


def test_k_is_the_deployments_setting(two_releases: Charter):
    strict = Charter(
        two_releases.db, two_releases.settings.model_copy(update={"min_group_size": 25})
    )
    report = strict.reports.release("1.0.0")
    assert all(g.counts is None for p in report.principles for g in p.groups)
    assert all(p.overall.counts is not None for p in report.principles)  # 60 and 43 ballots
    assert "fewer than 25 ballots" in render_html(report)


def test_an_unknown_release_names_the_ones_there_are(two_releases: Charter, charter_empty: Charter):
    with pytest.raises(NotFound, match=r"no release '9\.9\.9'; releases: 1\.1\.0, 1\.0\.0"):
        two_releases.reports.release("9.9.9")
    with pytest.raises(NotFound, match="no release yet"):
        charter_empty.reports.release("latest")


@pytest.fixture
def charter_empty(tmp_path: Path) -> Iterator[Charter]:
    path = tmp_path / "empty.duckdb"
    charter = Charter(open_database(path), Settings(db=path))
    yield charter
    charter.close()


def test_the_demo_report_has_the_latest_audits_per_principle(demo_charter: Charter):
    report = demo_charter.reports.release("2.0.0")
    assert report.previous == "1.0.0"
    assert [p.id for p in report.changes.removed] == ["P-0006"]
    (audit,) = report.audits
    assert audit.model == "scripted" and audit.against_release
    assert set(audit.results) == {p.id for p in report.principles}
    page = render_html(report)
    assert f"run {audit.run_id}" in page and "its latest audit against 2.0.0" in page
    for pid, figures in audit.results.items():
        assert figures.total > 0 and figures.basis in {"judge", "reviewed", "mixed"}
        rate = f"{figures.pass_rate * 100:.1f}% pass" if figures.pass_rate is not None else "-"
        assert f"{rate} · {figures.violations} violations of {figures.total}" in page, pid
    # No audit of 1.0.0: the model's latest audit stands in, and the report says so.
    older = demo_charter.reports.release("1.0.0")
    assert not older.audits[0].against_release
    assert "no audit against 1.0.0; its latest audit overall (against 2.0.0)" in render_html(older)


def test_people_text_is_escaped_and_always_valid_utf8(two_releases: Charter):
    report = two_releases.reports.release()
    hostile = replace(report.principles[0], title="\ud800 lone </script><script>alert(1)</script>")
    page = render_html(
        replace(report, principles=(hostile, *report.principles[1:]), notes="\udfff{% x %}")
    )
    data = page.encode("utf-8")
    assert "\ufffd lone &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert b"<script>alert(1)" not in data and "\ufffd{% x %}" in page


@needs_chromium
def test_the_command_writes_html_and_pdf(seeded_path: Path, tmp_path: Path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", "--db", str(seeded_path), "--release", "2.0.0", "--out", str(out)]) == 0
    line = capsys.readouterr().out.strip()
    assert line == f"{out}: html report of release 2.0.0, {out.stat().st_size:,} bytes"
    assert "P-0001" in out.read_text(encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    assert main(["report", "--db", str(seeded_path), "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "pdf report of release 2.0.0" in capsys.readouterr().out


def test_the_command_refuses_in_one_line(seeded_path: Path, tmp_path: Path, capsys):
    def error(*args: str) -> str:
        assert main(["report", "--db", str(seeded_path), *args]) == 1
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1
        return lines[0]

    assert error("--release", "3.1.4", "--out", str(tmp_path / "r.html")) == (
        "error: no release '3.1.4'; releases: 2.0.0, 1.0.0"
    )
    assert "name a .html or .pdf file" in error("--out", str(tmp_path / "r.txt"))
    assert "is a directory" in error("--out", str(tmp_path))
    assert "no folder" in error("--out", str(tmp_path / "missing" / "r.html"))


def test_a_pdf_without_chromium_is_refused_clearly(tmp_path: Path):
    with pytest.raises(RenderFailed, match="a PDF needs chromium"):
        pdf_bytes("<p>x</p>", browser=str(tmp_path / "no-chromium"))
    with pytest.raises(RenderFailed, match="chromium printed no PDF"):
        pdf_bytes("<p>x</p>", browser="/bin/false")


def test_the_report_is_a_pure_function_of_its_data(two_releases: Charter):
    report: ReleaseReport = two_releases.reports.release()
    assert render_html(report) == render_html(report)
