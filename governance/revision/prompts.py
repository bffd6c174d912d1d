"""The prompts a revision run answers: the built-in set, and sets read from CSV or JSONL files.

A revision run sends each prompt of a set to a chat model, then has the model critique and
revise its answer under each principle of a constitution (Constitutional AI, supervised
phase). A set names its prompts by id and carries a content hash, so a run can record
exactly which prompts it used.

Reading a file is pure: bytes in, a validated ``PromptSet`` out. A file is accepted whole or
refused whole: every row is checked before anything is returned, and a refusal is one
``ValidationFailed`` under ``file`` that lists the problems by line number (lines counted
from 1, as an editor shows them). Prompt text is data: HTML, markdown, template syntax and
instructions addressed to a model are kept as written; only the house cleaning rules of
``governance.text.clean_text`` apply.

Both formats have the keys ``prompt`` (required), ``id``, ``category``, ``language`` and
``kind``: a CSV file as its header row, a JSONL file as the keys of one object per line.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any, NoReturn

from governance.config import DEFAULT_CATEGORIES
from governance.constitution.model import canonical_bytes
from governance.errors import ValidationFailed
from governance.languages import LANGUAGES
from governance.text import clean_text
from governance.validation import json_kind

PROMPT_MAX = 8000
"""Most characters in one prompt, after cleaning."""

PROMPT_FILE_MAX = 10 * 1024 * 1024
"""Larger files are refused before they are read."""

PROMPT_COUNT_MAX = 5000
"""Most prompts in one set."""

ID_MAX = 64
"""Most characters in a prompt id."""

NAME_MAX = 100
"""Most characters in a prompt set's name."""

PROBLEMS_SHOWN = 20
"""A refusal lists this many problems and counts the rest."""

KINDS = ("everyday", "red-team")
"""What a prompt tests: a request to help with well (``everyday``, where refusing is a
failure), or one to decline or handle with care (``red-team``)."""

FORMATS = ("csv", "jsonl")
"""The file formats ``parse_prompt_file`` reads."""

KEYS = ("id", "prompt", "category", "language", "kind")
"""The columns of a CSV file and the keys of a JSONL object, in the order written."""

LIST_KEYS = ("principles",)
"""Keys a JSONL object may give as an array of text (read as the words of one value)."""

BUILTIN_NAME = "builtin"
"""The name of the set Charter ships."""

BUILTIN_VERSION = "1"
"""Changes whenever the built-in prompts do, so runs on different versions are told apart."""

_BUILTIN_FILE = "builtin_prompts.jsonl"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class RevisionPrompt:
    """One user message a revision run sends to the model."""

    id: str
    """Names the prompt within its set: letters, digits, ``.``, ``_`` and ``-``, at most
    ``ID_MAX`` characters (``p001``, ``p002``... by position when the file gives none)."""
    text: str
    """The user's message, cleaned (NFC, ``\\n`` line breaks, no control characters) and
    otherwise as written."""
    category: str = ""
    """One of the deployment's categories; empty when uncategorised."""
    language: str = "en"
    """The ISO 639-1 code of the language it is written in (see ``governance.languages``)."""
    kind: str = "everyday"
    """``everyday`` or ``red-team`` (see ``KINDS``)."""


@dataclass(frozen=True)
class PromptSet:
    """The prompts of one revision run, in order."""

    name: str
    """What the set is called (``builtin``, or the name it was imported under)."""
    prompts: tuple[RevisionPrompt, ...]
    """The prompts, in file order; ids are unique."""

    @property
    def content_hash(self) -> str:
        """sha256 (hex) of the canonical JSON of the prompts: the same prompts, the same hash.

        The name is not covered: a set imported twice under two names is the same set.
        """
        rows = [_row(prompt) for prompt in self.prompts]
        return hashlib.sha256(canonical_bytes(rows)).hexdigest()


def _row(prompt: RevisionPrompt) -> dict[str, str]:
    return {
        "id": prompt.id,
        "prompt": prompt.text,
        "category": prompt.category,
        "language": prompt.language,
        "kind": prompt.kind,
    }


def prompt_set_rows(prompt_set: PromptSet) -> bytes:
    """The set as JSONL (UTF-8, one object per prompt), which ``parse_prompt_file`` reads back.

    Every key is written, so the file says exactly what the set holds.
    """
    lines = (json.dumps(_row(prompt), ensure_ascii=False) + "\n" for prompt in prompt_set.prompts)
    return "".join(lines).encode("utf-8")


@functools.cache
def builtin_prompt_set() -> PromptSet:
    """The prompts Charter ships (version ``BUILTIN_VERSION``), written for this project.

    Half are red-team prompts a model should decline or handle with care, half are everyday
    requests where refusing would be the failure; they cover every default category
    (``DEFAULT_CATEGORIES``) in English, French, Spanish and German. A deployment with
    other categories still gets them as written.
    """
    data = resources.files("governance.revision").joinpath(_BUILTIN_FILE).read_bytes()
    return parse_prompt_file(data, name=BUILTIN_NAME, categories=DEFAULT_CATEGORIES, fmt="jsonl")


def _refuse(message: str) -> NoReturn:
    raise ValidationFailed({"file": message})


def _quoted(value: str) -> str:
    """``value`` as a message quotes it: escaped, and cut if long."""
    return repr(value if len(value) <= 40 else value[:39] + "…")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


def _decode(data: bytes) -> str:
    if len(data) > PROMPT_FILE_MAX:
        _refuse(
            f"the file is {_megabytes(len(data))} ({len(data):,} bytes);"
            f" the limit is {PROMPT_FILE_MAX // (1024 * 1024)} MB"
        )
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark some editors add is fine
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        _refuse(f"the file is not UTF-8 text (line {line} has an invalid byte)")
    if not text.strip():
        _refuse("the file is empty")
    return text


#: What a reader yields for each row: its first line, and its values (``None`` where the
#: row has none) or what stops it being read.
_Read = tuple[int, dict[str, str | None] | str]


def _csv_header(cells: Sequence[str], line: int, keys: Sequence[str]) -> list[str]:
    names = [cell.strip().lower() for cell in cells]
    found = ", ".join(_quoted(cell) for cell in cells)
    if "prompt" not in names:
        _refuse(
            f"line {line}: the header row has no 'prompt' column (found {found});"
            f" the columns are {', '.join(keys)}, separated by commas"
        )
    # A column without a name is allowed (spreadsheets add them) as long as it stays empty.
    unknown = [cell for cell, name in zip(cells, names, strict=True) if name not in (*keys, "")]
    if unknown:
        listed = ", ".join(_quoted(cell) for cell in unknown)
        _refuse(f"line {line}: unknown column {listed}; the columns are {', '.join(keys)}")
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        _refuse(f"line {line}: the column {', '.join(map(repr, repeated))} appears twice")
    return names


def _unnamed_value(header: Sequence[str], cells: Sequence[str]) -> int | None:
    """The first column (from 1) holding a value that the header gives no name."""
    for number, cell in enumerate(cells, start=1):
        named = number <= len(header) and header[number - 1]
        if cell.strip() and not named:
            return number
    return None


def _csv_rows(text: str, keys: Sequence[str]) -> Iterator[_Read]:
    # strict: a quote opened and never closed is an error, not the rest of the file as one value.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    end = 0
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The reader cannot find where this row ends, so nothing after it can be trusted.
            reason = str(exc)
            if reason == "unexpected end of data":
                reason = "a quoted value starts here and is never closed"
            elif reason.startswith("field larger than field limit"):
                reason = f"a value is too long; a prompt has at most {PROMPT_MAX:,} characters"
            yield start, f"cannot be read as CSV: {reason}"
            return
        end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = _csv_header(cells, start, keys)
            continue
        stray = _unnamed_value(header, cells)
        if stray:
            yield (
                start,
                (
                    f"a value in column {stray}, which the header does not name"
                    " (a comma outside quotes?)"
                ),
            )
            continue
        values: dict[str, str | None] = dict.fromkeys(keys)
        values.update((key, cell) for key, cell in zip(header, cells, strict=False) if key)
        yield start, values


def _jsonl_value(entry: Mapping[str, Any], key: str) -> str | None:
    value = entry.get(key)
    if value is None or isinstance(value, str):
        return value
    if key in LIST_KEYS and isinstance(value, list):
        for number, item in enumerate(value, start=1):
            if not isinstance(item, str):
                raise ValueError(
                    f"{key!r} must be text or an array of text; item {number} is {json_kind(item)}"
                )
        return " ".join(value)
    if key == "id" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"{key!r} must be text, not {json_kind(value)}")


def _jsonl_rows(text: str, keys: Sequence[str]) -> Iterator[_Read]:
    # Only line breaks end a line: U+2028 and its kind are allowed inside JSON text.
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"not a JSON object: {exc.msg} at column {exc.colno}"
            continue
        except RecursionError:
            yield number, "not a JSON object: it nests arrays or objects too deeply to read"
            continue
        except ValueError:  # Python refuses integers of more than 4,300 digits
            yield number, "not a JSON object: it holds a number too long to read"
            continue
        if not isinstance(entry, dict):
            yield number, f"not a JSON object but {json_kind(entry)}"
            continue
        unknown = [key for key in entry if key not in keys]
        if unknown:
            listed = ", ".join(_quoted(key) for key in unknown)
            yield number, f"unknown key {listed}; the keys are {', '.join(keys)}"
            continue
        try:
            yield number, {key: _jsonl_value(entry, key) for key in keys}
        except ValueError as exc:
            yield number, str(exc)


def _choice(raw: str | None, default: str) -> str:
    value = (raw or "").strip().lower()
    return value or default


def _checked(
    values: Mapping[str, str | None], categories: Sequence[str]
) -> tuple[RevisionPrompt, list[str]]:
    """The row as a prompt (with an empty id when it has none), and what is wrong with it."""
    problems = []
    text = values["prompt"] or ""
    if not text.strip():
        problems.append("prompt is empty")
    else:
        try:
            text = clean_text(text, max_length=PROMPT_MAX, multiline=True)
        except ValueError as exc:
            problems.append(f"prompt {exc}")
    prompt_id = (values["id"] or "").strip()
    if len(prompt_id) > ID_MAX:
        problems.append(f"id is {len(prompt_id):,} characters; the limit is {ID_MAX}")
    elif prompt_id and not _ID.fullmatch(prompt_id):
        problems.append(
            f"id {_quoted(prompt_id)} is not an id: use letters, digits, '.', '_' and '-',"
            " starting with a letter or digit"
        )
    category = _choice(values["category"], "")
    if category and category not in categories:
        problems.append(
            f"category {_quoted(category)} is not one of {', '.join(categories)}"
            " (or leave it empty)"
        )
    language = _choice(values["language"], "en")
    if language not in LANGUAGES:
        problems.append(
            f"language {_quoted(language)} is not an ISO 639-1 code Charter knows"
            " (such as en, fr, es or de)"
        )
    kind = _choice(values["kind"], "everyday")
    if kind not in KINDS:
        problems.append(f"kind {_quoted(kind)} is not one of {', '.join(KINDS)}")
    prompt = RevisionPrompt(
        id=prompt_id, text=text, category=category, language=language, kind=kind
    )
    return prompt, problems


def _refusal(problems: Sequence[str]) -> str:
    if len(problems) == 1:
        return problems[0]
    shown = "; ".join(problems[:PROBLEMS_SHOWN])
    rest = len(problems) - PROBLEMS_SHOWN
    more = f"; and {rest:,} more" if rest > 0 else ""
    return f"{len(problems):,} problems: {shown}{more}"


def parse_prompt_file(
    data: bytes, *, name: str, categories: Sequence[str], fmt: str | None = None
) -> PromptSet:
    """Read a prompt set from an uploaded CSV or JSONL file.

    Args:
        data: The file's bytes (UTF-8, with or without a byte-order mark), at most
            ``PROMPT_FILE_MAX``.
        name: What to call the set.
        categories: The deployment's categories; a prompt's category is one of them or empty.
        fmt: ``csv`` or ``jsonl``; by default a file whose first character (after blank
            space) is ``{`` is read as JSONL, any other as CSV.

    Returns:
        The prompts in file order, at most ``PROMPT_COUNT_MAX``; a prompt without an id is
        ``p001``, ``p002``... by its position.

    Raises:
        ValidationFailed: Under ``file``, listing the problems by line number (the first
            ``PROBLEMS_SHOWN``), if anything in the file is wrong; under ``name`` or
            ``format`` if those are. Then nothing is returned.
    """
    set_name, rows = read_prompt_rows(data, name=name, categories=categories, fmt=fmt)
    return PromptSet(name=set_name, prompts=tuple(prompt for prompt, _ in rows))


#: Checks a row's values beyond the prompt's own keys; returns what is wrong with them.
ExtraCheck = Callable[[Mapping[str, str | None]], list[str]]


def read_prompt_rows(
    data: bytes,
    *,
    name: str,
    categories: Sequence[str],
    fmt: str | None = None,
    extra_keys: Sequence[str] = (),
    check_extra: ExtraCheck | None = None,
) -> tuple[str, list[tuple[RevisionPrompt, dict[str, str | None]]]]:
    """``parse_prompt_file`` for files with more keys: each prompt with its row's values.

    Args:
        data: As ``parse_prompt_file``.
        name: What to call the set (cleaned and returned).
        categories: As ``parse_prompt_file``.
        fmt: As ``parse_prompt_file``.
        extra_keys: Keys (columns) beyond ``KEYS`` the file may have.
        check_extra: What is wrong with a row's values; its problems are listed by line
            with the others.

    Raises:
        ValidationFailed: As ``parse_prompt_file``.
    """
    if fmt is not None and fmt not in FORMATS:
        raise ValidationFailed({"format": f"unknown format {fmt!r}; one of {', '.join(FORMATS)}"})
    try:
        set_name = clean_text(name, max_length=NAME_MAX, multiline=False)
    except ValueError as exc:
        raise ValidationFailed({"name": str(exc)}) from None
    text = _decode(data)
    if fmt is None:
        fmt = "jsonl" if text.lstrip().startswith("{") else "csv"
    keys = (*KEYS, *extra_keys)
    rows = _jsonl_rows(text, keys) if fmt == "jsonl" else _csv_rows(text, keys)

    problems: list[tuple[int, str]] = []
    read: list[tuple[int, RevisionPrompt, bool]] = []
    extras: list[dict[str, str | None]] = []
    for position, (line, values) in enumerate(rows, start=1):
        if position > PROMPT_COUNT_MAX:
            # Counting the rest would mean reading it all; the file is refused either way.
            limit = f"{PROMPT_COUNT_MAX:,}"
            problems.append((0, f"the file holds more than {limit} prompts; the limit is {limit}"))
            break
        if isinstance(values, str):
            problems.append((line, values))
            continue
        prompt, faults = _checked(values, categories)
        if check_extra is not None:
            faults.extend(check_extra(values))
        problems.extend((line, fault) for fault in faults)
        given = bool(prompt.id)
        if not given:
            prompt = replace(prompt, id=f"p{position:03d}")
        read.append((line, prompt, given))
        extras.append({key: values.get(key) for key in extra_keys})
    if not read and not problems:
        _refuse("the file holds no prompts")
    problems.extend(_repeated_ids(read))
    if problems:
        problems.sort(key=lambda problem: problem[0])
        messages = [f"line {line}: {message}" if line else message for line, message in problems]
        _refuse(_refusal(messages))
    return set_name, [(prompt, extra) for (_, prompt, _), extra in zip(read, extras, strict=True)]


def _repeated_ids(read: Sequence[tuple[int, RevisionPrompt, bool]]) -> list[tuple[int, str]]:
    """A problem for each prompt whose id an earlier prompt has."""
    problems = []
    seen: dict[str, tuple[int, bool]] = {}
    for line, prompt, given in read:
        if prompt.id not in seen:
            seen[prompt.id] = (line, given)
            continue
        first, first_given = seen[prompt.id]
        why = ""
        if not (given and first_given):
            why = " (a prompt without an id is numbered p001, p002... by its position)"
        problems.append((line, f"id {_quoted(prompt.id)} repeats line {first}{why}"))
    return problems
