"""k-anonymity for published numbers: small groups are named as small, never counted.

Wherever Charter publishes numbers to anyone (the public view, the release report, the
dashboard's per-group shares), a group with fewer than k members, or a group's ballots on
one guideline when fewer than k, is shown as "fewer than k". k is
``Settings.min_group_size`` (``CHARTER_MIN_GROUP_SIZE``, default 5).
"""

from __future__ import annotations


def too_small(count: int, k: int) -> bool:
    """Whether ``count`` people (or ballots) are too few to publish as a number."""
    return count < k


def fewer_than(k: int) -> str:
    """The words shown in place of a count that is too small."""
    return f"fewer than {k}"


def shown_count(count: int, k: int) -> str:
    """``count`` as published: the number, or "fewer than k"."""
    return fewer_than(k) if too_small(count, k) else f"{count:,}"
