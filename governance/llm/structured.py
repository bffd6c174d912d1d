"""Structured answers, and reading what models say.

A structured answer comes by a forced tool call (or a JSON schema) where the model has one,
and in a fixed text form where it has not; an answer that does not parse is recorded as such.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, SystemMessage
from langchain_core.outputs import LLMResult

from governance.llm.specs import Message


def as_langchain(messages: Sequence[Message]) -> list[AnyMessage]:
    """Charter's chat turns as LangChain messages."""
    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[m.role](content=m.content) for m in messages]


def one_line(exc: BaseException) -> str:
    """An exception as one line: ``TimeoutError: the model took too long``."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text and text[0] else type(exc).__name__


def message_text(message: Any) -> str:
    """A message's text; what the database cannot store (a lone surrogate) becomes "?"."""
    return _raw_content(message).encode("utf-8", "replace").decode("utf-8")


def _raw_content(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(
            part if isinstance(part, str) else str(part.get("text", ""))
            for part in content
            if isinstance(part, str) or part.get("type") == "text"
        )
    return str(content)


def token_counts(message: Any) -> tuple[int, int]:
    """Input and output tokens a message reports (0 when it reports none)."""
    usage = getattr(message, "usage_metadata", None) or {}
    return int(usage.get("input_tokens", 0) or 0), int(usage.get("output_tokens", 0) or 0)


#: How a model without tool calling is asked for a critique, and how its answer is read.
TEXT_FORM = (
    "Answer in exactly this form:\n"
    "Critique needed: yes or no\n"
    "Critique: <your critique, or why none is needed>"
)


def parse_text_form(text: str) -> dict[str, Any] | None:
    """Read a critique written in ``TEXT_FORM``; None when it is not in that form."""
    needed: bool | None = None
    critique_lines: list[str] = []
    in_critique = False
    for line in text.strip().splitlines():
        lowered = line.strip().lower()
        if needed is None and lowered.startswith("critique needed:"):
            answer = lowered.removeprefix("critique needed:").strip().strip(".")
            if answer in ("yes", "no"):
                needed = answer == "yes"
            continue
        if lowered.startswith("critique:"):
            in_critique = True
            critique_lines.append(line.strip()[len("critique:") :].strip())
            continue
        if in_critique:
            critique_lines.append(line)
    critique = "\n".join(critique_lines).strip()
    if needed is None or not critique:
        return None
    return {"critique_needed": needed, "critique": critique}


class _RawReply(BaseCallbackHandler):
    """Keeps the model's own message of a structured call, whatever its parser says."""

    def __init__(self) -> None:
        self.message: Any = None

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        if response.generations and response.generations[0]:
            self.message = getattr(response.generations[0][0], "message", None)


def parsed_call(bound: Any, asked: Sequence[Message]) -> tuple[Any, Any, Any]:
    """Call a structured-output chain: (the model's message, the parsed value, the error).

    A failure of the model itself propagates (and is tried again); a reply that does not
    parse is an answer, returned with its error.
    """
    raw = _RawReply()
    try:
        parsed = bound.invoke(as_langchain(asked), config={"callbacks": [raw]})
    except Exception as exc:
        if raw.message is None:
            raise  # the model did not answer
        return raw.message, None, exc
    return raw.message, parsed, None


def raw_text(raw: Any) -> str:
    """What a structured call's model said: its tool call's arguments, or its text."""
    if raw is None:
        return ""
    calls = getattr(raw, "tool_calls", None) or []
    if calls:
        return json.dumps(calls[0].get("args", {}), ensure_ascii=False)
    return message_text(raw)


def one_line_text(error: Any) -> str:
    """A parsing error as one line."""
    if isinstance(error, BaseException):
        return one_line(error)
    text = str(error).strip().splitlines()
    return text[0] if text else "unparseable"


def validated(schema: type[Any], value: dict[str, Any]) -> dict[str, Any] | None:
    """``value`` checked against ``schema``; None when it does not fit."""
    try:
        return dict(schema.model_validate(value).model_dump())
    except Exception:
        return None
