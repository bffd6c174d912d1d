"""Training data from a revision run: SFT and preference rows in TRL's shapes, and a card.

* ``sft``: ``{"messages": [{"role": "user", ...}, {"role": "assistant", <final revision>}]}``,
  TRL's conversational language-modelling shape.
* ``preference``: ``{"prompt": [user], "chosen": [assistant <revision>], "rejected":
  [assistant <initial answer>]}``, TRL's conversational preference shape (explicit prompt).
* ``feedback``: the release's comparison prompt of each principle that revised the answer,
  filled in with the pair, for AI feedback (RLAIF) by a preference model.

Every row carries a ``metadata`` object: run, release version and hash, principle ids, the
model, and the prompt's id, category and language. Rows a reviewer excluded, and rows the
export's rules exclude (unchanged, refusals, too short), are left out and counted by reason.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from governance.storage.revisions import ResultRow, RunRow


class DatasetFormat(StrEnum):
    """The datasets a run exports."""

    SFT = "sft"
    PREFERENCE = "preference"
    FEEDBACK = "feedback"


#: Openings of a refusal, in the languages of the built-in prompts (lowercase).
REFUSAL_OPENINGS = (
    "i can't",
    "i cannot",
    "i can not",
    "i won't",
    "i'm sorry",
    "i am sorry",
    "sorry, i",
    "i'm not able to",
    "i am not able to",
    "i'm unable to",
    "je ne peux pas",
    "désolé",
    "je suis désolé",
    "no puedo",
    "lo siento",
    "ich kann nicht",
    "es tut mir leid",
)


@dataclass(frozen=True)
class Rules:
    """Which rows an export leaves out besides those a reviewer excluded."""

    unchanged: bool = True
    """Leave out rows whose final answer is the initial one."""
    refusals: bool = False
    """Leave out rows whose final answer opens with a refusal."""
    min_chars: int = 1
    """Leave out rows whose final answer is shorter than this."""


@dataclass(frozen=True)
class Dataset:
    """An export: its rows, and what was left out and why."""

    format: DatasetFormat  # noqa: A003
    rows: tuple[dict[str, Any], ...]
    considered: int
    excluded: dict[str, int] = field(default_factory=dict)
    """Rows left out, by reason."""

    def jsonl(self) -> bytes:
        """One JSON object per line, UTF-8."""
        lines = (json.dumps(r, ensure_ascii=False, sort_keys=False) for r in self.rows)
        return "".join(f"{line}\n" for line in lines).encode("utf-8")


def is_refusal(text: str) -> bool:
    """Whether ``text`` opens with a refusal ("I can't help with that...")."""
    opening = re.sub(r"^\[scripted\]\s*", "", text.strip().lower()).replace("’", "'")
    return opening.startswith(REFUSAL_OPENINGS)


def _why_left_out(result: ResultRow, rules: Rules) -> str | None:
    if result.error is not None or result.final is None or result.initial is None:
        return "not finished"
    if result.excluded:
        return f"excluded by a reviewer: {result.exclusion_reason}"
    if rules.unchanged and result.final.strip() == result.initial.strip():
        return "unchanged by revision"
    if rules.refusals and is_refusal(result.final):
        return "a refusal"
    if len(result.final.strip()) < rules.min_chars:
        return f"shorter than {rules.min_chars} characters"
    return None


def _metadata(run: RunRow, result: ResultRow) -> dict[str, Any]:
    revised = [s.principle_id for s in result.steps if s.outcome == "revised"]
    return {
        "source": "charter",
        "run": run.id,
        "release_version": run.release_version,
        "release_hash": run.release_hash,
        "principle_id": revised[-1] if revised else None,
        "principle_ids": revised,
        "model": run.model_name,
        "scripted": run.model_settings.get("model") == "charter:scripted",
        "prompt_id": result.prompt.prompt_id,
        "category": result.prompt.category,
        "language": result.prompt.language,
    }


def _user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def _assistant(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": text}


FEEDBACK_TEMPLATE = (
    "Consider the following conversation between a human and an assistant:\n\n"
    "Human: {prompt}\n\n"
    "{question}\n"
    "Options:\n"
    "(A) {a}\n"
    "(B) {b}\n"
    "The answer is:"
)


def build(
    fmt: DatasetFormat,
    run: RunRow,
    results: Sequence[ResultRow],
    comparison_prompts: dict[str, str],
    rules: Rules | None = None,
) -> Dataset:
    """The rows of ``fmt`` from a run's results, and what was left out.

    Args:
        fmt: Which dataset.
        run: The run.
        results: Its results (``tx.revisions.results``), in order.
        comparison_prompts: Each principle's comparison prompt, by principle id (feedback).
        rules: What to leave out besides a reviewer's exclusions.
    """
    rules = rules or Rules()
    rows: list[dict[str, Any]] = []
    excluded: Counter[str] = Counter()
    for result in results:
        reason = _why_left_out(result, rules)
        if reason is not None:
            excluded[reason] += 1
            continue
        assert result.final is not None and result.initial is not None
        meta = _metadata(run, result)
        prompt = result.prompt.text
        if fmt is DatasetFormat.SFT:
            rows.append({"messages": [_user(prompt), _assistant(result.final)], "metadata": meta})
        elif fmt is DatasetFormat.PREFERENCE:
            if result.final.strip() == result.initial.strip():
                excluded["no pair: unchanged by revision"] += 1
                continue
            rows.append(
                {
                    "prompt": [_user(prompt)],
                    "chosen": [_assistant(result.final)],
                    "rejected": [_assistant(result.initial)],
                    "metadata": meta,
                }
            )
        else:
            rows.extend(_feedback_rows(run, result, meta, comparison_prompts))
    return Dataset(fmt, tuple(rows), len(results), dict(excluded))


def _feedback_rows(
    run: RunRow, result: ResultRow, meta: dict[str, Any], comparison_prompts: dict[str, str]
) -> Iterable[dict[str, Any]]:
    assert result.final is not None and result.initial is not None
    for principle_id in dict.fromkeys(meta["principle_ids"]):
        question = comparison_prompts.get(principle_id)
        if not question:
            continue
        # The revision is (A) or (B) by a seeded coin, so position says nothing.
        coin = random.Random(f"{run.seed}:{result.prompt.position}:{principle_id}").random()
        revision_first = coin < 0.5
        a, b = (result.final, result.initial) if revision_first else (result.initial, result.final)
        yield {
            "prompt": FEEDBACK_TEMPLATE.format(
                prompt=result.prompt.text, question=question, a=a, b=b
            ),
            "revision_option": "A" if revision_first else "B",
            "metadata": {**meta, "principle_id": principle_id},
        }


def card(dataset: Dataset, run: RunRow, file_name: str) -> str:
    """The dataset card (README.md beside the JSONL): its source, and what was left out."""
    settings = run.model_settings
    scripted = settings.get("model") == "charter:scripted"
    lines = [
        f"# {file_name}",
        "",
        f"A {dataset.format.value} dataset exported by Charter from revision run {run.id}.",
        "",
    ]
    if scripted:
        lines += [
            "**Made with Charter's scripted stand-in, not a model: the answers are templates"
            " written for Charter. Use it to try a training pipeline, never to train one.**",
            "",
        ]
    lines += [
        "## Where it came from",
        "",
        f"- Constitution release {run.release_version}, sha256 `{run.release_hash}`.",
        f"- Model `{run.model_name}` ({settings.get('model', '')}"
        + (f" at {settings['base_url']}" if settings.get("base_url") else "")
        + f"), temperature {settings.get('temperature')}, max tokens"
        f" {settings.get('max_tokens')}.",
        f"- Prompt set `{run.prompt_set}`, sha256 `{run.prompt_set_hash}`; {run.total} prompts.",
        f"- Critique -> revision: {run.rounds} round(s), principles chosen by"
        f" {run.sampling} (seed `{run.seed}`).",
        f"- Run started {run.created_at:%Y-%m-%d %H:%M} UTC.",
        "",
        "## Rows",
        "",
        f"- {len(dataset.rows)} rows from {dataset.considered} prompts.",
    ]
    if dataset.excluded:
        lines.append("- Left out:")
        lines += [f"  - {count} {reason}" for reason, count in sorted(dataset.excluded.items())]
    else:
        lines.append("- Nothing was left out.")
    lines += [
        "",
        "Each row's `metadata` names the run, the release version and hash, the principles"
        " whose revisions changed the answer (`principle_ids`, the last as `principle_id`),"
        " the model, and the prompt's id, category and language.",
        "",
    ]
    return "\n".join(lines)
