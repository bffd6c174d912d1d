"""Models: the chat models a deployment may call, a connection test, and the call cache.

Reached as ``charter.models``. The registry comes from the settings (secrets.toml's
``[charter.models.*]`` and the two built-in models); keys stay in the settings and the
environment, never in the database, and no page or command shows them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from governance.auth import Action
from governance.config import Settings
from governance.errors import ConfigurationError, GovernanceError, ValidationFailed
from governance.llm.specs import Message, ModelSpec
from governance.models import Stakeholder
from governance.services.base import Clock, UseCases, utc_now
from governance.storage import Database, Tx

if TYPE_CHECKING:
    from governance.llm.adapter import ChatModels, ModelClient


@dataclass(frozen=True)
class ConnectionTest:
    """What one tiny call to a model said."""

    model: str
    ok: bool
    ms: float
    reply: str
    error: str


class _DatabaseCache:
    """The call cache in the database, cheap enough to sit in front of every call.

    A miss costs no query: the keys of each model's replies are read once per process and
    kept in memory (this process is the only writer of an embedded database; elsewhere a
    key not yet seen is a miss, and the reply is kept once). New replies wait in memory and
    are written with the results of the item that asked for them, in its transaction
    (``write``); a reply waiting longer than ``delay_s`` (a long item) is written on its own.
    A run stopped mid-item loses at most the replies of its last moments.

    Args:
        db: The database.
        clock: Where "now" comes from.
        delay_s: Longest a reply waits to be written.
    """

    def __init__(self, db: Database, clock: Clock, *, delay_s: float = 1.0) -> None:
        self.db = db
        self.clock = clock
        self.delay_s = delay_s
        self._known: dict[str, set[str]] = {}
        self._pending: dict[str, tuple[ModelSpec, dict[str, Any]]] = {}
        self._writing: dict[str, tuple[ModelSpec, dict[str, Any]]] = {}
        self._oldest = 0.0
        self._lock = threading.Lock()
        self._flushing = threading.Lock()

    def get(self, key: str, spec: ModelSpec) -> dict[str, Any] | None:
        with self._lock:
            for waiting in (self._pending, self._writing):
                if key in waiting:
                    return waiting[key][1]
            known = self._keys(spec)
        if key not in known:
            return None
        with self.db.read() as tx:
            return tx.model_calls.get(key)

    def put(self, key: str, spec: ModelSpec, reply: dict[str, Any]) -> None:
        with self._lock:
            if not self._pending:
                self._oldest = time.monotonic()
            self._pending[key] = (spec, reply)
            due = time.monotonic() - self._oldest >= self.delay_s
        if due:
            self.flush(wait=False)

    def flush(self, *, wait: bool = True) -> None:
        """Write every reply not yet written, in a transaction of its own.

        Args:
            wait: Whether to wait for a write under way; a model call that finds one leaves
                the rest to it, and never waits on the database.
        """
        if not self._flushing.acquire(blocking=wait):
            return
        try:
            with self.db.transaction() as tx:
                self.write(tx)
        finally:
            self._flushing.release()

    def write(self, tx: Tx) -> None:
        """Write every reply not yet written, in the caller's transaction."""
        with self._lock:
            pending, self._pending = self._pending, {}
            self._writing = {**self._writing, **pending}  # still found while written
        if not pending:
            return
        rows = [
            (key, spec.name, spec.fingerprint(), reply) for key, (spec, reply) in pending.items()
        ]
        try:
            tx.model_calls.put_many(rows, self.clock())
        finally:
            with self._lock:
                for key, _, fingerprint, _ in rows:
                    # Known from now on: were the transaction to roll back, a lookup finds
                    # no row and the call is made again; nothing wrong is ever returned.
                    self._known.setdefault(fingerprint, set()).add(key)
                    self._writing.pop(key, None)

    def _keys(self, spec: ModelSpec) -> set[str]:
        """The keys kept for ``spec``'s fingerprint (read once; called holding the lock)."""
        fingerprint = spec.fingerprint()
        known = self._known.get(fingerprint)
        if known is None:
            with self.db.read() as tx:
                known = self._known[fingerprint] = tx.model_calls.keys(fingerprint)
        return known


class Models(UseCases):
    """The deployment's chat models. Reached as ``charter.models``.

    Args:
        db: The database (for the cache of model calls).
        settings: The deployment's settings; ``settings.models`` is the registry.
        clock: Where "now" comes from.
        chat_models: LangChain chat models to use instead of building them, by model name
            (tests inject LangChain's fake chat models here).
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        clock: Clock = utc_now,
        chat_models: Mapping[str, Any] | None = None,
    ) -> None:
        """Know the registry; nothing is built or called until asked."""
        super().__init__(db, settings, clock=clock)
        self._overrides = dict(chat_models or {})
        self._models: ChatModels | None = None
        self._cache: _DatabaseCache | None = None
        self._lock = threading.Lock()

    @property
    def registry(self) -> dict[str, ModelSpec]:
        """Every model by name (the built-in ones first)."""
        return {spec.name: spec for spec in self.settings.models}

    def spec(self, name: str) -> ModelSpec:
        """The model named ``name``; ``ValidationFailed`` (under ``model``) if unknown."""
        spec = self.registry.get(name)
        if spec is None:
            known = ", ".join(self.registry)
            raise ValidationFailed({"model": f"no model named {name!r}; known models: {known}"})
        return spec

    def client(self, name: str) -> ModelClient:
        """The client of the model named ``name``, built once per process.

        Raises:
            ValidationFailed: Unknown model.
            ConfigurationError: A package or a key is missing; the message says which.
        """
        self.spec(name)
        return self._chat_models().client(name)

    def test_connection(self, actor: Stakeholder | None, name: str) -> ConnectionTest:
        """Make one tiny call to the model (stewards; None: the operator); never cached.

        Returns:
            Whether it answered, how long it took, and what it said or the exact error.
        """
        with self.db.read() as tx:
            self._actor_id(tx, actor, Action.RUN_MODELS)
        spec = self.spec(name)
        started = time.perf_counter()
        try:
            model = self._chat_models().build_uncached(spec, self._overrides.get(name))
            text = model.reply([Message("user", "Reply with the single word: ready")]).text
        except (ConfigurationError, GovernanceError) as exc:
            return ConnectionTest(spec.name, False, 0.0, "", exc.message)
        except Exception as exc:  # the provider's own error, shown exactly
            from governance.llm.structured import one_line

            return ConnectionTest(
                spec.name, False, (time.perf_counter() - started) * 1000, "", one_line(exc)
            )
        ms = (time.perf_counter() - started) * 1000
        return ConnectionTest(spec.name, True, ms, text.strip()[:200], "")

    def cached_calls(self) -> int:
        """How many replies the cache holds."""
        self.flush()
        with self.db.read() as tx:
            return tx.model_calls.count()

    def flush(self) -> None:
        """Write the replies not yet written, in a transaction of their own."""
        if self._cache is not None:
            self._cache.flush()

    def write_replies(self, tx: Tx) -> None:
        """Write the replies not yet written in ``tx`` (an item's, with its results)."""
        if self._cache is not None:
            self._cache.write(tx)

    def _chat_models(self) -> ChatModels:
        with self._lock:
            if self._models is None:
                from governance.llm.adapter import ChatModels

                self._cache = _DatabaseCache(self.db, self.clock)
                self._models = ChatModels(self.registry, self._cache, overrides=self._overrides)
            return self._models
