"""Which chat models a deployment may call: the model registry, free of LangChain.

Models are configured in ``.streamlit/secrets.toml``, one table per model::

    [charter.models.gpt-small]
    model = "openai:gpt-4o-mini"      # any provider init_chat_model knows
    temperature = 0.0
    max_tokens = 512
    concurrency = 8                   # calls at once
    rate_limit = 2.0                  # calls per second (0: no limit)
    api_key_env = "OPENAI_API_KEY"    # or api_key = "..." here; never stored or shown

    [charter.models.my-vllm]
    base_url = "http://127.0.0.1:8000/v1"   # any OpenAI-compatible server
    model = "Qwen/Qwen2.5-7B-Instruct"

Two models are always there: ``scripted`` (replies written for Charter from templates, for
trying the pipeline without a model; labelled as such wherever its output is shown) and
``local`` (SmolLM2-135M through llama.cpp, once ``make local-model`` has installed it).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from governance.errors import ConfigurationError

#: ``model`` of the scripted stand-in: template replies, no model behind them.
SCRIPTED = "charter:scripted"
#: ``model`` of the bundled local model (llama.cpp).
LOCAL = "charter:local"

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
_ENV = re.compile(r"^[A-Z_][A-Z0-9_]{0,99}$")


class ModelSpec(BaseModel):
    """One chat model Charter may call, and how.

    Everything here except the key is recorded with each result (``public``), so a result
    says exactly which settings made it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    """How people and commands name it (``--model NAME``)."""
    model: str
    """``provider:model`` for ``init_chat_model``, the served model's name with ``base_url``,
    or ``charter:scripted`` / ``charter:local``."""
    base_url: str = ""
    """An OpenAI-compatible server (vLLM, llama.cpp's server, Ollama, LM Studio)."""
    api_key: SecretStr | None = None
    """The key, when it is written in secrets.toml; never stored in the database or shown."""
    api_key_env: str = ""
    """The environment variable holding the key (default: the provider's own)."""
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(default=512, ge=1, le=32_768)
    concurrency: int = Field(default=4, ge=1, le=64)
    """Calls at once."""
    rate_limit: float = Field(default=0.0, ge=0.0, le=1_000.0)
    """Calls per second at most (0: no limit)."""
    timeout_s: float = Field(default=60.0, gt=0.0, le=3_600.0)
    max_retries: int = Field(default=2, ge=0, le=10)
    """Tries after the first, with a growing pause, when a call fails or times out."""
    latency_ms: int = Field(default=0, ge=0, le=60_000)
    """The scripted model only: how long each reply takes (for trying concurrency)."""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("must be 1-40 lowercase letters, digits, dots, hyphens or underscores")
        return value

    @field_validator("model")
    @classmethod
    def _model(cls, value: str) -> str:
        value = value.strip()
        if not value or len(value) > 200 or any(c.isspace() for c in value):
            raise ValueError("must name a model, e.g. openai:gpt-4o-mini")
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        value = value.strip()
        if value and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http(s) address, e.g. http://127.0.0.1:8000/v1")
        return value.rstrip("/")

    @field_validator("api_key_env")
    @classmethod
    def _env(cls, value: str) -> str:
        if value and not _ENV.match(value):
            raise ValueError("must be an environment variable name, e.g. OPENAI_API_KEY")
        return value

    @property
    def kind(self) -> Literal["scripted", "local", "server", "provider"]:
        """How it is reached."""
        if self.model == SCRIPTED:
            return "scripted"
        if self.model == LOCAL:
            return "local"
        return "server" if self.base_url else "provider"

    @property
    def label(self) -> str:
        """How it is shown: its name and what it is."""
        what = {
            "scripted": "scripted stand-in, not a model",
            "local": "SmolLM2-135M on this machine",
            "server": f"{self.model} at {self.base_url}",
            "provider": self.model,
        }[self.kind]
        return f"{self.name} ({what})"

    def public(self) -> dict[str, Any]:
        """The settings, without the key: what results record and pages show."""
        return self.model_dump(mode="json", exclude={"api_key"})

    def fingerprint(self) -> str:
        """What decides a reply: a cached reply is reused only under the same fingerprint."""
        deciding = {
            "model": self.model,
            "base_url": self.base_url,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
        }
        canonical = json.dumps(deciding, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


BUILTIN_MODELS: dict[str, ModelSpec] = {
    "scripted": ModelSpec(name="scripted", model=SCRIPTED, concurrency=8),
    "local": ModelSpec(name="local", model=LOCAL, concurrency=1, max_tokens=256),
}


def model_registry(secrets: Mapping[str, Any] | None) -> dict[str, ModelSpec]:
    """The models a deployment may call: the built-in two and ``[charter.models.*]``.

    Args:
        secrets: The parsed secrets.toml (``st.secrets`` or the command line's reading).

    Raises:
        ConfigurationError: A model table is not valid; the message names its key.
    """
    registry = dict(BUILTIN_MODELS)
    charter = (secrets or {}).get("charter", {})
    tables = charter.get("models", {}) if isinstance(charter, Mapping) else {}
    if not isinstance(tables, Mapping):
        raise ConfigurationError("[charter.models] must hold one table per model")
    for name, table in tables.items():
        where = f"[charter.models.{name}]"
        if not isinstance(table, Mapping):
            raise ConfigurationError(f"{where} must be a table of settings")
        try:
            spec = ModelSpec.model_validate({**table, "name": name})
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'table'}: "
                + str(e["msg"]).removeprefix("Value error, ")
                for e in exc.errors()
            )
            raise ConfigurationError(f"{where}: {problems}") from None
        registry[name] = spec  # may also tune a built-in one (latency, concurrency)
    return registry


@dataclass(frozen=True)
class Message:
    """One chat turn, as Charter builds it (the adapter turns it into LangChain's)."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Reply:
    """What one model call answered, and what it cost."""

    text: str
    input_tokens: int = 0
    output_tokens: int = 0
    ms: float = 0.0
    """Wall time of the call (0 when it came from the cache)."""
    cached: bool = False
    parsed: dict[str, Any] | None = None
    """A structured answer, when one was asked for and it parsed."""
    parse_error: str = ""
    """Why a structured answer did not parse ("" when it did, or none was asked for)."""
