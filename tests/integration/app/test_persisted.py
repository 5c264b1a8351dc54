"""Persisted dashboard operations answer exactly what the same document answers ad hoc."""

from __future__ import annotations

import json

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.persisted.catalogue import load_operations
from app.runtime import Runtime
from tests.conftest import GraphQL
from tests.integration.app.seed import seed


async def test_the_project_overview_persisted_equals_the_ad_hoc_query(
    client: AsyncTestClient[Litestar], gql: GraphQL, pool: asyncpg.Pool, runtime: Runtime
) -> None:
    await seed(pool, "linux", people_count=25, contributions=60)
    variables = {"slug": "linux"}
    ad_hoc = await gql(load_operations()["ProjectOverview"], variables)
    persisted = await client.post(
        "/graphql/persisted/ProjectOverview", json={"variables": variables}
    )
    by_get = await client.get(
        "/graphql/persisted/ProjectOverview", params={"variables": json.dumps(variables)}
    )
    assert (persisted.status_code, by_get.status_code) == (200, 200)
    assert persisted.json()["data"] == ad_hoc["data"] == by_get.json()["data"]
    cost = runtime.persisted.operations["ProjectOverview"].cost
    assert persisted.json()["extensions"]["cost"] == {"requested": cost, "limit": 25_000}
    project = ad_hoc["data"]["project"]
    assert project["totals"] == {
        "contributions": 60,
        "credit": "60.0000",
        "contributors": 25,
        "firstAt": "2024-01-01T00:00:00+00:00",
        "lastAt": "2024-01-03T11:00:00+00:00",
    }
    assert len(project["contributors"]["nodes"]) == 10
    assert project["contributors"]["totalCount"] == 25
    assert len(project["contributions"]["nodes"]) == 10
    assert project["contributions"]["nodes"][0] == {
        "kind": "bug",
        "occurredAt": "2024-01-03T11:00:00+00:00",
        "contributor": {"number": 10, "displayName": "User 9"},
    }
    assert project["months"] == [
        {"month": "2024-01-01", "contributions": 60, "credit": "60.0000", "contributors": 25}
    ]
    assert project["proposals"] == {"totalCount": 0, "nodes": []}
    assert project["contributionsByKind"] == [
        {"kind": k, "contributions": 15, "credit": "15.0000"}
        for k in ("bug", "code", "doc", "review")
    ]


async def test_the_project_journal_persisted_pages_the_chain(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool
) -> None:
    await seed(pool, "linux", people_count=1, contributions=3)
    first = await client.post(
        "/graphql/persisted/ProjectJournal", json={"variables": {"slug": "linux", "first": 2}}
    )
    journal = first.json()["data"]["project"]["journal"]
    assert journal["length"] == journal["events"]["totalCount"] == 6
    assert [e["type"] for e in journal["events"]["nodes"]] == [
        "project.created",
        "credit_policy.set",
    ]
    assert journal["events"]["nodes"][1]["prevHash"] == journal["events"]["nodes"][0]["hash"]
    after = journal["events"]["pageInfo"]["endCursor"]
    rest = await client.post(
        "/graphql/persisted/ProjectJournal",
        json={"variables": {"slug": "linux", "after": after}},
    )
    events = rest.json()["data"]["project"]["journal"]["events"]
    assert [e["seq"] for e in events["nodes"]] == [3, 4, 5, 6]
    assert events["nodes"][-1]["hash"] == journal["headHash"]
    assert events["pageInfo"] == {
        "hasNextPage": False,
        "endCursor": events["pageInfo"]["endCursor"],
    }


async def test_an_unknown_operation_or_bad_variables_are_refused(
    client: AsyncTestClient[Litestar],
) -> None:
    missing = await client.post("/graphql/persisted/Nope", json={})
    assert (missing.status_code, missing.json()) == (
        404,
        {"status_code": 404, "detail": "no persisted operation 'Nope'"},
    )
    for body in ({"variables": [1]}, {"variables": "slug"}):
        bad = await client.post("/graphql/persisted/ProjectOverview", json=body)
        assert (bad.status_code, bad.json()) == (
            400,
            {"status_code": 400, "detail": "variables must be a JSON object"},
        )
    absent = await client.post("/graphql/persisted/ProjectOverview", json={})
    assert absent.status_code == 200
    assert absent.json() == {
        "extensions": absent.json()["extensions"],
        "data": None,
        "errors": [
            {
                "message": "Variable '$slug' has invalid value: "
                "Expected a value of non-null type 'String!' to be provided.",
                "locations": [{"line": 6, "column": 23}],
            }
        ],
    }


async def test_a_persisted_operation_refuses_an_invalid_token(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.post(
        "/graphql/persisted/ProjectOverview",
        json={"variables": {"slug": "linux"}},
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert (response.status_code, response.json()) == (
        401,
        {"status_code": 401, "detail": "malformed token"},
    )
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
