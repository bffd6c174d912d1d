"""Small renderers every page uses: people, counts, user text, statuses."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import streamlit as st

from governance.config import category_label
from governance.diff import Op, Segment
from governance.languages import language_label
from governance.models import Stakeholder, Status
from governance.text import escape_markdown, inline_markdown

STATUS_COLORS = {
    Status.DRAFT: "gray",
    Status.DELIBERATION: "blue",
    Status.VOTING: "orange",
    Status.APPROVED: "green",
    Status.REJECTED: "red",
    Status.WITHDRAWN: "gray",
    Status.ADOPTED: "violet",
    Status.RETIRED: "gray",
}


def person_label(person: Stakeholder) -> str:
    """``Amara Okafor - ethicist, public - moderator``."""
    roles = [r.value for r in person.roles if r.value != "participant"]
    label = f"{person.display_name} - {', '.join(person.groups) or 'no group'}"
    return label + (f" - {', '.join(roles)}" if roles else "")


def count(n: int, noun: str) -> str:
    """``1 ballot``, ``3 ballots``, with thousands separators."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def user_text(text: str) -> None:
    """Render text a person wrote: markdown, but no HTML and no unsafe links."""
    st.markdown(inline_markdown(text))


def status_badge(status: Status) -> None:
    """The status as a coloured badge."""
    st.badge(status.value, color=STATUS_COLORS[status])  # type: ignore[arg-type]


def escape(text: str) -> str:
    """HTML-escape user text for the few places Charter writes its own HTML."""
    return html.escape(text, quote=True)


def labels() -> tuple[Callable[[str], str], Callable[[str], str]]:
    """Formatters for category and language codes."""
    return category_label, language_label


def plain(text: str) -> str:
    """Text shown exactly as typed where a page renders markdown (titles, names in labels)."""
    return escape_markdown(" ".join(text.split()))


def diff_html(segments: Sequence[Segment]) -> str:
    """A word diff as HTML (every text escaped): insertions underlined, deletions struck."""
    out = []
    previous = None
    for seg in segments:
        text = escape(seg.text).replace("\n", "<br>")
        if previous is not None and previous is not seg.op and Op.SAME not in (previous, seg.op):
            out.append(" ")  # a deletion next to an insertion: keep the words apart
        if seg.op is Op.ADDED:
            out.append(f'<ins style="background:#e6ffec;text-decoration:underline">{text}</ins>')
        elif seg.op is Op.REMOVED:
            out.append(f'<del style="background:#ffebe9">{text}</del>')
        else:
            out.append(text)
        previous = seg.op
    return "".join(out)
