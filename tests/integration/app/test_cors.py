"""Browsers on other origins read the public API (preflights included); credentialed
requests only from the configured origins."""

from __future__ import annotations

import json

from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.runtime import Runtime
from tests.integration.app.conftest import ClientFactory

PAGE = "https://dashboards.example.net"
LISTED = "https://ledger.example.org"


async def test_a_preflight_for_a_public_query_allows_any_origin_without_credentials(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.options(
        "/graphql",
        headers={
            "Origin": PAGE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-allow-methods"] == "GET, POST, OPTIONS"
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "content-type" in allowed
    assert "authorization" not in allowed
    assert "access-control-allow-credentials" not in response.headers


async def test_a_public_read_from_another_origin_is_allowed(
    client: AsyncTestClient[Litestar],
) -> None:
    headers = {"Origin": PAGE}
    query = await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
    persisted = await client.get(
        "/graphql/persisted/ProjectTotals",
        params={"variables": json.dumps({"slug": "none"})},
        headers=headers,
    )
    keys = await client.get("/.well-known/jwks.json", headers=headers)
    for response in (query, persisted, keys):
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "*"
        assert "ETag" in response.headers["access-control-expose-headers"]


async def test_a_credentialed_request_from_an_unlisted_origin_gets_no_cors_answer(
    client: AsyncTestClient[Litestar], runtime: Runtime
) -> None:
    token = runtime.tokens.issue("someone")
    response = await client.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"Origin": PAGE, "Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200  # answered, but the browser will not show it
    assert "access-control-allow-origin" not in response.headers


async def test_listed_origins_may_send_credentials(make_client: ClientFactory) -> None:
    async with make_client(COMMONS_CORS_ORIGINS=f"{LISTED}, http://localhost:5173") as client:
        preflight = await client.options(
            "/graphql",
            headers={
                "Origin": LISTED,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == LISTED
        assert preflight.headers["access-control-allow-credentials"] == "true"
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
        assert preflight.headers["vary"] == "Origin"
        runtime: Runtime = client.app.state.runtime
        token = runtime.tokens.issue("someone")
        answer = await client.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={"Origin": LISTED, "Authorization": f"Bearer {token}"},
        )
        assert answer.headers["access-control-allow-origin"] == LISTED
        assert answer.headers["access-control-allow-credentials"] == "true"
        assert "Origin" in answer.headers["vary"]
        unlisted = await client.options(
            "/graphql",
            headers={"Origin": PAGE, "Access-Control-Request-Method": "POST"},
        )
        assert unlisted.headers["access-control-allow-origin"] == "*"
        assert "authorization" not in unlisted.headers["access-control-allow-headers"].lower()


async def test_private_endpoints_answer_no_preflight_to_other_origins(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.options(
        "/webhooks/github/linux",
        headers={"Origin": PAGE, "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 204
    assert "access-control-allow-origin" not in response.headers
    same_origin = await client.get("/healthz")
    assert "access-control-allow-origin" not in same_origin.headers
