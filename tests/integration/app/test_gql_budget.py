"""Ad hoc queries spend the same budget as persisted ones and say where it stands."""

from __future__ import annotations

from tests.integration.app.conftest import ClientFactory

QUERY = "{ projects(first: 5) { nodes { slug } } }"


async def test_every_answer_reports_the_budget_and_a_spent_one_refuses_the_query(
    make_client: ClientFactory,
) -> None:
    async with make_client(COMMONS_RATE_LIMIT="15") as client:
        first = await client.post("/graphql", json={"query": QUERY})
        assert first.json() == {"data": {"projects": {"nodes": []}}}
        cost = int(first.headers["x-graphql-cost"])
        assert cost == 1 + 5 * 2
        assert first.headers["x-ratelimit-limit"] == "15"
        assert first.headers["x-ratelimit-remaining"] == str(15 - cost)
        refused = await client.post("/graphql", json={"query": QUERY})
        assert refused.status_code == 200
        body = refused.json()
        assert body["data"] is None
        assert [e["extensions"] for e in body["errors"]] == [{"code": "RATE_LIMITED", "cost": cost}]
        assert body["errors"][0]["message"].startswith("The query budget of this window is spent")
        cheap = await client.post("/graphql", json={"query": "{ __typename }"})
        assert cheap.json() == {"data": {"__typename": "Query"}}
        assert cheap.headers["x-ratelimit-remaining"] == str(15 - cost - 1)


async def test_an_invalid_query_costs_nothing(make_client: ClientFactory) -> None:
    async with make_client(COMMONS_RATE_LIMIT="15") as client:
        bad = await client.post("/graphql", json={"query": "{ nope }"})
        assert bad.json()["errors"][0]["message"].startswith("Cannot query field 'nope'")
        assert "x-ratelimit-used" not in bad.headers
        ok = await client.post("/graphql", json={"query": "{ __typename }"})
        assert ok.headers["x-ratelimit-used"] == "1"
