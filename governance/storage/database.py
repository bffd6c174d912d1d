"""The DuckDB database: one connection per process, a cursor per thread, serialized writes."""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import duckdb

from governance.errors import ConfigurationError, DatabaseBusy
from governance.storage.migrations import migrate
from governance.storage.summaries import Summaries
from governance.storage.tx import Tx

#: The table a statement writes: INSERT INTO t, UPDATE t, DELETE FROM t. Schema statements
#: (CREATE, ALTER, DROP) count as writing every table.
_WRITES = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", re.IGNORECASE
)
_SCHEMA = re.compile(r"^\s*(?:CREATE|ALTER|DROP)\s", re.IGNORECASE)
EVERY_TABLE = "*"
#: ``busy()``: this many writes within ``BUSY_S`` seconds.
BUSY_WRITES = 8
BUSY_S = 1.0


class _Tracked:
    """A cursor that notes which tables its statements write; everything else passes through."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, written: set[str]) -> None:
        self._cursor = cursor
        self._written = written

    def execute(self, sql: str, params: object = None) -> duckdb.DuckDBPyConnection:
        match = _WRITES.match(sql)
        if match:
            self._written.add(match.group(1).lower())
        elif _SCHEMA.match(sql):
            self._written.add(EVERY_TABLE)
        if params is None:
            return self._cursor.execute(sql)
        return self._cursor.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


class Database:
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
        self.path = Path(path)
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
        # Data versions: a counter bumped by every committed write, and per table the value
        # it had when a transaction that wrote the table last committed (see ``versions``).
        self._version_lock = threading.Lock()
        self._counter = 0
        self._table_versions: dict[str, int] = {}
        self._recent_writes: deque[float] = deque(maxlen=BUSY_WRITES)
        if migrate_schema:
            with self.transaction() as tx:
                migrate(tx.cursor)
                Summaries(tx.cursor).fold()

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
                yield Tx(cast(duckdb.DuckDBPyConnection, _Tracked(cursor, written)))
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
            self._wrote(written)

    def _wrote(self, tables: Iterable[str]) -> None:
        tables = set(tables)
        if not tables:
            return
        with self._version_lock:
            self._counter += 1
            for table in tables:
                self._table_versions[table] = self._counter
            self._recent_writes.append(time.monotonic())

    def busy(self) -> bool:
        """Whether people are writing: ``BUSY_WRITES`` writes committed within ``BUSY_S``.

        One person's action is a write or two; a vote in full swing is dozens a second.
        """
        with self._version_lock:
            if len(self._recent_writes) < BUSY_WRITES:
                return False
            return time.monotonic() - self._recent_writes[0] < BUSY_S

    def versions(self, tables: Iterable[str]) -> tuple[int, ...]:
        """The data version of each table: it changes whenever a write to the table commits.

        Read the versions *before* opening the snapshot a result is computed from: the
        snapshot then holds at least every write they count, so a result stored under them
        is never older than they say. (This process's writes only: DuckDB lets one process
        open the file.)
        """
        with self._version_lock:
            every = self._table_versions.get(EVERY_TABLE, 0)
            return tuple(max(every, self._table_versions.get(t, 0)) for t in tables)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only snapshot: several queries see the same state, without blocking writers."""
        cursor = self._cursor()
        cursor.execute("BEGIN TRANSACTION")
        try:
            yield Tx(cursor)
        finally:
            cursor.execute("ROLLBACK")

    def bulk_insert(self, table: str, frame: Any) -> None:
        """Append a pandas DataFrame to ``table``, matching columns by name; for loaders."""
        columns = [str(c) for c in frame.columns]
        if not all(name.isidentifier() for name in [table, *columns]):
            raise ValueError(f"bad table or column name in {table!r} {columns!r}")
        listed = ", ".join(columns)
        with self.transaction() as tx:
            tx.cursor.register("_bulk_frame", frame)
            try:
                tx.cursor.execute(
                    f"INSERT INTO {table} ({listed}) SELECT {listed} FROM _bulk_frame"
                )
            finally:
                tx.cursor.unregister("_bulk_frame")

    def checkpoint(self) -> None:
        """Write the WAL into the database file."""
        with self._write_lock:
            self._cursor().execute("CHECKPOINT")

    def close(self) -> None:
        """Close the connection; the object is unusable afterwards."""
        self._conn.close()
