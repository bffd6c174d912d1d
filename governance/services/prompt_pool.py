"""Threads that take a run's prompts to models, shared by the runs of a process.

Revision and audit runs work their job's items with no transaction open. The runner works
several items at once; each run's gate lets ``concurrency`` of its prompts past at a time,
so a prompt that ends makes room for the next one waiting, whichever item it belongs to.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Threads taking prompts to models, shared by every run of the process.
PROMPT_THREADS = 64
#: Longest error kept on a prompt's result.
ERROR_MAX = 1_000


class Positioned(Protocol):
    """A run's prompt: it knows its position."""

    @property
    def position(self) -> int:
        """Where the prompt stands in its run (from 0)."""
        ...


P = TypeVar("P", bound=Positioned)


def plan_items(
    run_id: int, todo: Sequence[tuple[int, bool]], concurrency: int, smallest: int
) -> list[dict[str, object]]:
    """A run job's items: its unfinished prompts in batches.

    Each batch holds ``smallest`` prompts or half the run's concurrency, whichever is more:
    an item costs a few statements to claim and commit, and the runner works several at
    once, the run's gate letting ``concurrency`` prompts past.

    Args:
        run_id: The run.
        todo: Each unfinished position, with whether a failed try of it is stored.
        concurrency: The run's prompts at once.
        smallest: The fewest prompts in an item.
    """
    size = max(smallest, -(-concurrency // 2))
    items: list[dict[str, object]] = []
    for start in range(0, len(todo), size):
        batch = todo[start : start + size]
        # "replace": some of these prompts have a failed try stored, replaced on commit.
        items.append(
            {
                "run": run_id,
                "positions": [position for position, _ in batch],
                "replace": any(failed for _, failed in batch),
            }
        )
    return items


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

    def each(
        self, run_id: int, concurrency: int, prompts: Sequence[P], call: Callable[[P], R]
    ) -> list[tuple[int, R | str]]:
        """``call`` on each prompt of a run, ``concurrency`` at once; a failure is its error.

        Returns:
            Each prompt's position with what ``call`` returned, or, when it raised, the
            error in one line (a failing model fails only its own prompt).
        """
        gate = self.gate(run_id, concurrency)

        def one(prompt: P) -> tuple[int, R | str]:
            with gate:
                try:
                    return prompt.position, call(prompt)
                except Exception as exc:
                    from governance.jobs.runner import describe_error

                    return prompt.position, describe_error(exc)[:ERROR_MAX]

        return self.map(one, prompts)

    def map(self, function: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``function`` over ``items`` on the pool's threads, results in order."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=self.threads, thread_name_prefix=self.name
                )
            pool = self._pool
        return list(pool.map(function, items))
