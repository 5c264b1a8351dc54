"""The streaming replica public reads go to (``COMMONS_READ_DATABASE_URL``), and when not.

Public GraphQL queries, reports and proofs read on the replica while it answers;
writes, reads inside a mutation and subscriptions stay on the primary. A client that
just wrote sends back the journal head it saw, the project's slug and the journal's
length (``Commons-Journal-Head: aurora:1234``, comma-separated for several projects,
as ``journal { length }`` answered in its mutation): the replica answers only once it
has replayed that far, else the primary does. A check every ``interval`` seconds
measures the replica's lag (shown by ``/readyz``); a replica that stops answering is
left alone until a check finds it back, and a read it failed is answered by the
primary.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg

from ledger.kernel.boundary import is_outage
from ledger.kernel.errors import InvalidInput

log = logging.getLogger("commons.replica")
HEADER = "commons-journal-head"
INTERVAL_SECONDS = 2.0
_HEAD = re.compile(r"^\s*([a-z0-9-]{1,64})\s*:\s*(\d{1,18})\s*$")
_LAG = """
SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn() AS replayed,
    CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
         ELSE extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())
    END AS seconds
"""
_REACHED = """
SELECT bool_and(coalesce(h.seq, -1) >= w.seq)
FROM unnest($1::text[], $2::bigint[]) AS w(slug, seq)
LEFT JOIN projects p ON p.slug = w.slug
LEFT JOIN journal_heads h ON h.project_id = p.id
"""
T = TypeVar("T")


def parse_heads(header: str | None) -> tuple[tuple[str, int], ...]:
    """The (project slug, journal length) pairs of a ``Commons-Journal-Head`` header."""
    if not header:
        return ()
    heads = []
    for part in header.split(",")[:50]:
        found = _HEAD.match(part)
        if found is None:
            raise InvalidInput(
                "Commons-Journal-Head must be <project slug>:<journal length>[, ...]",
                "Commons-Journal-Head",
            )
        heads.append((found[1], int(found[2])))
    return tuple(heads)


@dataclass(frozen=True, slots=True)
class Lag:
    """How far behind the primary the replica was at its last check."""

    up: bool
    seconds: float | None = None
    bytes: int | None = None
    checked_at: float = 0.0
    reason: str = ""


class Replica:
    """The read pool (the replica's, while it answers) and the replica's last known lag."""

    def __init__(
        self, primary: asyncpg.Pool, pool: asyncpg.Pool, interval: float = INTERVAL_SECONDS
    ) -> None:
        self.primary = primary
        self.pool = pool
        self.interval = interval
        self.lag = Lag(up=True)

    def reader(self) -> asyncpg.Pool:
        """Where a public read goes now."""
        return self.pool if self.lag.up else self.primary

    async def reader_for(self, heads: Sequence[tuple[str, int]]) -> asyncpg.Pool:
        """Where a read that must see these journal heads goes: the replica once it
        has replayed them all, else the primary."""
        pool = self.reader()
        if not heads or pool is self.primary:
            return pool
        try:
            reached = await self.pool.fetchval(
                _REACHED, [p for p, _ in heads], [s for _, s in heads], timeout=2
            )
        except Exception as exc:
            if not is_outage(exc):
                raise
            self.failed(exc)
            return self.primary
        return self.pool if reached else self.primary

    async def read(
        self, work: Callable[[asyncpg.Pool], Awaitable[T]], heads: Sequence[tuple[str, int]] = ()
    ) -> T:
        """``work`` on the pool that has these journal heads (``reader_for``); on the
        primary when the replica fails it."""
        pool = await self.reader_for(heads)
        if pool is self.primary:
            return await work(pool)
        try:
            return await work(pool)
        except Exception as exc:
            if not is_outage(exc):
                raise
            self.failed(exc)
            return await work(self.primary)

    def failed(self, exc: BaseException) -> None:
        """The replica did not answer: reads go to the primary until a check finds it."""
        if self.lag.up:
            log.warning("the read replica is unavailable, reading on the primary: %r", exc)
        self.lag = Lag(up=False, checked_at=time.time(), reason=type(exc).__name__)

    async def check(self) -> Lag:
        """Measure the replica's lag now (seconds since its last replayed commit while
        it replays, and WAL bytes behind the primary)."""
        try:
            async with self.pool.acquire(timeout=2) as conn:
                row = await conn.fetchrow(_LAG, timeout=2)
            primary_lsn = await self.primary.fetchval("SELECT pg_current_wal_lsn()", timeout=2)
        except Exception as exc:
            if not is_outage(exc):
                raise
            self.failed(exc)
            return self.lag
        behind = _lsn(primary_lsn) - _lsn(row["replayed"]) if row["standby"] else 0
        if not self.lag.up:
            log.warning("the read replica answers again")
        self.lag = Lag(True, float(row["seconds"] or 0), max(0, behind), time.time())
        return self.lag

    def status(self) -> dict[str, Any]:
        """The replica's part of ``/readyz``."""
        lag = self.lag
        if not lag.up:
            return {"status": "unavailable", "reason": lag.reason, "reads": "primary"}
        return {
            "status": "streaming",
            "lag_seconds": None if lag.seconds is None else round(lag.seconds, 3),
            "lag_bytes": lag.bytes,
            "reads": "replica",
        }

    async def run(self, stop: asyncio.Event) -> None:
        """Check every ``interval`` seconds until ``stop``."""
        while not stop.is_set():
            await self.check()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.interval)


def _lsn(value: Any) -> int:
    high, _, low = str(value or "0/0").partition("/")
    return (int(high, 16) << 32) + int(low or "0", 16)


@contextlib.asynccontextmanager
async def checking(replica: Replica | None) -> AsyncIterator[None]:
    """Keep checking the replica's lag beside the app (nothing without a replica)."""
    if replica is None:
        yield
        return
    await replica.check()
    stop = asyncio.Event()
    task = asyncio.create_task(replica.run(stop), name="replica-check")
    try:
        yield
    finally:
        stop.set()
        await task
