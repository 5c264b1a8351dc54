"""The tree-head publisher keeps a signed head at most N seconds or M events behind,
and several publishers on one database never hash or sign the same events twice."""

from __future__ import annotations

import asyncio

import asyncpg

from app import database
from ledger.journal import chain as journal
from ledger.journal import heads as tree_heads
from ledger.journal.events.register import KindDefined
from ledger.journal.keys import TREE_HEADS, KeyRing
from ledger.journal.publisher import Publisher, Schedule
from ledger.register.projects import ProjectInput, create_project


async def _append(pool: asyncpg.Pool, project_id: int, count: int) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await journal.append_events(
            conn,
            project_id,
            [(KindDefined(kind=f"k{i}", description=""), "admin") for i in range(count)],
        )


async def _project(pool: asyncpg.Pool, slug: str) -> int:
    async with pool.acquire() as conn, conn.transaction():
        return (await create_project(conn, ProjectInput(slug, slug.title()), "admin")).id


async def test_a_head_follows_the_journal_within_m_events(pool: asyncpg.Pool) -> None:
    project_id = await _project(pool, "counted")
    publisher = Publisher(pool, KeyRing.generate(TREE_HEADS), Schedule(3600, 5))
    assert (await publisher.run_once()).published == {project_id: 2}
    await _append(pool, project_id, 4)
    assert (await publisher.run_once()).published == {}
    await _append(pool, project_id, 1)
    assert (await publisher.run_once()).published == {project_id: 7}
    head = await tree_heads.latest_head(pool, project_id)
    assert head is not None
    assert head.size == 7


async def test_a_head_follows_the_journal_within_n_seconds(pool: asyncpg.Pool) -> None:
    project_id = await _project(pool, "timed")
    publisher = Publisher(pool, KeyRing.generate(TREE_HEADS), Schedule(0.4, 1000))
    await publisher.run_once()
    await _append(pool, project_id, 1)
    assert (await publisher.run_once()).published == {}
    await asyncio.sleep(0.45)
    assert (await publisher.run_once()).published == {project_id: 3}


async def test_two_publishers_on_one_database_split_the_work(
    pool: asyncpg.Pool, database_url: str
) -> None:
    project_id = await _project(pool, "shared")
    await _append(pool, project_id, 40_000)
    ring = KeyRing.generate(TREE_HEADS)
    other = await database.create_pool(database_url, min_size=1, max_size=2)
    try:
        one = Publisher(pool, ring, Schedule(3600, 1))
        two = Publisher(other, ring, Schedule(3600, 1))
        first, second = await asyncio.gather(one.run_once(), two.run_once())
    finally:
        await other.close()
    done = [p for p in (first, second) if p.published]
    waited = [p for p in (first, second) if p.skipped]
    assert [p.published for p in done] == [{project_id: 40_002}]
    assert [p.skipped for p in waited] == [[project_id]]
    signed = await pool.fetchval(
        "SELECT count(*) FROM tree_heads WHERE project_id = $1", project_id
    )
    assert signed == 1
