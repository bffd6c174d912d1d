"""The DuckDB database: one file, one process, a cursor per thread, serialized writes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from governance.errors import ConfigurationError, DatabaseBusy
from governance.storage.cursors import DuckCursor
from governance.storage.database import Database, Tracked
from governance.storage.tx import Tx


class DuckDatabase(Database):
    """Owns the DuckDB connection for one database file.

    DuckDB lets one process open a file; inside it, each thread gets its own cursor. Writes
    are serialized by a lock, so two use cases never conflict on a row; reads run beside
    them on their own snapshot.
    """

    def __init__(self, path: Path | str, *, migrate_schema: bool = True) -> None:
        """Open (creating if needed) the database file and bring its schema up to date.

        Raises:
            DatabaseBusy: Another process holds the file.
            ConfigurationError: The path is a directory.
        """
        super().__init__()
        self.path = Path(path)
        self.location = str(self.path)
        if self.path.is_dir():
            raise ConfigurationError(
                f"{self.path} is a directory, not a database file;"
                f" name a file such as {self.path / 'charter.duckdb'}"
            )
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = duckdb.connect(str(self.path))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise DatabaseBusy(
                    f"{self.path} is in use by another process (is the app running?);"
                    " stop it and try again"
                ) from exc
            raise
        self._conn.execute("SET GLOBAL TimeZone = 'UTC'")
        self._write_lock = threading.Lock()
        self._cursor_lock = threading.Lock()
        self._local = threading.local()
        if migrate_schema:
            self._migrate()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cursor is None:
            with self._cursor_lock:
                cursor = self._conn.cursor()
            self._local.cursor = cursor
        return cursor

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A write transaction: everything inside commits together or not at all."""
        with self._write_lock:
            cursor = self._cursor()
            written: set[str] = set()
            cursor.execute("BEGIN TRANSACTION")
            try:
                yield Tx(Tracked(DuckCursor(cursor), written))
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
            self._wrote(written)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only snapshot: several queries see the same state, without blocking writers."""
        cursor = self._cursor()
        cursor.execute("BEGIN TRANSACTION")
        try:
            yield Tx(DuckCursor(cursor))
        finally:
            cursor.execute("ROLLBACK")

    def next_values(self, tx: Tx) -> dict[str, int]:
        """Each sequence's next value (``duckdb_sequences()``)."""
        rows = tx.cursor.execute(
            "SELECT sequence_name, start_value, last_value FROM duckdb_sequences()"
            " WHERE schema_name = current_schema() AND NOT temporary ORDER BY 1"
        ).fetchall()
        return {str(name): int(start if last is None else last + 1) for name, start, last in rows}

    def set_next_values(self, tx: Tx, values: dict[str, int]) -> None:
        """DuckDB cannot move a sequence: each is made again, starting at its next value."""
        for name, value in sorted(values.items()):
            if not name.isidentifier():
                raise ValueError(f"bad sequence name {name!r}")
            tx.cursor.execute(f"DROP SEQUENCE {name}")
            tx.cursor.execute(f"CREATE SEQUENCE {name} START {int(value)}")

    def checkpoint(self) -> None:
        """Write the WAL into the database file."""
        with self._write_lock:
            self._cursor().execute("CHECKPOINT")

    def close(self) -> None:
        """Close the connection; the object is unusable afterwards."""
        self._conn.close()
