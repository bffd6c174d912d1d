"""The audit benchmark runs at a tiny scale and prints the figures it promises."""

import json
from pathlib import Path

import pytest

from governance.bench_audit import inspect_log
from governance.cli import main


def test_tiny_audit_benchmark_prints_one_json_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bench.duckdb"
    args = ["bench", "audit", "--verdicts", "2000", "--reviews", "100", "--samples", "100"]
    assert main([*args, "--db", str(db)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    figures = json.loads(line)
    assert figures["verdicts"] == 2000 and figures["reviews"] == 100
    assert figures["review_rows"] > 100  # some verdicts were reviewed twice
    assert 0 < figures["waiting"] < 2000
    for key in ("build_s", "queue_page_ms", "queue_filtered_ms", "summary_ms", "drift_ms"):
        assert figures[key] > 0, key
    assert figures["agreement_ms"] > 0
    assert figures["import_10k_s"] > 0 and figures["imported_verdicts"] == 100
    assert db.exists()


def test_an_existing_database_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bench.duckdb"
    db.write_bytes(b"")
    assert main(["bench", "audit", "--verdicts", "10", "--db", str(db)]) == 1
    assert "exists" in capsys.readouterr().err


def test_the_synthetic_inspect_log_looks_like_inspect_writes_it() -> None:
    log = json.loads(inspect_log(20, ["P-0001", "P-0002"]))
    assert log["version"] == 2 and log["status"] == "success"
    assert log["eval"]["packages"]["inspect_ai"]
    sample = log["samples"][1]
    assert sample["metadata"]["principle_id"] == "P-0002"
    assert sample["scores"]["model_graded_qa"]["value"] in {"C", "P", "I"}
    assert sample["output"]["choices"][0]["message"]["role"] == "assistant"
    assert [e["event"] for e in sample["events"]][0] == "span_begin"
    assert len(json.dumps(sample)) > 3000
