"""A throwaway PostgreSQL server for the tests: its own cluster in a temporary folder.

Debian's PostgreSQL keeps ``initdb`` and ``pg_ctl`` in a versioned folder, off PATH, and both
refuse to run as root: as root they run as the ``postgres`` user (``runuser``), in a folder
that user owns. The cluster trusts local connections, skips fsync (nothing here must
survive a crash of the machine) and listens on loopback only.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

#: Where Debian puts the server's programs, newest version last once sorted.
_BIN_GLOB = "/usr/lib/postgresql/*/bin"
USER = "charter"
_copies = itertools.count(1)


def server_bin() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl``, or None if PostgreSQL is not installed."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob(_BIN_GLOB), key=lambda p: int(Path(p).parent.name))
    for folder in reversed(versions):
        if (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running cluster: connect as ``USER`` to ``127.0.0.1:port``."""

    folder: Path
    port: int
    bin: Path

    def url(self, database: str = "postgres") -> str:
        """A URL for ``database`` on this server."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    @contextmanager
    def copy_of(self, template: str) -> Iterator[str]:
        """A new database copied from ``template``, dropped afterwards; yields its URL."""
        name = f"charter_copy_{next(_copies)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        try:
            yield self.url(name)
        finally:
            with psycopg.connect(self.url(), autocommit=True) as conn:
                conn.execute(f"DROP DATABASE {name} WITH (FORCE)")

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        _run(self.bin, ["pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop"])
        shutil.rmtree(self.folder, ignore_errors=True)


def _run(bin_folder: Path, argv: list[str]) -> None:
    command = [str(bin_folder / argv[0]), *argv[1:]]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


def start(*, durable: bool = False) -> Server:
    """Start a new cluster on a free port.

    Args:
        durable: Keep PostgreSQL's default durability (fsync, synchronous commit), as a
            benchmark should; the tests skip it.

    Raises:
        RuntimeError: PostgreSQL is not installed, or the server would not start (the
            message has its output).
    """
    bin_folder = server_bin()
    if bin_folder is None:
        raise RuntimeError("PostgreSQL is not installed (no pg_ctl on PATH or in /usr/lib)")
    folder = Path(tempfile.mkdtemp(prefix="charter-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    folder.chmod(0o755)
    port = _free_port()
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder}"
    options += " -c max_connections=200 -c shared_buffers=128MB"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    try:
        _run(
            bin_folder,
            [
                "initdb",
                "-D",
                str(folder / "data"),
                "-A",
                "trust",
                "-U",
                USER,
                "--no-sync",
                "-E",
                "UTF8",
            ],
        )
        _run(
            bin_folder,
            [
                "pg_ctl",
                "-D",
                str(folder / "data"),
                "-l",
                str(folder / "log"),
                "-o",
                options,
                "-w",
                "start",
            ],
        )
    except subprocess.CalledProcessError as exc:
        log = (folder / "log").read_text() if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr}{exc.stdout}{log}") from exc
    return Server(folder=folder, port=port, bin=bin_folder)
