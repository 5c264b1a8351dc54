from __future__ import annotations

import asyncio

import asyncpg

from app import database

TABLES = [
    "treasury_accounts",
    "treasury_approvals",
    "treasury_entries",
    "treasury_sponsors",
    "treasury_sponsorships",
    "treasury_terms",
    "treasury_transactions",
]
FUNCTIONS = ["treasury_apply_entry", "treasury_check_balanced"]


async def test_the_treasury_migration_downgrades_to_nothing_and_upgrades_again(
    database_url: str,
) -> None:
    await asyncio.to_thread(database.downgrade, database_url, "0002")
    conn = await asyncpg.connect(database_url)
    try:
        tables = "SELECT count(*) FROM pg_class WHERE relname = any($1::text[])"
        functions = "SELECT count(*) FROM pg_proc WHERE proname = any($1::text[])"
        assert (await conn.fetchval(tables, TABLES), await conn.fetchval(functions, FUNCTIONS)) == (
            0,
            0,
        )
        await asyncio.to_thread(database.migrate, database_url, "0003")
        assert (await conn.fetchval(tables, TABLES), await conn.fetchval(functions, FUNCTIONS)) == (
            len(TABLES),
            len(FUNCTIONS),
        )
    finally:
        await conn.close()
