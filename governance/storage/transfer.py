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
from pydantic import ValidationError as PydanticValidationError

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
    unreadable: tuple[str, ...] = ()
    """Releases whose stored text is not a constitution this Charter reads (a benchmark's
    synthetic ones): copied and compared byte for byte, not hashed again."""

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
    changes. Everything is checked before the target's transaction commits, so a copy that
    does not match leaves the target's tables empty (on PostgreSQL the sequences, which no
    transaction rolls back, keep the values set).

    Raises:
        ValidationFailed: The target already holds data, or the two schemas differ, or the
            copy does not match.
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
    # Checked inside the target's transaction: a copy that does not match is rolled back.
    with source.read() as src, target.transaction() as dst:
        for table, columns in tables.items():
            if table in SCHEMA_TABLES:
                continue
            copied[table] = _copy_table(src, dst, table, columns)
        sequences = source.next_values(src)
        target.set_next_values(dst, sequences)
        counts = {
            t: int(dst.cursor.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]) for t in copied
        }
        if counts != copied:
            wrong = {t: (copied[t], counts[t]) for t in copied if copied[t] != counts[t]}
            raise ValidationFailed({"--to": f"row counts differ after the copy: {wrong}"})
        landed = target.next_values(dst)
        if landed != sequences:
            raise ValidationFailed(
                {"--to": f"sequences differ after the copy: {landed} != {sequences}"}
            )
        releases, unreadable = _checked_releases(src, dst)
    target.analyze()
    return TransferReport(
        rows=copied, sequences=sequences, releases=releases, unreadable=unreadable
    )


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


def _checked_releases(src: Tx, dst: Tx) -> tuple[dict[str, str], tuple[str, ...]]:
    """Every release as the source has it, byte for byte, its text hashing to its hash.

    Returns:
        Each release's version and hash, and the versions whose text is not a constitution
        this Charter reads (compared byte for byte, not hashed again).
    """
    theirs, ours = src.constitution.releases(), dst.constitution.releases()
    if ours != theirs:
        raise ValidationFailed({"--to": "the releases differ from the source's after the copy"})
    checked: dict[str, str] = {}
    unreadable: list[str] = []
    for row in ours:
        try:
            said = Constitution.model_validate_json(row.body)
        except PydanticValidationError:
            unreadable.append(row.version)
        else:
            if said.with_hash().content_hash != row.content_hash:
                raise ValidationFailed(
                    {"--from": f"release {row.version}'s text no longer matches its hash"}
                )
        checked[row.version] = row.content_hash
    return checked, tuple(unreadable)
