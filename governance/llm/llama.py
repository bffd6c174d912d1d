"""LangChain's ``ChatLlamaCpp`` on one shared llama.cpp model.

Importing this module imports ``langchain_community`` and, through it, ``llama_cpp``; only
``local.py`` imports it, and only once it has checked that both are installed.
langchain-community is being sunset (langchain-community#674) and warns so on import; it is
pinned at 0.4.2, and what Charter uses of it is ``ChatLlamaCpp`` alone.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_community.chat_models.llamacpp import ChatLlamaCpp

BATCH = 512
"""Prompt tokens llama.cpp reads per step; ChatLlamaCpp's default of 8 makes long prompts crawl."""


class SerializedLlama:
    """A llama.cpp model that runs one chat completion at a time.

    One ``Llama`` is not thread-safe, and every chat model ``local_chat_model`` returns
    shares it, so the lock belongs to the model. ``ChatLlamaCpp`` calls nothing on its client
    but ``create_chat_completion``; a stream holds the lock until it is read to the end or
    closed.
    """

    def __init__(self, llama: Any) -> None:
        self._llama = llama
        self._lock = threading.Lock()

    def create_chat_completion(self, **kwargs: Any) -> Any:
        """Run ``Llama.create_chat_completion`` once no other call is running."""
        if kwargs.get("stream"):
            return self._stream(kwargs)
        with self._lock:
            return self._llama.create_chat_completion(**kwargs)

    def close(self) -> None:
        """Free the model, once no call is running."""
        with self._lock:
            self._llama.close()

    def _stream(self, kwargs: dict[str, Any]) -> Iterator[Any]:
        with self._lock:
            yield from self._llama.create_chat_completion(**kwargs)


class SeededChatLlamaCpp(ChatLlamaCpp):
    """``ChatLlamaCpp`` that sends its seed with every call.

    ``ChatLlamaCpp`` gives the seed to llama.cpp only when it loads the model; a shared
    model needs it per call. Being a call parameter also puts it in LangChain's cache key.
    """

    @property
    def _default_params(self) -> dict[str, Any]:
        return {**super()._default_params, "seed": self.seed}


def load_chat_model(path: Path, *, n_ctx: int, threads: int) -> SeededChatLlamaCpp:
    """Load the GGUF file at ``path`` into a chat model whose calls are serialized.

    Args:
        path: The GGUF file.
        n_ctx: The context window in tokens.
        threads: llama.cpp threads per call.

    Returns:
        The chat model; copies of it (``model_copy``) share the loaded model and its lock.
    """
    chat = SeededChatLlamaCpp(
        model_path=str(path),
        n_ctx=n_ctx,
        n_batch=min(BATCH, n_ctx),
        n_threads=threads,
        verbose=False,
    )
    shared: SeededChatLlamaCpp = chat.model_copy(update={"client": SerializedLlama(chat.client)})
    return shared
