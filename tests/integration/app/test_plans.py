"""Execution plans answer exactly what GraphQL answers for their operation, whatever
the variables (a missing project, a merged or unknown contributor, a bot, a global
id), and decline what they do not know, so GraphQL answers its typed error."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.demo import seed_demo
from app.persisted.catalogue import load_operations
from app.persisted.plans import PLANS
from app.runtime import Runtime
from governance.voter_store import set_delegation
from intake import merges
from ledger.graphql import global_id


async def _both(
    client: AsyncTestClient[Litestar], runtime: Runtime, name: str, **variables: Any
) -> tuple[Any, Any]:
    """(the answer with plans, the answer by GraphQL) of one operation."""
    params = {"variables": json.dumps(variables)}
    headers = {"Cache-Control": "no-cache"}
    planned = await client.get(f"/graphql/persisted/{name}", params=params, headers=headers)
    runtime.persisted.plans = {}
    try:
        executed = await client.get(f"/graphql/persisted/{name}", params=params, headers=headers)
    finally:
        runtime.persisted.plans = PLANS
    assert planned.status_code == executed.status_code == 200
    a, b = planned.json(), executed.json()
    del a["extensions"], b["extensions"]
    return a, b


async def test_the_plans_answer_what_graphql_answers(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool, runtime: Runtime
) -> None:
    await seed_demo(pool, contributors=60, contributions=700)
    project_id = await pool.fetchval("SELECT id FROM projects WHERE slug = 'aurora'")
    ranked = [
        r["contributor_id"]
        for r in await pool.fetch(
            "SELECT contributor_id FROM contributor_stats ORDER BY credit DESC, contributor_id"
        )
    ]
    bot = await pool.fetchval("SELECT id FROM contributors WHERE is_bot")
    async with pool.acquire() as conn:
        await set_delegation(conn, project_id, ranked[3], "*", ranked[0])
        await set_delegation(conn, project_id, ranked[0], "expense", ranked[1])
        async with conn.transaction():
            await merges.merge(conn, project_id, ranked[-1], ranked[-2], "admin")
    cases: list[tuple[str, dict[str, Any]]] = [
        ("ProjectOverview", {"slug": "aurora"}),
        ("ProjectOverview", {"slug": "nowhere"}),
        ("ContributorProfile", {"slug": "nowhere", "contributor": str(ranked[0])}),
        ("ContributorProfile", {"slug": "aurora", "contributor": "999999"}),
        ("ContributorProfile", {"slug": "aurora", "contributor": str(bot)}),
        ("ContributorProfile", {"slug": "aurora", "contributor": str(ranked[-1])}),
        (
            "ContributorProfile",
            {"slug": "aurora", "contributor": global_id("Contributor", ranked[1])},
        ),
    ]
    cases += [("ContributorProfile", {"slug": "aurora", "contributor": str(n)}) for n in ranked[:5]]
    planned_before = runtime.persisted.planned
    for name, variables in cases:
        planned, executed = await _both(client, runtime, name, **variables)
        assert planned == executed, (name, variables)
        assert "errors" not in planned
    assert runtime.persisted.planned == planned_before + len(cases)
    merged = (
        await _both(
            client, runtime, "ContributorProfile", slug="aurora", contributor=str(ranked[-1])
        )
    )[0]
    assert merged["data"]["project"]["contributorProfile"]["contributor"]["number"] == ranked[-2]
    top = (
        await _both(
            client, runtime, "ContributorProfile", slug="aurora", contributor=str(ranked[0])
        )
    )[0]
    profile = top["data"]["project"]["contributorProfile"]
    assert profile["delegations"] == {
        "given": [{"delegate": ranked[1], "kind": "expense"}],
        "received": [{"delegator": ranked[3], "kind": None}],
    }
    assert profile["standing"]["rank"] == 1


async def test_a_plan_leaves_variables_it_does_not_know_to_graphql(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool, runtime: Runtime
) -> None:
    await seed_demo(pool, contributors=20, contributions=100)
    for variables in (
        {"slug": "aurora", "contributor": "UHJvamVjdDox"},  # a Project's id
        {"slug": "aurora"},
        {"slug": 7, "contributor": "1"},
    ):
        before = runtime.persisted.planned
        planned, executed = await _both(client, runtime, "ContributorProfile", **variables)
        assert planned == executed
        assert planned["errors"]
        assert runtime.persisted.planned == before


def test_every_plan_is_pinned_to_its_operation_as_it_is_now() -> None:
    texts = load_operations()
    for name, plan in PLANS.items():
        assert plan.digest == hashlib.sha256(texts[name].encode()).hexdigest(), (
            f"{name} changed: bring app/persisted/plans up to date, then its pin"
        )
