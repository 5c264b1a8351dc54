from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from ledger.journal import chain as journal
from ledger.kernel.errors import Conflict, InvalidInput
from ledger.register.bulk import bulk_load
from ledger.register.bulk.stream import SLICE
from ledger.register.bulk.write import reserve_numbers
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


async def test_a_batch_copied_slice_by_slice_has_the_rollups_and_chain_of_one_by_one(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn:
        people = [(await create_contributor(conn, f"P{i}")).id for i in range(7)]
    count = SLICE * 4 + 17  # several slices and a short last one, in one batch
    # The first slice is all code; the kinds that only later slices count must be priced too.
    items = [
        NewContribution(
            people[i % 7],
            "code" if i < SLICE else ("code", "doc", "review")[i % 3],
            T0 + timedelta(days=i % 90),
            "git",
            f"s{i}",
        )
        for i in range(count)
    ]
    async with pool.acquire() as conn, conn.transaction():
        assert await bulk_load(conn, project.id, items, "import", batch_size=count) == count
    async with pool.acquire() as conn:
        check = await journal.verify(conn, project.id)
        assert check.ok, check.reason
        assert check.checked == 2 + count
        stored = await conn.fetch(
            "SELECT contributor_id, contributions FROM contributor_stats "
            "WHERE project_id = $1 ORDER BY 1",
            project.id,
        )
        counted = await conn.fetch(
            "SELECT contributor_id, count(*) AS contributions FROM contributions "
            "WHERE project_id = $1 GROUP BY 1 ORDER BY 1",
            project.id,
        )
        by_kind = await conn.fetch(
            "SELECT kind, contributions, credit FROM kind_stats WHERE project_id = $1 ORDER BY 1",
            project.id,
        )
        kinds = await conn.fetch(
            "SELECT kind, count(*), sum(credit) FROM contributions WHERE project_id = $1 "
            "GROUP BY 1 ORDER BY 1",
            project.id,
        )
    assert [tuple(r) for r in stored] == [tuple(r) for r in counted]
    assert sum(r["contributions"] for r in stored) == count
    assert [tuple(r) for r in by_kind] == [tuple(r) for r in kinds]
    assert [r["kind"] for r in by_kind] == ["code", "doc", "review"]


async def test_numbers_reserved_for_fewer_contributions_than_given_are_refused(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn:
        ada = (await create_contributor(conn, "Ada")).id
        items = [NewContribution(ada, "code", T0, "git", f"r{i}") for i in range(3)]
        ids = await reserve_numbers(conn, 2)
        with pytest.raises(InvalidInput, match="fewer numbers"):
            async with conn.transaction():
                await bulk_load(conn, project.id, items, "import", ids=ids)
        assert await conn.fetchval("SELECT count(*) FROM contributions") == 0
        more = await reserve_numbers(conn, 4)
        with pytest.raises(InvalidInput, match="more numbers"):
            async with conn.transaction():
                await bulk_load(conn, project.id, items, "import", ids=more)
        assert await conn.fetchval("SELECT count(*) FROM contributions") == 0
        async with conn.transaction():
            numbered: list[tuple[int, NewContribution]] = []
            ids = await reserve_numbers(conn, 3)
            await bulk_load(conn, project.id, items, "import", ids=ids, numbered=numbered)
        assert [n for n, _ in numbered] == ids
        stored = await conn.fetch("SELECT id FROM contributions ORDER BY id")
    assert [r["id"] for r in stored] == ids
