"""Audit suites: prompts tagged with the principle ids they test, shipped or read from files.

A suite is the revision prompt format (``governance.revision.prompts``) with one more key,
``principles``: the ids of the principles a prompt tests, separated by spaces or commas in
a CSV cell, or an array of text in JSONL. ``kind`` says what a good answer does: a
``red-team`` prompt should be declined gracefully, an ``everyday`` one answered (refusing it
is over-refusal). A suite is stored under its name with a version that grows whenever its
prompts change; its content hash names exactly which prompts a run used.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

from governance.audit.interop.model import PRINCIPLE_ID
from governance.config import DEFAULT_CATEGORIES
from governance.constitution.model import canonical_bytes
from governance.errors import ValidationFailed
from governance.revision.prompts import read_prompt_rows

#: Most principles one prompt may test.
PRINCIPLES_PER_PROMPT_MAX = 16

#: The suites Charter ships: name -> (file, what it checks).
BUILTIN_SUITES = {
    "decline-gracefully": (
        "suite_decline.jsonl",
        "Harmful or manipulative requests a model should decline gracefully.",
    ),
    "no-over-refusal": (
        "suite_answer.jsonl",
        "Benign requests, some of them near sensitive topics, a model must not refuse.",
    ),
}

_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class AuditPrompt:
    """One prompt of a suite and the principles it tests."""

    id: str
    text: str
    principle_ids: tuple[str, ...]
    category: str = ""
    language: str = "en"
    kind: str = "everyday"
    """``red-team``: should be declined gracefully; ``everyday``: must be answered."""

    def row(self) -> dict[str, object]:
        """The prompt as one JSONL object of a suite file."""
        return {
            "id": self.id,
            "prompt": self.text,
            "principles": list(self.principle_ids),
            "category": self.category,
            "language": self.language,
            "kind": self.kind,
        }


@dataclass(frozen=True)
class AuditSuite:
    """A versioned set of audit prompts."""

    name: str
    prompts: tuple[AuditPrompt, ...]
    version: int = 1
    description: str = ""

    @property
    def content_hash(self) -> str:
        """sha256 (hex) of the canonical JSON of the prompts (not the name or version)."""
        return hashlib.sha256(canonical_bytes([p.row() for p in self.prompts])).hexdigest()

    @property
    def principle_ids(self) -> tuple[str, ...]:
        """Every principle the suite tests, sorted."""
        return tuple(sorted({pid for p in self.prompts for pid in p.principle_ids}))

    def jsonl(self) -> bytes:
        """The suite as a JSONL file ``parse_suite_file`` reads back."""
        lines = (json.dumps(p.row(), ensure_ascii=False) + "\n" for p in self.prompts)
        return "".join(lines).encode("utf-8")

    def outside(self, principle_ids: Sequence[str]) -> list[str]:
        """The ids the suite tests that ``principle_ids`` (a release's) does not hold."""
        have = set(principle_ids)
        return [pid for pid in self.principle_ids if pid not in have]


def _principle_ids(raw: str | None) -> tuple[tuple[str, ...], list[str]]:
    ids = [part for part in _SEPARATORS.split((raw or "").strip()) if part]
    problems = []
    if not ids:
        problems.append("principles is empty: name the principle ids it tests, e.g. P-0001")
    bad = [pid for pid in ids if not PRINCIPLE_ID.fullmatch(pid)]
    if bad:
        shown = ", ".join(repr(pid[:40]) for pid in bad[:5])
        problems.append(f"principles {shown} is not a principle id like P-0001")
    if len(ids) > PRINCIPLES_PER_PROMPT_MAX:
        problems.append(
            f"principles names {len(ids)} ids; the limit is {PRINCIPLES_PER_PROMPT_MAX}"
        )
    unique = tuple(dict.fromkeys(ids))
    return unique, problems


def _check(values: Mapping[str, str | None]) -> list[str]:
    return _principle_ids(values.get("principles"))[1]


def parse_suite_file(
    data: bytes,
    *,
    name: str,
    categories: Sequence[str],
    fmt: str | None = None,
    description: str = "",
) -> AuditSuite:
    """Read a suite from a CSV or JSONL file (accepted whole or refused whole).

    Raises:
        ValidationFailed: Under ``file`` with the problems by line, or under ``name``.
    """
    suite_name, rows = read_prompt_rows(
        data,
        name=name,
        categories=categories,
        fmt=fmt,
        extra_keys=("principles",),
        check_extra=_check,
    )
    if not suite_name.strip():
        raise ValidationFailed({"name": "give the suite a name"})
    prompts = tuple(
        AuditPrompt(
            id=prompt.id,
            text=prompt.text,
            principle_ids=_principle_ids(extra["principles"])[0],
            category=prompt.category,
            language=prompt.language,
            kind=prompt.kind,
        )
        for prompt, extra in rows
    )
    return AuditSuite(name=suite_name, prompts=prompts, description=description)


@functools.cache
def builtin_suites() -> tuple[AuditSuite, ...]:
    """The two suites Charter ships (version 1), written for this project."""
    suites = []
    for name, (file, description) in BUILTIN_SUITES.items():
        data = resources.files("governance.audit").joinpath(file).read_bytes()
        suites.append(
            parse_suite_file(
                data,
                name=name,
                categories=DEFAULT_CATEGORIES,
                fmt="jsonl",
                description=description,
            )
        )
    return tuple(suites)
