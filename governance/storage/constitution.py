"""Queries about the constitution: releases, principle edits and flag resolutions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from governance.ids import guideline_key, guideline_ref
from governance.storage.base import Queries
from governance.storage.summaries import Summaries


@dataclass(frozen=True)
class ReleaseRow:
    """One stored release."""

    version: str
    position: int
    content_hash: str
    body: str
    """The canonical JSON of the constitution."""
    notes: str
    released_by: int | None
    released_at: datetime
    rollback_of: str | None


@dataclass(frozen=True)
class Resolution:
    """A steward's resolution of a flag."""

    flag_key: str
    kind: str
    guideline_ids: tuple[str, ...]
    resolution: str
    chosen_id: str | None
    reason: str
    resolved_by: int
    resolved_at: datetime


_RELEASE_COLUMNS = (
    "version, position, content_hash, body, notes, released_by, released_at, rollback_of"
)


class ConstitutionQueries(Queries):
    """Releases and what a steward decided before them."""

    def draft_key(self) -> tuple[object, ...]:
        """A cheap key of everything the draft is compiled from; equal keys, equal drafts.

        Versions, decisions and resolutions are never changed once stored, so the approved
        guideline versions are named by (guideline, version, decision time); edits are
        replaced in place, so their content (the prompt by its md5) is part of the key.
        """
        row = self._one(
            """SELECT
                 (SELECT string_agg(CAST(g.id AS VARCHAR) || ':' || CAST(d.version AS VARCHAR)
                                    || ':' || CAST(d.decided_at AS VARCHAR), ','
                                    ORDER BY g.id, d.version)
                  FROM guidelines g
                  JOIN decisions d ON d.guideline_id = g.id AND d.outcome = 'approved'
                      AND d.version = (SELECT max(version) FROM decisions
                                       WHERE guideline_id = g.id AND outcome = 'approved')
                  WHERE g.status IN ('approved', 'adopted')),
                 (SELECT string_agg(CAST(guideline_id AS VARCHAR) || ':'
                                    || coalesce(CAST(priority AS VARCHAR), '-') || ':'
                                    || coalesce(md5(comparison_prompt), '-'), ','
                                    ORDER BY guideline_id)
                  FROM principle_edits),
                 (SELECT string_agg(flag_key, ',' ORDER BY flag_key) FROM flag_resolutions),
                 (SELECT max(position) FROM constitution_releases)"""
        )
        assert row is not None
        return tuple(row)

    def insert_release(self, row: ReleaseRow) -> None:
        """Store a release; releases are never updated."""
        self._all(
            f"INSERT INTO constitution_releases ({_RELEASE_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                row.version,
                row.position,
                row.content_hash,
                row.body,
                row.notes,
                row.released_by,
                row.released_at,
                row.rollback_of,
            ],
        )
        Summaries(self.cursor).release_stored(row.version, row.body)

    def releases(self, version: str | None = None) -> list[ReleaseRow]:
        """Releases, newest first (or the one with ``version``)."""
        where, params = ("WHERE version = ?", [version]) if version else ("", [])
        rows = self._all(
            f"SELECT {_RELEASE_COLUMNS} FROM constitution_releases {where} ORDER BY position DESC",
            params,
        )
        return [ReleaseRow(*r) for r in rows]

    def release_count(self) -> int:
        """How many releases exist."""
        return int(self._scalar("SELECT count(*) FROM constitution_releases"))

    def principle_edits(self) -> dict[str, tuple[str | None, int | None]]:
        """Steward edits by guideline id: (comparison prompt, priority)."""
        rows = self._all("SELECT guideline_id, comparison_prompt, priority FROM principle_edits")
        return {guideline_ref(r[0]): (r[1], r[2]) for r in rows}

    def set_principle_edit(
        self,
        guideline_id: str,
        comparison_prompt: str | None,
        priority: int | None,
        *,
        by: int,
        at: datetime,
    ) -> None:
        """Replace the edits of one principle (both None: back to the defaults)."""
        key = guideline_key(guideline_id)
        self._all("DELETE FROM principle_edits WHERE guideline_id = ?", [key])
        if comparison_prompt is not None or priority is not None:
            self._all(
                "INSERT INTO principle_edits (guideline_id, comparison_prompt, priority,"
                " updated_by, updated_at) VALUES (?, ?, ?, ?, ?)",
                [key, comparison_prompt, priority, by, at],
            )

    def insert_resolution(self, resolution: Resolution) -> None:
        """Record how a flag was resolved."""
        self._all(
            "INSERT INTO flag_resolutions (flag_key, kind, guideline_ids, resolution, chosen_id,"
            " reason, resolved_by, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                resolution.flag_key,
                resolution.kind,
                ",".join(resolution.guideline_ids),
                resolution.resolution,
                None if resolution.chosen_id is None else guideline_key(resolution.chosen_id),
                resolution.reason,
                resolution.resolved_by,
                resolution.resolved_at,
            ],
        )

    def resolutions(self, keys: Sequence[str] | None = None) -> list[Resolution]:
        """Flag resolutions, oldest first (all, or those with the given keys)."""
        rows = self._all(
            "SELECT flag_key, kind, guideline_ids, resolution, chosen_id, reason, resolved_by,"
            " resolved_at FROM flag_resolutions ORDER BY resolved_at, flag_key"
        )
        wanted = None if keys is None else set(keys)
        return [
            Resolution(
                flag_key=r[0],
                kind=r[1],
                guideline_ids=tuple(r[2].split(",")),
                resolution=r[3],
                chosen_id=None if r[4] is None else guideline_ref(r[4]),
                reason=r[5],
                resolved_by=r[6],
                resolved_at=r[7],
            )
            for r in rows
            if wanted is None or r[0] in wanted
        ]
