"""Charter's own JSON: the whole constitution, pretty-printed, readable back by the importer.

The layout is the canonical JSON (see ``model``) with indentation; ``docs/constitution.schema.json``
describes it and ``json_schema`` generates that file.
"""

from __future__ import annotations

from typing import Any

import pydantic_core

from governance.constitution.exports.exporter import Exporter
from governance.constitution.model import Constitution, sorted_keys

SCHEMA_FILE = "docs/constitution.schema.json"
"""Where the generated JSON Schema is kept, relative to the project root."""


def pretty_json(value: Any) -> str:
    """JSON with sorted keys, two-space indentation, UTF-8 text and a final newline.

    The same text as ``json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)``
    (a test checks), written by pydantic-core's encoder for speed.
    """
    return pydantic_core.to_json(sorted_keys(value), indent=2).decode() + "\n"


def constitution_data(constitution: Constitution) -> dict[str, Any]:
    """The constitution as plain JSON data (what the JSON and YAML exports contain)."""
    return constitution.data


def render(constitution: Constitution) -> str:
    """The constitution as pretty JSON, ``schema_version`` included."""
    return pretty_json(constitution_data(constitution))


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the constitution JSON, as kept in ``docs/constitution.schema.json``."""
    schema = Constitution.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Charter constitution"
    schema["description"] = (
        "A constitution compiled by Charter from democratically approved guidelines: "
        "ordered Constitutional-AI principles, each with the vote that approved it. "
        "Readers must refuse a schema_version newer than the one they know. "
        f"Generated from the Constitution model; do not edit {SCHEMA_FILE} by hand."
    )
    return schema


EXPORTER = Exporter(
    name="json",
    filename="constitution.json",
    description="Charter's own format: the whole constitution, which Charter can import again.",
    render=render,
)
