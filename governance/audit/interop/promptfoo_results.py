"""Read a promptfoo results file (``promptfoo eval -o results.json``) into an ``ImportedLog``.

Results version 3 (promptfoo 0.123.1 writes it; ``tests/fixtures/audit/``). One
``ImportedScore`` per assertion result (``gradingResult.componentResults``), labelled by the
assertion's ``metric`` (Charter's export sets it to the principle id), else by the test's
metadata value under ``key``, else by the assertion's type. A row without component results
gives its named scores, or its overall score labelled by the metadata value or the test's
description. The prompt is the one the model received (``prompt.raw``), else ``vars.message``.
A file holds one model's answers: results from several providers are refused,
so no score is credited to the wrong model.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from governance.audit.interop.model import (
    DEFAULT_KEY,
    UNPARSEABLE,
    ImportedLog,
    ImportedScore,
    as_text,
    load_log,
    utc_time,
    verdict_for,
)
from governance.errors import ValidationFailed

#: The results versions Charter reads (``results.version``).
VERSIONS = (3,)

_WHAT = "a promptfoo results file (promptfoo eval -o results.json)"
#: The judge when the config names no grading provider.
DEFAULT_JUDGE = "promptfoo llm-rubric"


def _fail(message: str) -> ValidationFailed:
    return ValidationFailed({"file": message})


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _score(score: Any, passed: Any) -> tuple[float | None, str, str]:
    """(score, verdict, problem) from a result's score, or its pass when it has none."""
    if isinstance(score, int | float) and not isinstance(score, bool):
        if 0 <= score <= 1:
            return float(score), verdict_for(float(score)), ""
        return None, UNPARSEABLE, f"score {score:g} is out of range (0 to 1)"
    if isinstance(passed, bool):
        value = 1.0 if passed else 0.0
        return value, verdict_for(value), ""
    return None, UNPARSEABLE, "the result has neither a score nor a pass"


def _provider(row: dict[str, Any]) -> str:
    provider = row.get("provider")
    if isinstance(provider, dict):
        ident, label = as_text(provider.get("id")), as_text(provider.get("label"))
        return f"{label} ({ident})" if label and label != ident else ident
    return as_text(provider)


def _judge(config: dict[str, Any]) -> str:
    provider = _dict(_dict(config.get("defaultTest")).get("options")).get("provider")
    if isinstance(provider, str) and provider:
        return provider
    if isinstance(provider, dict) and provider.get("id"):
        return as_text(provider["id"])
    return DEFAULT_JUDGE


def _row_scores(row: dict[str, Any], index: int, key: str) -> Iterator[ImportedScore]:
    test = _dict(row.get("testCase"))
    metadata = {**_dict(row.get("metadata")), **_dict(test.get("metadata"))}
    vars_ = {**_dict(test.get("vars")), **_dict(row.get("vars"))}
    description = as_text(test.get("description"))
    sample_id = as_text(metadata.get("prompt_id")) or description or f"test {index}"
    # The rendered prompt is what the model received; a var may hold template escapes.
    prompt = _dict(row.get("prompt")).get("raw")
    common = {
        "sample_id": sample_id,
        "prompt": as_text(prompt if isinstance(prompt, str) else vars_.get("message")),
        "response": as_text(_dict(row.get("response")).get("output")),
    }
    named = as_text(metadata[key]) if metadata.get(key) is not None else ""
    grading = _dict(row.get("gradingResult"))
    components = grading.get("componentResults")
    if isinstance(components, list) and components:
        for component in components:
            component = _dict(component)
            assertion = _dict(component.get("assertion"))
            label = as_text(assertion.get("metric")) or named or as_text(assertion.get("type"))
            score, verdict, problem = _score(component.get("score"), component.get("pass"))
            reason = as_text(component.get("reason"))
            yield ImportedScore(
                **common,
                label=label,
                score=score,
                verdict=verdict,
                explanation=f"{problem}; {reason}" if problem and reason else problem or reason,
            )
        return
    error = row.get("error")
    if not grading and error:
        yield ImportedScore(
            **common, label=named, score=None, verdict=UNPARSEABLE, explanation=as_text(error)
        )
        return
    reason = as_text(grading.get("reason")) or as_text(error)
    named_scores = _dict(row.get("namedScores")) or _dict(grading.get("namedScores"))
    if named_scores:
        entries = [(as_text(name), value, None) for name, value in named_scores.items()]
    else:
        overall = row.get("score", grading.get("score"))
        entries = [(named or description or "score", overall, grading.get("pass"))]
    for label, value, passed in entries:
        score, verdict, problem = _score(value, passed)
        yield ImportedScore(
            **common,
            label=label,
            score=score,
            verdict=verdict,
            explanation=f"{problem}; {reason}" if problem and reason else problem or reason,
        )


def read_promptfoo_results(
    data: bytes, *, key: str = DEFAULT_KEY, limit: int | None = None
) -> ImportedLog:
    """Read a promptfoo results file (results version 3) from one provider.

    Args:
        data: The ``results.json`` file's bytes.
        key: The test metadata key that names a principle, for assertions without a metric.
        limit: Largest file size in bytes (default ``LOG_MAX``).

    Raises:
        ValidationFailed: Under ``file``, with one message naming what was expected.
    """
    top = load_log(data, what=_WHAT, limit=limit)
    results = top.get("results") if isinstance(top, dict) else None
    if not isinstance(results, dict) or "version" not in results:
        raise _fail(
            "this is not a promptfoo results file: expected an object with 'evalId' and"
            " 'results' (written by promptfoo eval -o results.json)"
        )
    version = results["version"]
    if version not in VERSIONS:
        supported = ", ".join(str(v) for v in VERSIONS)
        raise _fail(
            f"promptfoo results version {as_text(version)[:20]} is not supported;"
            f" Charter reads version {supported}"
        )
    rows = results.get("results")
    if not isinstance(rows, list) or not rows:
        raise _fail("the promptfoo results hold no results: expected one row per test")
    if not all(isinstance(row, dict) for row in rows):
        raise _fail("a result row is not an object: expected a promptfoo results file")
    providers = list(dict.fromkeys(_provider(row) for row in rows))
    if len(providers) > 1:
        shown = ", ".join(providers[:5])
        raise _fail(
            f"the results hold {len(providers)} providers ({shown}); Charter imports one"
            " model per file: run promptfoo once per provider (--filter-providers) and"
            " import each results file"
        )
    scores = [score for i, row in enumerate(rows) for score in _row_scores(row, i, key)]
    config = _dict(top.get("config"))
    version_text = f"promptfoo results version {version}"
    tool = _dict(top.get("metadata")).get("promptfooVersion") or top.get("version")
    if tool:
        version_text += f", promptfoo {as_text(tool)}"
    return ImportedLog(
        source="promptfoo",
        tool_version=version_text,
        task=as_text(config.get("description")),
        model=providers[0],
        judge=_judge(config),
        created=utc_time(results.get("timestamp")),
        scores=tuple(scores),
    )
