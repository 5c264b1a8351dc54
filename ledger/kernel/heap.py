"""Bulk work and the garbage collector: an import makes millions of short-lived objects
(records, activities, their metadata), and with Python's default thresholds the young
generation is collected every 700 new containers: hundreds of collections per batch,
about a tenth of a history import's CPU. Inside ``bulk_allocations`` it is collected
every 50,000, the middle generation every 20 of those and the oldest rarely; what
becomes garbage is still collected, in fewer, larger sweeps. The default thresholds
come back when the last bulk job in the process ends (several may run at once)."""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, ParamSpec, TypeVar

BULK = (50_000, 20, 100)
_running = 0
_before: tuple[int, int, int] = gc.get_threshold()


@contextlib.contextmanager
def bulk_allocations() -> Iterator[None]:
    """Collect garbage in fewer, larger sweeps while the block runs."""
    global _running, _before
    if _running == 0:
        _before = gc.get_threshold()
        gc.set_threshold(*BULK)
    _running += 1
    try:
        yield
    finally:
        _running -= 1
        if _running == 0:
            gc.set_threshold(*_before)


P = ParamSpec("P")
R = TypeVar("R")


def in_bulk(
    work: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """``work`` (a coroutine function) run inside ``bulk_allocations``."""

    @functools.wraps(work)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with bulk_allocations():
            return await work(*args, **kwargs)

    return run
