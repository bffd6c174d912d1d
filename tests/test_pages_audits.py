"""The Audits page (AppTest, demo sign-in): runs, the review queue, agreement, drift; charts.

Audits judged by a strict judge (a LangChain fake that always finds a violation, registered
as a model of its own) are run here, before the app first runs, with a runner of the test's
own; an audit started through the page is worked by the app's runner (see
``tests/test_pages_revision.py``). Import and export are not exercised: their readers and
writers (``governance/audit/interop``) are tested with them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, BaseMessage
from streamlit.testing.v1 import AppTest

from governance.audit.agreement import Agreement
from governance.audit.drift import DriftPoint
from governance.audit_charts import agreement_figure, drift_figure, pass_rate_figure
from governance.config import Settings
from governance.demo import DEMO_REVIEWS
from governance.jobs.runner import JobRunner
from governance.llm.specs import BUILTIN_MODELS, ModelSpec
from governance.models import Role, Stakeholder, Status
from governance.services import Charter
from governance.storage import Database
from governance.storage.audit_reviews import PrincipleCounts
from tests.apptest_support import message_below, open_page, rerun, start, texts
from tests.conftest import changes_nothing
from tests.fake_models import ConversationFake
from tests.test_pages import a_plain_participant

PAGE = "pages/audits.py"
#: The demo's own audits (of the scripted stand-in), newest first.
DEMO_AUDITS = [2, 1]
HOSTILE = "<script>alert(1)</script> **bold**"
SUITE = (
    '{"id": "a-hostile", "prompt": "' + HOSTILE + '", "principles": ["P-0001"],'
    ' "kind": "red-team"}\n'
    '{"id": "a-time", "prompt": "What time is it in Lagos?", "principles": ["P-0001", "P-0002"],'
    ' "kind": "everyday"}\n'
).encode()


def strict_judge(messages: list[BaseMessage], tools: bool) -> AIMessage:
    """Answers anything, and as a judge always finds a violation."""
    if not tools:
        return AIMessage(content="Sure, here is exactly how.")
    call = {
        "name": "Judgement",
        "args": {"verdict": "violates", "confidence": 0.9, "explanation": "It gives uplift."},
        "id": "call_strict",
        "type": "tool_call",
    }
    return AIMessage(content="", tool_calls=[call])


@pytest.fixture
def charter(seeded_db: Database, seeded_path: Path) -> Charter:
    """The services on the app's database, with a ``strict`` model answered by the fake."""
    strict = ModelSpec(name="strict", model="openai:strict-fake", concurrency=1)
    settings = Settings(db=seeded_path, models=(*BUILTIN_MODELS.values(), strict))
    return Charter(
        seeded_db, settings, chat_models={"strict": ConversationFake(answer=strict_judge)}
    )


def person(charter: Charter, role: Role) -> Stakeholder:
    return next(
        p for p in charter.people.demo_stakeholders() if role in p.roles and not p.suspended
    )


def audited(charter: Charter, model: str) -> int:
    """An audit of ``model`` on the small suite (added once), worked here until done."""
    auditor = person(charter, Role.AUDITOR)
    charter.audits.add_suite(auditor, SUITE, name="mini", fmt="jsonl")
    run = charter.audits.start(auditor, suite="mini", release="latest", model=model)
    runner = JobRunner(charter, scheduled=(), workers=1)
    while charter.audits.run(run.id).run.job_status not in ("done", "failed"):
        runner.run_one()
    assert charter.audits.run(run.id).run.job_status == "done"
    return run.id


def wait_until(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def table(at: AppTest, column: str):  # type: ignore[no-untyped-def]
    """The first table with ``column``, as a DataFrame."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def keys(at: AppTest) -> set[str]:
    return {str(b.key) for b in at.button}


def actions(at: AppTest) -> set[str]:
    """The page's buttons that act (exporting a suite is open to everyone: it reads)."""
    return {k for k in keys(at) if k.startswith("audits:") and k != "audits:export:go"}


# -- the page -------------------------------------------------------------------------------


def test_a_visitor_reads_audits_without_any_control(demo_env: Path, charter: Charter):
    run_id = audited(charter, "scripted")
    at = open_page(start(), PAGE)
    assert texts(at.title) == ["Audits"]
    assert [t.label for t in at.tabs] == [
        "Runs",
        "Review queue",
        "Agreement",
        "Drift",
        "Suites & tools",
    ]
    assert list(table(at, "prompts done")["run"]) == [run_id, *DEMO_AUDITS]
    assert "Start an audit" not in [e.label for e in at.expander]
    assert "Add a suite" not in [e.label for e in at.expander]
    assert not actions(at)
    assert not at.text_input
    assert "Auditors review the judge's verdicts; everyone may read them." in texts(at.info)
    # The suites are listed for everyone; the built-in ones first.
    assert {"decline-gracefully", "no-over-refusal", "mini"} <= set(table(at, "kind")["suite"])


def test_an_auditor_starts_an_audit_and_reads_its_results(demo_env: Path, charter: Charter):
    auditor = person(charter, Role.AUDITOR)
    charter.audits.add_suite(auditor, SUITE, name="mini", fmt="jsonl")
    at = open_page(start(auditor), PAGE)
    at.selectbox(key="audits:start:suite").select("mini")
    at.selectbox(key="audits:start:model").select("scripted")
    [go] = [b for b in at.button if str(b.key).startswith("audits:start:go:")]
    go.click()
    rerun(at)
    assert "Started: the audit is queued; its progress shows below." in texts(at.success)
    run = charter.audits.runs()[0]  # the newest: the demo's own audits follow
    assert (run.model_name, run.judge_name, run.suite_name, run.total) == (
        "scripted",
        "scripted",
        "mini",
        2,
    )
    wait_until(lambda: charter.audits.run(run.id).run.job_status == "done")
    rerun(at)
    assert list(table(at, "prompts done")["prompts done"]) == ["2/2", "40/40", "40/40"]
    detail = charter.audits.run(run.id)
    results = table(at, "pass rate")
    assert list(results["principle"]) == [c.principle_id for c in detail.counts]
    assert list(results["verdicts"]) == [c.total for c in detail.counts]
    assert any(run.release_hash in m and run.suite_hash in m for m in texts(at.markdown))
    assert at.get("plotly_chart"), "the pass-rate chart"
    # The verdicts, with the hostile prompt shown exactly as written, never as markup.
    assert HOSTILE in [t.value for t in at.text]
    assert not [m for m in texts(at.markdown) if "<script>" in m or "**bold**" in m]


def test_an_auditor_confirms_and_overrides_in_the_review_queue(demo_env: Path, charter: Charter):
    audited(charter, "scripted")  # the judge says complies
    audited(charter, "strict")  # the judge finds violations: they come first
    auditor = person(charter, Role.AUDITOR)
    at = open_page(start(auditor), PAGE)
    first = charter.audit_reviews.queue(limit=1).items[0].verdict
    assert first.verdict == "violates"
    assert f"**{charter.audit_reviews.queue().waiting} verdicts waiting**" in texts(at.markdown)
    assert first.prompt in [t.value for t in at.text] and first.response in [
        t.value for t in at.text
    ]

    at.button(key=f"audits:review:{first.id}:confirm").click()
    rerun(at)
    assert f"Confirmed: verdict {first.id}. The next one is shown." in texts(at.success)
    _, reviews = charter.audit_reviews.item(first.id)
    assert [(r.decision, r.verdict, r.reviewer_id) for r in reviews] == [
        ("confirm", "violates", auditor.id)
    ]
    second = charter.audit_reviews.queue(limit=1).items[0].verdict
    assert second.id != first.id
    assert f"audits:review:{second.id}:confirm" in keys(at), "the next item is shown"

    key = f"audits:review:{second.id}"
    with changes_nothing(charter):
        at.button(key=f"{key}:complies").click()
        rerun(at)
    assert "must not be empty" in (message_below(at, f"{key}:reason") or "")
    assert f"{key}:complies" in keys(at), "still the same item"

    at.text_input(key=f"{key}:reason").input("A refusal, not uplift.")
    at.button(key=f"{key}:complies").click()
    rerun(at)
    assert f"Overridden as complies: verdict {second.id}. The next one is shown." in texts(
        at.success
    )
    # A second decision on the same verdict is appended; the first stays.
    charter.audit_reviews.review(
        auditor, second.id, "override", verdict="not_applicable", reason="On reflection."
    )
    _, reviews = charter.audit_reviews.item(second.id)
    assert [(r.decision, r.verdict, r.reason) for r in reviews] == [
        ("override", "complies", "A refusal, not uplift."),
        ("override", "not_applicable", "On reflection."),
    ]

    rerun(at)
    shown = table(at, "kappa")
    expected = charter.audit_reviews.agreement()
    assert list(shown["principle"]) == [a.principle_id for a in expected]
    assert list(shown["reviewed"]) == [a.reviewed for a in expected]
    assert sum(shown["reviewed"]) == 2 + len(DEMO_REVIEWS)  # the demo auditor's own
    assert list(shown["kappa"]) == [
        "undefined" if a.kappa is None else f"{a.kappa:.3f}" for a in expected
    ]


def test_a_participant_sees_the_queue_but_no_decision(demo_env: Path, charter: Charter):
    audited(charter, "strict")
    participant = a_plain_participant(charter)
    at = open_page(start(participant), PAGE)
    first = charter.audit_reviews.queue(limit=1).items[0].verdict
    assert "Auditors review the judge's verdicts; everyone may read them." in texts(at.info)
    assert not actions(at)
    assert first.response in [t.value for t in at.text]
    assert "Start an audit" not in [e.label for e in at.expander]


def test_drift_flags_a_principle_and_a_steward_sends_it_back(demo_env: Path, charter: Charter):
    first, second = audited(charter, "strict"), audited(charter, "strict")
    steward = person(charter, Role.STEWARD)
    at = open_page(start(steward), PAGE)
    at.selectbox(key="audits:drift:model").select("strict")
    rerun(at)
    flags = table(at, "violation rates")
    assert list(flags["principle"]) == ["P-0001", "P-0002"]
    assert list(flags["runs"]) == [f"{first}, {second}"] * 2
    assert list(flags["violation rates"]) == ["100%, 100%"] * 2
    assert at.get("plotly_chart"), "the drift chart"

    key = "audits:reopen:strict:P-0001"
    with changes_nothing(charter):
        at.button(key=f"{key}:go").click()
        rerun(at)
    assert "must not be empty" in (message_below(at, f"{key}:reason") or "")
    at.text_input(key=f"{key}:reason").input("Two audits in a row find uplift.")
    at.button(key=f"{key}:go").click()
    rerun(at)
    assert any(s.startswith("Sent back: the guideline of P-0001") for s in texts(at.success))
    guideline_id = charter.audits.run(second).run.principle("P-0001")["guideline_id"]
    assert charter.guidelines.detail(guideline_id, None).guideline.status is Status.DELIBERATION


# -- charts ---------------------------------------------------------------------------------


def counts(pid: str, complies: int, violates: int, reviewed: int = 0) -> PrincipleCounts:
    total = complies + violates
    return PrincipleCounts(pid, total, complies, violates, 0, 0, 0, total, complies, reviewed)


def test_the_pass_rate_figure_has_one_bar_per_scored_principle():
    empty = PrincipleCounts("P-0009", 1, 0, 0, 0, 1, 0, 0, 0.0, 0)
    figure = pass_rate_figure([counts("P-0001", 3, 1), empty], {"P-0001": "No uplift"})
    assert figure is not None
    (bar,) = figure.data
    assert list(bar.x) == ["P-0001"] and list(bar.y) == [75.0]
    assert bar.customdata[0][0] == "No uplift"
    assert "3 complies, 1 violates" in bar.customdata[0][1]
    assert pass_rate_figure([empty]) is None


def test_the_agreement_figure_leaves_an_undefined_kappa_out():
    rows = [Agreement("P-0001", 4, 3, 0.75, 0.5), Agreement("P-0002", 2, 2, 1.0, None)]
    figure = agreement_figure(rows)
    assert figure is not None
    raw, kappa = figure.data
    assert list(raw.y) == [0.75, 1.0]
    assert list(kappa.y) == [0.5, None]
    assert [c[0] for c in kappa.customdata] == ["0.50", "undefined"]
    assert agreement_figure([]) is None


def test_the_drift_figure_draws_a_line_per_principle_and_marks_release_changes():
    t0 = datetime(2026, 3, 1, tzinfo=UTC)

    def point(pid: str, run: int, release: str, rate: float | None) -> DriftPoint:
        at = t0 + timedelta(days=run)
        rest = None if rate is None else 1 - rate
        return DriftPoint("m", pid, run, at, release, "charter", 4, 1, rate, rest, "judge")

    points = [
        point("P-0001", 1, "1.0.0", 1.0),
        point("P-0001", 2, "2.0.0", 0.5),
        point("P-0002", 1, "1.0.0", 0.75),
        point("P-0002", 2, "2.0.0", None),
    ]
    figure = drift_figure(points, 0.2)
    assert figure is not None
    first, second = figure.data
    assert (first.name, list(first.y)) == ("P-0001", [100.0, 50.0])
    assert list(first.marker.symbol) == ["circle", "square"]  # one symbol per release
    assert [c[0] for c in first.customdata] == [1, 2]
    assert (second.name, list(second.y)) == ("P-0002", [75.0])
    releases = [a.text for a in figure.layout.annotations]
    assert releases == ["release 2.0.0"]
    assert drift_figure([]) is None
