"""What the audits service shows and reads: suites and runs as listed, imported logs as rows.

Split from ``governance.services.audits`` (the use cases), as ``revision_screens`` is from
``revisions``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from governance.audit.interop.model import ImportedLog, ImportedScore
from governance.audit.judge import AuditOutcome
from governance.audit.suites import AuditPrompt, AuditSuite
from governance.constitution.model import Constitution
from governance.errors import ValidationFailed
from governance.storage.audit_reviews import PrincipleCounts, VerdictRow
from governance.storage.audits import (
    AuditPromptRow,
    AuditRunRow,
    NewResponse,
    NewVerdict,
    SuiteRow,
)

#: Most entries in a mapping file.
MAPPING_MAX = 10_000


@dataclass(frozen=True)
class SuiteInfo:
    """A suite as listed."""

    name: str
    version: int
    content_hash: str
    description: str
    prompts: int
    principle_ids: tuple[str, ...]
    builtin: bool


@dataclass(frozen=True)
class AuditRunDetail:
    """A run, its verdicts and its per-principle figures."""

    run: AuditRunRow
    verdicts: tuple[VerdictRow, ...]
    counts: tuple[PrincipleCounts, ...]

    @property
    def scripted(self) -> bool:
        """Whether the scripted stand-in answered or judged (its text is templates)."""
        return "charter:scripted" in (
            self.run.model_settings.get("model"),
            self.run.judge_settings.get("model"),
        )


@dataclass(frozen=True)
class ImportReport:
    """What an import stored, and what it could not place."""

    run: AuditRunRow
    imported: int
    """Scores stored as verdicts."""
    unmapped: tuple[ImportedScore, ...]
    """Scores that map to no principle of the release, in file order."""


def release_principles(constitution: Constitution) -> list[dict[str, Any]]:
    """What a run records of each principle: its text and the decision behind it."""
    return [
        {
            "id": p.id,
            "title": p.title,
            "statement": p.statement,
            "critique_request": p.critique_request,
            "category": p.category,
            "priority": p.priority,
            "guideline_id": p.provenance.guideline_id,
            "guideline_version": p.provenance.guideline_version,
            "rules_version": p.provenance.rules_version,
            "decided_at": p.provenance.decided_at.isoformat(),
            "approve": p.provenance.approve,
            "reject": p.provenance.reject,
            "abstain": p.provenance.abstain,
            "content": hashlib.sha256(
                f"{p.title}\x1f{p.statement}\x1f{p.critique_request}".encode()
            ).hexdigest()[:16],
        }
        for p in sorted(constitution.principles, key=lambda p: p.priority)
    ]


def parse_mapping(data: bytes) -> dict[str, str]:
    """A mapping file: a JSON object from a file's labels to Charter principle ids.

    Raises:
        ValidationFailed: Under ``map``, naming what is wrong.
    """
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed({"map": f"the mapping is not JSON: {exc}"}) from None
    if not isinstance(value, dict):
        raise ValidationFailed(
            {"map": 'the mapping must be a JSON object such as {"fairness": "P-0006"}'}
        )
    if len(value) > MAPPING_MAX:
        raise ValidationFailed({"map": f"the mapping has more than {MAPPING_MAX:,} entries"})
    bad = [k for k, v in value.items() if not isinstance(v, str)]
    if bad:
        raise ValidationFailed(
            {"map": f"the mapping's values must be principle ids; {bad[0]!r} is not text"}
        )
    return {str(k): str(v) for k, v in value.items()}


def suite_info(suite: AuditSuite, *, builtin: bool) -> SuiteInfo:
    """A suite as listed."""
    return SuiteInfo(
        suite.name,
        suite.version,
        suite.content_hash,
        suite.description,
        len(suite.prompts),
        suite.principle_ids,
        builtin,
    )


def read_log(data: bytes, fmt: str, key: str) -> ImportedLog:
    """An Inspect log (``inspect``) or promptfoo results (``promptfoo``), read whole.

    Raises:
        ValidationFailed: Under ``file``, what the reader refuses.
    """
    if fmt == "inspect":
        from governance.audit.interop.inspect_log import read_inspect_log

        return read_inspect_log(data, key=key)
    from governance.audit.interop.promptfoo_results import read_promptfoo_results

    return read_promptfoo_results(data, key=key)


def imported_rows(
    scores: Sequence[ImportedScore],
) -> tuple[list[AuditPromptRow], list[NewResponse]]:
    """One prompt per sample, its verdicts from the sample's mapped scores."""
    samples: dict[str, list[ImportedScore]] = {}
    for score in scores:
        samples.setdefault(score.sample_id, []).append(score)
    prompts = []
    responses = []
    for position, (sample_id, found) in enumerate(samples.items()):
        first = found[0]
        ids = tuple(dict.fromkeys(s.principle_id for s in found))
        prompts.append(AuditPromptRow(position, sample_id[:200], first.prompt, ids, "", "", ""))
        responses.append(
            NewResponse(
                position,
                first.response,
                None,
                tuple(
                    NewVerdict(s.principle_id, s.verdict, s.score, None, s.explanation)
                    for s in found
                ),
            )
        )
    return prompts, responses


def export_file(
    suite: AuditSuite, constitution: Constitution, version: str, fmt: str
) -> tuple[str, str]:
    """A suite and a release as an Inspect task file or a promptfoo config: (name, text).

    Raises:
        ValidationFailed: The suite tests principles the release does not hold.
    """
    outside = suite.outside([p.id for p in constitution.principles])
    if outside:
        raise ValidationFailed(
            {
                "suite": f"suite {suite.name} tests principles that release"
                f" {version} does not hold: {', '.join(outside)}"
            }
        )
    stem = f"{suite.name}-{version}"
    if fmt == "inspect":
        from governance.audit.interop.inspect_task import inspect_task

        return f"{stem}_task.py", inspect_task(suite, constitution)
    from governance.audit.interop.promptfoo_suite import promptfoo_config

    return f"{stem}-promptfooconfig.yaml", promptfoo_config(suite, constitution)


def new_response(position: int, outcome: AuditOutcome | str) -> NewResponse:
    """What a run stores of one prompt: its answer and verdicts, or the error of its try."""
    if isinstance(outcome, str):
        return NewResponse(position, None, outcome)
    return NewResponse(
        position,
        outcome.response,
        None,
        tuple(
            NewVerdict(
                v.principle_id, v.verdict, v.score, v.confidence, v.explanation, v.parse_error
            )
            for v in outcome.verdicts
        ),
        outcome.input_tokens,
        outcome.output_tokens,
        outcome.ms,
        outcome.calls,
        outcome.cached_calls,
    )


def stored_suite(row: SuiteRow) -> AuditSuite:
    """A suite as a stored version holds it."""
    prompts = tuple(
        AuditPrompt(
            id=p["id"],
            text=p["prompt"],
            principle_ids=tuple(p["principles"]),
            category=p["category"],
            language=p["language"],
            kind=p["kind"],
        )
        for p in row.prompts
    )
    return AuditSuite(row.name, prompts, row.version, row.description)
