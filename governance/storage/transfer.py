"""Moving a deployment between engines: every table, every id, every sequence, then checks.

``copy_store`` reads the source in one snapshot and loads each table into an empty target in
batches (DuckDB scans them as frames, PostgreSQL copies them), in one transaction: the
target has everything or nothing. It then sets each sequence where the source's was, so the
next id is the one the source would have given, and checks that every table has as many
rows on both sides and that every release's stored text still has its content hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from governance.constitution.model import Constitution
from governance.errors import ValidationFailed
from governance.storage.database import Database
from governance.storage.tx import Tx

#: Rows read and loaded at a time.
BATCH_ROWS = 50_000
#: Tables the target's own migrations fill: not copied, compared.
SCHEMA_TABLES = ("schema_migrations",)


@dataclass(frozen=True)
class TransferReport:
    """What ``copy_store`` copied and checked."""

    rows: dict[str, int]
    """Rows per table, the same on both sides."""
    sequences: dict[str, int]
    """Each sequence's next value, the same on both sides."""
    releases: dict[str, str] = field(default_factory=dict)
    """Each release's version and content hash, checked on the target."""

    @property
    def total(self) -> int:
        """Rows copied in all."""
        return sum(self.rows.values())


def columns_of(tx: Tx) -> dict[str, list[str]]:
    """Every table of the schema and its columns, in their order."""
    rows = tx.cursor.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    ).fetchall()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(str(table), []).append(str(column))
    return tables


def row_counts(db: Database) -> dict[str, int]:
    """Rows in every table, in one snapshot."""
    with db.read() as tx:
        return {
            table: int(tx.cursor.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
            for table in columns_of(tx)
        }


def copy_store(source: Database, target: Database) -> TransferReport:
    """Copy everything in ``source`` into the empty ``target``, then check the copy.

    Both are at the same schema (opening a database migrates it). Nothing in ``source``
    changes.

    Raises:
        ValidationFailed: The target already holds data, or the two schemas differ, or the
            copy does not match (then nothing was written).
    """
    with source.read() as tx:
        tables = columns_of(tx)
    with target.read() as tx:
        theirs = columns_of(tx)
    if theirs != tables:
        differ = sorted(set(tables) ^ set(theirs)) or sorted(
            t for t in tables if tables[t] != theirs.get(t)
        )
        raise ValidationFailed(
            {"--to": f"its schema differs from the source's ({', '.join(differ[:5])})"}
        )
    held = {t: n for t, n in row_counts(target).items() if n and t not in SCHEMA_TABLES}
    if held:
        listed = ", ".join(f"{t} ({n:,})" for t, n in sorted(held.items())[:5])
        raise ValidationFailed(
            {"--to": f"already holds data: {listed}; migrate-store copies into an empty database"}
        )
    copied: dict[str, int] = {}
    with source.read() as src, target.transaction() as dst:
        for table, columns in tables.items():
            if table in SCHEMA_TABLES:
                continue
            copied[table] = _copy_table(src, dst, table, columns)
        sequences = source.next_values(src)
        target.set_next_values(dst, sequences)
    counts = {t: n for t, n in row_counts(target).items() if t not in SCHEMA_TABLES}
    mismatched = {t: (copied.get(t), n) for t, n in counts.items() if copied.get(t) != n}
    if mismatched:
        raise ValidationFailed({"--to": f"row counts differ after the copy: {mismatched}"})
    with target.read() as tx:
        landed = target.next_values(tx)
        releases = _checked_releases(tx)
    if landed != sequences:
        raise ValidationFailed(
            {"--to": f"sequences differ after the copy: {landed} != {sequences}"}
        )
    return TransferReport(rows=copied, sequences=sequences, releases=releases)


def _copy_table(src: Tx, dst: Tx, table: str, columns: list[str]) -> int:
    names = ", ".join(columns)
    order = ", ".join(str(i + 1) for i in range(len(columns)))
    cursor = src.cursor.execute(f"SELECT {names} FROM {table} ORDER BY {order}")
    total = 0
    while True:
        rows = cursor.fetchmany(BATCH_ROWS)
        if not rows:
            return total
        # Object columns: every value arrives as the engine gave it (None stays NULL).
        frame = pd.DataFrame(
            {
                name: pd.Series([row[i] for row in rows], dtype=object)
                for i, name in enumerate(columns)
            }
        )
        dst.cursor.load(table, columns, frame)
        total += len(rows)


def _checked_releases(tx: Tx) -> dict[str, str]:
    """Every release's version and hash, after checking its text still hashes to it."""
    checked: dict[str, str] = {}
    for row in tx.constitution.releases():
        said = Constitution.model_validate_json(row.body)
        if said.with_hash().content_hash != row.content_hash:
            raise ValidationFailed(
                {"--to": f"release {row.version}'s text no longer matches its hash"}
            )
        checked[row.version] = row.content_hash
    return checked
