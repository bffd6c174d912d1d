"""The scripted stand-in: a chat model with no model behind it, for trying the pipeline.

Its replies are templates written for Charter, filled in from the conversation; they are
not a model's output, and every page and dataset that shows them says so. It answers an
opening question, a critique (through a tool call, as real models do for structured
output) and a revision request, deterministically, so a run made with it can be checked.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.utils.function_calling import convert_to_openai_tool

#: What every scripted reply starts with, so nobody mistakes it for a model's words.
MARK = "[scripted]"

_ids = itertools.count(1)


def _short(text: str, words: int = 14) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _text(message: BaseMessage) -> str:
    return message.content if isinstance(message.content, str) else str(message.content)


def _needed(*texts: str) -> bool:
    """A fixed yes or no per conversation: about two critiques in three find something."""
    digest = hashlib.sha256("\x1f".join(texts).encode("utf-8", "surrogatepass")).digest()
    return digest[0] % 3 != 0


def hash_fraction(*texts: str) -> float:
    """A fixed number in [0, 1) per conversation."""
    digest = hashlib.sha256("\x1e".join(texts).encode("utf-8", "surrogatepass")).digest()
    return digest[1] / 256


class ScriptedChatModel(BaseChatModel):
    """Template replies for the pipeline's three turns; see the module docstring."""

    latency_ms: int = 0
    """How long each reply takes."""

    @property
    def _llm_type(self) -> str:
        return "charter-scripted"

    def bind_tools(
        self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Answer with a call of the first tool (how structured output reaches a model)."""
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        tools = kwargs.get("tools") or []
        question = _text(messages[0]) if messages else ""
        if tools:
            message = self._critique(messages, tools[0]["function"])
        elif len(messages) <= 1:
            message = AIMessage(content=self._answer(question))
        else:
            message = AIMessage(content=self._revision(messages))
        words_in = sum(len(_text(m).split()) for m in messages)
        words_out = len(_text(message).split()) + len(str(message.tool_calls).split())
        message.usage_metadata = {
            "input_tokens": words_in,
            "output_tokens": words_out,
            "total_tokens": words_in + words_out,
        }
        return ChatResult(generations=[ChatGeneration(message=message)])

    @staticmethod
    def _answer(question: str) -> str:
        return (
            f"{MARK} A first answer to “{_short(question)}”: here is what I would say,"
            " in general terms, with the main points and one suggestion to go further."
        )

    @staticmethod
    def _critique(messages: list[BaseMessage], tool: dict[str, Any]) -> AIMessage:
        answer = _text(messages[-2]) if len(messages) >= 2 else ""
        request = _text(messages[-1])
        needed = _needed(answer, request)
        critique = (
            f"{MARK} Read against the request “{_short(request, 18)}”, the answer could say"
            " more plainly what it does not know and who it might affect."
            if needed
            else f"{MARK} Read against the request “{_short(request, 18)}”, nothing to change."
        )
        properties = tool.get("parameters", {}).get("properties", {})
        # A structure with a choice (a judge's verdict): the first choice about two times in
        # three, else the second; its text names the choice, so the two never disagree.
        chosen = next(
            (
                (name, s["enum"][0] if needed or len(s["enum"]) == 1 else s["enum"][1])
                for name, s in properties.items()
                if s.get("enum")
            ),
            None,
        )
        if chosen is not None:
            critique = (
                f"{MARK} A template verdict, {chosen[1]}, on the request"
                f" “{_short(request, 12)}”: no model read the answer."
            )
        args: dict[str, Any] = {}
        for name, schema in properties.items():
            kind = schema.get("type")
            if chosen is not None and name == chosen[0]:
                args[name] = chosen[1]
            elif kind == "number":
                args[name] = round(0.5 + (hash_fraction(answer, request) / 2), 2)
            elif kind == "boolean":
                args[name] = needed
            elif kind == "string":
                args[name] = critique
            else:
                args[name] = None
        call = {"name": tool["name"], "args": args, "id": f"call_{next(_ids)}", "type": "tool_call"}
        return AIMessage(content="", tool_calls=[call])

    @staticmethod
    def _revision(messages: list[BaseMessage]) -> str:
        answer = next((_text(m) for m in reversed(messages[:-2]) if isinstance(m, AIMessage)), "")
        request = _text(messages[-1])
        body = answer.removeprefix(MARK).strip()
        return (
            f"{MARK} {body} Revised for “{_short(request, 12)}”: it now says where it is"
            " unsure and who might be affected."
        )
