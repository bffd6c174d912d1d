"""The cursor every query class runs its SQL on, one implementation per engine.

Query classes write SQL once, with ``?`` placeholders, in the subset DuckDB and PostgreSQL
both run. What differs between the two lives here: how parameters are marked, what a
statement without result rows returns, how a result becomes a data frame, how many rows
are loaded at once, and how rows, tables and names are locked against other processes (on
DuckDB, one process writes at a time, so not at all).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

if TYPE_CHECKING:
    import duckdb
    import psycopg

Row = tuple[Any, ...]


class Cursor(Protocol):
    """What query classes call: run a statement, then read its rows or its frame."""

    def execute(self, sql: str, params: Sequence[object] = ()) -> Cursor:
        """Run ``sql`` with ``params`` bound to its ``?`` marks."""
        ...

    def fetchall(self) -> list[Row]:
        """Every row of the last statement; a write without rows gives ``[(count,)]``."""
        ...

    def fetchone(self) -> Row | None:
        """The next row of the last statement, or None."""
        ...

    def fetchmany(self, size: int) -> list[Row]:
        """Up to ``size`` more rows of the last statement (none left: empty)."""
        ...

    def df(self) -> pd.DataFrame:
        """The last statement's rows as a data frame, typed the same on either engine."""
        ...

    def load(self, table: str, columns: Sequence[str], frame: pd.DataFrame) -> None:
        """Append ``frame``'s rows to ``table``'s ``columns`` in one go."""
        ...

    def locking(self, alias: str | None = None, mode: str = "update", *, skip: bool = False) -> str:
        """The end of a SELECT in a write transaction that locks the rows it reads.

        ``mode`` ``update`` keeps other processes from changing them (or locking them at
        all) until this transaction ends; ``share`` only from changing them. With ``skip``,
        rows another process holds are left out instead of waited for. Empty where one
        process writes at a time, and in read snapshots.
        """
        ...

    def lock_table(self, table: str) -> None:
        """Until the transaction ends, keep other processes from writing ``table``.

        They may still read it. Nothing where one process writes at a time.
        """
        ...

    def hold(self, name: str) -> None:
        """Until the transaction ends, be the only process holding ``name``.

        Other processes wait for it; nothing where one process writes at a time.
        """
        ...

    def skip_existing(self, key: str) -> str:
        """The end of an ``INSERT`` that leaves out rows whose ``key`` columns are stored.

        How many rows went in then tells whether another process wrote one first. Empty
        where one process writes at a time: the writer has read what is stored in its own
        transaction, and DuckDB's conflict check costs more than the insert (about 45 ms
        per batch of ballots at 10M stored, against a few without it).
        """
        ...

    def snapshot(self) -> None:
        """Read one snapshot for the whole transaction; must be its first statement.

        Rows other processes commit meanwhile stay unseen, even by an update or a delete,
        and a row they changed that this transaction then changes too fails it (a
        ``Conflict``). DuckDB's transactions always read one snapshot.
        """
        ...


class DuckCursor:
    """A DuckDB cursor (each is its own connection to the one database)."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """Wrap ``cursor``."""
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[object] = ()) -> DuckCursor:
        """Run ``sql``; DuckDB takes ``?`` marks as they are."""
        self._cursor.execute(sql, list(params))
        return self

    def fetchall(self) -> list[Row]:
        """Every row (a write reports its count as one row)."""
        return self._cursor.fetchall()

    def fetchone(self) -> Row | None:
        """The next row, or None."""
        return self._cursor.fetchone()

    def fetchmany(self, size: int) -> list[Row]:
        """Up to ``size`` more rows."""
        return self._cursor.fetchmany(size)

    def df(self) -> pd.DataFrame:
        """The rows as a data frame (DuckDB's own conversion)."""
        return self._cursor.df()

    def load(self, table: str, columns: Sequence[str], frame: pd.DataFrame) -> None:
        """Scan ``frame`` as a table: several times faster than binding each value."""
        view = f"_incoming_{table}"
        self._cursor.register(view, frame)
        try:
            names = ", ".join(columns)
            self._cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {view}")
        finally:
            self._cursor.unregister(view)

    def locking(self, alias: str | None = None, mode: str = "update", *, skip: bool = False) -> str:
        """Nothing: one process opens the file, and its writes are serialized."""
        return ""

    def lock_table(self, table: str) -> None:
        """Nothing: one process opens the file, and its writes are serialized."""
        return None

    def hold(self, name: str) -> None:
        """Nothing: one process opens the file, and its writes are serialized."""
        return None

    def skip_existing(self, key: str) -> str:
        """Nothing: one process opens the file, and its writes are serialized."""
        return ""

    def snapshot(self) -> None:
        """Nothing: a DuckDB transaction reads one snapshot throughout."""
        return None


#: A quoted string or identifier (left as it is), or a ``?`` mark.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?")


@lru_cache(maxsize=4096)
def to_numbered(sql: str) -> str:
    """``sql`` with its ``?`` marks numbered as PostgreSQL's own: ``$1``, ``$2``...

    Marks inside quoted strings are text, not parameters, and are left alone. The text goes
    to the server as it is (psycopg's ``RawCursor``): psycopg's ``%s`` marks cost a parse
    of the whole text in Python for every statement longer than it caches, as a batch's
    multi-row inserts are, about a fifth of a replica's CPU per ballot.
    """
    count = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        token = match.group(0)
        if token != "?":
            return token
        count += 1
        return f"${count}"

    return _TOKENS.sub(swap, sql)


# PostgreSQL type oids a frame converts (pg_type): numbers, days and times.
_NUMERIC, _DATE, _TIMESTAMPTZ, _TIMESTAMP = 1700, 1082, 1184, 1114


class PgCursor:
    """A psycopg ``RawCursor`` on the connection of one transaction."""

    def __init__(self, cursor: psycopg.RawCursor[Row], *, writes: bool) -> None:
        """Wrap ``cursor``, of a write transaction or of a read snapshot."""
        self._cursor = cursor
        self.writes = writes

    def execute(self, sql: str, params: Sequence[object] = ()) -> PgCursor:
        """Run ``sql`` with its ``?`` marks numbered."""
        if params:
            self._cursor.execute(to_numbered(sql), list(params))
        else:
            self._cursor.execute(sql)
        return self

    def fetchall(self) -> list[Row]:
        """Every row; a write without ``RETURNING`` gives ``[(count,)]``, as DuckDB does."""
        numeric = self._numeric()
        if numeric is None:
            return [(self._cursor.rowcount,)]
        rows = self._cursor.fetchall()
        return [_plain(row, numeric) for row in rows] if numeric else rows

    def fetchone(self) -> Row | None:
        """The next row, or None (a write gives its count, as DuckDB does)."""
        numeric = self._numeric()
        if numeric is None:
            return (self._cursor.rowcount,)
        row = self._cursor.fetchone()
        return None if row is None else _plain(row, numeric)

    def fetchmany(self, size: int) -> list[Row]:
        """Up to ``size`` more rows."""
        numeric = self._numeric() or ()
        return [_plain(row, numeric) for row in self._cursor.fetchmany(size)]

    def _numeric(self) -> tuple[int, ...] | None:
        """The NUMERIC columns of the last result; None when it has no columns (a write).

        Read from the result itself: ``description`` builds a column object each time.
        """
        result = self._cursor.pgresult
        if result is None or result.nfields == 0:
            return None
        return tuple(i for i in range(result.nfields) if result.ftype(i) == _NUMERIC)

    def df(self) -> pd.DataFrame:
        """The rows as a data frame typed as DuckDB types it.

        Sums (NUMERIC here, HUGEINT there) are floats, days and times are datetime64
        columns (times in UTC), so the charts and their CSV files are the same on both.
        """
        description = self._cursor.description or []
        rows = self._cursor.fetchall()
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(description)
        data = {}
        # By position: unnamed expressions share names (``sum``), and callers rename them.
        for i, (column, values) in enumerate(zip(description, columns, strict=True)):
            data[i] = _typed(column.type_code, list(values))
        frame = pd.DataFrame(data)
        frame.columns = [column.name for column in description]
        return frame

    def load(self, table: str, columns: Sequence[str], frame: pd.DataFrame) -> None:
        """``COPY`` the rows in: PostgreSQL's fastest way to load many."""
        names = ", ".join(columns)
        with self._cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in frame.itertuples(index=False, name=None):
                copy.write_row([None if _missing(v) else v for v in row])

    def locking(self, alias: str | None = None, mode: str = "update", *, skip: bool = False) -> str:
        """Row locks, in write transactions (a read snapshot locks nothing)."""
        if not self.writes:
            return ""
        if mode not in ("update", "share") or (alias is not None and not alias.isidentifier()):
            raise ValueError(f"bad lock {mode!r} of {alias!r}")
        return (
            f" FOR {mode.upper()}{f' OF {alias}' if alias else ''}{' SKIP LOCKED' if skip else ''}"
        )

    def lock_table(self, table: str) -> None:
        """``LOCK TABLE ... IN EXCLUSIVE MODE``: writers wait, readers do not."""
        if not table.isidentifier():
            raise ValueError(f"bad table name {table!r}")
        self.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")

    def hold(self, name: str) -> None:
        """A transaction-scoped advisory lock on ``name``'s hash."""
        self.execute("SELECT pg_advisory_xact_lock(hashtext(?))", [name]).fetchall()

    def skip_existing(self, key: str) -> str:
        """``ON CONFLICT (key) DO NOTHING``."""
        if not all(name.strip().isidentifier() for name in key.split(",")):
            raise ValueError(f"bad key {key!r}")
        return f" ON CONFLICT ({key}) DO NOTHING"

    def snapshot(self) -> None:
        """``REPEATABLE READ`` for the rest of the transaction."""
        self.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def _typed(oid: int, values: list[object]) -> pd.Series:
    """A column as DuckDB's ``df()`` types it."""
    if oid == _NUMERIC:
        return pd.Series(values, dtype="object").astype("float64")
    if oid in (_DATE, _TIMESTAMP):
        return pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[us]")
    if oid == _TIMESTAMPTZ:
        return pd.Series(
            pd.to_datetime(pd.Series(values, dtype="object"), utc=True), dtype="datetime64[us, UTC]"
        )
    return pd.Series(values)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _plain(row: Row, numeric: tuple[int, ...]) -> Row:
    """A row with PostgreSQL's NUMERIC sums (at ``numeric``) as ints or floats, as DuckDB."""
    if not numeric:
        return row
    values = list(row)
    for i in numeric:
        if isinstance(values[i], Decimal):
            values[i] = _number(values[i])
    return tuple(values)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
