"""Periodic work that runs on one process at a time, however many processes and hosts
share the database (``commons serve --workers N``, several hosts, a CLI beside them).

``run_alone(pool, name, work)`` takes the task's advisory lock on a connection of its
own for as long as ``work`` runs and skips the pass when another process holds it;
the lock goes with its connection, so a process that dies never blocks the task.
Each background task of the app (the proposal closer, and any other periodic task)
runs its passes through it, under a name of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from ledger.kernel import locks

T = TypeVar("T")


def lock_of(name: str) -> int:
    """The advisory lock of the periodic task ``name``."""
    return locks.key("periodic", name)


async def run_alone(
    pool: asyncpg.Pool, name: str, work: Callable[[], Awaitable[T]]
) -> tuple[bool, T | None]:
    """Run one pass of the task ``name`` unless another process is running one:
    (True, what ``work`` returned), or (False, None) when the pass was skipped."""
    lock = lock_of(name)
    async with pool.acquire() as conn:
        if not await locks.try_session_lock(conn, lock):
            return False, None
        try:
            return True, await work()
        finally:
            if not conn.is_closed():
                await locks.unlock(conn, lock)
