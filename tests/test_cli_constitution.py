"""The constitution commands: export, import and the constitution benchmark.

Most cases call ``main(argv)`` in this process on a database built in tmp_path (and closed
again); the case of a database held by another process runs the command line for real.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from governance.cli import main
from governance.config import Settings
from governance.constitution import exports
from governance.constitution.imports import MAX_IMPORT_BYTES
from governance.models import AccountStatus, Status
from governance.services import Charter
from governance.storage import open_database
from tests.conftest import Cast, FakeClock

ROOT = Path(__file__).resolve().parent.parent

TEXTS = (
    {
        "title": "Admit uncertainty",
        "statement": "The assistant says when it is not sure, instead of guessing confidently.",
        "category": "honesty",
    },
    {
        "title": "Protect privacy",
        "statement": "Personal details about private people stay out of answers.",
        "category": "privacy",
    },
)
HF_RECIPE = {
    "constitutions": [
        {
            "critic": "Identify ways in which the response is harmful or unethical.",
            "revision": "Rewrite the response to remove anything harmful or unethical.",
        },
        {
            "critic": "Identify claims in the response that are stated with false confidence.",
            "revision": "Rewrite the response so that it states how sure it is.",
        },
    ]
}


@dataclass(frozen=True)
class Setup:
    """A database file with a community, and (maybe) release 1.0.0."""

    path: Path
    steward: int
    author: int


def build(path: Path, *, release: bool) -> Setup:
    """Create the database, approve two guidelines and release them if asked; then close it."""
    db = open_database(path)
    clock = FakeClock()
    try:
        charter = Charter(db, Settings(db=path), clock=clock)
        cast = Cast(charter, voters_per_group=1)
        charter.rules.update(
            None,
            {"overall_quorum": 3, "default_group_quorum": 1, "min_groups_with_quorum": 3},
            "a small community for the tests",
        )
        for text in TEXTS:
            guideline = charter.guidelines.propose(cast.author, text)
            charter.guidelines.submit(cast.author, guideline.id)
            charter.guidelines.open_voting(cast.moderator, guideline.id)
            for voters in cast.voters.values():
                charter.ballots.cast(voters[0], guideline.id, "approve")
        clock.advance(days=15)
        assert {g.status for g in charter.guidelines.close_due()} == {Status.APPROVED}
        if release:
            charter.constitution.release_draft(cast.steward, "The first constitution.")
    finally:
        db.close()
    return Setup(path, cast.steward.id, cast.author.id)


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CHARTER_DB", "CHARTER_GROUPS", "CHARTER_CATEGORIES", "CHARTER_DEMO"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Setup]:
    """Both databases, built once: with release 1.0.0 (and its files) and without."""
    return {
        release: build(
            tmp_path_factory.mktemp(f"release-{release}") / "charter.duckdb", release=release
        )
        for release in (True, False)
    }


def copy(template: Setup, tmp_path: Path) -> Setup:
    """A private copy of a template database, with its exports folder."""
    path = tmp_path / "charter.duckdb"
    shutil.copy(template.path, path)
    exports_dir = template.path.parent / "exports"
    if exports_dir.exists():
        shutil.copytree(exports_dir, tmp_path / "exports")
    return Setup(path, template.steward, template.author)


@pytest.fixture
def released(templates: dict[bool, Setup], tmp_path: Path) -> Setup:
    return copy(templates[True], tmp_path)


@pytest.fixture
def unreleased(templates: dict[bool, Setup], tmp_path: Path) -> Setup:
    return copy(templates[False], tmp_path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``python -m governance ARGS`` in this process: (exit status, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own refusals
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    return lines[0]


def guidelines(path: Path) -> list[tuple[str, str, int]]:
    """(id, status, author) of every guideline, read after the command has finished."""
    db = open_database(path)
    try:
        with db.read() as tx:
            rows = tx.cursor.execute(
                "SELECT id, status, author_id FROM guidelines ORDER BY id"
            ).fetchall()
    finally:
        db.close()
    return [(f"G-{r[0]:04d}", r[1], r[2]) for r in rows]


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHARTER_")}
    return {**env, **extra}


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "governance", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env or subprocess_env(),
        timeout=120,
    )


# -- export ----------------------------------------------------------------------------------


def test_export_latest_to_a_file(
    released: Setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "constitution.md"
    out.parent.mkdir()
    code, stdout, stderr = run(
        capsys,
        "export",
        "--release",
        "latest",
        "--format",
        "markdown",
        "--out",
        str(out),
        "--db",
        str(released.path),
    )
    assert code == 0, stderr
    assert stdout == ""
    assert stderr.strip() == f"{out}: markdown of release 1.0.0"
    on_disk = tmp_path / "exports" / "1.0.0" / exports.EXPORTERS["markdown"].filename
    assert out.read_bytes() == on_disk.read_bytes()
    assert "Admit uncertainty" in out.read_text("utf-8")


@pytest.mark.parametrize("fmt", list(exports.EXPORTERS))
def test_export_to_stdout_in_every_format(
    released: Setup, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    code, stdout, stderr = run(
        capsys,
        "export",
        "--release",
        "1.0.0",
        "--format",
        fmt,
        "--out",
        "-",
        "--db",
        str(released.path),
    )
    assert code == 0, stderr
    on_disk = tmp_path / "exports" / "1.0.0" / exports.EXPORTERS[fmt].filename
    assert stdout == on_disk.read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--release", "9.9.9", "--format", "json"], "error: no release '9.9.9'"),
        (
            ["--format", "nope"],
            "error: --format: unknown format 'nope'; one of " + ", ".join(exports.EXPORTERS),
        ),
    ],
)
def test_export_refusals_are_one_line(
    released: Setup,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    out = tmp_path / "never.txt"
    code, stdout, stderr = run(
        capsys, "export", *args, "--out", str(out), "--db", str(released.path)
    )
    assert code != 0 and stdout == ""
    assert one_error_line(stderr) == message
    assert not out.exists()


def test_export_to_a_directory_or_a_missing_folder_is_one_line(
    released: Setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    missing = tmp_path / "no-such-folder" / "constitution.json"
    for out, message in (
        (folder, f"error: --out: {folder}: is a directory, not a file"),
        (missing, f"error: --out: {missing}: cannot be written (No such file or directory)"),
    ):
        code, stdout, stderr = run(
            capsys, "export", "--format", "json", "--out", str(out), "--db", str(released.path)
        )
        assert code == 1 and stdout == ""
        assert one_error_line(stderr) == message
    assert list(folder.iterdir()) == [] and not missing.parent.exists()


def test_export_before_any_release(
    unreleased: Setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stdout, stderr = run(
        capsys, "export", "--format", "json", "--out", "-", "--db", str(unreleased.path)
    )
    assert code != 0 and stdout == ""
    assert one_error_line(stderr) == "error: no release yet"


def test_export_needs_format_and_out(released: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = run(capsys, "export", "--format", "json", "--db", str(released.path))
    assert code == 2
    assert "--out" in one_error_line(stderr)


def test_export_while_the_database_is_held_names_the_exports_folder(released: Setup) -> None:
    """CHARTER_DB names the database: the message points to the exports folder beside it."""
    holder = open_database(released.path)
    try:
        result = cli(
            "export",
            "--format",
            "json",
            "--out",
            "-",
            env=subprocess_env(CHARTER_DB=str(released.path)),
        )
    finally:
        holder.close()
    assert result.returncode != 0 and result.stdout == ""
    line = one_error_line(result.stderr)
    assert "in use by another process" in line
    assert f"{released.path.parent / 'exports'}/<version>/" in line


def test_export_with_db_while_the_database_is_held_names_its_exports_folder(
    released: Setup,
) -> None:
    holder = open_database(released.path)
    try:
        result = cli("export", "--format", "json", "--out", "-", "--db", str(released.path))
    finally:
        holder.close()
    assert result.returncode != 0 and result.stdout == ""
    line = one_error_line(result.stderr)
    assert "in use by another process" in line
    assert f"{released.path.parent / 'exports'}/<version>/" in line


# -- import ----------------------------------------------------------------------------------


def test_import_hf_cai_prints_the_new_ids(
    unreleased: Setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps(HF_RECIPE), encoding="utf-8")
    before = guidelines(unreleased.path)
    code, stdout, stderr = run(
        capsys,
        "import",
        "--format",
        "hf-cai",
        str(recipe),
        "--author",
        str(unreleased.author),
        "--db",
        str(unreleased.path),
    )
    assert code == 0, stderr
    assert stdout.splitlines() == ["G-0003", "G-0004"]
    assert stderr.strip() == "2 draft guidelines created"
    after = guidelines(unreleased.path)
    assert after[: len(before)] == before
    assert after[len(before) :] == [
        ("G-0003", "draft", unreleased.author),
        ("G-0004", "draft", unreleased.author),
    ]


def test_import_of_a_charter_export_round_trips(
    released: Setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "exports" / "1.0.0" / exports.EXPORTERS["json"].filename
    code, stdout, stderr = run(
        capsys,
        "import",
        "--format",
        "json",
        str(exported),
        "--author",
        str(released.steward),
        "--db",
        str(released.path),
    )
    assert code == 0, stderr
    assert stdout.splitlines() == ["G-0003", "G-0004"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"constitutions": [', "error: file: the file is not valid JSON"),
        (
            json.dumps({"constitutions": [*HF_RECIPE["constitutions"], {"critic": "x"}]}).encode(),
            "error: file: constitutions item 3: missing key 'revision'",
        ),
        (b"", "error: file: the file is empty"),
    ],
)
def test_a_bad_file_imports_nothing(
    unreleased: Setup,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    message: str,
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    before = guidelines(unreleased.path)
    code, stdout, stderr = run(
        capsys,
        "import",
        "--format",
        "hf-cai",
        str(bad),
        "--author",
        str(unreleased.author),
        "--db",
        str(unreleased.path),
    )
    assert code != 0 and stdout == ""
    assert one_error_line(stderr).startswith(message)
    assert guidelines(unreleased.path) == before


def test_import_refuses_a_missing_or_oversized_file(
    unreleased: Setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = guidelines(unreleased.path)
    missing = tmp_path / "missing.json"
    code, stdout, stderr = run(
        capsys,
        "import",
        "--format",
        "hf-cai",
        str(missing),
        "--author",
        "1",
        "--db",
        str(unreleased.path),
    )
    assert code != 0 and stdout == ""
    assert one_error_line(stderr) == f"error: FILE: {missing}: no such file"

    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (MAX_IMPORT_BYTES + 1))
    code, stdout, stderr = run(
        capsys,
        "import",
        "--format",
        "hf-cai",
        str(huge),
        "--author",
        "1",
        "--db",
        str(unreleased.path),
    )
    assert code != 0 and stdout == ""
    assert one_error_line(stderr) == f"error: FILE: {huge} is over 10 MB"

    code, stdout, stderr = run(
        capsys, "import", "--format", "hf-cai", "--author", "1", "--db", str(unreleased.path)
    )
    assert code != 0 and stdout == ""
    assert one_error_line(stderr) == "error: FILE: the hf-cai import needs a file"
    assert guidelines(unreleased.path) == before


def test_import_of_a_directory_says_it_is_a_directory(
    unreleased: Setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "principles"
    folder.mkdir()
    (folder / "recipe.json").write_text(json.dumps(HF_RECIPE), encoding="utf-8")
    before = guidelines(unreleased.path)
    for name in (str(folder), f"{folder}/"):
        code, stdout, stderr = run(
            capsys,
            "import",
            "--format",
            "json",
            name,
            "--author",
            str(unreleased.author),
            "--db",
            str(unreleased.path),
        )
        assert code == 1 and stdout == ""
        assert one_error_line(stderr) == f"error: FILE: {name}: is a directory, not a file"
    assert guidelines(unreleased.path) == before


def test_import_refuses_what_is_not_a_readable_file(
    unreleased: Setup,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = guidelines(unreleased.path)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    locked = tmp_path / "locked.json"
    locked.write_text(json.dumps(HF_RECIPE), encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        # Tests may run as root, which reads a chmod 000 file: refuse it the way the OS would.
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    for name, message in (
        (pipe, f"error: FILE: {pipe}: is not a regular file"),
        (locked, f"error: FILE: {locked}: cannot be read (Permission denied)"),
    ):
        code, stdout, stderr = run(
            capsys,
            "import",
            "--format",
            "hf-cai",
            str(name),
            "--author",
            str(unreleased.author),
            "--db",
            str(unreleased.path),
        )
        assert code == 1 and stdout == ""
        assert one_error_line(stderr) == message
    assert guidelines(unreleased.path) == before


def test_import_needs_a_known_author(
    unreleased: Setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps(HF_RECIPE), encoding="utf-8")
    before = guidelines(unreleased.path)
    code, stdout, stderr = run(
        capsys,
        "import",
        "--format",
        "hf-cai",
        str(recipe),
        "--author",
        "9999",
        "--db",
        str(unreleased.path),
    )
    assert code != 0 and stdout == ""
    assert one_error_line(stderr) == "error: no stakeholder #9999"
    code, _, stderr = run(
        capsys, "import", "--format", "hf-cai", str(recipe), "--db", str(unreleased.path)
    )
    assert code == 2 and "--author" in one_error_line(stderr)
    assert guidelines(unreleased.path) == before


def test_import_refuses_a_suspended_author(
    unreleased: Setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(unreleased.path)
    try:
        charter = Charter(db, Settings(db=unreleased.path))
        steward = charter.people.stakeholder(unreleased.steward)
        charter.people.set_account_status(
            steward, unreleased.author, AccountStatus.SUSPENDED, "posting spam"
        )
    finally:
        db.close()
    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps(HF_RECIPE), encoding="utf-8")
    before = guidelines(unreleased.path)
    code, stdout, stderr = run(
        capsys,
        "import",
        "--format",
        "hf-cai",
        str(recipe),
        "--author",
        str(unreleased.author),
        "--db",
        str(unreleased.path),
    )
    assert code == 1 and stdout == ""
    assert one_error_line(stderr) == (
        f"error: author: Au Thor (#{unreleased.author}) is suspended;"
        " credit the drafts to an active account"
    )
    assert guidelines(unreleased.path) == before


def test_import_langchain_builtin(unreleased: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    before = guidelines(unreleased.path)
    code, stdout, stderr = run(
        capsys,
        "import",
        "--format",
        "langchain-builtin",
        "--author",
        str(unreleased.author),
        "--db",
        str(unreleased.path),
    )
    assert code == 0, stderr
    ids = stdout.splitlines()
    assert len(ids) == 54 and ids[0] == "G-0003" and ids[-1] == "G-0056"
    assert stderr.strip() == "54 draft guidelines created"
    after = guidelines(unreleased.path)
    assert len(after) == len(before) + 54
    assert {status for _, status, _ in after[len(before) :]} == {"draft"}


# -- bench -----------------------------------------------------------------------------------


def test_bench_constitution_prints_one_json_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, stderr = run(capsys, "bench", "constitution", "--guidelines", "50")
    assert code == 0, stderr
    (line,) = stdout.splitlines()
    figures = json.loads(line)
    assert figures["guidelines"] == 50
    assert isinstance(figures["compile_ms"], int | float) and figures["compile_ms"] >= 0
    assert set(figures["export_ms"]) == set(exports.EXPORTERS)
    assert all(isinstance(ms, int | float) and ms >= 0 for ms in figures["export_ms"].values())
    assert figures["total_ms"] >= figures["compile_ms"]
