"""Read results cached on the data versions of the tables they read.

A result is kept under what was asked and the version of every table it read
(``Database.versions``): a write to one of those tables makes the next request compute
again, so a cached result is never older than the last committed write, and nothing is
computed twice while nothing changed. Requests for a result being computed wait for it;
computations run one at a time, so a crowd of visitors costs one query at a time, not a
query per visitor, and leaves the other core to the people voting.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from governance.storage import Database, Tx

T = TypeVar("T")
#: Results kept; the least recently used go first.
CACHE_SIZE = 256


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)
    value: Any = None
    error: BaseException | None = None


class ReadCache:
    """Results of read-only computations, keyed on their arguments and data versions."""

    def __init__(self, db: Database, size: int = CACHE_SIZE) -> None:
        """Cache results read from ``db``."""
        self.db = db
        self.size = size
        self.computed = 0
        """How many results were computed (not served from the cache): for tests."""
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._flights: dict[Hashable, _Flight] = {}
        self._lock = threading.Lock()
        self._computing = threading.Lock()

    def get(self, key: Hashable, tables: Sequence[str], compute: Callable[[Tx], T]) -> T:
        """The result for ``key``: cached if no table it reads changed, else computed now.

        Args:
            key: What is asked (hashable: a name and the filters).
            tables: Every table ``compute`` reads.
            compute: Computes the result in a read snapshot.
        """
        # The versions first, then the snapshot: the result is at least as new as the key.
        full = (key, self.db.versions(tables))
        with self._lock:
            if full in self._entries:
                self._entries.move_to_end(full)
                return self._entries[full]  # type: ignore[no-any-return]
            flight = self._flights.get(full)
            leader = flight is None
            if flight is None:
                flight = self._flights[full] = _Flight()
        if not leader:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.value  # type: ignore[no-any-return]
        try:
            with self._computing, self.db.read() as tx:
                flight.value = compute(tx)
            with self._lock:
                self.computed += 1
                self._entries[full] = flight.value
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
            return flight.value  # type: ignore[no-any-return]
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                self._flights.pop(full, None)
            flight.done.set()

    def clear(self) -> None:
        """Forget every result (benchmarks measure a first load with this)."""
        with self._lock:
            self._entries.clear()
