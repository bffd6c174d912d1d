"""The comparison prompts, for AI feedback: which of two responses follows a principle better."""

from __future__ import annotations

from governance.constitution.exports.exporter import Exporter
from governance.constitution.exports.json_export import pretty_json
from governance.constitution.model import Constitution


def render(constitution: Constitution) -> str:
    """The principles' comparison prompts as a JSON list of ``{id, name, prompt}``."""
    items = [
        {"id": p.id, "name": p.name, "prompt": p.comparison_prompt} for p in constitution.principles
    ]
    return pretty_json(items)


EXPORTER = Exporter(
    name="comparisons",
    filename="comparison_prompts.json",
    description="One comparison prompt per principle, for AI-feedback preference labelling.",
    render=render,
)
