"""``import_contributions``: a named import of a project's past, committed chunk by
chunk over several connections, resumable after an interruption at any point.

Each chunk is one transaction holding its contributions, their events, their rollups,
the journal head moved past them and the import's row advanced by their number, so a
chunk is in whole or not at all, and a resumed import (same name, same input) skips
exactly the items the committed chunks took. Memory holds a few chunks at a time.

Chunks overlap on ``writers`` connections, yet commit in chain order:

1. chunk k COPYs its contributions once chunk k-1 has copied its own (so two chunks
   never wait on each other's natural keys), while the import's own transaction holds
   the references of every chunk locked (project, policy, each contributor once);
2. it COPYs its events (their numbers are its own);
3. once chunk k-1 has committed, it moves the head from where k-1 left it, waiting
   at most ``lock_timeout`` (below the server's ``deadlock_timeout``) for the head's
   row lock, then adds its rollups and commits.

Another writer of the project that got in between (the head is not where chunk k
starts, or its lock is held) makes the import give way: chunk k and those after it
roll back, chunk k is written again holding the head from its start (so it cannot be
overtaken twice) and the later ones are chained again after it; the other writer
never waits on a deadlock. Only one run of a named import proceeds at a time (an
advisory lock). The rollups are recounted once, in the transaction that finishes
the import (they catch up with its chunks there; a resumed import ends the same way).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from itertools import islice

import asyncpg

from ledger.kernel import locks
from ledger.kernel.errors import Conflict, ConflictCode
from ledger.register.bulk import indexes
from ledger.register.bulk.encode import Chunk, Cursor, Terms, encode_chunk
from ledger.register.bulk.finish import finish
from ledger.register.bulk.load import LOCK_HEAD, MOVE_HEAD, terms_for
from ledger.register.bulk.pipeline import Batch, Pipeline
from ledger.register.bulk.write import Writer, lock_owners, lock_people
from ledger.register.models import NewContribution

_START = """
INSERT INTO contribution_imports (project_id, name, actor) VALUES ($1, $2, $3)
ON CONFLICT (project_id, name) DO NOTHING
"""
_STATE = """
SELECT loaded, finished_at IS NOT NULL AS finished, cardinality(deferred_indexes) > 0 AS deferred
FROM contribution_imports WHERE project_id = $1 AND name = $2
"""
_ADVANCE = """
UPDATE contribution_imports SET loaded = loaded + $3, updated_at = clock_timestamp()
WHERE project_id = $1 AND name = $2
"""
_HEAD = "SELECT seq, hash, clock_timestamp() AS now FROM journal_heads WHERE project_id = $1"
_MOVE_HEAD = """
UPDATE journal_heads SET seq = $4, hash = $5
WHERE project_id = $1 AND seq = $2 AND hash = $3 RETURNING true
"""
# A chunk's commit need not wait for its WAL to reach the disk: a crash can only lose
# whole chunks together with the import's count of them (one transaction), which a
# resumed import loads again, and any later commit that chained after a chunk flushes
# the WAL up to it first.
_ASYNC_COMMIT = "SET LOCAL synchronous_commit = off"
_DEADLOCK_MS = "SELECT setting::int FROM pg_settings WHERE name = 'deadlock_timeout'"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What one call of an import did: ``loaded`` contributions now, ``skipped``
    input items an earlier run had committed; ``fast`` when the key checks ran per
    chunk, ``deferred`` when secondary indexes were built at the end."""

    name: str
    loaded: int
    skipped: int
    fast: bool
    deferred: bool


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


@dataclass(frozen=True, slots=True)
class _Load:
    project_id: int
    name: str
    writer: Writer
    lock_timeout_ms: int


async def _settle(future: asyncio.Future[bool] | None) -> None:
    if future is not None and not await future:
        raise _Abandoned


async def _commit(load: _Load, terms: Terms, slot: _Slot, before: _Slot | None) -> None:
    chunk, conn = slot.chunk, slot.conn
    try:
        async with conn.transaction():
            await conn.execute(_ASYNC_COMMIT)
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
            await conn.execute(_ADVANCE, load.project_id, load.name, chunk.size)
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


async def _commit_holding_head(load: _Load, actor: str, slot: _Slot) -> tuple[Terms, Cursor]:
    """Chunk ``slot`` again, holding the journal head from the start (other writers
    wait for it, so it cannot be overtaken); the terms and cursor it leaves."""
    conn = slot.conn
    async with conn.transaction():
        await conn.execute(_ASYNC_COMMIT)
        head = await conn.fetchrow(LOCK_HEAD, load.project_id)
        terms, cursor = await terms_for(conn, load.project_id, actor, head, tally=False)
        old = slot.chunk
        chunk = await asyncio.to_thread(encode_chunk, terms, cursor, old.items, old.ids, old.bots)
        await lock_owners(conn, terms)
        await load.writer.copy(conn, "contributions", chunk.contributions)
        await load.writer.copy(conn, "journal_events", chunk.events)
        await conn.execute(MOVE_HEAD, load.project_id, cursor.seq, cursor.hash)
        await conn.execute(_ADVANCE, load.project_id, load.name, chunk.size)
    return terms, cursor


async def _run(
    load: _Load,
    pipeline: Pipeline,
    conn: asyncpg.Connection,
    writers: list[asyncpg.Connection],
    progress: Callable[[int], None] | None,
) -> int:
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


async def import_contributions(
    pool: asyncpg.Pool,
    project_id: int,
    name: str,
    items: Iterable[NewContribution],
    actor: str,
    *,
    writers: int = 2,
    chunk_size: int = 20_000,
    first_import: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import ``items`` (all new) as the project's import ``name``, committing chunk by
    chunk; called again with the same name and input after an interruption, it loads
    only what is missing. ``first_import`` lets a load into an empty register build
    its secondary indexes at the end."""
    lock = indexes.lock_of(project_id, name)
    async with pool.acquire() as conn:
        if not await locks.try_session_lock(conn, lock):
            raise Conflict(
                f"the import {name!r} is already running", ConflictCode.CONCURRENT_CHANGE
            )
        try:
            await indexes.rebuild(conn)
            await conn.execute(_START, project_id, name, actor)
            state = await conn.fetchrow(_STATE, project_id, name)
            skipped = int(state["loaded"])
            writer = await Writer.probe(conn)
            if state["finished"]:
                return ImportResult(name, 0, skipped, writer.fast, False)
            deferred = first_import and skipped == 0 and await indexes.defer(conn, project_id, name)
            try:
                async with AsyncExitStack() as stack:
                    connections = [
                        await stack.enter_async_context(pool.acquire())
                        for _ in range(max(1, writers))
                    ]
                    loaded = await _load(
                        conn, connections, writer, project_id, name, items, actor, skipped,
                        chunk_size, progress,
                    )  # fmt: skip
                    await finish(conn, connections, writer, project_id, name, deferred)
            except BaseException:
                if deferred:  # the indexes come back with a failed import
                    await indexes.rebuild(conn, project_id, name)
                raise
            return ImportResult(name, loaded, skipped, writer.fast, deferred)
        finally:
            if not conn.is_closed():
                await locks.unlock(conn, lock)


async def _load(
    conn: asyncpg.Connection,
    connections: list[asyncpg.Connection],
    writer: Writer,
    project_id: int,
    name: str,
    items: Iterable[NewContribution],
    actor: str,
    skipped: int,
    chunk_size: int,
    progress: Callable[[int], None] | None,
) -> int:
    terms, cursor = await terms_for(
        conn, project_id, actor, await conn.fetchrow(_HEAD, project_id), tally=False
    )
    deadlock_ms = int(await conn.fetchval(_DEADLOCK_MS))
    load = _Load(project_id, name, writer, max(10, min(500, deadlock_ms // 2)))
    known: dict[int, bool] = {}

    async def reserve(batch: Batch) -> tuple[list[int], dict[int, bool]]:
        unknown = list({i.contributor_id for i in batch} - known.keys())
        if unknown:
            known.update(await lock_people(conn, unknown))
        return await writer.numbers(conn, len(batch)), known

    # This transaction holds the load's references (project, policy, contributors)
    # locked until the import ends, so its chunks need not lock them again.
    async with conn.transaction():
        await lock_owners(conn, terms)
        pipeline = Pipeline(islice(items, skipped, None), chunk_size, terms, cursor, reserve)
        return await _run(load, pipeline, conn, connections, progress)
