"""Migrations go up, all the way down and up again on an empty database, and the
readiness probe knows whether the database is at this code's head."""

from __future__ import annotations

import asyncio

import asyncpg

from app import database
from tests.integration.app.conftest import ClientFactory, revision

# Everything a migration can leave behind in the public schema.
OBJECTS = """
SELECT 'relation ' || c.relname || ' ' || c.relkind::text FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
UNION ALL
SELECT 'function ' || p.proname FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
UNION ALL
SELECT 'type ' || t.typname FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c')
        AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)
UNION ALL
SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type
    FROM information_schema.columns WHERE table_schema = 'public'
UNION ALL
SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
ORDER BY 1
"""


async def objects(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        return [r[0] for r in await conn.fetch(OBJECTS) if "alembic_version" not in r[0]]
    finally:
        await conn.close()


async def test_upgrade_downgrade_and_upgrade_again_on_an_empty_database(empty_url: str) -> None:
    assert await objects(empty_url) == []
    await asyncio.to_thread(database.migrate, empty_url)
    assert await revision(empty_url) == database.head_revision()
    migrated = await objects(empty_url)
    assert "relation journal_events r" in migrated
    await asyncio.to_thread(database.downgrade, empty_url, "base")
    assert await objects(empty_url) == [], "DOWNGRADE left these behind"
    assert await revision(empty_url) is None
    await asyncio.to_thread(database.migrate, empty_url)
    assert await revision(empty_url) == database.head_revision()
    assert await objects(empty_url) == migrated


async def test_liveness_answers_without_the_database(make_client: ClientFactory) -> None:
    async with make_client() as client:
        response = await client.get("/healthz")
        assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readiness_is_ready_at_head_and_503_when_the_database_is_behind(
    make_client: ClientFactory, database_url: str
) -> None:
    head = database.head_revision()
    async with make_client() as client:
        ready = await client.get("/readyz")
        assert (ready.status_code, ready.json()) == (200, {"status": "ready", "revision": head})
        await asyncio.to_thread(database.downgrade, database_url, "0001")
        behind = await client.get("/readyz")
        assert (behind.status_code, behind.json()) == (
            503,
            {"status": "not migrated", "revision": "0001", "head": head},
        )
        await asyncio.to_thread(database.migrate, database_url)
        again = await client.get("/readyz")
        assert (again.status_code, again.json()) == (200, {"status": "ready", "revision": head})
