"""The principles as LangChain ``ConstitutionalPrinciple`` data, in priority order.

Each item has the three fields of ``ConstitutionalPrinciple``. LangChain does not need unique
names, but people filtering a chain's output by principle do, so a repeated name gets ``-2``,
``-3``... in priority order.
"""

from __future__ import annotations

from governance.constitution.exports.exporter import Exporter
from governance.constitution.exports.json_export import pretty_json
from governance.constitution.model import Constitution


def unique_names(names: list[str]) -> list[str]:
    """The names with repeats suffixed ``-2``, ``-3``...; the first keeps its name."""
    used: set[str] = set()
    result = []
    for name in names:
        candidate, number = name, 1
        while candidate in used:
            number += 1
            candidate = f"{name}-{number}"
        used.add(candidate)
        result.append(candidate)
    return result


def render(constitution: Constitution) -> str:
    """The principles as a JSON list of ``{name, critique_request, revision_request}``."""
    principles = constitution.principles
    names = unique_names([p.name for p in principles])
    items = [
        {
            "name": name,
            "critique_request": p.critique_request,
            "revision_request": p.revision_request,
        }
        for name, p in zip(names, principles, strict=True)
    ]
    return pretty_json(items)


EXPORTER = Exporter(
    name="langchain",
    filename="langchain_principles.json",
    description="A list to load into LangChain's ConstitutionalPrinciple.",
    render=render,
)
