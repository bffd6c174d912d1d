"""The constitution as YAML: the same data as the JSON export, for people and config files.

The data is JSON-shaped (mappings with plain keys, lists, strings, numbers, booleans, null),
so a small emitter writes it directly: about ten times faster than PyYAML's representer walk,
which matters for a 1,000-principle constitution. Multi-line text is written as a ``|``
block where that reads back exactly; anything else is a double-quoted (JSON) scalar, which
YAML reads as JSON does. Tests load every export back with PyYAML and compare.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring
from typing import Any

from governance.constitution.exports.exporter import Exporter
from governance.constitution.exports.json_export import constitution_data
from governance.constitution.model import Constitution

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
#: Characters a literal block cannot carry as written (YAML would fold or reject them).
_NOT_IN_BLOCK = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)


#: Plain words YAML 1.1 readers (PyYAML) take for booleans or null: always quoted.
_RESERVED = frozenset("null true false yes no on off y n".split())
#: Not allowed raw in a YAML stream, or folded as a line break inside quotes.
_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


_KEYS: dict[str, str] = {}


def _key(key: str) -> str:
    written = _KEYS.get(key)
    if written is None:
        plain = _PLAIN_KEY.fullmatch(key) and key.lower() not in _RESERVED
        written = key if plain else _quoted(key)
        if len(_KEYS) < 10_000:
            _KEYS[key] = written
    return written


def _quoted(text: str) -> str:
    """A double-quoted scalar: JSON's escapes, plus the characters YAML refuses raw."""
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", encode_basestring(text))


def _block_ok(text: str) -> bool:
    # "|-" keeps the text exactly when no line has trailing spaces, the first line does not
    # start with a space, and there are no control characters.
    return (
        "\n" in text
        and not text.startswith((" ", "\n"))
        and not text.endswith("\n")
        and not _NOT_IN_BLOCK.search(text)
        and all(line == line.rstrip(" \t") for line in text.split("\n"))
    )


def _scalar(value: Any, indent: str) -> str:
    if isinstance(value, str):
        if _block_ok(value):
            inner = indent + "  "
            return "|-\n" + "\n".join(inner + line if line else "" for line in value.split("\n"))
        return _quoted(value)
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    return json.dumps(value)


_CONTAINERS = (dict, list, tuple)


def _emit(value: Any, indent: str, out: list[str], sort_keys: bool) -> None:
    """Append the lines of a mapping or a sequence at ``indent``."""
    if type(value) is dict:
        for key in sorted(value) if sort_keys else value:
            item = value[key]
            head = f"{indent}{_key(str(key))}:"
            if item and type(item) in _CONTAINERS:
                out.append(head)
                _emit(item, indent + "  ", out, sort_keys)
            else:
                out.append(f"{head} {_empty(item) or _scalar(item, indent)}")
        return
    for item in value:
        if item and type(item) in _CONTAINERS:
            lines: list[str] = []
            _emit(item, indent + "  ", lines, sort_keys)
            out.append(f"{indent}- {lines[0].lstrip()}")
            out.extend(lines[1:])
        else:
            out.append(f"{indent}- {_empty(item) or _scalar(item, indent + '  ')}")


def _empty(value: Any) -> str:
    if type(value) is dict and not value:
        return "{}"
    if type(value) in (list, tuple) and not value:
        return "[]"
    return ""


def dump_yaml(data: Mapping[str, Any] | Sequence[Any], *, sort_keys: bool = True) -> str:
    """YAML text for JSON-shaped data, UTF-8 kept as is.

    Args:
        data: A mapping or a list of dicts, lists, strings, numbers, booleans and None.
        sort_keys: Sort mapping keys (otherwise they keep their insertion order).
    """
    lines: list[str] = []
    _emit(data, "", lines, sort_keys)
    return "\n".join(lines) + "\n"


def render(constitution: Constitution) -> str:
    """The constitution as YAML with sorted keys."""
    return dump_yaml(constitution_data(constitution))


EXPORTER = Exporter(
    name="yaml",
    filename="constitution.yaml",
    description="The same content as the JSON export, as YAML.",
    render=render,
)
