"""Calling chat models: the one place Charter talks to LangChain's chat models.

``ChatModels`` turns a ``ModelSpec`` into a LangChain chat model (any ``init_chat_model``
provider, an OpenAI-compatible server, the local llama.cpp model or the scripted stand-in)
and hands out a ``ModelClient`` per spec. A client call checks the cache of model calls,
waits for the rate limiter, calls the model with retries and a growing pause, and returns a
``Reply`` with tokens and time. Structured answers use the model's tool calling where it has
one and a fixed text form otherwise; an answer that does not parse says so and is never
taken for a valid one.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel

from governance.errors import ConfigurationError
from governance.llm.scripted import ScriptedChatModel
from governance.llm.specs import Message, ModelSpec, Reply
from governance.llm.structured import (
    TEXT_FORM,
    as_langchain,
    message_text,
    one_line,
    one_line_text,
    parse_text_form,
    parsed_call,
    raw_text,
    token_counts,
    validated,
)

#: Longest pause between two tries of a failed call.
BACKOFF_MAX_S = 30.0


class CallCache(Protocol):
    """Where replies are kept, so a call made once is never paid for twice."""

    def get(self, key: str, spec: ModelSpec) -> dict[str, Any] | None:
        """The stored reply for ``key`` (a call to ``spec``), or None."""
        ...

    def put(self, key: str, spec: ModelSpec, reply: dict[str, Any]) -> None:
        """Keep ``reply`` under ``key``."""
        ...


class ModelCallFailed(Exception):
    """A model call failed after every try; the message says why, in one line."""


class RateLimiter:
    """At most ``rate`` calls per second, shared by every thread using one model."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        """Allow ``rate`` calls per second (0: no limit)."""
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()
        self._clock = clock

    def wait(self) -> None:
        """Return when the next call may start."""
        if not self.interval:
            return
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)


def call_key(spec: ModelSpec, messages: Sequence[Message], schema: str = "") -> str:
    """The cache key of a call: the model's fingerprint, the messages and the answer's form."""
    body = {
        "model": spec.fingerprint(),
        "messages": [[m.role, m.content] for m in messages],
        "schema": schema,
    }
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


class ModelClient:
    """Calls one model: cache, rate limit, retries, tokens and time.

    Args:
        spec: The model's settings.
        model: The LangChain chat model built for it.
        cache: Where replies are kept (None: nothing is kept).
        sleep: How to pause between tries (tests pass one that does not wait).
    """

    def __init__(
        self,
        spec: ModelSpec,
        model: BaseChatModel,
        cache: CallCache | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Wrap ``model``."""
        self.spec = spec
        self.model = model
        self.cache = cache
        self.limiter = RateLimiter(spec.rate_limit)
        self._sleep = sleep
        self._calls = 0
        self._count_lock = threading.Lock()
        self._structured: dict[type[Any], Any] = {}

    @property
    def calls(self) -> int:
        """Calls that reached the model (not the cache) so far."""
        return self._calls

    def reply(self, messages: Sequence[Message]) -> Reply:
        """The model's answer to ``messages``.

        Raises:
            ModelCallFailed: Every try failed.
        """
        key = call_key(self.spec, messages)
        cached = self._cached(key)
        if cached is not None:
            return cached
        message, ms = self._invoke(lambda: self.model.invoke(as_langchain(messages)))
        tokens_in, tokens_out = token_counts(message)
        reply = Reply(message_text(message), tokens_in, tokens_out, ms)
        self._keep(key, reply)
        return reply

    def structured(
        self,
        messages: Sequence[Message],
        schema: type[Any],
        *,
        text_form: str = TEXT_FORM,
        parse_text: Callable[[str], dict[str, Any] | None] = parse_text_form,
    ) -> Reply:
        """A structured answer (``Reply.parsed``), or why it did not parse (``parse_error``).

        Models with tool calling answer through a forced tool call of ``schema`` (a pydantic
        model); others are asked for ``text_form`` and their text is read with
        ``parse_text`` (by default a critique's form, ``parse_text_form``). A reply that
        does not parse is returned with ``parse_error`` set, and kept in the cache like
        any other.

        Raises:
            ModelCallFailed: Every try failed.
        """
        bound = self._structured_for(schema)
        form = f"{schema.__name__}:{'tools' if bound is not None else 'text'}"
        if bound is None:
            asked = [*messages[:-1], Message("user", f"{messages[-1].content}\n\n{text_form}")]
        else:
            asked = list(messages)
        key = call_key(self.spec, asked, form)
        cached = self._cached(key)
        if cached is not None:
            return cached
        if bound is not None:
            (raw, parsed, error), ms = self._invoke(lambda: parsed_call(bound, asked))
            tokens_in, tokens_out = token_counts(raw)
            value = parsed.model_dump() if parsed is not None else None
            if value is None and not error:
                error = "the model answered without the requested structure"
            reply = Reply(
                raw_text(raw),
                tokens_in,
                tokens_out,
                ms,
                parsed=value,
                parse_error="" if value is not None else one_line_text(error),
            )
        else:
            message, ms = self._invoke(lambda: self.model.invoke(as_langchain(asked)))
            text = message_text(message)
            tokens_in, tokens_out = token_counts(message)
            value = parse_text(text)
            reply = Reply(
                text,
                tokens_in,
                tokens_out,
                ms,
                parsed=None if value is None else validated(schema, value),
                parse_error="" if value is not None else "the answer is not in the asked form",
            )
        self._keep(key, reply)
        return reply

    # -- inside ---------------------------------------------------------------------------

    def _structured_for(self, schema: type[Any]) -> Any:
        """The model bound to answer as ``schema`` (built once), or None without tools."""
        with self._count_lock:
            if schema in self._structured:
                return self._structured[schema]
        try:
            # Not include_raw=True: that runs two thread pools per call. The raw reply is
            # caught by a callback instead (``_parsed_call``).
            bound = self.model.with_structured_output(schema)
        except NotImplementedError:
            bound = None
        with self._count_lock:
            self._structured[schema] = bound
        return bound

    def _cached(self, key: str) -> Reply | None:
        if self.cache is None:
            return None
        stored = self.cache.get(key, self.spec)
        if stored is None:
            return None
        return Reply(
            text=str(stored.get("text", "")),
            input_tokens=int(stored.get("input_tokens", 0)),
            output_tokens=int(stored.get("output_tokens", 0)),
            ms=0.0,
            cached=True,
            parsed=stored.get("parsed"),
            parse_error=str(stored.get("parse_error", "")),
        )

    def _keep(self, key: str, reply: Reply) -> None:
        if self.cache is not None:
            self.cache.put(
                key,
                self.spec,
                {
                    "text": reply.text,
                    "input_tokens": reply.input_tokens,
                    "output_tokens": reply.output_tokens,
                    "ms": reply.ms,
                    "parsed": reply.parsed,
                    "parse_error": reply.parse_error,
                },
            )

    def _invoke(self, call: Callable[[], Any]) -> tuple[Any, float]:
        tries = self.spec.max_retries + 1
        for attempt in range(tries):
            self.limiter.wait()
            started = time.perf_counter()
            try:
                with self._count_lock:
                    self._calls += 1
                out = call()
            except Exception as exc:  # a provider's error, a timeout, a dropped connection
                if attempt + 1 == tries:
                    raise ModelCallFailed(
                        f"{self.spec.name}: {one_line(exc)} (after {tries} tries)"
                    ) from exc
                self._sleep(min(BACKOFF_MAX_S, 0.5 * 2**attempt))
                continue
            return out, (time.perf_counter() - started) * 1000
        raise AssertionError("unreachable")


#: Where each provider reads its key from, when the spec names no variable.
_KEY_VARIABLES = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "google_genai": "GOOGLE_API_KEY",
    "mistralai": "MISTRAL_API_KEY",
    "groq": "GROQ_API_KEY",
    "together": "TOGETHER_API_KEY",
    "fireworks": "FIREWORKS_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "xai": "XAI_API_KEY",
    "cohere": "COHERE_API_KEY",
}


class ChatModels:
    """Builds the chat model for each registered spec, once, and a client for it.

    Args:
        registry: The deployment's models, by name (``specs.model_registry``).
        cache: The cache of model calls every client shares.
        overrides: Chat models to use instead of building one, by spec name (tests inject
            LangChain's fake chat models here).
        environ: Where keys named by ``api_key_env`` are read.
    """

    def __init__(
        self,
        registry: Mapping[str, ModelSpec],
        cache: CallCache | None = None,
        *,
        overrides: Mapping[str, BaseChatModel] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        """Know ``registry``; nothing is built until a client is asked for."""
        self.registry = dict(registry)
        self.cache = cache
        self.overrides = dict(overrides or {})
        self.environ = os.environ if environ is None else environ
        self._clients: dict[str, ModelClient] = {}
        self._lock = threading.Lock()

    def spec(self, name: str) -> ModelSpec:
        """The spec named ``name``.

        Raises:
            ConfigurationError: No model has that name; the message lists the known ones.
        """
        spec = self.registry.get(name)
        if spec is None:
            known = ", ".join(sorted(self.registry))
            raise ConfigurationError(f"no model named {name!r}; known models: {known}")
        return spec

    def client(self, name: str) -> ModelClient:
        """The client of the model named ``name`` (built at the first call).

        Raises:
            ConfigurationError: Unknown name, missing package or missing key.
        """
        with self._lock:
            client = self._clients.get(name)
            if client is None:
                spec = self.spec(name)
                model = self.overrides.get(name) or self.build(spec)
                client = ModelClient(spec, model, self.cache)
                self._clients[name] = client
            return client

    def build_uncached(self, spec: ModelSpec, model: BaseChatModel | None = None) -> ModelClient:
        """A client that always calls the model, once (for a connection test)."""
        built = model or self.build(spec)
        return ModelClient(spec.model_copy(update={"max_retries": 0}), built, None)

    def build(self, spec: ModelSpec) -> BaseChatModel:
        """A LangChain chat model for ``spec``.

        Raises:
            ConfigurationError: The provider's package is missing, the provider is unknown,
                or no key is configured; the message says which and how to fix it.
        """
        if spec.kind == "scripted":
            return ScriptedChatModel(latency_ms=spec.latency_ms)
        if spec.kind == "local":
            from governance.llm.local import local_chat_model

            local: BaseChatModel = local_chat_model(
                temperature=spec.temperature, max_tokens=spec.max_tokens
            )
            return local
        key = self._key(spec)
        common: dict[str, Any] = {
            "temperature": spec.temperature,
            "max_tokens": spec.max_tokens,
            "timeout": spec.timeout_s,
            "max_retries": 0,  # the client retries, with its own pauses and records
        }
        try:
            if spec.kind == "server":
                from langchain_openai import ChatOpenAI

                served: BaseChatModel = ChatOpenAI(
                    model=spec.model,
                    base_url=spec.base_url,
                    api_key=key or "not-needed",  # local servers take any key
                    **common,
                )
                return served
            from langchain.chat_models import init_chat_model

            if key:
                common["api_key"] = key
            chosen: BaseChatModel = init_chat_model(spec.model, **common)
            return chosen
        except ImportError as exc:
            raise ConfigurationError(f"model {spec.name!r}: {one_line(exc)}") from None
        except ValueError as exc:
            provider = spec.model.split(":", 1)[0] if ":" in spec.model else ""
            if provider and ("provider" in str(exc).lower()):
                raise ConfigurationError(
                    f"model {spec.name!r}: unknown provider {provider!r} in {spec.model!r};"
                    " write provider:model, e.g. openai:gpt-4o-mini or anthropic:claude-sonnet-4-5"
                ) from None
            raise ConfigurationError(f"model {spec.name!r}: {_first_line(exc)}") from None
        except Exception as exc:  # a provider refusing to start, e.g. no key in its variable
            raise ConfigurationError(f"model {spec.name!r} cannot start: {one_line(exc)}") from None

    def _key(self, spec: ModelSpec) -> str:
        if spec.api_key is not None:
            return spec.api_key.get_secret_value()
        if spec.api_key_env:
            key = self.environ.get(spec.api_key_env, "")
            if not key:
                raise ConfigurationError(
                    f"model {spec.name!r}: no API key: {spec.api_key_env} is not set"
                    f" (or write api_key in [charter.models.{spec.name}] of secrets.toml)"
                )
            return key
        provider = spec.model.split(":", 1)[0] if ":" in spec.model else ""
        variable = _KEY_VARIABLES.get(provider, "")
        if spec.kind == "provider" and variable and not self.environ.get(variable):
            raise ConfigurationError(
                f"model {spec.name!r}: no API key: set {variable}, or api_key_env or api_key"
                f" in [charter.models.{spec.name}] of secrets.toml"
            )
        return ""


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
