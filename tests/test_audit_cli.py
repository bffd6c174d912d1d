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
