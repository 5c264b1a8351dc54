"""The background task that closes due proposals while the app runs.

Every ``interval`` seconds it calls ``service.close_due`` (each proposal in its own
transaction, so one failure never blocks the others), on one process at a time
across every process sharing the database (``ledger.kernel.periodic``); anyone may
also close a due proposal at once with the ``closeProposal`` mutation. It stops with
the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import asyncpg

from governance.service import close_due
from ledger.kernel.boundary import is_outage
from ledger.kernel.periodic import run_alone

log = logging.getLogger("commons.governance")
INTERVAL_SECONDS = 30.0
TASK = "governance.close-due"


class Closer:
    """Runs ``close_due`` passes until stopped; ``passed`` is set after each pass."""

    def __init__(self, pool: asyncpg.Pool, interval: float = INTERVAL_SECONDS) -> None:
        self.pool = pool
        self.interval = interval
        self.passed = asyncio.Event()
        self.closed = 0
        self._stop = asyncio.Event()

    async def run_once(self) -> int:
        """One pass: the number of proposals it closed."""
        try:
            _, closed = await run_alone(self.pool, TASK, lambda: close_due(self.pool))
            done = len(closed or [])
        except Exception as exc:  # the next pass tries again; the closer never stops
            if is_outage(exc):
                log.warning("closing due proposals waits for the database: %r", exc)
            else:
                log.exception("closing due proposals failed")
            done = 0
        self.closed += done
        self.passed.set()
        return done

    async def run(self) -> None:
        """Pass after pass until ``stop``."""
        while not self._stop.is_set():
            await self.run_once()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.interval)

    def stop(self) -> None:
        self._stop.set()


@contextlib.asynccontextmanager
async def running(
    pool: asyncpg.Pool, enabled: bool = True, interval: float = INTERVAL_SECONDS
) -> AsyncIterator[Closer | None]:
    """A Closer running beside the caller (none when disabled)."""
    if not enabled:
        yield None
        return
    closer = Closer(pool, interval)
    task = asyncio.create_task(closer.run(), name="governance-closer")
    try:
        yield closer
    finally:
        closer.stop()
        await task
