"""What every query class shares: one cursor and four ways to run a statement."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from governance.storage.cursors import Cursor


def placeholders(values: Sequence[object]) -> str:
    """``?, ?, ?`` for an ``IN (...)`` list of ``values``."""
    return ", ".join("?" for _ in values)


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with ``%`` and ``_`` taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


#: Most parameters one statement may carry (PostgreSQL allows 65,535).
MAX_PARAMETERS = 30_000
#: From this many rows ``_bulk`` loads them as a data frame.
BULK_MIN = 200


class Queries:
    """Statements over one cursor; the caller owns the transaction."""

    def __init__(self, cursor: Cursor) -> None:
        """Wrap ``cursor``."""
        self.cursor = cursor

    def _all(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self.cursor.execute(sql, list(params)).fetchall()

    def _one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None:
        return self.cursor.execute(sql, list(params)).fetchone()

    def _many(self, sql: str, rows: Sequence[Sequence[object]]) -> int:
        """Run an ``INSERT ... VALUES (?, ...) [suffix]`` for every row; the rows written.

        As multi-row inserts of a few hundred rows each: DuckDB's ``executemany`` runs one
        statement per row, several milliseconds each, and PostgreSQL's one round trip and
        one execution per row cost more than reading a longer statement once.
        """
        head, group, suffix = _values_group(sql)
        width = group.count("?")
        per_statement = max(1, min(500, MAX_PARAMETERS // max(1, width)))
        wrote = 0
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = ", ".join([group] * len(chunk))
            params = [value for row in chunk for value in row]
            wrote += int(self._all(f"{head} VALUES {values}{suffix}", params)[0][0])
        return wrote

    def _bulk(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        """Insert many rows into ``table``'s ``columns`` at once.

        The engine loads them in one go (DuckDB scans a data frame, PostgreSQL copies),
        several times faster than binding each value of a multi-row ``VALUES``; fewer than
        ``BULK_MIN`` rows go through ``_many``.
        """
        if len(rows) < BULK_MIN:
            names = ", ".join(columns)
            marks = ", ".join("?" for _ in columns)
            self._many(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            return
        import pandas as pd

        # Object columns keep None as NULL (a float column would turn it into NaN).
        frame = pd.DataFrame(
            {
                name: pd.Series([row[i] for row in rows], dtype=object)
                for i, name in enumerate(columns)
            }
        )
        self.cursor.load(table, columns, frame)

    def _scalar(self, sql: str, params: Sequence[object] = ()) -> Any:
        row = self._one(sql, params)
        return None if row is None else row[0]


@lru_cache(maxsize=256)
def _values_group(sql: str) -> tuple[str, str, str]:
    """``INSERT ... VALUES (a, f(b)) suffix`` as its head, its row ``(a, f(b))`` and suffix.

    Cached: the same few inserts come with every batch, and the walk is char by char.
    """
    head, _, rest = sql.partition(" VALUES ")
    depth = 0
    for end, char in enumerate(rest):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and char == ")":
            return head, rest[: end + 1].strip(), rest[end + 1 :]
    raise ValueError(f"not an INSERT ... VALUES (...): {sql[:80]!r}")
