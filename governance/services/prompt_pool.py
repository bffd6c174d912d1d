"""Threads that take a run's prompts to models, shared by the runs of a process.

Revision and audit runs work their job's items with no transaction open. The runner works
several items at once; each run's gate lets ``concurrency`` of its prompts past at a time,
so a prompt that ends makes room for the next one waiting, whichever item it belongs to.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Threads taking prompts to models, shared by every run of the process.
PROMPT_THREADS = 64


class PromptPool:
    """A shared pool of threads and one gate per run."""

    def __init__(self, name: str, threads: int = PROMPT_THREADS) -> None:
        """A pool whose threads are named after ``name`` (started on first use)."""
        self.name = name
        self.threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._gates: dict[int, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    def gate(self, run_id: int, concurrency: int) -> threading.BoundedSemaphore:
        """At most ``concurrency`` prompts of run ``run_id`` at once, across the threads."""
        with self._lock:
            gate = self._gates.get(run_id)
            if gate is None:
                gate = self._gates[run_id] = threading.BoundedSemaphore(concurrency)
            return gate

    def map(self, function: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``function`` over ``items`` on the pool's threads, results in order."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=self.threads, thread_name_prefix=self.name
                )
            pool = self._pool
        return list(pool.map(function, items))
