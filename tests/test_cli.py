"""The command line: each command works, refuses bad input with one line, and exits non-zero."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from governance.cli import main
from governance.services.base import utc_now
from governance.storage import open_database

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "governance", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["init"],
        ["rules"],
        ["guidelines"],
        ["tally"],
        ["events"],
        ["close-due"],
        ["worker"],
        ["jobs"],
        ["jobs", "cancel"],
        ["bench", "votes"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.returncode == 0
    assert "usage: python -m governance" in result.stdout


def test_init_creates_an_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "new" / "charter.duckdb"
    result = cli("init", "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{path}: ready"
    rules = json.loads(cli("rules", "--db", str(path)).stdout)
    assert rules["version"] == 1 and rules["overall_quorum"] == 50


def test_reading_a_seeded_database(seeded_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The demo's releases adopted the first round's approved guidelines (and retired one).
    assert main(["guidelines", "--db", str(seeded_path), "--status", "adopted"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 7 and all("\tadopted\t" in line for line in lines)

    gid = lines[0].split("\t")[0]
    assert main(["tally", gid, "--db", str(seeded_path)]) == 0
    tally = capsys.readouterr().out.splitlines()
    assert tally[0].startswith("overall: ") and tally[-1].startswith("Approved")

    assert main(["events", "--db", str(seeded_path), "--subject", gid, "--limit", "3"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["action"] for e in events][0] == "guideline.proposed"
    assert all(e["schema_version"] == 1 for e in events)

    assert main(["init", "--db", str(seeded_path), "--demo"]) == 0
    assert "already has data; demo not seeded" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tally", "G-9999"], "error: no guideline 'G-9999'"),
        (["tally", "<script>"], "error: no guideline '<script>'"),
        (["guidelines", "--status", "pending"], "error: --status: unknown status 'pending'"),
        (["rules", "--version", "7"], "error: no rules version 7"),
        (["rules", "--version", "0"], "error: argument --version: '0' must be at least 1"),
        (["events", "--limit", "many"], "error: argument --limit: 'many' is not a whole number"),
        (["bench", "votes", "--voters", "-5"], "error: argument --voters: '-5' must be at least 1"),
        (["jobs", "--status", "stuck"], "error: --status: unknown value 'stuck'"),
        (["jobs", "cancel", "7", "--reason", "x"], "error: no job 7"),
        (["jobs", "cancel", "7"], "error: the following arguments are required: --reason"),
        (["frobnicate"], "error: argument command: invalid choice: 'frobnicate'"),
    ],
)
def test_errors_are_one_clear_line(seeded_path: Path, args: list[str], message: str) -> None:
    if args[0] != "frobnicate" and args[0] != "bench":
        args = [*args, "--db", str(seeded_path)]
    result = cli(*args)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(message)


@pytest.mark.parametrize(
    "args",
    [
        ["guidelines", "--search", "caf\udce9"],
        ["people", "--search", "caf\udce9"],
        ["people", "--group", "caf\udce9"],
        ["events", "--subject", "G-\udce9"],
        ["export", "--format", "json", "--out", "-", "--release", "1.0.\udce9"],
    ],
    ids=["guidelines-search", "people-search", "people-group", "events-subject", "release"],
)
def test_text_arguments_that_are_not_utf8_are_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    # A terminal in another encoding: Python hands the bytes it cannot decode (b"caf\xe9")
    # over as lone surrogates, which no database query can carry.
    with pytest.raises(SystemExit) as exited:
        main([*args, "--db", str(tmp_path / "charter.duckdb")])
    assert exited.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "is not UTF-8 text; check the terminal's encoding" in line
    assert line.startswith(f"error: argument {args[-2]}: ")


def test_a_reason_that_is_not_utf8_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "charter.duckdb")
    assert main(["grant-role", "1", "steward", "--reason", "caf\udce9", "--db", db]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: reason: contains a lone surrogate (U+DCE9); remove it"
    ]


def test_check_config_refuses_a_named_secrets_file_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The default files may be missing; a file the operator names must be there.
    missing = tmp_path / "secrets.toml"
    for name, message in (
        (str(tmp_path), f"error: --secrets: {tmp_path}: is a directory, not a file"),
        (str(missing), f"error: --secrets: {missing}: no such file"),
    ):
        assert main(["check-config", "--secrets", name]) == 1
        assert capsys.readouterr().err.splitlines() == [message]
    missing.write_text("", encoding="utf-8")
    assert main(["check-config", "--secrets", str(missing)]) == 0
    assert capsys.readouterr().out.startswith("ok: sign-in ")


def test_a_directory_given_as_the_database_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["people", "--db", str(tmp_path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: {tmp_path} is a directory, not a database file;"
        f" name a file such as {tmp_path / 'charter.duckdb'}"
    ]


def test_bad_settings_are_reported_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "governance", "init", "--db", str(tmp_path / "x.duckdb")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "CHARTER_GROUPS": "ethicist,Engineers!"},
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: invalid settings: CHARTER_GROUPS: 'Engineers!' is not a slug"
        " (lowercase letters, digits, underscores)"
    ]


#: The demo's own jobs: its revision run (job 1) and its two audits (jobs 2 and 3).
FIRST_NEW_JOB = 4


def test_close_due_with_nothing_due(seeded_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["close-due", "--db", str(seeded_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"job {FIRST_NEW_JOB} close-due: 0/0 nothing to do",
        f"job {FIRST_NEW_JOB} close-due: done, 0 of 0 items",
    ]


def _end_voting(path: Path, n: int) -> list[str]:
    """End the voting window of ``n`` guidelines of the demo (set-up, straight to storage)."""
    db = open_database(path)
    with db.transaction() as tx:
        ids = [
            r[0]
            for r in tx.cursor.execute(
                "SELECT id FROM guidelines WHERE status = 'voting' ORDER BY id LIMIT ?", [n]
            ).fetchall()
        ]
        tx.cursor.execute(
            f"UPDATE guidelines SET voting_closes_at = ? WHERE id IN ({', '.join('?' * n)})",
            [utc_now() - timedelta(minutes=1), *ids],
        )
    db.close()
    return [f"G-{i:04d}" for i in ids]


def test_close_due_runs_a_job_and_prints_its_progress(
    seeded_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    due = _end_voting(seeded_path, 3)
    assert main(["close-due", "--db", str(seeded_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == f"job {FIRST_NEW_JOB} close-due: done, 3 of 3 items"
    progress = [
        re.fullmatch(rf"job {FIRST_NEW_JOB} close-due: (\d)/3 (G-\d{{4}}) (approved|rejected)", x)
        for x in lines[:-1]
    ]
    assert all(progress), lines
    assert sorted(int(m[1]) for m in progress if m) == [1, 2, 3]
    assert sorted(m[2] for m in progress if m) == due

    assert main(["jobs", "--db", str(seeded_path)]) == 0
    row, *demo = capsys.readouterr().out.splitlines()  # newest first
    assert [line.split("\t")[:3] for line in demo] == [
        ["3", "audit", "done"],
        ["2", "audit", "done"],
        ["1", "revise", "done"],
    ]
    fields = row.split("\t")
    assert fields[:5] == [str(FIRST_NEW_JOB), "close-due", "done", "3/3", "Charter (automatic)"]
    assert all(fields[5:8]) and fields[8] == ""

    assert main(["jobs", "--db", str(seeded_path), "--status", "failed"]) == 0
    assert capsys.readouterr().out == ""


def test_worker_once_runs_waiting_jobs_and_exits(
    seeded_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["worker", "--once", "--db", str(seeded_path)]) == 0
    assert capsys.readouterr().out == "", "nothing due: no job"
    _end_voting(seeded_path, 2)
    assert main(["worker", "--once", "--db", str(seeded_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == f"job {FIRST_NEW_JOB} close-due: done, 2 of 2 items" and len(lines) == 3


def test_jobs_cancel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "charter.duckdb"
    db = open_database(path)
    with db.transaction() as tx:  # a job that never ran: set-up, straight to storage
        tx.jobs.insert_job(
            kind="close-due",
            params={},
            items=[{"guideline": "G-0001"}],
            created_by=None,
            at=utc_now(),
            message="1 item to do",
        )
    db.close()
    assert main(["jobs", "cancel", "1", "--reason", "not now", "--db", str(path)]) == 0
    assert capsys.readouterr().out == "job 1 close-due: cancelled at 0/1\n"
    assert main(["jobs", "--db", str(path), "--status", "cancelled"]) == 0
    assert capsys.readouterr().out.split("\t")[2:4] == ["cancelled", "0/1"]
    assert main(["jobs", "--db", str(path), "cancel", "1", "--reason", "again"]) == 1
    assert (
        capsys.readouterr().err
        == "error: cannot move from cancelled to cancelled: the job has finished\n"
    )


def test_worker_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    path = tmp_path / "charter.duckdb"
    worker = subprocess.Popen(
        [sys.executable, "-m", "governance", "worker", "--db", str(path)],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert worker.stderr is not None
    assert worker.stderr.readline().startswith("worker: running jobs in")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0
    assert worker.stderr.read() == "worker: stopping after the items in flight\n"


def test_small_benchmark_prints_one_json_line() -> None:
    result = cli(
        "bench",
        "votes",
        "--voters",
        "2000",
        "--guidelines",
        "40",
        "--votes",
        "20000",
        "--casts",
        "200",
    )
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    figures = json.loads(line)
    for key in ("load_s", "tally_all_s", "tally_one_ms", "cast_p50_ms", "cast_p99_ms"):
        assert figures[key] > 0
    assert figures["lost_votes"] == 0 and figures["cast_errors"] == 0
