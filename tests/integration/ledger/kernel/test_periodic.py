"""Periodic tasks run on one process at a time across every process sharing the database."""

from __future__ import annotations

import asyncio

import asyncpg

from app import database
from ledger.kernel.periodic import lock_of, run_alone


async def test_a_pass_is_skipped_while_another_process_runs_the_task(
    pool: asyncpg.Pool, database_url: str
) -> None:
    other = await database.create_pool(database_url, min_size=1, max_size=2)  # another process
    inside, release = asyncio.Event(), asyncio.Event()

    async def slow() -> str:
        inside.set()
        await release.wait()
        return "done"

    try:
        first = asyncio.create_task(run_alone(other, "close-due", slow))
        await inside.wait()
        assert await run_alone(pool, "close-due", lambda: asyncio.sleep(0, "twice")) == (
            False,
            None,
        )
        assert await run_alone(pool, "publish", lambda: asyncio.sleep(0, "other")) == (
            True,
            "other",
        )
        release.set()
        assert await first == (True, "done")
        assert await run_alone(pool, "close-due", lambda: asyncio.sleep(0, "next")) == (
            True,
            "next",
        )
    finally:
        await other.close()


async def test_a_process_that_dies_mid_pass_leaves_the_task_to_the_others(
    pool: asyncpg.Pool, database_url: str
) -> None:
    holder = await asyncpg.connect(database_url)
    assert await holder.fetchval("SELECT pg_try_advisory_lock($1)", lock_of("close-due"))
    assert await run_alone(pool, "close-due", lambda: asyncio.sleep(0, 1)) == (False, None)
    await pool.execute("SELECT pg_terminate_backend($1)", holder.get_server_pid())
    for _ in range(200):
        ran = await run_alone(pool, "close-due", lambda: asyncio.sleep(0, 1))
        if ran[0]:
            break
        await asyncio.sleep(0.01)
    assert ran == (True, 1)
    holder.terminate()
