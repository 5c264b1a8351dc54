from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from ledger.journal import chain as journal
from ledger.kernel.errors import Conflict
from ledger.register.bulk import bulk_load
from ledger.register.contributions import record_contributions
from ledger.register.models import NewContribution, Project
from ledger.register.people import create_contributor

T0 = datetime(2026, 1, 1, tzinfo=UTC)


async def test_a_bulk_load_matches_what_recording_one_by_one_would_give(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn:
        people = [(await create_contributor(conn, f"P{i}", is_bot=i == 3)).id for i in range(4)]
    items = [
        NewContribution(
            people[i % 4],
            ("code", "doc")[i % 2],
            T0 + timedelta(hours=i),
            "git",
            f"c{i}",
            None,
            {"n": i},
        )
        for i in range(250)
    ]
    seen: list[int] = []
    async with pool.acquire() as conn, conn.transaction():
        loaded = await bulk_load(
            conn, project.id, items, "import", batch_size=100, progress=seen.append
        )
        await record_contributions(
            conn, project.id, [NewContribution(people[0], "code", T0, "git", "after")], "m"
        )
    assert (loaded, seen) == (250, [100, 100, 50])
    async with pool.acquire() as conn:
        check = await journal.verify(conn, project.id)
    assert check.ok, check.reason
    assert check.checked == 2 + 250 + 1
    stats = await pool.fetchrow("SELECT contributions, contributors FROM project_stats")
    assert (stats[0], stats[1]) == (250 - 62 + 1, 3)
    assert await pool.fetchval("SELECT metadata FROM contributions WHERE natural_key = 'c7'") == {
        "n": 7
    }


async def test_a_bulk_load_with_a_known_key_writes_nothing(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn:
        ada = (await create_contributor(conn, "Ada")).id
    async with pool.acquire() as conn, conn.transaction():
        await record_contributions(
            conn, project.id, [NewContribution(ada, "code", T0, "git", "k")], "m"
        )
    with pytest.raises(Conflict):
        async with pool.acquire() as conn, conn.transaction():
            await bulk_load(conn, project.id, [NewContribution(ada, "code", T0, "git", "k")], "m")
    assert await pool.fetchval("SELECT count(*) FROM contributions") == 1
