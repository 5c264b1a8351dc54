"""Ad hoc queries spend the same budget as persisted ones, say where it stands, and are
refused with 429, Retry-After and a typed error once it is spent."""

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
        assert refused.status_code == 429
        wait = int(refused.headers["retry-after"])
        assert 3600 * (cost - 4) / 15 - 1 <= wait <= 3600 * (cost - 4) / 15 + 1
        body = refused.json()
        assert body == {
            "data": None,
            "errors": [
                {
                    "message": f"The query budget is spent: this query costs {cost}, 4 of 15 "
                    f"remain; retry in {wait} s.",
                    "extensions": {"code": "RATE_LIMITED", "cost": cost, "retryAfter": wait},
                }
            ],
            "extensions": {
                "rateLimit": {
                    "limit": 15,
                    "used": 11,
                    "remaining": 4,
                    "resetAt": body["extensions"]["rateLimit"]["resetAt"],
                }
            },
        }
        assert refused.headers["x-ratelimit-remaining"] == "4"
        cheap = await client.post("/graphql", json={"query": "{ __typename }"})
        assert cheap.json() == {"data": {"__typename": "Query"}}
        assert cheap.headers["x-ratelimit-remaining"] == str(15 - cost - 1)


async def test_a_spent_budget_is_refused_before_the_query_is_read(
    make_client: ClientFactory,
) -> None:
    async with make_client(COMMONS_RATE_LIMIT="11") as client:
        spent = await client.post("/graphql", json={"query": QUERY})
        assert spent.headers["x-ratelimit-remaining"] == "0"
        refused = await client.post("/graphql", json={"query": "{ this is not GraphQL"})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.headers["x-ratelimit-remaining"] == "0"
        error = refused.json()["errors"][0]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert error["message"].startswith("The query budget is spent (0 of 11 remain)")
        assert refused.json()["extensions"]["rateLimit"]["remaining"] == 0


async def test_an_invalid_query_costs_nothing(make_client: ClientFactory) -> None:
    async with make_client(COMMONS_RATE_LIMIT="15") as client:
        bad = await client.post("/graphql", json={"query": "{ nope }"})
        assert bad.json()["errors"][0]["message"].startswith("Cannot query field 'nope'")
        assert "x-ratelimit-used" not in bad.headers
        ok = await client.post("/graphql", json={"query": "{ __typename }"})
        assert ok.headers["x-ratelimit-used"] == "1"
