"""The audit command, run as a separate process on a copy of the demo database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "audit"


@pytest.mark.parametrize(
    "command",
    [
        ["audit"],
        *(
            ["audit", name]
            for name in (
                "run",
                "runs",
                "suites",
                "add-suite",
                "import",
                "export",
                "report",
                "queue",
                "review",
                "agreement",
                "drift",
                "compare",
                "reopen",
            )
        ),
    ],
)
def test_every_audit_command_has_help(command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.returncode == 0 and "usage: python -m governance" in result.stdout


def test_a_run_a_report_a_review_and_an_import_from_the_command_line(
    seeded_path: Path, tmp_path: Path
) -> None:
    db = str(seeded_path)
    ran = cli("audit", "run", "--suite", "no-over-refusal", "--model", "scripted", "--db", db)
    assert ran.returncode == 0, ran.stderr
    assert "audit 3: 40/40 prompts judged" in ran.stdout  # the demo holds audits 1 and 2
    report = [
        json.loads(line)
        for line in cli("audit", "report", "--json", "--db", db).stdout.splitlines()
    ]
    assert {r["principle_id"] for r in report} == {
        "P-0001",
        "P-0002",
        "P-0003",
        "P-0004",
        "P-0005",
        "P-0007",
        "P-0008",
    }
    for row in report:
        assert {"principle_id", "model", "source", "total", "violations", "pass_rate"} <= set(row)
        assert (row["model"], row["source"]) == ("scripted", "charter")
        assert row["basis"] in {"judge", "mixed"}  # the demo auditor reviewed a few
    queue = cli("audit", "queue", "--limit", "1", "--db", db)
    verdict = queue.stdout.split("\t")[0]
    assert "waiting for review" in queue.stderr and queue.stdout.split("\t")[1] == "violates"
    refused = cli("audit", "review", verdict, "--override", "complies", "--db", db)
    assert (refused.returncode, refused.stderr) == (1, "error: reason: must not be empty\n")
    done = cli("audit", "review", verdict, "--override", "complies", "--reason", "fine", "--db", db)
    assert done.stdout == f"verdict {verdict}: override -> complies (review 1)\n"
    assert "reviewed" in cli("audit", "agreement", "--db", db).stdout

    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"P-0015": "P-0001"}))
    log = FIXTURES / "inspect_charter_task.json"
    imported = cli(
        "audit", "import", "--format", "inspect", str(log), "--map", str(mapping), "--db", db
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("imported 3 result(s) as audit run 4")
    assert "1 result(s) map to no principle:" in imported.stdout and "'P-0012'" in imported.stdout
    again = cli(
        "audit", "import", "--format", "inspect", str(log), "--map", str(mapping), "--db", db
    )
    assert again.stderr == "error: file: this file was imported already, as audit run 4\n"
    wrong = cli("audit", "import", "--format", "promptfoo", str(log), "--db", db)
    assert wrong.returncode == 1 and "not a promptfoo results file" in wrong.stderr

    out = tmp_path / "promptfooconfig.yaml"
    exported = cli(
        "audit",
        "export",
        "--suite",
        "decline-gracefully",
        "--format",
        "promptfoo",
        "--out",
        str(out),
        "--db",
        db,
    )
    assert exported.returncode == 0 and 'metric: "P-0007"' in out.read_text()
    unknown = cli("audit", "run", "--suite", "nope", "--model", "gpt-9", "--db", db)
    assert unknown.returncode == 1
    assert (
        "suite: no audit suite 'nope'" in unknown.stderr
        and "model: no model named" in unknown.stderr
    )


def test_an_audit_killed_mid_run_resumes_with_nothing_lost_or_repeated(
    demo_template: Path, tmp_path: Path
) -> None:
    import os
    import re
    import shutil
    import signal
    import subprocess
    import sys
    import threading
    import time

    from governance.config import Settings
    from governance.services import Charter
    from governance.storage import open_database
    from tests.test_revision_cli import ROOT
    from tests.test_revision_cli import cli as cli_in

    path = tmp_path / "charter.duckdb"
    shutil.copy(demo_template, path)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(  # the scripted stand-in, 150 ms a reply, 4 prompts at once
        '[charter.models.slow]\nmodel = "charter:scripted"\nlatency_ms = 150\nconcurrency = 4\n'
    )
    env = {**os.environ, "CHARTER_SECRETS": str(secrets), "CHARTER_DB": str(path)}
    # Prompts of its own: the demo's audits answered the built-in ones (their calls are kept).
    suite = tmp_path / "fresh.jsonl"
    rows = (
        {"id": f"f{i}", "prompt": f"Fresh question {i}?", "principles": ["P-0001", "P-0002"]}
        for i in range(40)
    )
    suite.write_text("".join(json.dumps(row) + "\n" for row in rows))
    added = cli_in(env, "audit", "add-suite", str(suite), "--name", "fresh")
    assert added.returncode == 0, added.stderr
    first = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "governance",
            "audit",
            "run",
            "--suite",
            "fresh",
            "--model",
            "slow",
        ],
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
            match = re.match(r"^(\d+)/(\d+) items ", line)
            if match and int(match[1]) >= 1:  # items of 16, 16 and 8 prompts: one is in
                seen = int(match[1])
                break
        time.sleep(0.1)  # the next items are in flight, some of their calls answered
        os.kill(first.pid, signal.SIGKILL)
    finally:
        guard.cancel()
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL and 1 <= seen < 3

    db = open_database(path)
    before = {v.id: v for v in Charter(db, Settings(db=path)).audits.run(3).verdicts}
    db.close()
    positions = {v.position for v in before.values()}
    assert before and len(positions) < 40, (seen, len(positions), sorted(positions)[:50])

    second = cli_in(env, "audit", "run", "--resume", "3")
    assert second.returncode == 0, second.stderr
    assert "audit 3: 40/40 prompts judged" in second.stdout

    db = open_database(path)
    detail = Charter(db, Settings(db=path)).audits.run(3)
    assert (detail.run.finished, detail.run.errors, detail.run.total) == (40, 0, 40)
    after = {v.id: v for v in detail.verdicts}
    for verdict_id, verdict in before.items():  # committed verdicts are untouched
        assert after[verdict_id] == verdict
    assert len(after) == 80  # one verdict per prompt and principle, none twice
    db.close()
