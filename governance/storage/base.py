"""What every query class shares: one cursor and four ways to run a statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb


def placeholders(values: Sequence[object]) -> str:
    """``?, ?, ?`` for an ``IN (...)`` list of ``values``."""
    return ", ".join("?" for _ in values)


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with ``%`` and ``_`` taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Queries:
    """Statements over one cursor; the caller owns the transaction."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """Wrap ``cursor``."""
        self.cursor = cursor

    def _all(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self.cursor.execute(sql, list(params)).fetchall()

    def _one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None:
        return self.cursor.execute(sql, list(params)).fetchone()

    def _many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        self.cursor.executemany(sql, [list(row) for row in rows])

    def _scalar(self, sql: str, params: Sequence[object] = ()) -> Any:
        row = self._one(sql, params)
        return None if row is None else row[0]
