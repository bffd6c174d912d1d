"""The PostgreSQL database: a pool of connections, each transaction on one of them.

Chosen with ``CHARTER_DB=postgresql://user@host:port/name`` (or ``--db`` with the same URL).
Every connection works in UTC, so days cut at the same midnight as on DuckDB.

Several processes may share the database. Each write transaction announces the tables it
wrote (``NOTIFY``, delivered when it commits), and every process listens, so the data
versions caches rely on move with every process's writes, a few milliseconds later.
"""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

from governance.errors import ConfigurationError, Conflict
from governance.storage.cursors import PgCursor
from governance.storage.database import EVERY_TABLE, Database, Tracked
from governance.storage.tx import Tx

#: Connections kept open at most: one per thread working at once (sessions, the cache, jobs).
POOL_SIZE = 16
#: Seconds to wait for the server, or for a free connection.
CONNECT_TIMEOUT_S = 10
#: The advisory lock taken while the schema migrates (any number; the same on every replica).
MIGRATION_LOCK = 7_420_001
#: What PostgreSQL raises when two transactions collide: one of them must start again. (A
#: unique key two processes both took, say the next review of one verdict, is a collision
#: too: in one process the write lock keeps it from happening.)
_CONFLICTS = (
    psycopg.errors.SerializationFailure,
    psycopg.errors.DeadlockDetected,
    psycopg.errors.UniqueViolation,
)
#: Indexes PostgreSQL needs and DuckDB does not, by name. DuckDB scans a column of millions
#: of rows in milliseconds and would pay for an index on every ballot's event; PostgreSQL
#: reads row by row: at 10M events, a guideline's history (0.7 s) and the dashboard's recent
#: activity (0.8 s) each read the whole log without these (2 ms and 9-19 ms with them). An
#: index on the time alone made the activity slower (1.4-1.7 s): read backwards, it steps
#: over every ballot's event since the last proposal or comment.
ENGINE_INDEXES = {
    "events_by_subject": "CREATE INDEX events_by_subject ON events (subject, occurred_at, id)",
    "events_by_action": "CREATE INDEX events_by_action ON events (action, occurred_at, id)",
}
#: The channel on which write transactions name the tables they wrote.
WRITES_CHANNEL = "charter_writes"
#: Seconds between two looks at whether the listener should stop, and before a reconnect.
LISTEN_POLL_S = 0.5


def shown(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(unreadable URL)"
    host, port = str(parts.get("host", "")), str(parts.get("port", ""))
    user, name = str(parts.get("user", "")), str(parts.get("dbname", ""))
    where = f"{host}:{port}" if port else str(host)
    return f"postgresql://{user + '@' if user else ''}{where}/{name}"


class PostgresDatabase(Database):
    """A PostgreSQL database shared by any number of processes.

    Each transaction or snapshot borrows a pooled connection for its duration. Within this
    process, writes are serialized by a lock as on DuckDB.
    """

    shared = True

    def __init__(self, url: str, *, migrate_schema: bool = True) -> None:
        """Connect to ``url`` and bring its schema up to date.

        Raises:
            ConfigurationError: The URL cannot be read, or the server does not answer.
        """
        super().__init__()
        self.url = url
        self.location = shown(url)
        try:
            conninfo = make_conninfo(url, options="-c TimeZone=UTC")
        except psycopg.ProgrammingError as exc:
            raise ConfigurationError(f"{self.location}: {exc}") from exc
        self._pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=POOL_SIZE,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S},
            timeout=CONNECT_TIMEOUT_S,
            open=False,
            name="charter",
        )
        try:
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        except PoolTimeout as exc:
            self._pool.close()
            raise ConfigurationError(
                f"cannot connect to {self.location} within {CONNECT_TIMEOUT_S} s;"
                " is the server running, and are the user, password and database right?"
            ) from exc
        self._write_lock = threading.Lock()
        self._conninfo = conninfo
        # Who this process is on the channel: its own writes are counted when they commit.
        self._sender = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._closing = threading.Event()
        self._listening = threading.Event()
        self._listener = threading.Thread(
            target=self._listen, name="charter-writes-listener", daemon=True
        )
        self._listener.start()
        self._listening.wait(CONNECT_TIMEOUT_S)
        if migrate_schema:
            self._migrate()

    def _listen(self) -> None:
        """Count the writes other processes commit (their ``NOTIFY`` on ``WRITES_CHANNEL``)."""
        while not self._closing.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {WRITES_CHANNEL}")
                    # Anything may have been written while nobody listened.
                    self._wrote([EVERY_TABLE])
                    self._listening.set()
                    while not self._closing.is_set():
                        for note in conn.notifies(timeout=LISTEN_POLL_S):
                            if self._closing.is_set():
                                break
                            sender, _, tables = note.payload.partition(" ")
                            if sender != self._sender:
                                self._wrote(tables.split(","))
            except psycopg.Error:
                self._closing.wait(LISTEN_POLL_S)

    def _hold_schema(self, tx: Tx) -> None:
        # Replicas starting together: one migrates, the others then find it done.
        tx.cursor.execute("SELECT pg_advisory_xact_lock(?)", [MIGRATION_LOCK]).fetchall()

    def _add_engine_indexes(self, tx: Tx) -> None:
        # Only those missing: a statement that changes the schema counts as a write to
        # every table, and would empty every replica's caches at each start.
        present = {
            str(r[0])
            for r in tx.cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            ).fetchall()
        }
        for name, statement in ENGINE_INDEXES.items():
            if name not in present:
                tx.cursor.execute(statement)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A write transaction: everything inside commits together or not at all."""
        with self._write_lock, self._pool.connection() as conn:
            written: set[str] = set()
            conn.execute("BEGIN")
            try:
                try:
                    yield Tx(Tracked(PgCursor(psycopg.RawCursor(conn), writes=True), written))
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                try:
                    # One round trip for both. The note is delivered to the other processes
                    # when (and only if) this commits.
                    with conn.pipeline():
                        if written:
                            conn.execute(
                                "SELECT pg_notify(%s, %s)",
                                [WRITES_CHANNEL, f"{self._sender} {','.join(sorted(written))}"],
                            )
                        conn.execute("COMMIT")
                except BaseException:
                    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                        conn.execute("ROLLBACK")
                    raise
            except _CONFLICTS as exc:
                raise Conflict(
                    "someone else changed this at the same moment; nothing was stored, try again"
                ) from exc
            self._wrote(written)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only snapshot: several queries see the same state, without blocking writers."""
        with self._pool.connection() as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield Tx(PgCursor(psycopg.RawCursor(conn), writes=False))
            finally:
                conn.execute("ROLLBACK")

    def analyze(self) -> None:
        """``ANALYZE`` every table."""
        with self._pool.connection() as conn:
            conn.execute("ANALYZE")

    def next_values(self, tx: Tx) -> dict[str, int]:
        """Each sequence's next value (``pg_sequences``)."""
        return {
            name: start if last is None else int(last) + 1
            for name, start, last in self._sequences(tx)
        }

    def set_next_values(self, tx: Tx, values: dict[str, int]) -> None:
        """``setval`` each to the value before, so that its next ``nextval`` gives the value.

        (A sequence never used keeps its start: ``pg_sequences`` shows no last value then.)
        """
        starts = {name: start for name, start, _ in self._sequences(tx)}
        for name, value in sorted(values.items()):
            if int(value) > starts.get(name, 1):
                tx.cursor.execute("SELECT setval(?, ?, true)", [name, int(value) - 1]).fetchall()

    def _sequences(self, tx: Tx) -> list[tuple[str, int, int | None]]:
        rows = tx.cursor.execute(
            "SELECT sequencename, start_value, last_value FROM pg_sequences"
            " WHERE schemaname = current_schema() ORDER BY 1"
        ).fetchall()
        return [(str(name), int(start), last) for name, start, last in rows]

    def close(self) -> None:
        """Close every pooled connection and stop listening; the object is unusable afterwards."""
        self._closing.set()
        with contextlib.suppress(psycopg.Error), self._pool.connection() as conn:
            conn.execute("SELECT pg_notify(%s, %s)", [WRITES_CHANNEL, self._sender])  # wake it
        self._listener.join(timeout=2 * LISTEN_POLL_S + 1)
        self._pool.close()
