"""The heavy lane over real HTTP: expensive queries take turns on a pool of their own
while cheap ones are answered at once, and a caller that spends its budget is refused
with 429 while another caller is still served."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg
import httpx

from app.lanes import NAME
from app.main import create_app
from app.runtime import Runtime
from tests.e2e.live import serving
from tests.integration.app.seed import seed

HEAVY = (
    "{ "
    + " ".join(
        f'h{i}: project(slug: "linux") {{ contributions(first: 2) {{ nodes {{ kind }} }} }}'
        for i in range(3)
    )
    + " }"
)
CHEAP = '{ project(slug: "linux") { name } }'


async def _until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    for _ in range(600):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never: {what}")


async def test_heavy_queries_take_turns_on_their_own_pool_while_cheap_ones_pass(
    database_url: str, pool: asyncpg.Pool, app_env: dict[str, str]
) -> None:
    await seed(pool, "linux", people_count=2, contributions=4)
    app = create_app({**app_env, "COMMONS_HEAVY_COST": "10", "COMMONS_HEAVY_POOL": "1"})
    lock = await asyncpg.connect(database_url)
    try:
        with serving(app) as port:
            runtime: Runtime = app.state.runtime
            lane = runtime.persisted.lane
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as c:
                probe = await c.post("/graphql", json={"query": HEAVY})
                assert int(probe.headers["x-graphql-cost"]) > 10
                assert lane.taken == 1
                transaction = lock.transaction()
                await transaction.start()
                await lock.execute("LOCK TABLE contributions IN ACCESS EXCLUSIVE MODE")
                first = asyncio.create_task(c.post("/graphql", json={"query": HEAVY}))
                second = asyncio.create_task(c.post("/graphql", json={"query": HEAVY}))

                async def blocked_on_the_lanes_pool() -> bool:
                    waiting = await lock.fetchval(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 "
                        "AND wait_event_type = 'Lock'",
                        NAME,
                    )
                    return bool(waiting == 1 and lane.waiting == 1)

                await _until(blocked_on_the_lanes_pool, "one heavy query in the lane, one waiting")
                cheap = await c.post("/graphql", json={"query": CHEAP})
                assert cheap.json() == {"data": {"project": {"name": "Linux"}}}
                assert not first.done()
                assert not second.done()
                await transaction.rollback()
                answers = await asyncio.gather(first, second)
                assert [a.status_code for a in answers] == [200, 200]
                assert all(len(a.json()["data"]) == 3 for a in answers)
                assert (lane.taken, lane.waiting) == (3, 0)
    finally:
        await lock.close()


async def test_a_caller_who_spends_its_budget_is_refused_while_another_is_served(
    pool: asyncpg.Pool, app_env: dict[str, str]
) -> None:
    await seed(pool, "linux", people_count=2, contributions=4)
    app = create_app({**app_env, "COMMONS_RATE_LIMIT": "100"})
    with serving(app) as port:
        base = f"http://127.0.0.1:{port}"
        other = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
        async with (
            httpx.AsyncClient(base_url=base, timeout=60) as me,
            httpx.AsyncClient(base_url=base, transport=other, timeout=60) as heavy,
        ):
            answers = [await heavy.post("/graphql", json={"query": HEAVY}) for _ in range(10)]
            codes = [a.status_code for a in answers]
            assert codes[0] == 200
            assert 429 in codes
            refused = answers[codes.index(429)]
            assert int(refused.headers["retry-after"]) >= 1
            assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
            served = await me.post("/graphql", json={"query": CHEAP})
            assert served.status_code == 200
            assert served.headers["x-ratelimit-remaining"] == str(100 - 2)
