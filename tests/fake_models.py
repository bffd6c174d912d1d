"""LangChain fake chat models for the model paths: tool-calling, text-only, failing, slow.

None of them patches Charter: they are chat models, injected where Charter chooses the
model (``Charter(..., chat_models={name: model})`` or ``ChatModels(overrides=...)``).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

_ids = itertools.count(1)


def critique_call(needed: bool, critique: str) -> AIMessage:
    """The tool call a model makes to give a structured critique."""
    call = {
        "name": "Critique",
        "args": {"critique_needed": needed, "critique": critique},
        "id": f"call_{next(_ids)}",
        "type": "tool_call",
    }
    return AIMessage(content="", tool_calls=[call])


class ToolCallingFake(GenericFakeChatModel):
    """LangChain's generic fake, answering from its list, with tool calling switched on."""

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ToolCallingFake:  # type: ignore[override]
        return self


class ConversationFake(BaseChatModel):
    """Answers each turn of the loop from the conversation, thread-safely, counting calls.

    ``answer(messages, tools)`` returns the reply; by default: an opening answer, a critique
    asking for a revision, and a revision naming the request it followed.
    """

    answer: Callable[[list[BaseMessage], bool], AIMessage] | None = None
    delay_s: float = 0.0
    fail_first: int = 0
    """Raise on this many calls before answering."""
    calls: int = 0
    lock: Any = None

    def model_post_init(self, context: Any) -> None:
        self.lock = threading.Lock()

    @property
    def _llm_type(self) -> str:
        return "conversation-fake"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Any:
        return self.bind(tools=list(tools))

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        with self.lock:
            self.calls += 1
            failing = self.calls <= self.fail_first
        if self.delay_s:
            time.sleep(self.delay_s)
        if failing:
            raise TimeoutError("the fake model timed out")
        tools = bool(kwargs.get("tools"))
        reply = (self.answer or default_answer)(messages, tools)
        reply.usage_metadata = {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15}
        return ChatResult(generations=[ChatGeneration(message=reply)])


def default_answer(messages: list[BaseMessage], tools: bool) -> AIMessage:
    if tools:
        return critique_call(True, "It guesses instead of saying it is unsure.")
    if len(messages) == 1:
        return AIMessage(content=f"INITIAL answer to: {messages[0].content}")
    return AIMessage(content=f"REVISED after: {messages[-1].content.splitlines()[0]}")
