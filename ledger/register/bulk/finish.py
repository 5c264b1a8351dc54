"""The end of an import: the rollups recounted and the import marked finished, while
its deferred indexes are built beside them; the rollup tables' own deferred indexes
once the recount has filled them.

The people's rollups are recounted by ranges of contributors, one range per writer
connection, each in a transaction holding the journal head for share (writers of the
project wait; the ranges do not wait on each other), while the import's own
connection builds the loaded tables' indexes (the builds and the recount read the same
tables and lock nothing of each other's). The project's rollups are then summed from
the people's in the transaction that marks the import finished, holding the head. A
range recounted is exact on its own, so an import stopped in between recounts again
when it resumes and ends the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Collection

import asyncpg

from ledger.register.bulk import indexes
from ledger.register.bulk.load import LOCK_HEAD
from ledger.register.bulk.write import Writer
from ledger.register.rollups import EVERYONE

ROLLUP_TABLES = ("contributor_stats", "contributor_month_stats", "kind_month_stats")
_SHARE_HEAD = "SELECT FROM journal_heads WHERE project_id = $1 FOR SHARE"
_FINISH = """
UPDATE contribution_imports SET finished_at = clock_timestamp(), updated_at = clock_timestamp()
WHERE project_id = $1 AND name = $2
"""


def split(people: Collection[int], parts: int) -> list[tuple[int, int]]:
    """Ranges of contributor numbers (lowest, highest) that cover every number, in
    order: ``parts`` of them (fewer when there are fewer ``people``), each holding
    about as many of ``people``."""
    ids = sorted(people)
    parts = max(1, min(parts, len(ids)))
    cuts = [ids[len(ids) * i // parts] for i in range(1, parts)]
    return list(zip([EVERYONE[0], *cuts], [c - 1 for c in cuts] + [EVERYONE[1]], strict=True))


async def _recount_people(
    conn: asyncpg.Connection, writer: Writer, project_id: int, span: tuple[int, int]
) -> None:
    async with conn.transaction():
        await conn.execute(_SHARE_HEAD, project_id)  # no writer adds to them meanwhile
        await writer.recount_people(conn, project_id, *span)


async def _recount_project(
    conn: asyncpg.Connection, writer: Writer, project_id: int, name: str
) -> None:
    async with conn.transaction():
        await conn.execute(LOCK_HEAD, project_id)
        await writer.recount_project(conn, project_id)
        await conn.execute(_FINISH, project_id, name)


async def _build(conn: asyncpg.Connection, definitions: list[str]) -> None:
    for definition in definitions:
        await indexes.build(conn, definition)


async def _all(jobs: list[Awaitable[None]]) -> None:
    """Run ``jobs`` at once; the first failure is raised once all have ended."""
    outcomes = await asyncio.gather(*jobs, return_exceptions=True)
    failed = next((o for o in outcomes if isinstance(o, BaseException)), None)
    if failed is not None:
        raise failed


async def finish(
    conn: asyncpg.Connection,
    writers: list[asyncpg.Connection],
    writer: Writer,
    project_id: int,
    name: str,
    deferred: bool,
    people: Collection[int],
) -> None:
    """Recount the project's rollups (the ranges split by ``people``, the contributors
    the import loaded) and finish the import ``name``; build what it deferred beside
    that, then forget the deferral."""
    definitions = await indexes.deferred_by(conn, project_id, name) if deferred else []
    rollups = [d for d in definitions if any(f" ON public.{t} " in d for t in ROLLUP_TABLES)]
    loaded = [d for d in definitions if d not in rollups]
    spans = split(people, len(writers))  # as many as writers, or fewer
    jobs = [_recount_people(c, writer, project_id, s) for c, s in zip(writers, spans, strict=False)]
    await _all([*jobs, _build(conn, loaded)])
    await _recount_project(conn, writer, project_id, name)
    every = [conn, *writers]  # once the recount has filled their tables
    await _all([_build(c, rollups[i :: len(every)]) for i, c in enumerate(every)])
    if definitions:
        await indexes.clear(conn, project_id, name)
