"""The background checker: keeps the public checks' checkpoints up with the data.

A ``Check`` names the projects it lags behind on and advances one project by a bounded
step (the journal chain, ``ledger.journal.checkpoints``; the treasury's books,
``ledger.treasury.checkpoints``). Each pass runs every check over its lagging projects,
one pool connection at a time; while a pass finds work the next one starts at once,
otherwise it waits ``interval`` seconds. Any number of processes may run one on the same
database: each check claims a project before working on it and skips a claimed one. A
failed pass is logged and the next one tries again; the checker stops with the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass

import asyncpg

from ledger.kernel.boundary import is_outage

log = logging.getLogger("commons.checker")
INTERVAL_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Check:
    """One incremental check: ``lagging(pool)`` lists project ids with work to do and
    ``advance(conn, project_id)`` does a bounded step, returning how much it looked at."""

    name: str
    lagging: Callable[[asyncpg.Pool], Awaitable[list[int]]]
    advance: Callable[[asyncpg.Connection, int], Awaitable[int]]


class Checker:
    """Runs passes of its checks until stopped; ``passed`` is set after each pass."""

    def __init__(
        self, pool: asyncpg.Pool, checks: Sequence[Check], interval: float = INTERVAL_SECONDS
    ) -> None:
        self.pool = pool
        self.checks = tuple(checks)
        self.interval = interval
        self.passed = asyncio.Event()
        self._stop = asyncio.Event()

    async def run_once(self) -> int:
        """One pass of every check over its lagging projects: how much was looked at."""
        done = 0
        for check in self.checks:
            try:
                for project_id in await check.lagging(self.pool):
                    async with self.pool.acquire() as conn:
                        done += await check.advance(conn, project_id)
            except Exception as exc:  # the next pass tries again; the checker never stops
                if is_outage(exc):
                    log.warning("the %s check waits for the database: %r", check.name, exc)
                else:
                    log.exception("the %s check failed", check.name)
        self.passed.set()
        return done

    async def run(self) -> None:
        """Pass after pass until ``stop``: at once while there is work, else after a wait."""
        while not self._stop.is_set():
            if await self.run_once():
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.interval)

    def stop(self) -> None:
        self._stop.set()


@contextlib.asynccontextmanager
async def running(
    pool: asyncpg.Pool,
    checks: Sequence[Check],
    enabled: bool = True,
    interval: float = INTERVAL_SECONDS,
) -> AsyncIterator[Checker | None]:
    """A Checker running beside the caller (none when disabled)."""
    if not enabled:
        yield None
        return
    checker = Checker(pool, checks, interval)
    task = asyncio.create_task(checker.run(), name="public-checks")
    try:
        yield checker
    finally:
        checker.stop()
        await task
