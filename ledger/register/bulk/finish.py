"""The end of an import: its deferred indexes built on the writers' connections while
the import's own connection recounts the rollups and marks it finished, at once (the
index builds and the recount read the same tables and lock nothing of each other's);
the rollup tables' own deferred indexes once the recount has filled them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import asyncpg

from ledger.register.bulk import indexes
from ledger.register.bulk.load import LOCK_HEAD
from ledger.register.bulk.write import Writer

ROLLUP_TABLES = ("contributor_stats", "contributor_month_stats", "kind_month_stats")
_FINISH = """
UPDATE contribution_imports SET finished_at = clock_timestamp(), updated_at = clock_timestamp()
WHERE project_id = $1 AND name = $2
"""


async def _recount(conn: asyncpg.Connection, writer: Writer, project_id: int, name: str) -> None:
    async with conn.transaction():
        await conn.execute(LOCK_HEAD, project_id)  # no writer adds to the rollups meanwhile
        await writer.recount(conn, project_id)
        await conn.execute(_FINISH, project_id, name)


async def _build(conn: asyncpg.Connection, definitions: list[str]) -> None:
    for definition in definitions:
        await indexes.build(conn, definition)


async def finish(
    conn: asyncpg.Connection,
    writers: list[asyncpg.Connection],
    writer: Writer,
    project_id: int,
    name: str,
    deferred: bool,
) -> None:
    """Recount the project's rollups and finish the import ``name``; build what it
    deferred beside that, then forget the deferral."""
    definitions = await indexes.deferred_by(conn, project_id, name) if deferred else []
    rollups = [d for d in definitions if any(f" ON public.{t} " in d for t in ROLLUP_TABLES)]
    loaded = [d for d in definitions if d not in rollups]
    jobs: list[Awaitable[None]] = [_recount(conn, writer, project_id, name)]
    jobs += [_build(c, loaded[i :: len(writers)]) for i, c in enumerate(writers)]
    outcomes = await asyncio.gather(*jobs, return_exceptions=True)
    failed = next((o for o in outcomes if isinstance(o, BaseException)), None)
    if failed is not None:
        raise failed
    await _build(conn, rollups)  # once the recount has filled their tables
    if definitions:
        await indexes.clear(conn, project_id, name)
