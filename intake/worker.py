"""The inbox worker: claims deliveries with ``FOR UPDATE SKIP LOCKED`` (so any number
of workers on any number of machines share one inbox), processes each in its own
transaction, retries failures with exponential backoff and buries a delivery as a
dead letter after ``max_attempts``. Idle workers sleep on LISTEN ``commons_inbox``, and
purge the raw payloads older than the retention period once an hour
(``intake.retention``).

Processing and settling commit together; even if they did not, effects are
idempotent on natural keys, so a retry never counts anything twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg
from msgspec import structs

from intake import inbox, retention
from intake.body import decode_payload
from intake.forges import FORGES
from intake.inbox import Delivery
from intake.instances import instance_of, on_instance
from intake.mapping import NO_RULES, is_relevant, map_delivery
from intake.payload import Options
from intake.record import record_activities
from intake.scope import out_of_scope
from ledger.kernel import pseudonyms
from ledger.kernel.boundary import is_outage

log = logging.getLogger("commons.intake")

_PROJECT = """
SELECT p.settings, p.repositories, c.base_url FROM projects p
LEFT JOIN forge_connections c ON c.project_id = p.id AND c.forge = $2 WHERE p.id = $1
"""


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    """Retry policy and pacing of a worker."""

    max_attempts: int = 5
    backoff_seconds: float = 2.0
    max_backoff_seconds: float = 3600.0
    poll_seconds: float = 5.0
    retention_days: int = retention.DEFAULT_DAYS
    purge_every_seconds: float = 3600.0

    def backoff(self, attempts: int) -> float:
        """Seconds before the next attempt after ``attempts`` failures (doubling, capped)."""
        return float(min(self.max_backoff_seconds, self.backoff_seconds * 2 ** max(0, attempts)))


def worker_name() -> str:
    """A name telling which process settled a delivery."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a processed delivery settles: ``ignored`` names why nothing was recorded."""

    truncated: bool = False
    ignored: str | None = None


async def process(conn: asyncpg.Connection, delivery: Delivery) -> Outcome:
    """Record a delivery's contributions (caller's transaction) under the rules and the
    repository list of now, from the headers and body stored with it; its accounts are
    those of the forge server it comes from (``intake.instances``)."""
    project = await conn.fetchrow(_PROJECT, delivery.project_id, delivery.forge)
    settings = project["settings"] or {}
    payload = decode_payload(delivery.body, delivery.headers)
    event = FORGES[delivery.forge].rule_event(delivery.event, delivery.headers)
    if not is_relevant(delivery.forge, event):
        return Outcome(ignored=NO_RULES)
    reason = out_of_scope(project["repositories"], delivery.forge, payload)
    if reason is not None:
        return Outcome(ignored=reason)
    mapped = map_delivery(
        delivery.forge,
        event,
        payload,
        delivery.delivery_key,
        delivery.received_at,
        await pseudonyms.load(conn),
        Options.of(settings),
    )
    activities = [
        structs.replace(a, metadata={**a.metadata, "delivery": delivery.delivery_key})
        if a.signoffs
        else a
        for a in mapped.activities
    ]
    if activities:  # accounts are keyed by the server the delivery comes from
        host = instance_of(delivery.forge, payload, delivery.headers, project["base_url"])
        activities = on_instance(activities, delivery.forge, host)
    actor = f"intake:{delivery.forge}"
    await record_activities(conn, delivery.project_id, activities, delivery.forge, actor)
    return Outcome(truncated=mapped.truncated)


class Worker:
    """Drains one inbox; ``run`` until cancelled, ``drain`` until nothing is due."""

    def __init__(
        self, pool: asyncpg.Pool, url: str, config: WorkerConfig, name: str | None = None
    ) -> None:
        self.pool = pool
        self.url = url
        self.config = config
        self.name = name or worker_name()
        self.wake = asyncio.Event()
        self.idle = asyncio.Event()  # set while waiting for a notification
        self.settled = 0
        self.on_settled: Callable[[int], None] | None = None
        self._purged_at: float | None = None

    async def step(self) -> bool:
        """Process one due delivery; False when none is due."""
        async with self.pool.acquire() as conn, conn.transaction():
            delivery = await inbox.claim(conn)
            if delivery is None:
                return False
            try:
                async with conn.transaction():
                    outcome = await process(conn, delivery)
                    await inbox.mark_done(
                        conn, delivery, self.name, outcome.truncated, outcome.ignored
                    )
            except Exception as exc:  # any failure of this delivery is retried
                if is_outage(exc):
                    raise  # not the delivery's fault: nothing is counted against it
                error = f"{type(exc).__name__}: {exc}"
                delay = self.config.backoff(delivery.attempts)
                status = await inbox.mark_failed(
                    conn, delivery, error, delay, self.config.max_attempts
                )
                log.warning("delivery %s failed (%s): %s", delivery.id, status, error)
        self.settled += 1
        if self.on_settled is not None:
            self.on_settled(delivery.id)
        return True

    async def purge_when_due(self) -> int:
        """Purge settled payloads past the retention period, at most once per
        ``purge_every_seconds``; how many were purged."""
        now = asyncio.get_running_loop().time()
        if self._purged_at is not None and now - self._purged_at < self.config.purge_every_seconds:
            return 0
        purged = await retention.purge_processed(self.pool, self.config.retention_days)
        self._purged_at = now
        return purged

    async def drain(self) -> int:
        """Process every due delivery; how many were settled."""
        count = 0
        while await self.step():
            count += 1
        return count

    async def _listen(self) -> asyncpg.Connection:
        conn = await asyncpg.connect(self.url)
        try:
            await conn.add_listener(inbox.CHANNEL, lambda *_: self.wake.set())
        except BaseException:  # cancelled while subscribing: never leak the connection
            conn.terminate()
            raise
        return conn

    async def run(self) -> None:
        """Drain, then sleep until notified (or the poll interval); survives outages."""
        listener: asyncpg.Connection | None = None
        while True:
            try:
                if listener is None or listener.is_closed():
                    listener = await self._listen()
                self.wake.clear()
                await self.drain()
                await self.purge_when_due()
                with contextlib.suppress(TimeoutError):
                    self.idle.set()
                    await asyncio.wait_for(self.wake.wait(), self.config.poll_seconds)
                self.idle.clear()
            except Exception as exc:
                if not is_outage(exc):
                    raise
                log.warning("worker %s waiting for the database: %r", self.name, exc)
                await self.pool.expire_connections()
                if listener is not None and not listener.is_closed():
                    listener.terminate()
                listener = None
                await asyncio.sleep(min(self.config.poll_seconds, 1.0))
            except asyncio.CancelledError:
                if listener is not None and not listener.is_closed():
                    await asyncio.shield(listener.close())
                raise
