from __future__ import annotations

import asyncio

import asyncpg

from app import database

TABLES = [
    "ballots",
    "delegations",
    "governance_roles",
    "proposal_electors",
    "proposal_secrets",
    "proposals",
]


async def test_the_governance_migration_downgrades_to_nothing_and_upgrades_again(
    database_url: str,
) -> None:
    await asyncio.to_thread(database.downgrade, database_url, "0003")
    conn = await asyncpg.connect(database_url)
    try:
        count = "SELECT count(*) FROM pg_class WHERE relname = any($1::text[])"
        assert await conn.fetchval(count, TABLES) == 0
        await asyncio.to_thread(database.migrate, database_url, "0004")
        assert await conn.fetchval(count, TABLES) == len(TABLES)
    finally:
        await conn.close()
