"""Read results cached on the data versions of the tables they read.

A result is kept with the version of every table it read (``Database.versions``, read
before its snapshot was opened). A request is served from it when no table it reads has
changed since then; otherwise the result is computed again. So a cached result is never
older than the last committed write, and nothing is computed twice while nothing changed.

While a result is being computed, requests for it wait. When it is done, every request
that arrived before the computation opened its snapshot takes it; those that arrived
later (after another write) share the next computation. Computations run one at a time,
so a crowd of visitors during a busy vote costs one query at a time, not one per visitor.
And while people are writing (``Database.busy``: several writes a second), each computation is
followed by a pause twice as long as itself: the dashboards then take at most a third of
a core, and the ballots keep theirs.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from governance.storage import Database, Tx

T = TypeVar("T")
#: Results kept; the least recently used go first.
CACHE_SIZE = 256
#: The longest pause after a computation.
MAX_PAUSE_S = 0.5
#: While people write, a computation is followed by a pause this many times as long.
PAUSE_FACTOR = 2.0

Versions = tuple[int, ...]


@dataclass
class _Entry:
    versions: Versions | None = None
    """The data versions the value was computed at (None: no value yet)."""
    value: Any = None
    computing: bool = False
    error: BaseException | None = None
    error_versions: Versions | None = None


def _covers(have: Versions | None, want: Versions) -> bool:
    return have is not None and all(h >= w for h, w in zip(have, want, strict=True))


class ReadCache:
    """Results of read-only computations, keyed on what was asked, fresh to the last write."""

    def __init__(self, db: Database, size: int = CACHE_SIZE) -> None:
        """Cache results read from ``db``."""
        self.db = db
        self.size = size
        self.computed = 0
        """How many results were computed (not served from the cache): for tests."""
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._changed = threading.Condition()
        self._computing = threading.Lock()
        self._resume_at = 0.0

    def get(self, key: Hashable, tables: Sequence[str], compute: Callable[[Tx], T]) -> T:
        """The result for ``key``, as fresh as the last write to any of ``tables``.

        Args:
            key: What is asked (hashable: a name and the filters).
            tables: Every table ``compute`` reads.
            compute: Computes the result in a read snapshot.
        """
        wanted = self.db.versions(tables)
        with self._changed:
            while True:
                entry = self._entries.get(key)
                if entry is None:
                    entry = self._entries[key] = _Entry()
                    self._trim(key)
                self._entries.move_to_end(key)
                if _covers(entry.versions, wanted):
                    return entry.value  # type: ignore[no-any-return]
                if entry.error is not None and _covers(entry.error_versions, wanted):
                    raise entry.error
                if not entry.computing:
                    entry.computing = True
                    break
                self._changed.wait()
        versions = wanted
        try:
            with self._computing:
                wait = self._resume_at - time.monotonic()
                if wait > 0 and self.db.busy():
                    time.sleep(wait)
                # Read again, then snapshot: every write counted here is in the snapshot,
                # so the result serves every request that asked before this line.
                versions = self.db.versions(tables)
                started = time.monotonic()
                with self.db.read() as tx:
                    value = compute(tx)
                finished = time.monotonic()
                self._resume_at = finished + min(PAUSE_FACTOR * (finished - started), MAX_PAUSE_S)
        except BaseException as exc:
            with self._changed:
                entry.computing = False
                entry.error, entry.error_versions = exc, versions
                self._changed.notify_all()
            raise
        with self._changed:
            self.computed += 1
            entry.computing = False
            entry.versions, entry.value, entry.error = versions, value, None
            self._changed.notify_all()
        return value

    def _trim(self, keep: Hashable) -> None:
        for key in list(self._entries):
            if len(self._entries) <= self.size:
                return
            if key != keep and not self._entries[key].computing:
                del self._entries[key]

    def clear(self) -> None:
        """Forget every result (benchmarks measure a first load with this)."""
        with self._changed:
            for key in [k for k, e in self._entries.items() if not e.computing]:
                del self._entries[key]
