"""Flags a steward resolves before a release: duplicates, contradictions, steering text.

Each detector looks at the draft's principles and returns flags; ``DETECTORS`` lists the ones
in use. A detector is any object with a ``detect`` method, so an embedding-based detector can
be added beside the lexical ones without touching the rest. A flag's ``key`` covers the words
it was raised on: rewording a flagged principle raises the flag again for a fresh look.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations
from typing import Protocol

from governance.constitution.model import Principle


class FlagKind(StrEnum):
    """What a flag suspects."""

    DUPLICATE = "duplicate"
    CONTRADICTION = "contradiction"
    STEERING = "steering"


@dataclass(frozen=True)
class Flag:
    """A suspected problem with one principle or a pair."""

    kind: FlagKind
    guideline_ids: tuple[str, ...]
    """One id (steering) or two (a pair), sorted."""
    explanation: str
    score: float = 1.0
    key: str = ""
    """Stable id of this flag on these exact words (kind, ids and a hash of the texts)."""


class Detector(Protocol):
    """Finds flags among a draft's principles."""

    def detect(self, principles: Sequence[Principle]) -> list[Flag]:
        """The flags raised on ``principles``."""
        ...


#: Every text a detector reads; the flag key covers them all, so any edit raises it afresh.
_TEXT_FIELDS = ("title", "statement", "critique_request", "revision_request", "comparison_prompt")


def _flag(kind: FlagKind, found: Sequence[Principle], explanation: str, score: float) -> Flag:
    ordered = sorted(found, key=lambda p: p.provenance.guideline_id)
    digest = hashlib.sha256(
        "\x1f".join(
            "\x1e".join((p.provenance.guideline_id, *(getattr(p, f) for f in _TEXT_FIELDS)))
            for p in ordered
        ).encode()
    ).hexdigest()[:16]
    ids = tuple(p.provenance.guideline_id for p in ordered)
    return Flag(kind, ids, explanation, round(score, 3), f"{kind.value}:{'+'.join(ids)}:{digest}")


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_STOP = frozenset(
    """the a an and or of to in on for with by is are be it its this that as at from not no
    should must will may can do does than then when which who what into about their there
    they them any all each other such only also more most very assistant response responses
    user users model""".split()
)


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP)


@dataclass(frozen=True)
class LexicalSimilarity:
    """Pairs whose statements share most of their words (Jaccard similarity >= threshold)."""

    threshold: float = 0.5

    def detect(self, principles: Sequence[Principle]) -> list[Flag]:
        """Flag near-duplicate statements."""
        words = [_words(p.statement) for p in principles]
        # Compare only pairs that share a word: an inverted index keeps this near-linear.
        index: dict[str, list[int]] = defaultdict(list)
        for i, ws in enumerate(words):
            for w in ws:
                index[w].append(i)
        seen: set[tuple[int, int]] = set()
        flags = []
        for members in index.values():
            for i, j in combinations(members, 2):
                if (i, j) in seen:
                    continue
                seen.add((i, j))
                union = len(words[i] | words[j])
                score = len(words[i] & words[j]) / union if union else 0.0
                if score >= self.threshold:
                    pair = (principles[i], principles[j])
                    flags.append(
                        _flag(
                            FlagKind.DUPLICATE,
                            pair,
                            f"the statements share {score:.0%} of their words",
                            score,
                        )
                    )
        return flags


_DIRECTIVE = re.compile(
    r"\b(?:should|must|shall|will|always)\s+(not\s+|never\s+)?(?:be\s+)?([^\W\d_]{3,})"
    r"|\b(never|do\s+not|don't)\s+([^\W\d_]{3,})",
    re.IGNORECASE,
)


def _directives(text: str) -> set[tuple[str, bool]]:
    found = set()
    for match in _DIRECTIVE.finditer(text):
        if match.group(2):
            found.add((match.group(2).lower(), not match.group(1)))
        else:
            found.add((match.group(4).lower(), False))
    return found


@dataclass(frozen=True)
class OpposingDirectives:
    """Pairs in one category where one asks for an action the other forbids."""

    def detect(self, principles: Sequence[Principle]) -> list[Flag]:
        """Flag "should X" against "should not X" within a category."""
        by_category: dict[str, list[tuple[Principle, set[tuple[str, bool]]]]] = defaultdict(list)
        for p in principles:
            by_category[p.category].append((p, _directives(p.statement)))
        flags = []
        for members in by_category.values():
            for (a, da), (b, db) in combinations(members, 2):
                opposed = sorted({verb for verb, yes in da if (verb, not yes) in db})
                if opposed:
                    flags.append(
                        _flag(
                            FlagKind.CONTRADICTION,
                            (a, b),
                            f"same category ({a.category}); one asks to {opposed[0]!r}"
                            " and the other forbids it",
                            1.0,
                        )
                    )
        return flags


_STEERING = re.compile(
    r"ignore\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier|preceding)\s+"
    r"(?:instructions?|prompts?|rules?|messages?)"
    r"|disregard\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier|system)"
    r"|forget\s+(?:all\s+|everything\s+|your\s+)?(?:previous|prior|instructions?)"
    r"|system\s+prompt|developer\s+mode|jailbreak|do\s+anything\s+now"
    r"|you\s+are\s+now\s+|new\s+instructions?\s*:"
    r"|</?\s*(?:system|assistant|user|im_start|im_end)\s*>|\[/?INST\]|<\|[a-z_]+\|>",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Steering:
    """Text that tries to steer the model that will read the prompts."""

    def detect(self, principles: Sequence[Principle]) -> list[Flag]:
        """Flag principles with instruction-override phrases or chat-template markup."""
        flags = []
        for p in principles:
            for text in (getattr(p, f) for f in _TEXT_FIELDS):
                match = _STEERING.search(text)
                if match:
                    flags.append(
                        _flag(
                            FlagKind.STEERING,
                            (p,),
                            f"contains {match.group(0)!r}, which may steer the model that"
                            " reads the prompts",
                            1.0,
                        )
                    )
                    break
        return flags


DETECTORS: tuple[Detector, ...] = (LexicalSimilarity(), OpposingDirectives(), Steering())


def detect(
    principles: Sequence[Principle], detectors: Sequence[Detector] = DETECTORS
) -> list[Flag]:
    """Every flag every detector raises, in a stable order."""
    flags = [f for d in detectors for f in d.detect(principles)]
    return sorted(flags, key=lambda f: (f.guideline_ids, f.kind.value))
