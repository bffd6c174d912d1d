"""The constitution as a document people read: contents, then each principle with its vote.

Everything people typed is shown as text: HTML is escaped and unsafe links are reduced to
their labels (``safe_markdown``), so a principle cannot inject markup into the document.
"""

from __future__ import annotations

from datetime import datetime

from governance.constitution.exports.exporter import Exporter
from governance.constitution.model import Constitution, Principle, Provenance
from governance.text import safe_markdown


def anchor(principle: Principle) -> str:
    """The in-page anchor of a principle: ``P-0007`` -> ``p-0007``."""
    return principle.id.lower()


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _quote(text: str) -> list[str]:
    """User text as a block quote, so its lines cannot start headings of this document."""
    return [f"> {line}".rstrip() for line in safe_markdown(text).split("\n")]


def _label(text: str) -> str:
    """User text fit for one line (a heading or a link label)."""
    return safe_markdown(" ".join(text.split())).replace("[", "\\[").replace("]", "\\]")


def _provenance(p: Provenance) -> list[str]:
    lines = [
        f"Approved as guideline {_label(p.guideline_id)} version {p.guideline_version}, "
        f"decided {_when(p.decided_at)} under voting rules version {p.rules_version}.",
        "",
        f"- Overall: {p.approve} approve, {p.reject} reject, {p.abstain} abstain",
    ]
    for group in p.groups:
        verdict = "support met" if group.met else "support not met"
        lines.append(
            f"- {_label(group.group)}: {group.approve} approve, {group.reject} reject, "
            f"{group.abstain} abstain ({verdict})"
        )
    return lines


def _principle(principle: Principle) -> list[str]:
    return [
        f'<a id="{anchor(principle)}"></a>',
        "",
        f"## {principle.priority}. {_label(principle.title)}",
        "",
        f"`{principle.id}` · `{principle.name}` · category {_label(principle.category)}"
        f" · language {_label(principle.language)}",
        "",
        "**Statement**",
        "",
        *_quote(principle.statement),
        "",
        "**Critique request**",
        "",
        *_quote(principle.critique_request),
        "",
        "**Revision request**",
        "",
        *_quote(principle.revision_request),
        "",
        "**Comparison prompt**",
        "",
        *_quote(principle.comparison_prompt),
        "",
        "**Provenance**",
        "",
        *_provenance(principle.provenance),
        "",
    ]


def render(constitution: Constitution) -> str:
    """The constitution as a markdown document."""
    lines = [
        f"# {_label(constitution.name)}",
        "",
        f"- Version: {_label(constitution.version)}",
        f"- Created: {_when(constitution.created_at)}",
        f"- Content hash (sha256): `{constitution.content_hash}`",
        f"- Principles: {len(constitution.principles)}, highest priority first",
        "",
        "## Contents",
        "",
    ]
    lines += [
        f"{p.priority}. [{_label(p.title)}](#{anchor(p)}) (`{p.id}`)"
        for p in constitution.principles
    ]
    lines.append("")
    for principle in constitution.principles:
        lines += _principle(principle)
    return "\n".join(lines).rstrip("\n") + "\n"


EXPORTER = Exporter(
    name="markdown",
    filename="constitution.md",
    description="A readable document: every principle with the vote that approved it.",
    render=render,
)
