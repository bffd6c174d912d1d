"""The Model revision and Models pages (AppTest, demo sign-in): runs, their detail, curation.

The app under test runs its own job runner in this process, over the same database file, and
a run started through the page wakes it at once: the test waits for that run's job to be
done. A run started before the app first runs is worked here with a runner of the test's own.
Never both on one run: a runner starting up puts items another runner holds back in the
queue (it takes them for a dead process's), and the two would then work the same prompts.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from governance.jobs.runner import JobRunner
from governance.models import Role, Stakeholder
from governance.revision.datasets import DatasetFormat
from governance.services import Charter
from governance.storage.revisions import ResultRow
from governance.text import inline_markdown
from tests.apptest_support import APP, message_below, open_page, rerun, start, texts
from tests.conftest import changes_nothing
from tests.test_pages import PRINCIPAL_KEY, a_plain_participant
from tests.test_pages_forms import first_request, replay

PAGE = "pages/revision.py"
MODELS = "pages/models.py"
#: The demo's finished run (made on the scripted stand-in when the demo is seeded).
DEMO_RUN = 1
#: A key written in secrets.toml: no page may show it.
KEY = "sk-NEVER-SHOWN-4242"


def the_steward(services: Charter) -> Stakeholder:
    return next(
        p
        for p in services.people.demo_stakeholders()
        if Role.STEWARD in p.roles and not p.suspended
    )


def wait_until(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def done(services: Charter, run_id: int) -> bool:
    return services.revisions.run(run_id).run.job_status == "done"


def start_button(at: AppTest):  # type: ignore[no-untyped-def]
    """The "Start run" button (its key carries the form's token)."""
    [button] = [b for b in at.button if str(b.key).startswith("revision:start:go:")]
    return button


def table(at: AppTest, column: str):  # type: ignore[no-untyped-def]
    """The (first) table with ``column``, as a DataFrame."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def revised_on_first_page(services: Charter, run_id: int) -> ResultRow:
    """A prompt among the first ten whose answer a revision changed (so it is in the SFT data)."""
    return next(
        r
        for r in services.revisions.run(run_id).results[:10]
        if r.final is not None and r.final.strip() != (r.initial or "").strip()
    )


def sft_summary(at: AppTest) -> str:
    return next(c for c in texts(at.caption) if "from 40 prompts; left out:" in c)


def a_finished_run(services: Charter) -> int:
    """A run of the scripted model on the built-in prompts, worked before the app runs."""
    run = services.revisions.start(None, release="latest", model="scripted")
    JobRunner(services, scheduled=()).run_until_idle()
    assert done(services, run.id)
    return run.id


# -- Model revision ---------------------------------------------------------------------------


def test_a_steward_starts_a_scripted_run_and_reads_what_it_made(demo_env: Path, services: Charter):
    steward = the_steward(services)
    at = open_page(start(steward), PAGE)
    assert texts(at.title) == ["Model revision"]
    assert list(table(at, "prompts done")["run"]) == [DEMO_RUN]  # the demo's finished run
    release = at.selectbox(key="revision:start:release")
    assert release.options == ["2.0.0", "1.0.0"] and release.value == "2.0.0"  # latest first
    assert at.radio(key="revision:start:source").value == "Built-in (40 prompts)"
    assert at.selectbox(key="revision:start:model").value == "scripted"
    assert at.number_input(key="revision:start:rounds").value == 2
    assert at.number_input(key="revision:start:concurrency:scripted").value == 8  # the model's

    start_button(at).click()
    rerun(at)
    assert "Started: the run is queued; its progress shows below." in texts(at.success)
    run, _ = services.revisions.runs()
    assert (run.model_name, run.prompt_set, run.total, run.rounds) == ("scripted", "builtin", 40, 2)
    assert (run.release_version, run.created_by) == ("2.0.0", steward.id)
    wait_until(lambda: done(services, run.id))  # worked by the app's own runner
    rerun(at)

    listed = table(at, "prompts done")
    assert list(listed["run"]) == [run.id, DEMO_RUN]
    assert list(listed["model"]) == ["scripted (scripted stand-in)"] * 2
    assert list(listed["prompts done"]) == ["40/40"] * 2 and list(listed["status"]) == ["done"] * 2
    assert any("scripted stand-in, not a model" in w for w in texts(at.warning))
    assert any(run.release_hash in m and run.prompt_set_hash in m for m in texts(at.markdown))
    detail = services.revisions.run(run.id)
    stats = table(at, "critique rate")
    assert list(stats["principle"]) == [s.principle_id for s in detail.stats]
    assert list(stats["revised"]) == [s.revised for s in detail.stats]

    result = revised_on_first_page(services, run.id)
    assert result.prompt.text in [t.value for t in at.text]
    markdown = [m.value for m in at.markdown]
    assert inline_markdown(result.initial or "") in markdown
    revised = next(s for s in result.steps if s.outcome == "revised")
    assert inline_markdown(revised.revision) in markdown
    html = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "<ins " in html  # the round's word diff
    principle = next(p for p in detail.principles if p["id"] == revised.principle_id)
    assert principle["guideline_id"] in " ".join(str(p.proto.label) for p in at.page_link)


def test_a_double_click_on_start_run_makes_one_run(demo_env: Path, services: Charter):
    at = open_page(start(the_steward(services)), PAGE)
    start_button(at).click()
    click = at._tree.get_widget_states()
    replay(at, click)
    replay(at, click)  # the second click left the browser before the first was answered
    assert len(services.revisions.runs()) == 2  # the demo's and this one
    # The next press is a new form: it starts another run, as the steward asked.
    start_button(at).click()
    rerun(at)
    assert len(services.revisions.runs()) == 3


def test_an_exclusion_needs_a_reason_and_leaves_the_row_out_of_the_data(
    demo_env: Path, services: Charter
):
    run_id = a_finished_run(services)
    at = open_page(start(the_steward(services)), PAGE)
    result = revised_on_first_page(services, run_id)
    key = f"revision:{run_id}:curate:{result.prompt.position}"
    rows = len(services.revisions.dataset(run_id, "sft")[0].rows)
    assert sft_summary(at).startswith(f"{rows} rows from 40 prompts")

    with changes_nothing(services):
        at.button(key=f"{key}:go").click()
        rerun(at)
    assert "must not be empty" in (message_below(at, f"{key}:reason") or "")

    at.text_input(key=f"{key}:reason").input("Quotes a template, not an answer.")
    at.button(key=f"{key}:go").click()
    rerun(at)
    assert f"Row {result.prompt.position + 1} excluded from the datasets." in texts(at.success)
    assert "Excluded from datasets: Quotes a template, not an answer." in texts(at.info)
    assert services.revisions.run(run_id).results[result.prompt.position].excluded
    assert len(services.revisions.dataset(run_id, "sft")[0].rows) == rows - 1
    summary = sft_summary(at)
    assert summary.startswith(f"{rows - 1} rows from 40 prompts")
    assert "1 excluded by a reviewer: Quotes a template, not an answer." in summary
    assert at.text_input(key=f"{key}:reason").value == ""
    assert at.button(key=f"{key}:go").label == "Include again"


def progress_texts(at: AppTest) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def test_a_steward_resumes_a_cancelled_run_and_follows_its_progress(
    demo_env: Path, services: Charter
):
    run = services.revisions.start(None, release="latest", model="scripted")
    assert run.job_id is not None
    services.jobs.cancel(None, run.job_id, "started on the wrong release")
    at = AppTest.from_file(str(APP), default_timeout=60)
    # The app's scripted model takes its time, so the run is still under way when drawn.
    at.secrets["charter"] = {
        "models": {"scripted": {"model": "charter:scripted", "latency_ms": 100}}
    }
    at.session_state[PRINCIPAL_KEY] = the_steward(services).id
    open_page(rerun(at), PAGE)
    assert list(table(at, "status")["status"]) == ["cancelled", "done"]
    assert not progress_texts(at)

    at.button(key=f"revision:resume:{run.id}:go").click()
    rerun(at)
    assert any(
        s.startswith("Resumed: the prompts left are queued again") for s in texts(at.success)
    )
    (progress,) = progress_texts(at)
    assert re.fullmatch(rf"Run {run.id}: \d+/40 prompts · (queued|running)", progress), progress
    assert f"revision:resume:{run.id}:go" not in {b.key for b in at.button}, "under way"
    wait_until(lambda: done(services, run.id))
    rerun(at)
    assert not progress_texts(at)
    assert list(table(at, "status")["prompts done"]) == ["40/40", "40/40"]


def test_a_steward_cancels_a_run_under_way_with_a_reason(demo_env: Path, services: Charter):
    run = services.revisions.start(None, release="latest", model="scripted")
    at = AppTest.from_file(str(APP), default_timeout=60)
    # Slow enough that the run is still under way while the steward looks at it.
    at.secrets["charter"] = {
        "models": {"scripted": {"model": "charter:scripted", "latency_ms": 300}}
    }
    at.session_state[PRINCIPAL_KEY] = the_steward(services).id
    open_page(rerun(at), PAGE)
    key = f"revision:cancel:{run.id}"
    assert run.job_id is not None
    at.button(key=f"{key}:go").click()  # the run's job keeps working meanwhile
    rerun(at)
    assert "must not be empty" in (message_below(at, f"{key}:reason") or "")
    assert services.jobs.job(None, run.job_id).job.status.value in ("queued", "running")
    at.text_input(key=f"{key}:reason").input("wrong prompt set")
    at.button(key=f"{key}:go").click()
    rerun(at)
    assert any(s.startswith("Cancelled: prompts under way") for s in texts(at.success))
    job = services.jobs.job(None, run.job_id).job
    assert job.status.value == "cancelled" and job.cancel_reason == "wrong prompt set"
    assert f"{key}:go" not in {b.key for b in at.button}, "nothing left to cancel"


def test_a_visitor_reads_runs_but_cannot_start_resume_or_curate(demo_env: Path, services: Charter):
    run_id = a_finished_run(services)
    at = open_page(start(), PAGE)
    assert list(table(at, "prompts done")["run"]) == [run_id, DEMO_RUN]
    assert any("scripted stand-in, not a model" in w for w in texts(at.warning))
    assert "Start a run" not in [e.label for e in at.expander]
    assert not [b for b in at.button if str(b.key).startswith("revision:")]
    assert not at.text_input
    assert len(at.get("download_button")) == 2 * len(DatasetFormat)


def test_prompts_are_filtered_and_paged(demo_env: Path, services: Charter):
    run_id = a_finished_run(services)
    at = open_page(start(), PAGE)
    key = f"revision:{run_id}:prompts"
    assert len(at.text) == 10
    at.number_input(key=f"{key}:page").set_value(4)
    rerun(at)
    assert [t.value for t in at.text] == [
        r.prompt.text for r in services.revisions.run(run_id).results[30:]
    ]
    at.selectbox(key=f"{key}:language").select("fr")
    rerun(at)
    french = [r for r in services.revisions.run(run_id).results if r.prompt.language == "fr"]
    assert [t.value for t in at.text] == [r.prompt.text for r in french][:10]
    assert f"{len(french)} prompts of 40" in " ".join(texts(at.caption))


# -- Models -----------------------------------------------------------------------------------


def test_a_participant_is_told_the_models_page_is_for_stewards(demo_env: Path, services: Charter):
    at = first_request(MODELS, a_plain_participant(services).id)
    assert texts(at.info) == ["Only stewards manage models."]
    assert not at.main.button


def test_a_steward_tests_models_and_no_key_is_ever_shown(demo_env: Path, services: Charter):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["charter"] = {
        "models": {
            "down": {
                "base_url": "http://127.0.0.1:9/v1",
                "model": "served-model",
                "api_key": KEY,
                "max_retries": 0,
                "timeout_s": 2,
            }
        }
    }
    at.session_state[PRINCIPAL_KEY] = the_steward(services).id
    open_page(rerun(at), MODELS)
    models = table(at, "what it is")
    assert list(models["name"]) == ["scripted", "local", "down"]
    assert "scripted (scripted stand-in, not a model)" in list(models["what it is"])
    assert "A scripted stand-in, not a model" in " ".join(texts(at.caption))
    assert any("[charter.models.NAME]" in c for c in texts(at.caption))

    at.button(key="models:test:scripted:go").click()
    rerun(at)
    (answered,) = texts(at.success)
    assert re.fullmatch(r"Answered in [\d,]+ ms: '\[scripted\] .+'", answered), answered
    at.button(key="models:test:down:go").click()
    rerun(at)
    assert any("Connection error" in e for e in texts(at.error)), texts(at.error)
    assert len(texts(at.success)) == 1, "the scripted model's answer stays under it"

    shown = [str(getattr(node, "proto", "")) for node in walk(at._tree)] + [models.to_string()]
    assert not any(KEY in text for text in shown)
    assert "api_key" not in " ".join(models.columns)


def walk(node):  # type: ignore[no-untyped-def]
    """Every element and block of the page."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


@pytest.mark.parametrize("who", ["visitor", "participant"])
def test_only_stewards_see_the_models_page(demo_env: Path, services: Charter, who: str):
    at = start(None if who == "visitor" else a_plain_participant(services))
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(MODELS)
