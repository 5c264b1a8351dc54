"""Signed tree heads published ahead of demand, so readers only ever read stored state.

A ``Publisher`` runs beside the app. Every tick it asks which projects' newest signed
head is behind their journal by at least ``max_events`` events, or has an unsigned
event older than ``max_delay`` seconds (or has no head yet), and for each one extends
the stored tree and signs the head of the new size (``heads.publish_head``). So a
published head is at most ``max_delay`` seconds or ``max_events`` events behind the
journal, and the tree-head, proof and checkpoint endpoints answer from stored rows.

Several processes may publish for one database: a project is published under a
transaction-scoped advisory lock taken with ``pg_try_advisory_xact_lock``, so a
process that finds it held skips that project instead of hashing the same events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncpg

from ledger.journal import heads
from ledger.journal.keys import KeyRing
from ledger.kernel.boundary import is_outage

log = logging.getLogger("commons.journal")

_DUE = """
SELECT h.project_id, p.slug
FROM journal_heads h
JOIN projects p ON p.id = h.project_id
LEFT JOIN LATERAL (
    SELECT size FROM tree_heads t WHERE t.project_id = h.project_id ORDER BY size DESC LIMIT 1
) t ON true
WHERE t.size IS NULL
   OR h.seq - t.size >= $1
   OR (h.seq > t.size AND (
        SELECT e.recorded_at FROM journal_events e
        WHERE e.project_id = h.project_id AND e.seq = t.size + 1
      ) <= clock_timestamp() - make_interval(secs => $2))
ORDER BY h.project_id
"""
_LOCK = "SELECT pg_try_advisory_xact_lock(hashtextextended('commons:tree-head:' || $1::bigint, 0))"


@dataclass(frozen=True, slots=True)
class Schedule:
    """How far a published head may lag: seconds and events."""

    max_delay: float = 5.0
    max_events: int = 1000

    @property
    def tick(self) -> float:
        """How often to look: often enough that no head lags more than ``max_delay``."""
        return max(0.01, min(1.0, self.max_delay / 2))


@dataclass(slots=True)
class Pass:
    """What one pass did: heads signed (project id -> size) and projects left to another
    process that held their lock."""

    published: dict[int, int] = field(default_factory=dict)
    skipped: list[int] = field(default_factory=list)


async def publish_project(
    pool: asyncpg.Pool, project_id: int, slug: str, ring: KeyRing
) -> heads.SignedTreeHead | None:
    """Extend and sign one project's head under its advisory lock; None when another
    process holds the lock (it is doing the same work)."""
    async with pool.acquire() as conn, conn.transaction():
        if not await conn.fetchval(_LOCK, project_id):
            return None
        return await heads.publish_head(conn, project_id, slug, ring)


class Publisher:
    """Publishes due tree heads pass after pass until stopped."""

    def __init__(self, pool: asyncpg.Pool, ring: KeyRing, schedule: Schedule) -> None:
        self.pool = pool
        self.ring = ring
        self.schedule = schedule
        self.passes = 0
        self._stop = asyncio.Event()

    async def run_once(self) -> Pass:
        """One pass over the projects whose head is due."""
        done = Pass()
        try:
            due = await self.pool.fetch(
                _DUE, self.schedule.max_events, self.schedule.max_delay - self.schedule.tick
            )
            for row in due:
                head = await publish_project(self.pool, row["project_id"], row["slug"], self.ring)
                if head is None:
                    done.skipped.append(row["project_id"])
                else:
                    done.published[row["project_id"]] = head.size
        except Exception as exc:  # the next pass tries again; the publisher never stops
            if is_outage(exc):
                log.warning("publishing tree heads waits for the database: %r", exc)
            else:
                log.exception("publishing tree heads failed")
        self.passes += 1
        return done

    async def run(self) -> None:
        """Pass after pass until ``stop``."""
        while not self._stop.is_set():
            await self.run_once()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.schedule.tick)

    def stop(self) -> None:
        self._stop.set()


@contextlib.asynccontextmanager
async def running(
    pool: asyncpg.Pool, ring: KeyRing, schedule: Schedule, enabled: bool = True
) -> AsyncIterator[Publisher | None]:
    """A Publisher running beside the caller (none when disabled)."""
    if not enabled:
        yield None
        return
    publisher = Publisher(pool, ring, schedule)
    task = asyncio.create_task(publisher.run(), name="tree-head-publisher")
    try:
        yield publisher
    finally:
        publisher.stop()
        await task
