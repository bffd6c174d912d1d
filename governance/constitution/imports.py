"""Read principles from other tools' files, as guideline texts to propose as drafts.

Pure: bytes in, validated ``GuidelineText`` out; storing them is the caller's transaction.
A file is accepted or refused as a whole: every item is checked before anything is
returned, and a refusal is one ``ValidationFailed`` message under ``file`` that says what
is wrong and where (items are numbered from 1, as people count).

Formats: ``json`` (Charter's own export) and ``hf-cai`` (a Hugging Face Constitutional-AI
recipe). ``from_pairs`` takes ``(name, critique, revision)`` triples, such as LangChain's
built-in principles. Items that have no statement or title of their own get ones derived
from their name or critique request; the critique and revision requests are kept verbatim.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from pydantic import ValidationError

from governance.constitution.model import SCHEMA_VERSION
from governance.errors import ValidationFailed
from governance.models import TITLE_MAX, GuidelineText
from governance.text import clean_text
from governance.validation import json_kind

MAX_IMPORT_BYTES = 10 * 1024 * 1024
"""Larger files are refused before they are read."""

FORMATS = ("hf-cai", "json")
"""The file formats ``parse`` reads."""

DERIVED_TITLE_MAX = 80
"""A title taken from the first words of a critique request stops at about this length."""

DERIVED_STATEMENT = (
    "A response follows this principle when this critique finds nothing to fix in it: {critique}"
)
"""The statement of an imported principle that has none: voters read this."""


@dataclass(frozen=True)
class ImportedPrinciple:
    """One principle read from a file, ready to be proposed as a draft guideline."""

    name: str
    """Where it came from: its name in the source, or its position; kept for provenance."""
    text: GuidelineText
    """The guideline text to propose."""


@dataclass(frozen=True)
class _Item:
    """An item of the source as guideline fields, before validation."""

    where: str
    name: str
    fields: dict[str, str]
    labels: Mapping[str, str]
    """How the message names each field: the file's own key, or how the field was derived."""
    derived: tuple[str, ...] = ()
    """Fields made from other fields rather than read from the file."""


def _refuse(message: str) -> NoReturn:
    raise ValidationFailed({"file": message})


def _load_json(data: bytes) -> object:
    if len(data) > MAX_IMPORT_BYTES:
        _refuse(f"the file is {len(data):,} bytes; the limit is {MAX_IMPORT_BYTES:,} bytes (10 MB)")
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark some editors add is fine
    except UnicodeDecodeError as exc:
        _refuse(f"the file is not UTF-8 text (invalid byte at position {exc.start:,})")
    if not text.strip():
        _refuse("the file is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        _refuse(f"the file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")
    except RecursionError:
        _refuse("the file nests arrays or objects too deeply to read")
    except ValueError:  # Python refuses integers of more than 4,300 digits
        _refuse("the file holds a number too long to read")


def _text(item: Mapping[str, Any], key: str, where: str, *, default: str | None = None) -> str:
    """The text under ``key``; refuses a missing key (unless there is a default) or non-text."""
    if key not in item:
        if default is not None:
            return default
        _refuse(f"{where}: missing key {key!r}")
    value = item[key]
    if not isinstance(value, str):
        _refuse(f"{where}: {key!r} must be text, not {json_kind(value)}")
    return value


def _name(item: Mapping[str, Any], where: str) -> str:
    """The item's own name, checked like its other text: it is recorded with the draft."""
    try:
        return clean_text(
            _text(item, "name", where, default=""),
            max_length=TITLE_MAX,
            multiline=False,
            required=False,
        )
    except ValueError as exc:
        _refuse(f"{where}, 'name': {exc}")


def _request(item: Mapping[str, Any], key: str, where: str) -> str:
    value = _text(item, key, where)
    if not value.strip():
        _refuse(f"{where}: {key!r} is empty")
    return value


def _list(document: Mapping[str, Any], key: str) -> list[Any]:
    if key not in document:
        _refuse(f"missing key {key!r}")
    items = document[key]
    if not isinstance(items, list):
        _refuse(f"{key!r} must be an array, not {json_kind(items)}")
    if not items:
        _refuse(f"{key!r} is empty: there are no principles to import")
    return items


def _object(value: object, where: str, keys: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        _refuse(f"{where} must be an object with {keys}, not {json_kind(value)}")
    return value


def title_from(name: str, critique: str) -> str:
    """A title for an item that has none: its name made readable, or its critique's first words.

    ``uo-ethics-4`` -> ``Uo ethics 4``; without a name, ``Identify ways in which the
    assistant's last response is harmful, unethical...`` -> its first words up to about
    80 characters, ending with an ellipsis when cut.
    """
    words = name.replace("-", " ").replace("_", " ").split()
    if words:
        title = " ".join(words)
        title = title[:1].upper() + title[1:]
        return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1].rstrip() + "…"
    title = ""
    for word in critique.split():
        longer = f"{title} {word}".lstrip()
        if len(longer) > DERIVED_TITLE_MAX:
            return (title or word[: DERIVED_TITLE_MAX - 1]).rstrip(",;:") + "…"
        title = longer
    return title


def _derived(
    where: str, name: str, critique: str, revision: str, labels: Mapping[str, str], category: str
) -> _Item:
    """An item with only critique and revision requests: title and statement are derived."""
    return _Item(
        where=where,
        name=name or where,
        fields={
            "title": title_from(name, critique),
            "statement": DERIVED_STATEMENT.format(critique=critique.strip()),
            "critique_request": critique,
            "revision_request": revision,
            "category": category,
        },
        labels=labels,
        derived=("title", "statement"),
    )


def _validated(items: Sequence[_Item]) -> list[ImportedPrinciple]:
    """Every item as a ``GuidelineText``; refuses the first invalid item or repeated principle."""
    result: list[ImportedPrinciple] = []
    seen: dict[tuple[str, str], str] = {}
    for item in items:
        try:
            text = GuidelineText.model_validate(item.fields)
        except ValidationError as exc:
            errors = exc.errors()
            # A fault in the file's own text explains a fault in text derived from it.
            own = [e for e in errors if e["loc"] and e["loc"][0] not in item.derived]
            error = (own or errors)[0]
            field = str(error["loc"][0]) if error["loc"] else "text"
            message = str(error["msg"]).removeprefix("Value error, ")
            _refuse(f"{item.where}, {item.labels.get(field, field)}: {message}")
        key = (" ".join(text.critique_request.split()), " ".join(text.revision_request.split()))
        if key in seen:
            _refuse(
                f"{seen[key]} and {item.where} are the same principle"
                " (the same critique and revision requests)"
            )
        seen[key] = item.where
        result.append(ImportedPrinciple(name=item.name, text=text))
    return result


_HF_LABELS = {
    "title": "title (derived from the critique)",
    "statement": "statement (derived from the critique)",
    "critique_request": "'critic'",
    "revision_request": "'revision'",
}


def _hf_cai(document: object, default_category: str) -> list[_Item]:
    if not isinstance(document, dict):
        _refuse(
            "expected a Hugging Face CAI recipe: a JSON object with a 'constitutions' array,"
            f" not {json_kind(document)}"
        )
    items = []
    for number, raw in enumerate(_list(document, "constitutions"), start=1):
        where = f"constitutions item {number}"
        entry = _object(raw, where, "'critic' and 'revision'")
        critique = _request(entry, "critic", where)
        revision = _request(entry, "revision", where)
        items.append(_derived(where, "", critique, revision, _HF_LABELS, default_category))
    return items


def _charter(document: object, default_category: str, categories: Sequence[str]) -> list[_Item]:
    if not isinstance(document, dict):
        _refuse(
            "expected a Charter constitution (constitution.json): a JSON object,"
            f" not {json_kind(document)}"
        )
    if "schema_version" not in document:
        _refuse("missing key 'schema_version'; is this a Charter constitution (constitution.json)?")
    version = document["schema_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        _refuse(f"'schema_version' must be a whole number from 1, not {version!r}")
    if version > SCHEMA_VERSION:
        _refuse(
            f"made by a newer Charter (schema_version {version}; this Charter reads up to"
            f" {SCHEMA_VERSION}); upgrade Charter to import it"
        )
    keys = "'title', 'statement', 'critique_request' and 'revision_request'"
    items = []
    for number, raw in enumerate(_list(document, "principles"), start=1):
        where = f"principles item {number}"
        entry = _object(raw, where, keys)
        category = _text(entry, "category", where, default=default_category)
        items.append(
            _Item(
                where=where,
                name=_name(entry, where) or where,
                fields={
                    "title": _text(entry, "title", where),
                    "statement": _text(entry, "statement", where),
                    "critique_request": _request(entry, "critique_request", where),
                    "revision_request": _request(entry, "revision_request", where),
                    "category": category if category in categories else default_category,
                    "language": _text(entry, "language", where, default="en"),
                },
                labels={},
            )
        )
    return items


def parse(
    fmt: str, data: bytes, *, default_category: str, categories: Sequence[str]
) -> list[ImportedPrinciple]:
    """Read the principles of an uploaded file.

    Args:
        fmt: ``json`` (a Charter export) or ``hf-cai`` (a Hugging Face CAI recipe).
        data: The file's bytes, at most ``MAX_IMPORT_BYTES``.
        default_category: The category for principles that have none this deployment knows.
        categories: The deployment's categories; a Charter principle keeps its own if listed.

    Returns:
        The principles in file order, each with a valid guideline text.

    Raises:
        ValidationFailed: Under ``file``, with one message, if anything in the file is wrong;
            then nothing is returned.
    """
    if fmt not in FORMATS:
        _refuse(f"unknown format {fmt!r}; one of: {', '.join(FORMATS)}")
    document = _load_json(data)
    if fmt == "hf-cai":
        return _validated(_hf_cai(document, default_category))
    return _validated(_charter(document, default_category, categories))


def from_pairs(
    items: Sequence[tuple[str, str, str]], *, default_category: str
) -> list[ImportedPrinciple]:
    """Principles from ``(name, critique_request, revision_request)`` triples.

    Used for LangChain's built-in principles. The title comes from the name and the
    statement from the critique request; both requests are kept verbatim.

    Raises:
        ValidationFailed: Under ``file``, with one message, if any triple is unusable.
    """
    if not items:
        _refuse("there are no principles to import")
    drafts = []
    for number, (name, critique, revision) in enumerate(items, start=1):
        where = f"item {number} ({name})" if name.strip() else f"item {number}"
        pair = {"critique_request": critique, "revision_request": revision}
        for key, value in pair.items():
            if not value.strip():
                _refuse(f"{where}: {key!r} is empty")
        labels = {
            "title": "title (derived from the name)",
            "statement": "statement (derived from the critique)",
        }
        drafts.append(_derived(where, name.strip(), critique, revision, labels, default_category))
    return _validated(drafts)
