"""Constitution releases: the draft, conflict flags, releasing, rollback, retiring, imports.

Reached as ``charter.constitution``. The draft is compiled on demand from the approved and
adopted guidelines (pure: ``constitution.compiler``); a release stores the draft's canonical
JSON, immutable and numbered by semantic version, adopts its guidelines and writes every
export format to ``data/exports/<version>/`` with a manifest of sha256 sums.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from governance.auth import Action, may
from governance.constitution import exports, files
from governance.constitution.changes import ConstitutionDiff, diff, next_version
from governance.constitution.compiler import edits_of
from governance.constitution.conflicts import Flag
from governance.constitution.imports import FORMATS as IMPORT_FORMATS
from governance.constitution.model import Constitution, canonical_json
from governance.errors import NotFound, StaleVersion, ValidationFailed
from governance.events import EventAction
from governance.lifecycle import TransitionContext
from governance.models import NOTES_MAX, PROMPT_MAX, Stakeholder, Status
from governance.services.base import UseCases
from governance.services.constitution_screens import (
    RESOLUTIONS,
    ConstitutionScreen,
    Download,
    Draft,
    DraftInputs,
    ReleaseInfo,
    compile_draft,
    release_constitution,
)
from governance.storage import Tx
from governance.storage.constitution import ReleaseRow, Resolution
from governance.text import clean_text
from governance.validation import parse_reason


class Constitutions(UseCases):
    """Use cases of the constitution. Reached as ``charter.constitution``."""

    @property
    def exports_dir(self) -> Path:
        """Where releases write their files (``Settings.exports_dir``)."""
        return self.settings.exports_dir

    # -- reading ----------------------------------------------------------------------------

    def releases(self) -> list[ReleaseInfo]:
        """Every release, newest first."""
        with self.db.read() as tx:
            rows = tx.constitution.releases()
        return [self._info(r) for r in rows]

    def _info(self, row: ReleaseRow) -> ReleaseInfo:
        return ReleaseInfo(row, release_constitution(row), self.exports_dir / row.version)

    def release(self, version: str = "latest") -> ReleaseInfo:
        """One release by version, or the latest; ``NotFound`` otherwise."""
        with self.db.read() as tx:
            rows = (
                tx.constitution.releases()
                if version == "latest"
                else tx.constitution.releases(version)
            )
        if not rows:
            raise NotFound("no release yet" if version == "latest" else f"no release {version!r}")
        return self._info(rows[0])

    def download(self, version: str, fmt: str) -> tuple[str, bytes]:
        """A release's file in one format: (file name, bytes), from ``exports/<version>/``.

        A missing file (the folder was deleted) is rendered again from the stored release;
        releases are immutable and rendering is deterministic, so the bytes are the same.
        """
        if fmt not in exports.EXPORTERS:
            raise ValidationFailed(
                {"format": f"unknown format {fmt!r}; one of: {', '.join(exports.EXPORTERS)}"}
            )
        found = _download(self.release(version), fmt)
        return found.filename, found.data

    def screen(self, viewer: Stakeholder | None, version: str | None = None) -> ConstitutionScreen:
        """The Constitution page: releases, the one shown with its files, and the draft.

        Args:
            viewer: Who looks (the steward's tools are offered by what they may do).
            version: The release to show; the latest when None or no longer there.
        """
        with self.db.read() as tx:
            rows = tx.constitution.releases()
            seen = None if viewer is None else tx.people.get_stakeholder(viewer.id)
            draft = self._draft(tx)
        releases = [self._info(r) for r in rows]
        shown = next((r for r in releases if r.row.version == version), None)
        shown = shown or (releases[0] if releases else None)
        return ConstitutionScreen(
            releases=releases,
            shown=shown,
            downloads=[] if shown is None else [_download(shown, f) for f in exports.EXPORTERS],
            draft=draft,
            steward=seen is not None and may(seen, Action.RELEASE_CONSTITUTION),
            can_import=seen is not None and may(seen, Action.IMPORT_PRINCIPLES),
            import_formats=(*IMPORT_FORMATS, "langchain-builtin"),
        )

    def draft(self) -> Draft:
        """The constitution the approved and adopted guidelines make now, with its flags."""
        with self.db.read() as tx:
            return self._draft(tx)

    def _draft(self, tx: Tx) -> Draft:
        return compile_draft(
            self._inputs(tx), now=self.clock(), categories=self.settings.categories
        )

    @staticmethod
    def _inputs(tx: Tx) -> DraftInputs:
        rows = tx.constitution.releases()
        return DraftInputs(
            decided=tuple(tx.guidelines.decided_for_constitution()),
            edits=tx.constitution.principle_edits(),
            resolutions=tuple(tx.constitution.resolutions()),
            latest=rows[0] if rows else None,
        )

    # -- a steward's decisions before release --------------------------------------------------

    def edit_principle(
        self,
        actor: Stakeholder,
        guideline_id: str,
        *,
        comparison_prompt: str | None = None,
        priority: int | None = None,
    ) -> Draft:
        """Edit a principle's comparison prompt or priority before release (a steward).

        ``None`` for both returns the principle to its derived prompt and default place.
        """
        prompt = None
        if comparison_prompt is not None and comparison_prompt.strip():
            try:
                prompt = clean_text(comparison_prompt, max_length=PROMPT_MAX, multiline=True)
            except ValueError as exc:
                raise ValidationFailed({"comparison_prompt": str(exc)}) from None
        if priority is not None and priority < 1:
            raise ValidationFailed({"priority": "must be 1 or more (1 comes first)"})
        now = self.clock()
        with self.db.transaction() as tx:
            steward = self._authorized(tx, actor, Action.RELEASE_CONSTITUTION)
            ids = {p.provenance.guideline_id for p in self._draft(tx).constitution.principles}
            if guideline_id not in ids:
                raise NotFound(f"{guideline_id} is not in the draft constitution")
            tx.constitution.set_principle_edit(
                guideline_id, prompt, priority, by=steward.id, at=now
            )
            self._log(
                tx,
                actor_id=steward.id,
                action=EventAction.PRINCIPLE_EDITED,
                subject=guideline_id,
                at=now,
                after={"comparison_prompt": prompt, "priority": priority},
            )
            return self._draft(tx)

    def resolve_flag(
        self,
        actor: Stakeholder,
        flag_key: str,
        resolution: str,
        reason: str,
        *,
        chosen: str | None = None,
    ) -> Draft:
        """Resolve a flag (a steward), with a reason.

        Args:
            actor: The steward.
            flag_key: The flag, as the draft lists it.
            resolution: ``keep_both`` (``chosen`` goes first), ``merge`` (only ``chosen``
                stays), ``send_back`` (``chosen`` returns to deliberation) or, for steering
                text, ``acknowledge``.
            reason: Why; it goes into the event log.
            chosen: The guideline the resolution names (not needed to acknowledge).
        """
        why = parse_reason(reason, required=True)
        now = self.clock()
        with self.db.transaction() as tx:
            steward = self._authorized(tx, actor, Action.RELEASE_CONSTITUTION)
            draft = self._draft(tx)
            flag = next((f for f in draft.flags if f.key == flag_key), None)
            if flag is None:
                raise NotFound("that flag is not open any more; reload the draft")
            if resolution not in RESOLUTIONS[flag.kind]:
                raise ValidationFailed(
                    {"resolution": f"choose one of: {', '.join(RESOLUTIONS[flag.kind])}"}
                )
            if resolution != "acknowledge" and chosen not in flag.guideline_ids:
                raise ValidationFailed(
                    {"chosen": f"choose one of: {', '.join(flag.guideline_ids)}"}
                )
            if resolution == "acknowledge":
                chosen = flag.guideline_ids[0]
            assert chosen is not None
            if resolution == "keep_both":
                self._put_first(tx, draft, chosen, flag, steward.id, now)
            if resolution == "send_back":
                self._send_back(tx, chosen, why, steward.id, now)
            tx.constitution.insert_resolution(
                Resolution(
                    flag_key=flag.key,
                    kind=flag.kind.value,
                    guideline_ids=flag.guideline_ids,
                    resolution=resolution,
                    chosen_id=chosen,
                    reason=why,
                    resolved_by=steward.id,
                    resolved_at=now,
                )
            )
            for gid in flag.guideline_ids:
                self._log(
                    tx,
                    actor_id=steward.id,
                    action=EventAction.FLAG_RESOLVED,
                    subject=gid,
                    at=now,
                    reason=why,
                    after={
                        "kind": flag.kind.value,
                        "flag": flag.key,
                        "resolution": resolution,
                        "chosen": chosen,
                        "with": list(flag.guideline_ids),
                    },
                )
            return self._draft(tx)

    @staticmethod
    def _put_first(tx: Tx, draft: Draft, chosen: str, flag: Flag, by: int, at: datetime) -> None:
        # Keep both: the chosen principle takes the better of the two places.
        places = {p.provenance.guideline_id: p.priority for p in draft.constitution.principles}
        first = min(places[g] for g in flag.guideline_ids)
        edits = tx.constitution.principle_edits()
        prompt = edits.get(chosen, (None, None))[0]
        tx.constitution.set_principle_edit(chosen, prompt, first, by=by, at=at)

    def _send_back(self, tx: Tx, guideline_id: str, why: str, by: int, at: datetime) -> None:
        guideline = tx.guidelines.get_guideline(guideline_id)
        if guideline is None:
            raise NotFound(f"no guideline {guideline_id!r}")
        self._move(
            tx,
            guideline,
            Status.DELIBERATION,
            actor_id=by,
            at=at,
            ctx=TransitionContext(reason=why),
        )

    # -- releasing ------------------------------------------------------------------------------

    def release_draft(
        self, actor: Stakeholder, notes: str, *, expected_hash: str | None = None
    ) -> ReleaseInfo:
        """Release the draft with notes (a steward); its guidelines become adopted.

        Args:
            actor: The steward.
            notes: Release notes (required).
            expected_hash: The content hash the steward previewed; if the draft changed
                since, nothing is released (``StaleVersion``).
        """
        why = self._notes(notes)
        now = self.clock()
        with self.db.read() as tx:
            self._authorized(tx, actor, Action.RELEASE_CONSTITUTION)
            key = tx.constitution.draft_key()
            inputs = self._inputs(tx)
        draft = compile_draft(inputs, now=self.clock(), categories=self.settings.categories)
        if expected_hash is not None and expected_hash != draft.constitution.content_hash:
            raise StaleVersion("the draft changed since you previewed it; review it again")
        if draft.flags:
            names = ", ".join(
                f"{f.kind.value} {'/'.join(f.guideline_ids)}" for f in draft.flags[:5]
            )
            raise ValidationFailed(
                {
                    "flags": f"{len(draft.flags)} unresolved flag(s) block the release"
                    f" ({names}); resolve each first"
                }
            )
        if draft.latest is None and not draft.constitution.principles:
            raise ValidationFailed({"notes": "no approved guideline to release yet"})
        if draft.changes.empty:
            raise ValidationFailed(
                {"notes": "nothing changed since the last release; there is nothing to release"}
            )
        constitution = draft.constitution.model_copy(update={"created_at": now})

        def commit(tx: Tx, steward: Stakeholder) -> ReleaseInfo:
            # Compiling is pure: unchanged inputs compile the same draft, so a key suffices.
            if tx.constitution.draft_key() != key:
                raise StaleVersion("the draft changed while it was being released; review it again")
            ids = [p.provenance.guideline_id for p in constitution.principles]
            states = tx.guidelines.states(ids)
            self._move_all(
                tx,
                [(gid, *state) for gid, state in states.items() if state[0] is Status.APPROVED],
                Status.ADOPTED,
                actor_id=steward.id,
                at=now,
                ctx=TransitionContext(reason=f"adopted in release {constitution.version}"),
            )
            return self._store_release(tx, constitution, why, steward.id, draft.changes, body)

        body = canonical_json(constitution).decode()
        return self._publish(actor, constitution, commit)

    def _publish(
        self,
        actor: Stakeholder,
        constitution: Constitution,
        commit: Callable[[Tx, Stakeholder], ReleaseInfo],
    ) -> ReleaseInfo:
        """Render the files (no lock held), then commit the release and move them into place.

        Ballots and every other write go on while the files render; the transaction holds the
        write lock only to check that nothing changed, write the rows and rename a folder.
        """
        staging = files.render_staged(constitution, self.exports_dir)
        final = self.exports_dir / constitution.version
        placed = False
        try:
            with self.db.transaction() as tx:
                # Releases from several processes take turns: the second then sees the first
                # and is refused as stale instead of taking the same version.
                tx.cursor.hold("release")
                steward = self._authorized(tx, actor, Action.RELEASE_CONSTITUTION)
                info = commit(tx, steward)
                files.place(staging, final)  # before COMMIT: a failed commit removes it below
                placed = True
            return info
        except BaseException:
            files.discard(final if placed else staging)
            raise

    def rollback(self, actor: Stakeholder, version: str, notes: str) -> ReleaseInfo:
        """Release again what ``version`` said, as a new release (a steward)."""
        why = self._notes(notes)
        now = self.clock()
        with self.db.read() as tx:
            self._authorized(tx, actor, Action.RELEASE_CONSTITUTION)
            rows = tx.constitution.releases()
        target = next((r for r in rows if r.version == version), None)
        if target is None:
            raise NotFound(f"no release {version!r}")
        latest = release_constitution(rows[0])
        old = release_constitution(target)
        changes = diff(latest, old)
        if changes.empty:
            raise ValidationFailed(
                {"version": f"the latest release already says what {version} says"}
            )
        assert changes.bump is not None
        constitution = old.model_copy(
            update={"version": next_version(latest.version, changes.bump), "created_at": now}
        ).with_hash()

        def commit(tx: Tx, steward: Stakeholder) -> ReleaseInfo:
            if tx.constitution.releases()[0] != rows[0]:
                raise StaleVersion("another release was made meanwhile; review it first")
            self._align_with(tx, old, latest, f"rolled back to {version}: {why}", steward.id)
            return self._store_release(
                tx, constitution, why, steward.id, changes, body, rollback_of=version
            )

        body = canonical_json(constitution).decode()
        return self._publish(actor, constitution, commit)

    def _align_with(
        self, tx: Tx, old: Constitution, latest: Constitution, why: str, by: int
    ) -> None:
        # After a rollback the draft should say what the restored release says: bring back
        # its retired guidelines, retire the ones it did not hold, and restore its prompts and
        # order. (A guideline approved again at a newer version keeps that version.)
        now = self.clock()
        kept = {p.provenance.guideline_id for p in old.principles}
        moves = [(g, Status.ADOPTED) for g in sorted(kept)] + [
            (p.provenance.guideline_id, Status.RETIRED)
            for p in latest.principles
            if p.provenance.guideline_id not in kept
        ]
        for guideline_id, to in moves:
            guideline = tx.guidelines.get_guideline(guideline_id)
            if (
                guideline is None
                or guideline.status is to
                or (to is Status.ADOPTED and guideline.status is not Status.RETIRED)
            ):
                continue
            self._move(tx, guideline, to, actor_id=by, at=now, ctx=TransitionContext(reason=why))
        for guideline_id, edit in edits_of(old).items():
            tx.constitution.set_principle_edit(
                guideline_id, edit.comparison_prompt, edit.priority, by=by, at=now
            )

    @staticmethod
    def _notes(notes: str) -> str:
        try:
            return clean_text(notes, max_length=NOTES_MAX, multiline=True)
        except ValueError as exc:
            raise ValidationFailed({"notes": str(exc)}) from None

    def _store_release(
        self,
        tx: Tx,
        constitution: Constitution,
        notes: str,
        by: int | None,
        changes: ConstitutionDiff,
        body: str,
        *,
        rollback_of: str | None = None,
    ) -> ReleaseInfo:
        row = ReleaseRow(
            version=constitution.version,
            position=tx.constitution.release_count() + 1,
            content_hash=constitution.content_hash,
            body=body,
            notes=notes,
            released_by=by,
            released_at=constitution.created_at,
            rollback_of=rollback_of,
        )
        tx.constitution.insert_release(row)
        self._log(
            tx,
            actor_id=by,
            action=EventAction.CONSTITUTION_RELEASED,
            subject=f"constitution:{constitution.version}",
            at=constitution.created_at,
            reason=notes,
            after={
                "version": constitution.version,
                "content_hash": constitution.content_hash,
                "principles": len(constitution.principles),
                "changes": changes.lines(),
                "rollback_of": rollback_of,
            },
        )
        return ReleaseInfo(row, constitution, self.exports_dir / constitution.version)

    def retire(self, actor: Stakeholder, guideline_id: str, reason: str) -> None:
        """Retire an adopted guideline (a steward); the next release leaves it out."""
        why = parse_reason(reason, required=True)
        now = self.clock()
        with self.db.transaction() as tx:
            steward = self._authorized(tx, actor, Action.RELEASE_CONSTITUTION)
            guideline = tx.guidelines.get_guideline(guideline_id)
            if guideline is None:
                raise NotFound(f"no guideline {guideline_id!r}")
            self._move(
                tx,
                guideline,
                Status.RETIRED,
                actor_id=steward.id,
                at=now,
                ctx=TransitionContext(reason=why),
            )


def _download(info: ReleaseInfo, fmt: str) -> Download:
    exporter = exports.EXPORTERS[fmt]
    data = files.read_or_render(info.files, info.constitution, fmt)
    return Download(fmt, exporter.filename, exporter.description, data)
