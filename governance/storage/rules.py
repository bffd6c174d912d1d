"""Queries about the governance rules: published versions, never changed."""

from __future__ import annotations

from governance.models import GovernanceRules, RulesRecord
from governance.storage.base import Queries


class RuleQueries(Queries):
    """Rules versions."""

    def insert_rules(self, record: RulesRecord) -> None:
        """Store a new rules version."""
        self._all(
            "INSERT INTO rules (version, body, created_at, created_by, reason)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                record.rules.version,
                record.rules.model_dump_json(),
                record.created_at,
                record.created_by,
                record.reason,
            ],
        )

    def rules_history(self, version: int | None = None) -> list[RulesRecord]:
        """Rules versions, newest first (or only ``version``)."""
        where, params = ("WHERE version = ?", [version]) if version is not None else ("", [])
        rows = self._all(
            f"SELECT body, created_at, created_by, reason FROM rules {where} ORDER BY version DESC",
            params,
        )
        return [
            RulesRecord(
                rules=GovernanceRules.model_validate_json(r[0]),
                created_at=r[1],
                created_by=r[2],
                reason=r[3],
            )
            for r in rows
        ]
