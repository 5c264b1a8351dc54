"""Execution plans answer byte for byte what GraphQL answers for their operation,
whatever the data and the variables (a missing project, a merged, unknown or bot
contributor, a global id, awkward text and instants with microseconds, a project
without grants), and decline what they do not know, so GraphQL answers its typed
error; every persisted operation answers the same with plans as without."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
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
from ledger.register import people
from ledger.register.contributions import record_contributions
from ledger.register.models import NewContribution
from tests.integration.app.seed import seed

EXTENSIONS = b',"extensions":'


def _data(body: bytes) -> bytes:
    """An answer's bytes up to its extensions, which come last (the budget moves on
    between answers)."""
    assert body.endswith(b"}}}"), body
    return body[: body.rindex(EXTENSIONS)]


async def _both(
    client: AsyncTestClient[Litestar], runtime: Runtime, name: str, variables: Any
) -> tuple[bytes, bytes]:
    """(the answer with plans, the answer by GraphQL) of one operation, as bytes."""
    params = {"variables": json.dumps(variables)}
    headers = {"Cache-Control": "no-cache"}
    planned = await client.get(f"/graphql/persisted/{name}", params=params, headers=headers)
    runtime.persisted.plans = {}
    try:
        executed = await client.get(f"/graphql/persisted/{name}", params=params, headers=headers)
    finally:
        runtime.persisted.plans = PLANS
    assert planned.status_code == executed.status_code == 200
    return _data(planned.content), _data(executed.content)


async def _awkward(pool: asyncpg.Pool) -> int:
    """A project without grants or proposals whose people have names JSON must escape
    and whose work was done at instants with and without microseconds."""
    seeded = await seed(pool, "awkward", people_count=3, contributions=6)
    async with pool.acquire() as conn, conn.transaction():
        odd = await people.create_contributor(conn, 'Zoë "Q" \\ \n\t\x01 <b>&amp; 💚')
        at = [
            datetime(2024, 2, 29, 23, 59, 59, 1, tzinfo=UTC),
            datetime(2024, 3, 1, 0, 0, 0, 500_000, tzinfo=UTC),
            datetime(2024, 3, 1, 0, 0, 0, 123_456, tzinfo=UTC),
        ]
        await record_contributions(
            conn,
            seeded.project_id,
            [NewContribution(odd.id, "doc", when, "git", f"odd-{n}") for n, when in enumerate(at)],
            "admin",
        )
    return int(odd.id)


async def test_the_plans_answer_byte_for_byte_what_graphql_answers(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool, runtime: Runtime
) -> None:
    await seed_demo(pool, contributors=60, contributions=700)
    odd = await _awkward(pool)
    project_id = await pool.fetchval("SELECT id FROM projects WHERE slug = 'aurora'")
    ranked = [
        r["contributor_id"]
        for r in await pool.fetch(
            "SELECT contributor_id FROM contributor_stats WHERE project_id = $1 "
            "ORDER BY credit DESC, contributor_id",
            project_id,
        )
    ]
    bot = await pool.fetchval("SELECT id FROM contributors WHERE is_bot")
    granted = await pool.fetchval(
        "SELECT grantor_contributor_id FROM grants WHERE grantor_contributor_id IS NOT NULL "
        "ORDER BY id LIMIT 1"
    )
    async with pool.acquire() as conn:
        await set_delegation(conn, project_id, ranked[3], "*", ranked[0])
        await set_delegation(conn, project_id, ranked[0], "expense", ranked[1])
        async with conn.transaction():
            await merges.merge(conn, project_id, ranked[-1], ranked[-2], "admin")
    cases: list[tuple[str, dict[str, Any]]] = [
        ("ProjectOverview", {"slug": "aurora"}),
        ("ProjectOverview", {"slug": "awkward"}),
        ("ProjectOverview", {"slug": "nowhere"}),
        ("ContributorProfile", {"slug": "nowhere", "contributor": str(ranked[0])}),
        ("ContributorProfile", {"slug": "aurora", "contributor": "999999"}),
        ("ContributorProfile", {"slug": "aurora", "contributor": str(bot)}),
        ("ContributorProfile", {"slug": "aurora", "contributor": str(ranked[-1])}),
        ("ContributorProfile", {"slug": "aurora", "contributor": str(granted)}),
        ("ContributorProfile", {"slug": "aurora", "contributor": ranked[2]}),
        ("ContributorProfile", {"slug": "aurora", "contributor": str(odd)}),
        ("ContributorProfile", {"slug": "awkward", "contributor": str(odd)}),
        ("ContributorProfile", {"slug": "awkward", "contributor": str(ranked[0])}),
        ("ContributorProfile", {"slug": "aurora", "contributor": global_id("Contributor", 1)}),
    ]
    cases += [("ContributorProfile", {"slug": "aurora", "contributor": str(n)}) for n in ranked[:5]]
    planned_before = runtime.persisted.planned
    for name, variables in cases:
        planned, executed = await _both(client, runtime, name, variables)
        assert planned == executed, (name, variables)
        assert b'"errors"' not in planned
    assert runtime.persisted.planned == planned_before + len(cases)
    merged, _ = await _both(
        client, runtime, "ContributorProfile", {"slug": "aurora", "contributor": str(ranked[-1])}
    )
    profile = json.loads(merged + b"}")["data"]["project"]["contributorProfile"]
    assert profile["contributor"]["number"] == ranked[-2]
    top, _ = await _both(
        client, runtime, "ContributorProfile", {"slug": "aurora", "contributor": str(ranked[0])}
    )
    profile = json.loads(top + b"}")["data"]["project"]["contributorProfile"]
    assert profile["delegations"] == {
        "given": [{"delegate": ranked[1], "kind": "expense"}],
        "received": [{"delegator": ranked[3], "kind": None}],
    }
    assert profile["standing"]["rank"] == 1
    awkward, _ = await _both(
        client, runtime, "ContributorProfile", {"slug": "awkward", "contributor": str(odd)}
    )
    mine = json.loads(awkward + b"}")["data"]["project"]
    assert mine["contributorProfile"]["contributor"]["displayName"].startswith('Zoë "Q"')
    assert [c["occurredAt"] for c in mine["contributions"]["nodes"]] == [
        "2024-03-01T00:00:00.500000+00:00",
        "2024-03-01T00:00:00.123456+00:00",
        "2024-02-29T23:59:59.000001+00:00",
    ]
    assert mine["contributorProfile"]["coverage"]["status"] == "UNCOVERED"
    granting, _ = await _both(
        client, runtime, "ContributorProfile", {"slug": "aurora", "contributor": str(granted)}
    )
    coverage = json.loads(granting + b"}")["data"]["project"]["contributorProfile"]["coverage"]
    assert coverage["covered"] > 0


async def test_a_plan_leaves_variables_it_does_not_know_to_graphql(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool, runtime: Runtime
) -> None:
    await seed_demo(pool, contributors=20, contributions=100)
    for name, variables, refused in (
        ("ContributorProfile", {"slug": "aurora", "contributor": "UHJvamVjdDox"}, True),
        ("ContributorProfile", {"slug": "aurora"}, True),
        ("ContributorProfile", {"slug": 7, "contributor": "1"}, True),
        ("ContributorProfile", {"slug": "aurora", "contributor": True}, True),
        ("ContributorProfile", {"slug": "aurora", "contributor": str(2**63)}, True),
        ("ContributorProfile", {"slug": "aurora", "contributor": "1", "extra": 1}, False),
        ("ProjectOverview", {}, True),
        ("ProjectOverview", {"slug": None}, True),
    ):
        before = runtime.persisted.planned
        planned, executed = await _both(client, runtime, name, variables)
        assert planned == executed, variables
        assert (b'"errors"' in planned) is refused, variables
        assert runtime.persisted.planned == before


async def test_every_persisted_operation_answers_the_same_with_plans_as_without(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool, runtime: Runtime
) -> None:
    await seed_demo(pool, contributors=20, contributions=100)
    variables = {
        "ContributorProfile": {"slug": "aurora", "contributor": "3"},
        "ProposalResult": {"slug": "aurora", "number": 1},
    }
    for name in load_operations():
        planned, executed = await _both(
            client, runtime, name, variables.get(name, {"slug": "aurora"})
        )
        assert planned == executed, name
        assert b'"data":{"project":{' in planned, name


def test_every_plan_is_pinned_to_its_operation_as_it_is_now() -> None:
    texts = load_operations()
    for name, plan in PLANS.items():
        assert plan.digest == hashlib.sha256(texts[name].encode()).hexdigest(), (
            f"{name} changed: bring app/persisted/plans up to date, then its pin"
        )
