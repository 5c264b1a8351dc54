"""Persisted answers are a function of the project's journal head: an ETag, 304 to
If-None-Match, an in-process cache that a write anywhere expires, and the query
budget in every answer."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from unittest.mock import ANY

import asyncpg
from httpx import Response
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.runtime import Runtime
from ledger.register.contributions import record_contributions
from ledger.register.models import NewContribution
from tests.integration.app.conftest import ClientFactory
from tests.integration.app.seed import Seeded, seed

TOTALS = "/graphql/persisted/ProjectTotals"


def _params(slug: str = "linux") -> dict[str, str]:
    return {"variables": json.dumps({"slug": slug})}


async def _write(pool: asyncpg.Pool, seeded: Seeded, key: str) -> None:
    """One more contribution, written outside the app (as the CLI or a worker would)."""
    item = NewContribution(
        seeded.contributors[0], "code", datetime(2025, 1, 1, tzinfo=UTC), "git", key
    )
    async with pool.acquire() as conn, conn.transaction():
        await record_contributions(conn, seeded.project_id, [item], "cli")


def _seq(response: Response) -> int:
    return int(response.headers["etag"].split(".")[1])


async def _heard(client: AsyncTestClient[Litestar], seq: int) -> Response:
    """The first answer at head ``seq`` or later (the notification takes a moment)."""
    for _ in range(200):
        response = await client.get(TOTALS, params=_params())
        if _seq(response) >= seq:
            return response
        await asyncio.sleep(0.01)
    raise AssertionError(f"the head never reached {seq}")


async def test_a_persisted_get_carries_an_etag_and_answers_304_to_it(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool
) -> None:
    await seed(pool, "linux", people_count=2, contributions=4)
    first = await client.get(TOTALS, params=_params())
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag.startswith('W/"')
    assert tag.endswith('"')
    assert first.headers["cache-control"] == "public, no-cache"
    again = await client.get(TOTALS, params=_params(), headers={"If-None-Match": tag})
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["etag"] == tag
    other = await client.get(TOTALS, params=_params(), headers={"If-None-Match": 'W/"1.2.abc"'})
    assert other.status_code == 200
    assert other.json()["data"] == first.json()["data"]


async def test_repeats_are_served_from_the_cache_without_executing(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool, runtime: Runtime
) -> None:
    await seed(pool, "linux", people_count=2, contributions=4)
    before = runtime.persisted.executed
    answers = [await client.get(TOTALS, params=_params()) for _ in range(5)]
    assert [a.headers["x-cache"] for a in answers] == ["miss", "hit", "hit", "hit", "hit"]
    assert runtime.persisted.executed == before + 1
    assert len({a.content for a in answers}) == len(answers)  # the budget moves on
    assert {json.dumps(a.json()["data"]) for a in answers} == {
        json.dumps(answers[0].json()["data"])
    }
    fresh = await client.get(TOTALS, params=_params(), headers={"Cache-Control": "no-cache"})
    assert fresh.headers["x-cache"] == "miss"
    assert runtime.persisted.executed == before + 2


async def test_a_write_elsewhere_expires_the_cached_answer_and_the_etag(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool
) -> None:
    seeded = await seed(pool, "linux", people_count=2, contributions=4)
    first = await client.get(TOTALS, params=_params())
    assert first.json()["data"]["project"]["totals"]["contributions"] == 4
    assert (await client.get(TOTALS, params=_params())).headers["x-cache"] == "hit"
    await _write(pool, seeded, "later-1")
    after = await _heard(client, _seq(first) + 1)
    assert (after.status_code, after.headers["x-cache"]) == (200, "miss")
    assert after.json()["data"]["project"]["totals"]["contributions"] == 5
    assert after.headers["etag"] != first.headers["etag"]


async def test_without_the_listener_every_lookup_reads_the_head(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool, runtime: Runtime
) -> None:
    seeded = await seed(pool, "linux", people_count=2, contributions=4)
    heads = runtime.persisted.heads
    await client.get(TOTALS, params=_params())
    assert heads.listening
    listener = heads._listener
    assert listener is not None
    await pool.execute("SELECT pg_terminate_backend($1)", listener.get_server_pid())
    for _ in range(200):
        if not heads.listening:
            break
        await asyncio.sleep(0.005)
    assert not heads.listening
    await client.get(TOTALS, params=_params())
    await _write(pool, seeded, "later-2")
    # No notification can have been heard: the head is read from the database.
    after = await client.get(TOTALS, params=_params())
    assert after.headers["x-cache"] == "miss"
    assert after.json()["data"]["project"]["totals"]["contributions"] == 5


async def test_answers_are_kept_apart_by_viewer_and_private_with_a_token(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool, runtime: Runtime
) -> None:
    await seed(pool, "linux", people_count=2, contributions=4)
    token = runtime.tokens.issue("maintainer@example.org", roles={"linux": "maintainer"})
    public = await client.get(TOTALS, params=_params())
    mine = await client.get(TOTALS, params=_params(), headers={"Authorization": f"Bearer {token}"})
    assert mine.headers["x-cache"] == "miss"
    assert mine.headers["cache-control"] == "private, no-cache"
    assert mine.headers["etag"] != public.headers["etag"]
    assert "Authorization" in mine.headers["vary"]


async def test_an_unknown_project_is_answered_but_never_cached(
    client: AsyncTestClient[Litestar],
) -> None:
    answers = [await client.get(TOTALS, params=_params("nowhere")) for _ in range(2)]
    assert [a.json()["data"] for a in answers] == [{"project": None}] * 2
    assert [a.headers["x-cache"] for a in answers] == ["bypass", "bypass"]
    assert answers[0].headers["cache-control"] == "no-store"
    assert "etag" not in answers[0].headers


async def test_the_budget_is_reported_and_a_spent_one_is_refused_with_429(
    make_client: ClientFactory, pool: asyncpg.Pool
) -> None:
    await seed(pool, "linux", people_count=2, contributions=4)
    async with make_client(COMMONS_RATE_LIMIT="20") as client:
        first = await client.get(TOTALS, params=_params())
        limit = first.json()["extensions"]["rateLimit"]
        cost = first.json()["extensions"]["cost"]["requested"]
        assert limit["limit"] == 20
        assert limit["used"] == cost == 8
        assert limit["remaining"] == 20 - cost
        assert limit["resetAt"].endswith("Z")
        assert first.headers["x-ratelimit-remaining"] == str(20 - cost)
        second = await client.get(TOTALS, params=_params())
        assert second.json()["extensions"]["rateLimit"]["used"] == 2 * cost
        refused = await client.get(TOTALS, params=_params())
        assert refused.status_code == 429
        wait = int(refused.headers["retry-after"])
        assert wait >= 1
        assert refused.json() == {
            "data": None,
            "errors": [
                {
                    "message": f"The query budget is spent: this query costs {cost}, 4 of 20 "
                    f"remain; retry in {wait} s.",
                    "extensions": {"code": "RATE_LIMITED", "cost": cost, "retryAfter": wait},
                }
            ],
            "extensions": {
                "cost": {"requested": cost, "limit": 25_000},
                "rateLimit": {**limit, "used": 16, "remaining": 4, "resetAt": ANY},
            },
        }
        assert refused.headers["x-ratelimit-remaining"] == str(20 - 2 * cost)


async def test_the_listing_names_every_operation_with_its_variables(
    client: AsyncTestClient[Litestar], runtime: Runtime
) -> None:
    response = await client.get("/graphql/persisted")
    assert response.status_code == 200
    listed = {op["name"]: op for op in response.json()["operations"]}
    assert set(listed) == set(runtime.persisted.operations)
    journal = listed["ProjectJournal"]
    assert journal["variables"] == [
        {"name": "slug", "type": "String!", "default": None, "required": True},
        {"name": "first", "type": "Int", "default": 50, "required": False},
        {"name": "after", "type": "String", "default": None, "required": False},
    ]
    assert journal["description"].startswith("A page of a project's hash-chained journal")
    assert journal["cost"] > 0
    assert journal["document"] == runtime.persisted.operations["ProjectJournal"].text
