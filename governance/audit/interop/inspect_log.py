"""Read an Inspect AI eval log (the JSON format) into an ``ImportedLog``.

Inspect writes ``.eval`` (a zip) by default and ``.json`` with ``--log-format json``; Charter
reads the JSON one, parsed once with the standard library, so inspect_ai is not needed.
Tested on logs inspect_ai 0.3.285 wrote (``tests/fixtures/audit/``): log format version 2.

One ``ImportedScore`` per (sample, scorer), or per entry when a scorer returns a dict of
named values. Its label is the sample's metadata value under ``key`` (``principle_id``
unless the person names another key), a dict entry's name, or else the scorer's name.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from governance.audit.interop.model import (
    DEFAULT_KEY,
    NOT_APPLICABLE,
    UNPARSEABLE,
    ImportedLog,
    ImportedScore,
    as_text,
    load_log,
    utc_time,
    verdict_for,
)
from governance.errors import ValidationFailed

#: The log format versions Charter reads (Inspect's ``EvalLog.version``).
VERSIONS = (2,)

#: Inspect's letter grades: correct, partly correct, incorrect.
_LETTERS = {"C": 1.0, "P": 0.5, "I": 0.0}

_WHAT = "an Inspect eval log"
_EVAL_ZIP = (
    "this is Inspect's binary .eval log; write a JSON log with --log-format json"
    " or convert it with `inspect log convert --to json`"
)


def _fail(message: str) -> ValidationFailed:
    return ValidationFailed({"file": message})


def _value(value: Any) -> tuple[float | None, str, str]:
    """A score value as (score, verdict, problem); problem is empty when it was read."""
    if isinstance(value, bool):
        score = 1.0 if value else 0.0
        return score, verdict_for(score), ""
    if isinstance(value, str):
        if value == "N":
            return None, NOT_APPLICABLE, "no answer (N)"
        if value in _LETTERS:
            return _LETTERS[value], verdict_for(_LETTERS[value]), ""
        return None, UNPARSEABLE, f"value {value[:40]!r} is not C, P, I, N or a number"
    if isinstance(value, int | float):
        if math.isnan(value):
            return None, UNPARSEABLE, "the scorer gave no grade (NaN)"
        if 0 <= value <= 1:
            return float(value), verdict_for(float(value)), ""
        return None, UNPARSEABLE, f"value {value:g} is out of range (0 to 1)"
    return None, UNPARSEABLE, f"value {as_text(value)[:40]} is not a grade Charter reads"


def _text(content: Any) -> str:
    """A message's content as text: a string, or the text of its content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = (part.get("text") for part in content if isinstance(part, dict))
        return "\n".join(part for part in parts if isinstance(part, str))
    return as_text(content)


def _prompt(sample: dict[str, Any]) -> str:
    raw = sample.get("input")
    if isinstance(raw, list):
        users = [m for m in raw if isinstance(m, dict) and m.get("role") == "user"]
        return _text(users[-1].get("content")) if users else ""
    return _text(raw)


def _response(sample: dict[str, Any]) -> str:
    output = sample.get("output")
    if not isinstance(output, dict):
        return ""
    completion = output.get("completion")
    if isinstance(completion, str) and completion:
        return completion
    choices = output.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], dict):
        message = choices[0].get("message")
        if isinstance(message, dict):
            return _text(message.get("content"))
    return ""


def _explained(problem: str, explanation: Any) -> str:
    said = explanation if isinstance(explanation, str) else ""
    return f"{problem}; {said}" if problem and said else problem or said


def _sample_scores(sample: dict[str, Any], sample_id: str, key: str) -> Iterator[ImportedScore]:
    prompt, response = _prompt(sample), _response(sample)
    metadata = sample.get("metadata")
    named = metadata.get(key) if isinstance(metadata, dict) else None
    scores = sample.get("scores")
    if not isinstance(scores, dict) or not scores:
        error = sample.get("error")
        message = error.get("message") if isinstance(error, dict) else None
        yield ImportedScore(
            sample_id=sample_id,
            prompt=prompt,
            response=response,
            label=as_text(named) if named is not None else "",
            score=None,
            verdict=UNPARSEABLE,
            explanation=as_text(message) if message else "the sample has no score",
        )
        return
    for scorer, result in scores.items():
        result = result if isinstance(result, dict) else {"value": result}
        value, explanation = result.get("value"), result.get("explanation")
        if isinstance(value, dict):
            entries = [(str(name), entry) for name, entry in value.items()]
        else:
            entries = [(as_text(named) if named is not None else scorer, value)]
        for label, entry in entries:
            score, verdict, problem = _value(entry)
            yield ImportedScore(
                sample_id=sample_id,
                prompt=prompt,
                response=response,
                label=label,
                score=score,
                verdict=verdict,
                explanation=_explained(problem, explanation),
            )


def read_inspect_log(
    data: bytes, *, key: str = DEFAULT_KEY, limit: int | None = None
) -> ImportedLog:
    """Read an Inspect eval log written with ``--log-format json``.

    Args:
        data: The ``.json`` log file's bytes.
        key: The sample metadata key that names the principle a sample tests.
        limit: Largest file size in bytes (default ``LOG_MAX``).

    Raises:
        ValidationFailed: Under ``file``, with one message naming what was expected.
    """
    if data[:4] == b"PK\x03\x04":
        raise _fail(_EVAL_ZIP)
    log = load_log(data, what=_WHAT, limit=limit)
    if not isinstance(log, dict) or not {"version", "eval"} <= log.keys():
        raise _fail(
            "this is not an Inspect eval log: expected an object with 'version', 'eval'"
            " and 'samples'"
        )
    version = log["version"]
    if version not in VERSIONS:
        supported = ", ".join(str(v) for v in VERSIONS)
        raise _fail(
            f"Inspect log version {as_text(version)[:20]} is not supported;"
            f" Charter reads version {supported}"
        )
    spec = log["eval"] if isinstance(log["eval"], dict) else {}
    samples = log.get("samples")
    status = log.get("status")
    if not isinstance(samples, list) or not samples:
        error = log.get("error")
        reason = error.get("message") if isinstance(error, dict) else None
        if status in ("error", "cancelled"):
            said = f": {as_text(reason)[:300]}" if reason else ""
            raise _fail(f"the eval ended with status {status} before any sample finished{said}")
        raise _fail(
            "the log holds no samples: write it without --no-log-samples and import the"
            " whole log, not its header"
        )
    config = spec.get("config")
    epochs = config.get("epochs") if isinstance(config, dict) else None
    several = isinstance(epochs, int) and epochs > 1
    scores: list[ImportedScore] = []
    scorers: dict[str, None] = {}
    for sample in samples:
        if not isinstance(sample, dict):
            raise _fail("a sample of the log is not an object: expected an Inspect eval log")
        sample_id = as_text(sample.get("id"))
        if several:
            sample_id = f"{sample_id}#{sample.get('epoch', 1)}"
        if isinstance(sample.get("scores"), dict):
            scorers.update(dict.fromkeys(sample["scores"]))
        scores.extend(_sample_scores(sample, sample_id, key))
    packages = spec.get("packages")
    inspect_version = packages.get("inspect_ai") if isinstance(packages, dict) else None
    tool_version = f"inspect log version {version}"
    if inspect_version:
        tool_version += f", inspect_ai {inspect_version}"
    judge = ", ".join(scorers)
    roles = spec.get("model_roles")
    if isinstance(roles, dict) and roles:
        bound = (
            f"{role}={as_text(m.get('model') if isinstance(m, dict) else m)}"
            for role, m in roles.items()
        )
        judge += f" (model roles: {', '.join(bound)})"
    return ImportedLog(
        source="inspect",
        tool_version=tool_version,
        task=as_text(spec.get("task")),
        model=as_text(spec.get("model")),
        judge=judge,
        created=utc_time(spec.get("created")),
        scores=tuple(scores),
    )
