"""The heavy lane's turns: a bounded number at once, first come first served, reading
through the lane's own pool instead of the main one, and root fields resolved one after
another while a turn is held."""

from __future__ import annotations

import asyncio

import asyncpg
import strawberry

from app.lanes import Lane, LaneExecution


@strawberry.type
class Query:
    @strawberry.field
    async def step(self, info: strawberry.Info, n: int) -> int:
        events: list[str] = info.context["events"]
        events.append(f"start {n}")
        await asyncio.sleep(0.01)
        events.append(f"end {n}")
        return n


SCHEMA = strawberry.Schema(Query, execution_context_class=LaneExecution)
THREE = "{ a: step(n: 1) b: step(n: 2) c: step(n: 3) }"


async def _run(events: list[str]) -> None:
    result = await SCHEMA.execute(THREE, context_value={"events": events})
    assert result.errors is None
    assert result.data == {"a": 1, "b": 2, "c": 3}


async def test_root_fields_take_turns_only_inside_the_lane(
    pool: asyncpg.Pool, database_url: str
) -> None:
    lane = Lane(threshold=10, concurrency=1, connections=1)
    await lane.open(pool, database_url, 10)
    try:
        outside: list[str] = []
        await _run(outside)
        assert outside[:3] == ["start 1", "start 2", "start 3"]
        inside: list[str] = []
        async with lane.turn(pool):
            await _run(inside)
        assert inside == ["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]
    finally:
        await lane.close()


async def test_turns_are_bounded_and_read_through_the_lanes_own_pool(
    pool: asyncpg.Pool, database_url: str
) -> None:
    lane = Lane(threshold=10, concurrency=1, connections=1)
    assert (lane.takes(10), lane.takes(11), Lane(0, 1, 1).takes(10**6)) == (False, True, False)
    await lane.open(pool, database_url, 10)
    try:
        order: list[str] = []

        async def heavy(name: str) -> None:
            async with lane.turn(pool) as reading:
                assert reading is not pool
                order.append(f"{name} in")
                assert await reading.fetchval("SELECT current_setting('application_name')") == (
                    "commons-heavy-lane"
                )
                await asyncio.sleep(0.02)
                order.append(f"{name} out")

        first = asyncio.create_task(heavy("first"))
        await asyncio.sleep(0)
        second = asyncio.create_task(heavy("second"))
        await asyncio.sleep(0.005)
        assert lane.waiting == 1
        await asyncio.gather(first, second)
        assert order == ["first in", "first out", "second in", "second out"]
        assert (lane.taken, lane.waiting) == (2, 0)
        other = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
        try:
            async with lane.turn(other) as reading:
                assert reading is other  # a context reading elsewhere keeps its pool
        finally:
            await other.close()
    finally:
        await lane.close()
