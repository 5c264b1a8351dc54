"""A bulk load's batch streamed into COPY slice by slice: a failing slice leaves
nothing even in a transaction that goes on, a known key anywhere fails the batch, a
cancelled load leaves nothing and its connections usable, and one COPY statement
carries a bounded number of rows (its encoding counts against its timeout)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import asyncpg
import pytest

from app import database
from ledger.kernel.errors import Conflict, InvalidInput
from ledger.register.bulk import bulk_load, stream
from ledger.register.bulk.encode import encode_chunk
from ledger.register.bulk.stream import SLICE
from ledger.register.models import NewContribution, Project
from ledger.register.people import create_contributor

T0 = datetime(2026, 1, 1, tzinfo=UTC)


async def test_a_caught_bad_row_leaves_nothing_in_the_transaction(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn:
        ada = (await create_contributor(conn, "Ada")).id
    items = [NewContribution(ada, "code", T0, "git", f"b{i}") for i in range(SLICE * 3)]
    items[SLICE * 2 + 5] = NewContribution(ada, "no-such-kind", T0, "git", "bad")
    async with pool.acquire() as conn, conn.transaction():
        with pytest.raises(InvalidInput):
            await bulk_load(conn, project.id, items, "import", batch_size=len(items))
        rows = await conn.fetchval("SELECT count(*) FROM contributions")
        events = await conn.fetchval(
            "SELECT count(*) FROM journal_events WHERE project_id = $1", project.id
        )
    assert (rows, events) == (0, 2)


async def test_a_known_key_in_the_first_of_many_slices_fails_the_whole_batch(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn:
        ada = (await create_contributor(conn, "Ada")).id
    async with pool.acquire() as conn, conn.transaction():
        await bulk_load(conn, project.id, [NewContribution(ada, "code", T0, "git", "k1")], "m")
    items = [NewContribution(ada, "code", T0, "git", f"k{i}") for i in range(SLICE * 40)]
    async with pool.acquire() as conn:
        with pytest.raises(Conflict):
            async with conn.transaction():
                await bulk_load(conn, project.id, items, "m", batch_size=len(items))
        assert await conn.fetchval("SELECT count(*) FROM contributions") == 1


@pytest.mark.parametrize("delay", [0.01, 0.06, 0.2])
async def test_a_load_cancelled_mid_stream_leaves_nothing(
    pool: asyncpg.Pool, project: Project, delay: float
) -> None:
    async with pool.acquire() as conn:
        ada = (await create_contributor(conn, "Ada")).id
    items = [NewContribution(ada, "code", T0, "git", f"c{i}") for i in range(SLICE * 200)]

    async def load() -> None:
        async with pool.acquire() as conn, conn.transaction():
            await bulk_load(conn, project.id, items, "m", batch_size=len(items))

    task = asyncio.ensure_future(load())
    await asyncio.sleep(delay)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(3):  # every connection of the pool answers, and nothing stayed
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM contributions") == 0


async def test_one_copy_statement_carries_a_bounded_number_of_rows(
    database_url: str, project: Project, pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:

    def slow(*args: object) -> object:
        time.sleep(0.1)  # a slow machine's encoding of one slice
        return encode_chunk(*args)  # type: ignore[arg-type]

    # 20 slices of 0.1 s in one statement would exceed its 1 s timeout; 2 per statement do not.
    monkeypatch.setattr(stream, "encode_chunk", slow)
    monkeypatch.setattr(stream, "PER_COPY", SLICE * 2)
    async with pool.acquire() as conn:
        ada = (await create_contributor(conn, "Ada")).id
    items = [NewContribution(ada, "code", T0, "git", f"t{i}") for i in range(SLICE * 20)]
    short = await database.create_pool(database_url, min_size=1, max_size=1, command_timeout=1.0)
    try:
        async with short.acquire() as conn, conn.transaction():
            loaded = await bulk_load(conn, project.id, items, "import", batch_size=len(items))
    finally:
        await short.close()
    assert loaded == len(items)
    assert await pool.fetchval("SELECT count(*) FROM contributions") == len(items)
