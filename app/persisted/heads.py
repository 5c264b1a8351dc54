"""The journal head of each project, as this process knows it.

Every state change appends to its project's journal, and a trigger on
``journal_heads`` notifies ``commons_journal_head`` with ``<project id>:<seq>`` when
the writing transaction commits. One listening connection per process keeps the
heads current, so a persisted answer keyed by its project's head is looked up
without a query. An answer is served only for the newest head heard of: a write
expires it as soon as its commit's notification arrives (the same moment on every
worker); an answer is never computed at a head older than its key.

While the listening connection is down (the database restarted, the network
dropped) nothing is trusted: every lookup reads the head from the database, and the
connection is reopened every ``RETRY_SECONDS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

import asyncpg

from ledger.kernel.boundary import is_outage

log = logging.getLogger("commons.heads")

CHANNEL: Final = "commons_journal_head"
RETRY_SECONDS: Final = 1.0
_LOOKUP = """
SELECT p.id, coalesce(h.seq, 0) AS seq FROM projects p
LEFT JOIN journal_heads h ON h.project_id = p.id WHERE p.slug = $1
"""


class JournalHeads:
    """(project id, head seq) by slug, from notifications while they are heard."""

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self._url = url
        self._ids: dict[str, int] = {}
        self._seqs: dict[int, int] = {}
        self._listener: asyncpg.Connection | None = None
        self._generation = 0
        """Counts connections listened on: a head read across a reconnection is not kept."""

    @property
    def listening(self) -> bool:
        """Whether notifications keep the known heads current right now."""
        return self._listener is not None and not self._listener.is_closed()

    def _heard(self, _: Any, __: int, ___: str, payload: str) -> None:
        project, _sep, seq = payload.partition(":")
        if project.isdigit() and seq.isdigit():
            self._seqs[int(project)] = max(self._seqs.get(int(project), 0), int(seq))

    def _lost(self, _: Any) -> None:
        self._listener = None
        self._seqs.clear()

    async def _listen(self) -> None:
        self._seqs.clear()  # what was read before listening may have moved unheard
        self._generation += 1
        conn = await asyncpg.connect(self._url)
        try:
            await conn.add_listener(CHANNEL, self._heard)
        except BaseException:
            await conn.close()
            raise
        conn.add_termination_listener(self._lost)
        self._listener = conn

    async def head(self, slug: str) -> tuple[int, int] | None:
        """The project's id and journal head, or None when there is no such project."""
        project_id = self._ids.get(slug)
        if project_id is not None and self.listening:
            seq = self._seqs.get(project_id)
            if seq is not None:
                return project_id, seq
        listening, generation = self.listening, self._generation
        row = await self._pool.fetchrow(_LOOKUP, slug)
        if row is None:
            return None
        self._ids[slug] = row["id"]
        if listening and self.listening and generation == self._generation:
            self._seqs[row["id"]] = max(self._seqs.get(row["id"], 0), row["seq"])
        return row["id"], row["seq"]

    async def _keep_listening(self) -> None:
        while True:
            if not self.listening:
                try:
                    await self._listen()
                except Exception as exc:
                    if not is_outage(exc):
                        raise
                    log.debug("journal head listener not connected: %s", exc)
            await asyncio.sleep(RETRY_SECONDS)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[JournalHeads]:
        """Listen while the app runs (a background task reconnects after a loss)."""
        task = asyncio.create_task(self._keep_listening())
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            if self._listener is not None:
                with contextlib.suppress(Exception):
                    await self._listener.close()
                self._listener = None
