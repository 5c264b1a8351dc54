"""What every answer carries (security headers, one charset), the HTML report's and
GraphiQL's content policies, introspection off by default in production, and a query
refused for repeating a field saying so."""

from __future__ import annotations

import asyncpg
import pytest
from httpx import Headers
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.security_headers import GRAPHIQL_POLICY, POLICY
from tests.integration.app.conftest import ClientFactory
from tests.integration.reports.seed import seed_chaoss

HARDENED = {
    "content-security-policy": POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
INTROSPECT = "{ __schema { queryType { name } } }"


def hardening(headers: Headers) -> dict[str, str]:
    return {name: headers[name] for name in HARDENED}


async def test_the_api_and_its_errors_send_the_hardened_headers(
    client: AsyncTestClient[Litestar],
) -> None:
    answers = [
        await client.post("/graphql", json={"query": "{ __typename }"}),
        await client.get("/graphql/persisted/Nothing"),
        await client.get("/no/such/route"),
        await client.get("/.well-known/jwks.json"),
        await client.get("/healthz"),
    ]
    assert [(a.status_code, hardening(a.headers)) for a in answers] == [
        (200, HARDENED),
        (404, HARDENED),
        (404, HARDENED),
        (200, HARDENED),
        (200, HARDENED),
    ]


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("2026-Q3.html", "text/html; charset=utf-8"),
        ("2026-Q3.md", "text/markdown; charset=utf-8"),
        ("2026-Q3.csv", "text/csv; charset=utf-8"),
        ("2026-Q3.json", "application/json"),
    ],
)
async def test_a_report_names_its_charset_once_and_its_page_may_run_nothing(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool, name: str, content_type: str
) -> None:
    await seed_chaoss(pool)
    response = await client.get(f"/projects/chaoss/reports/{name}")
    assert response.status_code == 200
    assert response.headers.get_list("content-type") == [content_type]
    assert hardening(response.headers) == HARDENED
    if name.endswith(".html"):
        assert "<script" not in response.text


async def test_graphiql_gets_its_own_policy_in_development(make_client: ClientFactory) -> None:
    async with make_client(COMMONS_ENV="development") as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
        api = await client.post("/graphql", json={"query": "{ __typename }"})
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == GRAPHIQL_POLICY
    assert "https://unpkg.com/graphiql" in page.text
    assert api.headers["content-security-policy"] == POLICY


@pytest.mark.parametrize(
    ("environment", "setting", "allowed"),
    [
        ("production", None, False),
        ("production", "true", True),
        ("test", None, True),
        ("development", None, True),
        ("development", "false", False),
    ],
)
async def test_introspection_is_off_by_default_in_production_only(
    make_client: ClientFactory, environment: str, setting: str | None, allowed: bool
) -> None:
    changes = {"COMMONS_ENV": environment}
    if setting is not None:
        changes["COMMONS_GRAPHQL_INTROSPECTION"] = setting
    async with make_client(**changes) as client:
        body = (await client.post("/graphql", json={"query": INTROSPECT})).json()
    if allowed:
        assert body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    else:
        assert body["data"] is None
        assert body["errors"][0]["message"] == (
            "GraphQL introspection has been disabled, but the requested query contained "
            "the field '__schema'."
        )


async def test_a_query_repeating_a_field_is_refused_with_the_reason(
    client: AsyncTestClient[Litestar],
) -> None:
    query = '{ project(slug: "x") { ' + "name " * 1000 + "} }"
    body = (await client.post("/graphql", json={"query": query})).json()
    assert body == {
        "data": None,
        "errors": [
            {
                "message": "Query repeats the field 'name' 1000 times in one selection "
                "(counting the selections it merges with); ask for each field once.",
                "extensions": {"code": "DUPLICATED_FIELDS", "field": "name", "times": 1000},
            }
        ],
    }
