"""``import_contributions``: a named import of a project's past, committed chunk by
chunk over several connections (``ordered``), resumable after an interruption at any
point.

Each chunk is one transaction holding its contributions, their events, the journal
head moved past them and the import's row advanced by their number, so a chunk is in
whole or not at all, and a resumed import (same name, same input) skips exactly the
items the committed chunks took. Memory holds a few chunks at a time. The import's
own transaction holds the references of every chunk locked while it runs (project,
policy, each contributor once); the rollups are recounted once, at its end (they
catch up with its chunks there, the people's by ranges over the import's connections
and the project's in the transaction that finishes the import; a resumed import ends
the same way). Only one run of a named import proceeds at a time (an advisory lock).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from itertools import islice

import asyncpg

from ledger.kernel import locks
from ledger.kernel.errors import Conflict, ConflictCode
from ledger.kernel.heap import in_bulk
from ledger.register.bulk import indexes
from ledger.register.bulk.finish import finish
from ledger.register.bulk.load import terms_for
from ledger.register.bulk.ordered import Load, run
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
_HEAD = "SELECT seq, hash, clock_timestamp() AS now FROM journal_heads WHERE project_id = $1"
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


@in_bulk
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
                    known: dict[int, bool] = {}
                    loaded = await _load(
                        conn, connections, writer, project_id, name, items, actor, skipped,
                        chunk_size, progress, known,
                    )  # fmt: skip
                    await finish(conn, connections, writer, project_id, name, deferred, known)
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
    known: dict[int, bool],
) -> int:
    """Load the chunks; ``known`` gathers the contributors they name (bot or not)."""
    terms, cursor = await terms_for(
        conn, project_id, actor, await conn.fetchrow(_HEAD, project_id), tally=False
    )
    deadlock_ms = int(await conn.fetchval(_DEADLOCK_MS))
    load = Load(project_id, name, writer, max(10, min(500, deadlock_ms // 2)))

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
        return await run(load, pipeline, conn, connections, progress)
