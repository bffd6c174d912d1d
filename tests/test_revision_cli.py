"""Model revision from the command line: revise, runs, dataset; and a worker killed mid-run."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from governance.config import Settings
from governance.services import Charter
from governance.storage import open_database

ROOT = Path(__file__).resolve().parent.parent
SECRETS = """
[charter.models.slow]
model = "charter:scripted"
latency_ms = 40
concurrency = 4
"""
PROGRESS = re.compile(r"^\[[#.]+\] (\d+)/(\d+) items ")


@pytest.fixture
def lab(demo_template: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the demo database, and an environment naming a slow scripted model."""
    path = tmp_path / "charter.duckdb"
    shutil.copy(demo_template, path)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(SECRETS)
    env = {**os.environ, "CHARTER_SECRETS": str(secrets), "CHARTER_DB": str(path)}
    return path, env


def cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "governance", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
    )


def test_revise_runs_and_dataset_from_the_command_line(
    lab: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    _, env = lab
    models = cli(env, "models")
    assert models.returncode == 0 and "slow (scripted stand-in, not a model)" in models.stdout
    tested = cli(env, "models", "--test", "slow")
    assert tested.returncode == 0 and tested.stdout.startswith("ok: slow answered in ")
    done = cli(env, "revise", "--release", "latest", "--model", "scripted", "--rounds", "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "run 2: 40/40 prompts revised"
    runs = [json.loads(line) for line in cli(env, "runs", "--json").stdout.splitlines()]
    assert [r["id"] for r in runs] == [2, 1]  # the demo's run is 1
    assert {"id", "status", "release", "model", "done", "total"} <= set(runs[0])
    assert (runs[0]["status"], runs[0]["done"], runs[0]["total"]) == ("done", 40, 40)
    out = tmp_path / "data" / "pairs.jsonl"
    out.parent.mkdir()
    written = cli(env, "dataset", "--run", "2", "--format", "preference", "--out", str(out))
    assert written.returncode == 0, written.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows and written.stdout.startswith(f"{out}: {len(rows)} rows from 40 prompts")
    card = (out.parent / "README.md").read_text()
    assert "scripted stand-in, not a model" in card and "release 2.0.0" in card


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--release", "latest", "--model", "gpt-9"], "model: no model named 'gpt-9'"),
        (["--release", "9.9", "--model", "scripted"], "release: no release '9.9'"),
        (["--model", "scripted"], "name --release and --model"),
        (["--resume", "77"], "no revision run 77"),
    ],
)
def test_bad_revise_requests_fail_in_one_line(
    lab: tuple[Path, dict[str, str]], args: list[str], message: str
) -> None:
    _, env = lab
    result = cli(env, "revise", *args)
    assert result.returncode != 0
    (line,) = result.stderr.strip().splitlines()
    assert message in line, line


def test_a_bad_prompt_file_is_refused_by_line_and_a_huge_one_before_reading(
    lab: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    _, env = lab
    broken = tmp_path / "prompts.jsonl"
    broken.write_text('{"prompt": "fine"}\nnot json\n{"prompt": ""}\n')
    result = cli(
        env, "revise", "--release", "latest", "--model", "scripted", "--prompts", str(broken)
    )
    assert result.returncode != 0
    assert "line 2" in result.stderr and "line 3" in result.stderr
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as f:
        f.truncate(50 * 2**20)
    started = time.monotonic()
    result = cli(
        env, "revise", "--release", "latest", "--model", "scripted", "--prompts", str(huge)
    )
    assert result.returncode != 0 and "is 50.0 MB; the limit is 10 MB" in result.stderr
    assert time.monotonic() - started < 10
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = cli(
        env, "revise", "--release", "latest", "--model", "scripted", "--prompts", str(empty)
    )
    assert result.returncode != 0 and "empty" in result.stderr


def test_a_worker_killed_mid_run_resumes_with_nothing_lost_or_repeated(
    lab: tuple[Path, dict[str, str]],
) -> None:
    path, env = lab
    first = subprocess.Popen(
        [sys.executable, "-m", "governance", "revise", "--release", "latest", "--model", "slow"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert first.stdout is not None
    guard = threading.Timer(90, first.kill)
    guard.start()
    try:
        seen = 0
        for line in first.stdout:
            match = PROGRESS.match(line)
            if match:
                seen = int(match[1])
                if seen >= 1:  # items of 32 and 8 prompts: one has committed
                    break
        # At once: the other item is in flight, and the commit of the first wrote the calls
        # it had answered so far. (Waiting here let the second item finish too, now and then.)
        os.kill(first.pid, signal.SIGKILL)
    finally:
        guard.cancel()
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL and 1 <= seen < 3

    db = open_database(path)
    charter = Charter(db, Settings(db=path))
    before = {r.prompt.position: r for r in charter.revisions.run(2).results if r.final}
    cached_before = charter.models.cached_calls()
    db.close()
    assert 8 <= len(before) < 40  # one item or both (of 32 and 8 prompts)

    second = cli(env, "revise", "--resume", "2")
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[-1] == "run 2: 40/40 prompts revised"

    db = open_database(path)
    charter = Charter(db, Settings(db=path))
    detail = charter.revisions.run(2)
    assert (detail.run.finished, detail.run.errors, detail.run.total) == (40, 0, 40)
    after = {r.prompt.position: r for r in detail.results}
    # Nothing finished is lost or done again: results committed before are untouched...
    for position, result in before.items():
        assert after[position].finished_at == result.finished_at
        assert after[position].final == result.final
    # ...and the prompts in flight when the worker died reused the calls it had made.
    resumed = [r for p, r in after.items() if p not in before]
    assert sum(r.cached_calls for r in resumed) > 0
    with db.read() as tx:
        per_position = tx.cursor.execute(
            "SELECT position, count(*) FROM revision_results WHERE run_id = 2 GROUP BY 1"
        ).fetchall()
    assert len(per_position) == 40 and {n for _, n in per_position} == {1}
    # Every call reached the model once: the cache holds one reply per distinct call.
    fresh = sum(r.calls - r.cached_calls for r in detail.results)
    assert charter.models.cached_calls() - cached_before <= fresh
    db.close()
