"""Chunks written over several connections and committed in chain order.

Chunk k, on a connection of its own:

1. COPYs its contributions once chunk k-1 has copied its own (so two chunks never
   wait on each other's natural keys);
2. COPYs its events (their numbers are its own);
3. once chunk k-1 has committed, moves the head from where k-1 left it, waiting at
   most ``lock_timeout`` (below the server's ``deadlock_timeout``) for the head's row
   lock, advances the import's row and commits.

Another writer of the project that got in between (the head is not where chunk k
starts, its lock is held, or its event took a number of chunk k's) makes the import
give way: chunk k and those after it roll back, chunk k is written again holding the
head from its start (so it cannot be overtaken twice) and the later ones are chained
again after it; the other writer never waits on a deadlock.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg

from ledger.register.bulk.encode import Chunk, Cursor, Terms, encode_chunk
from ledger.register.bulk.load import LOCK_HEAD, MOVE_HEAD, terms_for
from ledger.register.bulk.pipeline import Pipeline
from ledger.register.bulk.write import Writer, defer_flush, lock_owners

ADVANCE = """
UPDATE contribution_imports SET loaded = loaded + $3, updated_at = clock_timestamp()
WHERE project_id = $1 AND name = $2
"""
_MOVE_HEAD = """
UPDATE journal_heads SET seq = $4, hash = $5
WHERE project_id = $1 AND seq = $2 AND hash = $3 RETURNING true
"""


@dataclass(frozen=True, slots=True)
class Load:
    """The import the chunks belong to, how they are written, and how long a chunk
    waits for the journal head's lock before giving way."""

    project_id: int
    name: str
    writer: Writer
    lock_timeout_ms: int


class _Moved(Exception):
    """The journal head is not where the chunk chains from: another writer got in."""


class _Abandoned(Exception):
    """A chunk before this one did not commit."""


@dataclass(slots=True)
class _Slot:
    """One chunk in flight: its connection, its task and what it tells the next one."""

    chunk: Chunk
    conn: asyncpg.Connection
    copied: asyncio.Future[bool]
    committed: asyncio.Future[bool]
    task: asyncio.Task[None] | None = None


async def _settle(future: asyncio.Future[bool] | None) -> None:
    if future is not None and not await future:
        raise _Abandoned


async def _commit(load: Load, terms: Terms, slot: _Slot, before: _Slot | None) -> None:
    chunk, conn = slot.chunk, slot.conn
    try:
        async with conn.transaction():
            await defer_flush(conn)
            await _settle(before.copied if before else None)
            await load.writer.copy(conn, "contributions", chunk.contributions)
            slot.copied.set_result(True)
            try:
                await load.writer.copy(conn, "journal_events", chunk.events)
            except asyncpg.UniqueViolationError:
                raise _Moved from None  # another writer's event took a number of ours
            await _settle(before.committed if before else None)
            await conn.execute(f"SET LOCAL lock_timeout = {load.lock_timeout_ms}")
            try:
                moved = await conn.fetchval(
                    _MOVE_HEAD,
                    load.project_id,
                    chunk.start.seq,
                    chunk.start.hash,
                    chunk.end.seq,
                    chunk.end.hash,
                )
            except asyncpg.LockNotAvailableError:
                raise _Moved from None
            if not moved:
                raise _Moved
            await conn.execute(ADVANCE, load.project_id, load.name, chunk.size)
        slot.committed.set_result(True)
    finally:
        for future in (slot.copied, slot.committed):
            if not future.done():
                future.set_result(False)


async def _finished(tasks: list[asyncio.Task[None] | None]) -> None:
    """Wait for chunks abandoned after an earlier one failed (their errors are that
    failure's consequence, not news)."""
    running = [t for t in tasks if t is not None]
    if running:
        await asyncio.wait(running)
    for task in running:
        task.exception()


async def _commit_holding_head(load: Load, actor: str, slot: _Slot) -> tuple[Terms, Cursor]:
    """Chunk ``slot`` again, holding the journal head from the start (other writers
    wait for it, so it cannot be overtaken); the terms and cursor it leaves."""
    conn = slot.conn
    async with conn.transaction():
        await defer_flush(conn)
        head = await conn.fetchrow(LOCK_HEAD, load.project_id)
        terms, cursor = await terms_for(conn, load.project_id, actor, head, tally=False)
        old = slot.chunk
        chunk = await asyncio.to_thread(encode_chunk, terms, cursor, old.items, old.ids, old.bots)
        await lock_owners(conn, terms)
        await load.writer.copy(conn, "contributions", chunk.contributions)
        await load.writer.copy(conn, "journal_events", chunk.events)
        await conn.execute(MOVE_HEAD, load.project_id, cursor.seq, cursor.hash)
        await conn.execute(ADVANCE, load.project_id, load.name, chunk.size)
    return terms, cursor


async def run(
    load: Load,
    pipeline: Pipeline,
    conn: asyncpg.Connection,
    writers: list[asyncpg.Connection],
    progress: Callable[[int], None] | None,
) -> int:
    """Write every chunk of ``pipeline`` over ``writers``, in chain order; how many
    contributions were committed (``conn`` holds the load's references)."""
    free = deque(writers)
    window: deque[_Slot] = deque()
    last: _Slot | None = None
    loaded = 0
    loop = asyncio.get_running_loop()
    try:
        while True:
            while free and (chunk := await pipeline.next()) is not None:
                slot = _Slot(chunk, free.popleft(), loop.create_future(), loop.create_future())
                slot.task = asyncio.create_task(_commit(load, pipeline.terms, slot, last))
                window.append(slot)
                last = slot
            if not window:
                return loaded
            slot = window.popleft()
            assert slot.task is not None
            try:
                await slot.task
            except _Moved:
                rest = list(window)
                window.clear()
                await _finished([s.task for s in rest])
                free.extend(s.conn for s in rest)
                terms, cursor = await _commit_holding_head(load, pipeline.terms.actor, slot)
                await lock_owners(conn, terms)  # the import's own hold, for the chunks after
                pipeline.rebase(terms, cursor, [s.chunk for s in rest])
                last = None
            free.append(slot.conn)
            loaded += slot.chunk.size
            if progress:
                progress(slot.chunk.size)
    finally:
        await _finished([s.task for s in window])
        await pipeline.close()
