"""Word-level differences between two versions of a guideline's text."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

from governance.models import GuidelineText

_TOKEN = re.compile(r"\s+|[^\s]+")


class Op(StrEnum):
    """What happened to a run of text."""

    SAME = "same"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class Segment:
    """A run of text and what happened to it."""

    op: Op
    text: str


@dataclass(frozen=True)
class FieldDiff:
    """The difference in one field of the text."""

    field: str
    segments: tuple[Segment, ...]

    @property
    def changed(self) -> bool:
        """Whether anything differs."""
        return any(s.op is not Op.SAME for s in self.segments)


def diff_words(old: str, new: str) -> tuple[Segment, ...]:
    """Split two texts into runs that stayed, were added or were removed, word by word."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(Segment(Op.SAME, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment(Op.REMOVED, "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment(Op.ADDED, "".join(b[j1:j2])))
    return tuple(segments)


_FIELDS = ("title", "statement", "critique_request", "revision_request", "rationale")


def diff_texts(old: GuidelineText, new: GuidelineText) -> list[FieldDiff]:
    """Field-by-field word diff of two versions; tags, category and language as whole values."""
    diffs = [FieldDiff(f, diff_words(getattr(old, f), getattr(new, f))) for f in _FIELDS]
    for field in ("category", "language"):
        diffs.append(FieldDiff(field, diff_words(getattr(old, field), getattr(new, field))))
    diffs.append(FieldDiff("tags", diff_words(", ".join(old.tags), ", ".join(new.tags))))
    return diffs
