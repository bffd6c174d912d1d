"""Constitution releases: the draft, conflict flags, releasing, rollback, retiring, imports.

Reached as ``charter.constitution``. The draft is compiled on demand from the approved and
adopted guidelines (pure: ``constitution.compiler``); a release stores the draft's canonical
JSON, immutable and numbered by semantic version, adopts its guidelines and writes every
export format to ``data/exports/<version>/`` with a manifest of sha256 sums.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from governance.auth import Action
from governance.constitution import exports, files
from governance.constitution.changes import ConstitutionDiff, diff, next_version
from governance.constitution.compiler import Edit, comparison_prompt, compile_constitution
from governance.constitution.conflicts import Flag, FlagKind, detect
from governance.constitution.imports import from_pairs, parse
from governance.constitution.model import Constitution, canonical_json
from governance.errors import NotFound, StaleVersion, ValidationFailed
from governance.events import EventAction
from governance.lifecycle import TransitionContext
from governance.models import REASON_MAX, GuidelineText, Stakeholder, Status
from governance.services.base import UseCases
from governance.storage import Tx
from governance.storage.constitution import ReleaseRow, Resolution
from governance.text import clean_text, tidy_line
from governance.validation import parse_reason
from governance.voting import Decided

#: How a steward may resolve each kind of flag.
RESOLUTIONS: dict[FlagKind, tuple[str, ...]] = {
    FlagKind.DUPLICATE: ("keep_both", "merge", "send_back"),
    FlagKind.CONTRADICTION: ("keep_both", "merge", "send_back"),
    FlagKind.STEERING: ("acknowledge", "send_back"),
}
#: What each resolution does, for forms and messages.
RESOLUTION_LABELS = {
    "keep_both": "keep both, the chosen one first",
    "merge": "keep only the chosen one (the other leaves the constitution)",
    "send_back": "send the chosen one back to deliberation",
    "acknowledge": "keep it: the text is safe as written",
}


@dataclass(frozen=True)
class Draft:
    """What the next release would be, and what stands in its way."""

    constitution: Constitution
    """Stamped with the version it would be released as."""
    latest: Constitution | None
    changes: ConstitutionDiff
    flags: list[Flag]
    """Unresolved flags: each blocks the release."""
    resolved: list[tuple[Flag, Resolution]]
    excluded: list[str]
    """Guidelines left out by a merge."""

    @property
    def releasable(self) -> bool:
        """Whether a steward could release this draft now."""
        return not self.flags and not self.changes.empty


@dataclass(frozen=True)
class DraftInputs:
    """Everything the draft is compiled from; the same inputs compile the same draft."""

    decided: tuple[Decided, ...]
    edits: dict[str, tuple[str | None, int | None]]
    resolutions: tuple[Resolution, ...]
    latest: ReleaseRow | None


@dataclass(frozen=True)
class ReleaseInfo:
    """A release as listed: its version, hash, notes, who and when."""

    row: ReleaseRow
    constitution: Constitution
    files: Path
    """The folder with every export format and the manifest."""


def _constitution(row: ReleaseRow) -> Constitution:
    return Constitution.model_validate_json(row.body)


class Constitutions(UseCases):
    """Use cases of the constitution. Reached as ``charter.constitution``."""

    @property
    def exports_dir(self) -> Path:
        """Where releases write their files: ``exports/`` beside the database."""
        return self.settings.db_path.parent / "exports"

    # -- reading ----------------------------------------------------------------------------

    def releases(self) -> list[ReleaseInfo]:
        """Every release, newest first."""
        with self.db.read() as tx:
            rows = tx.constitution.releases()
        return [ReleaseInfo(r, _constitution(r), self.exports_dir / r.version) for r in rows]

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
        return ReleaseInfo(rows[0], _constitution(rows[0]), self.exports_dir / rows[0].version)

    def download(self, version: str, fmt: str) -> tuple[str, bytes]:
        """A release's file in one format: (file name, bytes), from ``exports/<version>/``.

        A missing file (the folder was deleted) is rendered again from the stored release;
        releases are immutable and rendering is deterministic, so the bytes are the same.
        """
        info = self.release(version)
        exporter = exports.EXPORTERS.get(fmt)
        if exporter is None:
            raise ValidationFailed(
                {"format": f"unknown format {fmt!r}; one of: {', '.join(exports.EXPORTERS)}"}
            )
        path = info.files / exporter.filename
        if path.is_file():
            return exporter.filename, path.read_bytes()
        return exporter.filename, exports.render(info.constitution, fmt).encode()

    def draft(self) -> Draft:
        """The constitution the approved and adopted guidelines make now, with its flags."""
        with self.db.read() as tx:
            return self._draft(tx)

    def _draft(self, tx: Tx) -> Draft:
        return self._compile(self._inputs(tx))

    @staticmethod
    def _inputs(tx: Tx) -> DraftInputs:
        rows = tx.constitution.releases()
        return DraftInputs(
            decided=tuple(tx.guidelines.decided_for_constitution()),
            edits=tx.constitution.principle_edits(),
            resolutions=tuple(tx.constitution.resolutions()),
            latest=rows[0] if rows else None,
        )

    def _compile(self, inputs: DraftInputs) -> Draft:
        resolutions = inputs.resolutions
        excluded = sorted(
            {
                other
                for r in resolutions
                if r.resolution == "merge"
                for other in r.guideline_ids
                if other != r.chosen_id
            }
        )
        edits = {
            gid: Edit(comparison_prompt=prompt, priority=priority)
            for gid, (prompt, priority) in inputs.edits.items()
        }
        decided = [d for d in inputs.decided if d.guideline_id not in excluded]
        latest = None if inputs.latest is None else _constitution(inputs.latest)
        now = self.clock()
        compiled = compile_constitution(
            decided,
            version="0.0.0",
            created_at=now,
            categories=self.settings.categories,
            edits=edits,
        )
        changes = diff(latest, compiled)
        if changes.bump is None:
            version = latest.version if latest else "1.0.0"
        else:
            version = next_version(latest.version if latest else None, changes.bump)
        compiled = compiled.model_copy(update={"version": version})
        by_key = {r.flag_key: r for r in resolutions}
        flags = detect(compiled.principles)
        return Draft(
            constitution=compiled,
            latest=latest,
            changes=changes,
            flags=[f for f in flags if f.key not in by_key],
            resolved=[(f, by_key[f.key]) for f in flags if f.key in by_key],
            excluded=excluded,
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
                prompt = clean_text(comparison_prompt, max_length=5_500, multiline=True)
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
            inputs = self._inputs(tx)
        draft = self._compile(inputs)
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
            if self._inputs(tx) != inputs:
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
        latest = _constitution(rows[0])
        old = _constitution(target)
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
        for principle in old.principles:
            derived = comparison_prompt(
                GuidelineText.model_construct(
                    title=principle.title,
                    statement=principle.statement,
                    critique_request=principle.critique_request,
                    revision_request=principle.revision_request,
                    category=principle.category,
                )
            )
            prompt = None if principle.comparison_prompt == derived else principle.comparison_prompt
            tx.constitution.set_principle_edit(
                principle.provenance.guideline_id, prompt, principle.priority, by=by, at=now
            )

    @staticmethod
    def _notes(notes: str) -> str:
        try:
            return clean_text(notes, max_length=REASON_MAX * 5, multiline=True)
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

    def write_files(self, constitution: Constitution) -> Path:
        """Write a stored release's files again to ``exports/<version>/`` (changes no data)."""
        return files.write(constitution, self.exports_dir)

    def import_principles(
        self,
        actor: Stakeholder | None,
        fmt: str,
        data: bytes | None = None,
        *,
        author_id: int | None = None,
        source: str = "",
    ) -> list[str]:
        """Create a draft guideline per imported principle, all or nothing.

        Args:
            actor: The steward importing (None: the operator, on the command line).
            fmt: ``hf-cai``, ``json`` or ``langchain-builtin``.
            data: The file's bytes (not for ``langchain-builtin``).
            author_id: Who the drafts are credited to (default: the actor); a suspended
                account is refused.
            source: Where the file came from (a file name), recorded with each draft.

        Returns:
            The ids of the new drafts.
        """
        # A file name is a label, not typed text: tidy it (a name of undecodable bytes
        # reaches Python as lone surrogates, which the database cannot tx).
        source = tidy_line(source, max_length=REASON_MAX)
        default = self.settings.categories[0]
        if fmt == "langchain-builtin":
            from governance.llm.principles import builtin_principles

            imported = from_pairs(builtin_principles(), default_category=default)
            source = source or "LangChain built-in principles (langchain-classic)"
        elif data is None:
            raise ValidationFailed({"file": f"the {fmt} import needs a file"})
        else:
            imported = parse(
                fmt, data, default_category=default, categories=self.settings.categories
            )
        now = self.clock()
        with self.db.transaction() as tx:
            actor_id = self._actor_id(tx, actor, Action.IMPORT_PRINCIPLES)
            credited = author_id if author_id is not None else actor_id
            if credited is None:
                raise ValidationFailed(
                    {"author": "name the stakeholder the drafts are credited to (--author N)"}
                )
            author = self._person(tx, credited)
            if author.suspended:
                raise ValidationFailed(
                    {
                        "author": f"{author.display_name} (#{author.id}) is suspended;"
                        " credit the drafts to an active account"
                    }
                )
            created = []
            for item in imported:
                guideline = self._create_draft(
                    tx,
                    author,
                    item.text,
                    now,
                    actor_id=actor_id,
                    action=EventAction.GUIDELINE_IMPORTED,
                    reason=f"imported from {source or fmt} ({fmt}): {item.name}"[:REASON_MAX],
                )
                created.append(guideline.id)
            return created

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
