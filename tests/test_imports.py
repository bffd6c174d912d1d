"""Imports: Charter JSON and HF CAI recipes become guideline texts, or are refused as a whole."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from governance.config import DEFAULT_CATEGORIES
from governance.constitution.compiler import compile_constitution
from governance.constitution.exports import render
from governance.constitution.imports import (
    DERIVED_STATEMENT,
    MAX_IMPORT_BYTES,
    ImportedPrinciple,
    from_pairs,
    parse,
    title_from,
)
from governance.constitution.model import Constitution, canonical_json
from governance.errors import ConfigurationError, ValidationFailed
from governance.llm.principles import builtin_principles
from governance.models import REQUEST_MAX, STATEMENT_MAX, TITLE_MAX
from tests.decisions import decided
from tests.test_exports import CREATED_AT, build_constitution

DEFAULT = "harm_avoidance"


def _parse(fmt: str, data: bytes | str) -> list[ImportedPrinciple]:
    raw = data.encode() if isinstance(data, str) else data
    return parse(fmt, raw, default_category=DEFAULT, categories=DEFAULT_CATEGORIES)


def _hf(*items: Any) -> str:
    return json.dumps({"constitutions": list(items), "system_chat": []})


def _charter(principles: Any, **top: Any) -> str:
    return json.dumps({"schema_version": 1, "name": "Imported", **top, "principles": principles})


def _principle(**fields: Any) -> dict[str, Any]:
    base = {
        "title": "Be kind",
        "statement": "The assistant is kind.",
        "critique_request": "Where was the last response unkind?",
        "revision_request": "Rewrite the response kindly.",
        "category": "wellbeing",
        "language": "en",
    }
    return {**base, **fields}


@pytest.fixture
def constitution() -> Constitution:
    return build_constitution()


def _recompile(constitution: Constitution, imported: list[ImportedPrinciple]) -> Constitution:
    """Compile imported texts under the same decisions as the original principles."""
    items = []
    for principle, item in zip(constitution.principles, imported, strict=True):
        p = principle.provenance
        items.append(
            decided(
                guideline_id=p.guideline_id,
                version=p.guideline_version,
                text=item.text,
                rules_version=p.rules_version,
                decided_at=p.decided_at,
                tally={
                    "overall": {"approve": p.approve, "reject": p.reject, "abstain": p.abstain},
                    "groups": [
                        {
                            "group": g.group,
                            "counts": {
                                "approve": g.approve,
                                "reject": g.reject,
                                "abstain": g.abstain,
                            },
                            "met": g.met,
                        }
                        for g in p.groups
                    ],
                    "lines": list(p.summary),
                },
            )
        )
    return compile_constitution(
        items, version=constitution.version, created_at=CREATED_AT, categories=DEFAULT_CATEGORIES
    )


# --- round trips ---------------------------------------------------------------------------


def test_json_export_round_trips_through_import(constitution: Constitution) -> None:
    imported = _parse("json", render(constitution, "json"))
    assert [i.name for i in imported] == [p.name for p in constitution.principles]
    again = _recompile(constitution, imported)
    for before, after in zip(constitution.principles, again.principles, strict=True):
        assert (after.title, after.statement) == (before.title, before.statement)
        assert after.critique_request == before.critique_request
        assert after.revision_request == before.revision_request
        assert (after.category, after.language) == (before.category, before.language)
    assert render(again, "json") == render(constitution, "json")


def test_hf_cai_export_round_trips_the_requests(constitution: Constitution) -> None:
    imported = _parse("hf-cai", render(constitution, "hf-cai"))
    assert [(i.text.critique_request, i.text.revision_request) for i in imported] == [
        (p.critique_request, p.revision_request) for p in constitution.principles
    ]
    for item in imported:
        assert item.text.statement == DERIVED_STATEMENT.format(critique=item.text.critique_request)
        assert item.text.title and len(item.text.title) <= TITLE_MAX
        assert item.text.category == DEFAULT and item.text.language == "en"
    assert imported[0].name == "constitutions item 1"


def test_json_import_keeps_known_categories_and_the_language() -> None:
    imported = _parse(
        "json",
        _charter(
            [
                _principle(category="privacy", language="de", name="privat"),
                _principle(title="Other", critique_request="Other?", category="no_such_category"),
                {
                    k: v
                    for k, v in _principle(title="Third", critique_request="3?").items()
                    if k not in ("category", "language")
                },
            ]
        ),
    )
    assert [(i.text.category, i.text.language) for i in imported] == [
        ("privacy", "de"),
        (DEFAULT, "en"),
        (DEFAULT, "en"),
    ]
    assert [i.name for i in imported] == ["privat", "principles item 2", "principles item 3"]


def test_a_canonical_json_file_imports_too(constitution: Constitution) -> None:
    assert len(_parse("json", canonical_json(constitution))) == len(constitution.principles)


def test_titles_are_derived_from_the_name_or_the_critique() -> None:
    assert title_from("uo-ethics_4", "ignored") == "Uo ethics 4"
    assert title_from("", "Short critique?") == "Short critique?"
    long = "Identify specific ways in which the assistant's last response is harmful, unethical, racist or toxic."
    derived = title_from("", long)
    assert derived.endswith("…") and len(derived) <= 81 and long.startswith(derived[:-1])
    assert len(title_from("x" * 500, "")) == TITLE_MAX


# --- refusals ------------------------------------------------------------------------------

TOO_LONG_CRITIQUE = "x" * (REQUEST_MAX + 1)
LONG_FOR_STATEMENT = "y" * (STATEMENT_MAX - 10)

BAD_FILES = [
    pytest.param("hf-cai", b"", "the file is empty", id="empty-file"),
    pytest.param(
        "hf-cai",
        b'{"constitutions": ["\xff"]}',
        "not UTF-8 text (invalid byte at position 20)",
        id="not-utf8",
    ),
    pytest.param(
        "hf-cai",
        '{\n  "constitutions": [\n    {"critic": "a" "revision": "b"}\n  ]\n}',
        "not valid JSON: Expecting ',' delimiter at line 3, column 20",
        id="malformed-json",
    ),
    pytest.param(
        "hf-cai", "[" * 100_000, "nests arrays or objects too deeply", id="nested-too-deep"
    ),
    pytest.param("hf-cai", "[]", "expected a Hugging Face CAI recipe", id="hf-not-an-object"),
    pytest.param(
        "hf-cai", '{"system_chat": []}', "missing key 'constitutions'", id="hf-no-constitutions"
    ),
    pytest.param(
        "hf-cai",
        '{"constitutions": {}}',
        "'constitutions' must be an array, not an object",
        id="hf-not-a-list",
    ),
    pytest.param(
        "hf-cai", _hf(), "'constitutions' is empty: there are no principles", id="hf-empty"
    ),
    pytest.param(
        "hf-cai",
        _hf(7),
        "constitutions item 1 must be an object with 'critic' and 'revision', not a number",
        id="hf-item-not-object",
    ),
    pytest.param(
        "hf-cai",
        _hf({"critic": "a", "revision": "b"}, {"revision": "c"}),
        "constitutions item 2: missing key 'critic'",
        id="hf-missing-critic",
    ),
    pytest.param(
        "hf-cai",
        _hf({"critic": None, "revision": "b"}),
        "constitutions item 1: 'critic' must be text, not null",
        id="hf-critic-null",
    ),
    pytest.param(
        "hf-cai",
        _hf({"critic": "  \n ", "revision": "b"}),
        "constitutions item 1: 'critic' is empty",
        id="hf-empty-critique",
    ),
    pytest.param(
        "hf-cai",
        _hf({"critic": "a", "revision": ""}),
        "constitutions item 1: 'revision' is empty",
        id="hf-empty-revision",
    ),
    pytest.param(
        "hf-cai",
        _hf({"critic": TOO_LONG_CRITIQUE, "revision": "b"}),
        "constitutions item 1, 'critic': is 5,501 characters; the limit is 5,500",
        id="hf-critique-too-long",
    ),
    pytest.param(
        "hf-cai",
        _hf({"critic": LONG_FOR_STATEMENT, "revision": "b"}),
        "constitutions item 1, statement (derived from the critique): is "
        f"{len(DERIVED_STATEMENT.format(critique=LONG_FOR_STATEMENT)):,} characters; the limit is 5,000",
        id="hf-derived-statement-too-long",
    ),
    pytest.param(
        "hf-cai",
        _hf({"critic": "bad \x00 byte", "revision": "b"}),
        "constitutions item 1, 'critic': contains a control character (U+0000)",
        id="hf-control-character",
    ),
    pytest.param(
        "hf-cai",
        _hf({"critic": "bad \ud800 half", "revision": "b"}),  # written as \\ud800 in the file
        "constitutions item 1, 'critic': contains a lone surrogate (U+D800)",
        id="hf-lone-surrogate",
    ),
    pytest.param(
        "hf-cai",
        _hf(
            {"critic": "Is it kind?", "revision": "Make it kind."},
            {"critic": "Is it true?", "revision": "Make it true."},
            {"critic": " Is  it\nkind? ", "revision": "Make it   kind."},
        ),
        "constitutions item 1 and constitutions item 3 are the same principle",
        id="hf-duplicate",
    ),
    pytest.param(
        "json",
        "[]",
        "expected a Charter constitution (constitution.json): a JSON object, not an array",
        id="json-not-an-object",
    ),
    pytest.param(
        "json", '{"principles": []}', "missing key 'schema_version'", id="json-no-version"
    ),
    pytest.param(
        "json",
        _charter([], schema_version="1"),
        "'schema_version' must be a whole number",
        id="json-version-text",
    ),
    pytest.param(
        "json",
        _charter([_principle()], schema_version=2),
        "made by a newer Charter (schema_version 2; this Charter reads up to 1)",
        id="json-newer-version",
    ),
    pytest.param(
        "json", '{"schema_version": 1}', "missing key 'principles'", id="json-no-principles"
    ),
    pytest.param("json", _charter([]), "'principles' is empty", id="json-empty"),
    pytest.param(
        "json",
        _charter(
            [_principle(), {k: v for k, v in _principle(title="B").items() if k != "statement"}]
        ),
        "principles item 2: missing key 'statement'",
        id="json-missing-statement",
    ),
    pytest.param(
        "json",
        _charter([_principle(title=3)]),
        "principles item 1: 'title' must be text, not a number",
        id="json-title-number",
    ),
    pytest.param(
        "json",
        _charter([_principle(critique_request="")]),
        "principles item 1: 'critique_request' is empty",
        id="json-empty-critique",
    ),
    pytest.param(
        "json",
        _charter([_principle(revision_request=" ")]),
        "principles item 1: 'revision_request' is empty",
        id="json-empty-revision",
    ),
    pytest.param(
        "json",
        _charter([_principle(title="t" * (TITLE_MAX + 1))]),
        "principles item 1, title: is 201 characters; the limit is 200",
        id="json-title-too-long",
    ),
    pytest.param(
        "json",
        _charter([_principle(statement="s" * (STATEMENT_MAX + 1))]),
        "principles item 1, statement: is 5,001 characters; the limit is 5,000",
        id="json-statement-too-long",
    ),
    pytest.param(
        "json",
        _charter([_principle(title="two\nlines")]),
        "principles item 1, title: contains a control character (line break)",
        id="json-title-two-lines",
    ),
    pytest.param(
        "json",
        _charter([_principle(title="half \udfff")]),
        "principles item 1, title: contains a lone surrogate (U+DFFF)",
        id="json-title-lone-surrogate",
    ),
    pytest.param(
        "json",
        _charter([_principle(name="be-kind-\udc00")]),
        "principles item 1, 'name': contains a lone surrogate (U+DC00)",
        id="json-name-lone-surrogate",
    ),
    pytest.param(
        "json",
        _charter([_principle(language="xx")]),
        "principles item 1, language: unknown language code 'xx'",
        id="json-unknown-language",
    ),
    pytest.param(
        "json",
        _charter([_principle(), _principle(title="Again", statement="Same requests.")]),
        "principles item 1 and principles item 2 are the same principle",
        id="json-duplicate",
    ),
    pytest.param(
        "hf-cai",
        '{"constitutions": [' + "1" * 5000 + "]}",
        "a number too long to read",
        id="huge-number",
    ),
    pytest.param("yaml", "{}", "unknown format 'yaml'; one of: hf-cai, json", id="unknown-format"),
]


@pytest.mark.parametrize(("fmt", "data", "message"), BAD_FILES)
def test_bad_files_are_refused_with_one_clear_message(
    fmt: str, data: bytes | str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _parse(fmt, data)
    assert list(refused.value.errors) == ["file"]
    assert message in refused.value.errors["file"]


def test_a_bad_item_after_good_ones_refuses_the_whole_file() -> None:
    good = [{"critic": f"Is it kind {n}?", "revision": f"Make it kind {n}."} for n in range(5)]
    with pytest.raises(ValidationFailed, match="constitutions item 6: 'revision' is empty"):
        _parse("hf-cai", _hf(*good, {"critic": "Last?", "revision": ""}))


def test_a_file_over_the_limit_is_refused_before_it_is_read() -> None:
    # Neither UTF-8 nor JSON: only the size check can have produced the message.
    with pytest.raises(ValidationFailed) as refused:
        _parse("hf-cai", b"\xff" * (MAX_IMPORT_BYTES + 1))
    assert refused.value.errors == {
        "file": "the file is 10,485,761 bytes; the limit is 10,485,760 bytes (10 MB)"
    }


def test_a_file_of_exactly_the_limit_is_read() -> None:
    head = _hf({"critic": "Is it kind?", "revision": "Make it kind."})
    data = head.encode() + b" " * (MAX_IMPORT_BYTES - len(head.encode()))
    assert len(data) == MAX_IMPORT_BYTES
    assert [i.text.critique_request for i in _parse("hf-cai", data)] == ["Is it kind?"]


def test_a_byte_order_mark_is_accepted() -> None:
    data = b"\xef\xbb\xbf" + _hf({"critic": "Is it kind?", "revision": "Make it kind."}).encode()
    assert len(_parse("hf-cai", data)) == 1


def test_an_escaped_surrogate_pair_is_one_character() -> None:
    # json.dumps writes 🙂 as the pair \\ud83d\\ude42; reading joins it into one character.
    data = _hf({"critic": "Is it kind? 🙂", "revision": "Make it kind."})
    assert "\\ud83d\\ude42" in data
    assert [i.text.critique_request for i in _parse("hf-cai", data)] == ["Is it kind? 🙂"]


# --- LangChain's built-in principles ---------------------------------------------------------


def test_builtin_principles_are_langchains_collection() -> None:
    from langchain_classic.chains.constitutional_ai.principles import (  # noqa: TID251 - the source
        PRINCIPLES,
    )

    builtin = builtin_principles()
    assert len(builtin) == 54
    assert [name for name, _, _ in builtin] == sorted(PRINCIPLES)
    for name, critique, revision in builtin:
        assert (critique, revision) == (
            PRINCIPLES[name].critique_request,
            PRINCIPLES[name].revision_request,
        )


def test_builtin_principles_become_valid_guideline_texts() -> None:
    builtin = builtin_principles()
    imported = from_pairs(builtin, default_category=DEFAULT)
    assert len(imported) == len(builtin)
    for item, (name, critique, revision) in zip(imported, builtin, strict=True):
        assert item.name == name
        assert (item.text.critique_request, item.text.revision_request) == (critique, revision)
        assert critique in item.text.statement
        assert item.text.category == DEFAULT
    assert imported[0].text.title == title_from(builtin[0][0], builtin[0][1])
    assert {i.text.title for i in imported} >= {"Harmful1", "Uo ethics 4"}


def test_missing_langchain_classic_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A None entry in sys.modules makes the import fail as if the package were absent.
    monkeypatch.setitem(sys.modules, "langchain_classic.chains.constitutional_ai.principles", None)
    with pytest.raises(ConfigurationError, match="pip install langchain-classic"):
        builtin_principles()


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([], "there are no principles to import"),
        ([("a", "", "Fix it.")], "item 1 (a): 'critique_request' is empty"),
        ([("a", "Is it bad?", " ")], "item 1 (a): 'revision_request' is empty"),
        (
            [("a", "Is it bad?", "Fix it."), ("b", "Is it  bad?", "Fix it.")],
            "item 1 (a) and item 2 (b) are the same",
        ),
        (
            [("a", "x" * (REQUEST_MAX + 1), "Fix it.")],
            "item 1 (a), critique_request: is 5,501 characters",
        ),
    ],
)
def test_from_pairs_refuses_unusable_triples(
    items: list[tuple[str, str, str]], message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        from_pairs(items, default_category=DEFAULT)
    assert list(refused.value.errors) == ["file"] and message in refused.value.errors["file"]
