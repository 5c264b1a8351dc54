"""A first import's secondary indexes: dropped before it and built once at its end.

Keeping a B-tree up to date costs a descent and a WAL record per row; building it
from the loaded table sorts once. A first import (``contributions`` empty: nothing of
another project reads them yet, and the rollups counting them are empty too) may
therefore defer the non-unique indexes of ``contributions``, ``journal_events`` and
the rollup tables the import recounts; unique ones stay, so every key is still
enforced as rows arrive. The dropped definitions are recorded on the import's row
in the same transaction that drops them, and the transaction that rebuilds them
clears the record, so they are never lost: a failed import rebuilds them as it
stops, and any later import rebuilds what an import that died left deferred.
"""

from __future__ import annotations

import asyncpg

from ledger.kernel import locks

_SECONDARY = """
SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index i
WHERE i.indrelid IN ('contributions'::regclass, 'journal_events'::regclass,
    'contributor_stats'::regclass, 'contributor_month_stats'::regclass)
  AND NOT i.indisunique AND NOT i.indisprimary AND i.indisvalid
ORDER BY 1
"""
_EMPTY = "SELECT NOT EXISTS (SELECT FROM contributions)"
_RECORD = """
UPDATE contribution_imports SET deferred_indexes = $3
WHERE project_id = $1 AND name = $2
"""
_DEFERRED = """
SELECT project_id, name, deferred_indexes FROM contribution_imports
WHERE cardinality(deferred_indexes) > 0 AND ($1::bigint IS NULL OR (project_id, name) = ($1, $2))
"""
_CLEAR = """
UPDATE contribution_imports SET deferred_indexes = '{}'
WHERE project_id = $1 AND name = $2
"""


def lock_of(project_id: int, name: str) -> int:
    """The advisory lock an import holds while it runs."""
    return locks.key("contribution-import", project_id, name)


# Sorting a large table for an index build is faster with more memory than the default.
_BUILD_MEMORY = "SET LOCAL maintenance_work_mem = '256MB'"


async def defer(conn: asyncpg.Connection, project_id: int, name: str) -> bool:
    """Drop the secondary indexes for the import ``name`` when it is a first import
    (no contributions at all yet); True when it did."""
    async with conn.transaction():
        if not await conn.fetchval(_EMPTY):
            return False
        found = await conn.fetch(_SECONDARY)
        for row in found:
            await conn.execute(f"DROP INDEX {row['name']}")
        await conn.execute(_RECORD, project_id, name, [r["definition"] for r in found])
    return bool(found)


async def deferred_by(conn: asyncpg.Connection, project_id: int, name: str) -> list[str]:
    """The definitions of the indexes the import ``name`` deferred."""
    row = await conn.fetchrow(_DEFERRED, project_id, name)
    return list(row["deferred_indexes"]) if row else []


async def build(conn: asyncpg.Connection, definition: str) -> None:
    """Build one deferred index (again: a no-op when it exists)."""
    async with conn.transaction():
        await conn.execute(_BUILD_MEMORY)
        await conn.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))


async def clear(conn: asyncpg.Connection, project_id: int, name: str) -> None:
    """Forget what the import ``name`` deferred, once every index is built."""
    await conn.execute(_CLEAR, project_id, name)


async def rebuild(
    conn: asyncpg.Connection, project_id: int | None = None, name: str | None = None
) -> int:
    """Build every index an import deferred (that import's only, when named); how
    many were built. An import still running elsewhere (holding its lock) is left
    alone; the session running an import may rebuild its own."""
    built = 0
    async with conn.transaction():
        await conn.execute(_BUILD_MEMORY)
        for row in await conn.fetch(_DEFERRED, project_id, name):
            if not await locks.try_transaction_lock(conn, lock_of(row["project_id"], row["name"])):
                continue
            for definition in row["deferred_indexes"]:
                statement = definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
                await conn.execute(statement)
                built += 1
            await conn.execute(_CLEAR, row["project_id"], row["name"])
    return built
