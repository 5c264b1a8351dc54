"""Bulk work collects garbage in fewer sweeps, still collects it, and gives the
process its thresholds back when the last bulk job ends, however it ends."""

from __future__ import annotations

import asyncio
import gc

import pytest

from ledger.kernel.heap import BULK, bulk_allocations, in_bulk


def test_the_thresholds_are_raised_inside_and_restored_after() -> None:
    before = gc.get_threshold()
    assert before != BULK
    with bulk_allocations():
        assert gc.get_threshold() == BULK
    assert gc.get_threshold() == before


def test_overlapping_jobs_restore_the_thresholds_when_the_last_one_ends() -> None:
    before = gc.get_threshold()

    async def job(started: asyncio.Event, go_on: asyncio.Event) -> tuple[int, int, int]:
        with bulk_allocations():
            started.set()
            await go_on.wait()
            return gc.get_threshold()

    async def both() -> None:
        first_in, second_in, first_go, second_go = (asyncio.Event() for _ in range(4))
        first = asyncio.ensure_future(job(first_in, first_go))
        second = asyncio.ensure_future(job(second_in, second_go))
        await first_in.wait()
        await second_in.wait()
        first_go.set()
        assert await first == BULK
        assert gc.get_threshold() == BULK  # the second still runs
        second_go.set()
        assert await second == BULK

    asyncio.run(both())
    assert gc.get_threshold() == before


def test_a_failing_job_restores_them_too() -> None:
    before = gc.get_threshold()

    @in_bulk
    async def failing() -> None:
        assert gc.get_threshold() == BULK
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        asyncio.run(failing())
    assert gc.get_threshold() == before


def test_cycles_made_inside_are_still_collected() -> None:
    class Node:
        other: Node | None = None

    gc.collect()
    with bulk_allocations():
        for _ in range(200_000):  # four young collections' worth of cycles
            a, b = Node(), Node()
            a.other, b.other = b, a
        alive = sum(1 for o in gc.get_objects() if isinstance(o, Node))
    assert alive < 120_000  # far fewer than the 400,000 made: the sweeps ran
