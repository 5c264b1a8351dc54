from __future__ import annotations

import asyncio

import asyncpg

from app import database

TABLES = [
    "agreement_texts",
    "ccla_authorisations",
    "grant_contributions",
    "grants",
    "license_texts",
    "trademark_notices",
]


async def test_the_license_migration_downgrades_to_nothing_and_upgrades_again(
    database_url: str,
) -> None:
    await asyncio.to_thread(database.downgrade, database_url, "0001")
    conn = await asyncpg.connect(database_url)
    try:
        left = await conn.fetchval(
            "SELECT count(*) FROM pg_class WHERE relname = any($1::text[]) "
            "OR relname = 'grant_windows'",
            TABLES,
        )
        functions = await conn.fetchval(
            "SELECT count(*) FROM pg_proc WHERE proname LIKE 'commons_%' "
            "AND proname <> 'commons_refuse_change'"
        )
        assert (left, functions) == (0, 0)
        await asyncio.to_thread(database.migrate, database_url, "0002")
        present = await conn.fetchval(
            "SELECT count(*) FROM pg_class WHERE relname = any($1::text[])", TABLES
        )
        assert present == len(TABLES)
    finally:
        await conn.close()
