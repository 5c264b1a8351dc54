"""Tokens over HTTP: refusals carry their reason, public data needs none, and
private fields (emails) reach only the project's maintainers and admins."""

from __future__ import annotations

from typing import Any

import asyncpg
import jwt
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.runtime import Runtime
from ledger.graphql import global_id
from tests.conftest import GraphQL
from tests.integration.app.seed import seed

QUERY = "{ projects { totalCount nodes { slug } } }"


async def post(client: AsyncTestClient[Litestar], authorization: str | None) -> Any:
    headers = {"Authorization": authorization} if authorization else {}
    return await client.post("/graphql", json={"query": QUERY}, headers=headers)


async def test_an_invalid_token_gets_401_with_the_reason(
    client: AsyncTestClient[Litestar], runtime: Runtime
) -> None:
    expired = runtime.tokens.issue("alice", ttl=1)
    claims = jwt.decode(expired, options={"verify_signature": False})
    claims["exp"] = claims["iat"] - 3600
    key = runtime.tokens.ring.active
    stale = jwt.encode(claims, key.private, "EdDSA", headers={"typ": "JWT", "kid": key.kid})
    cases = {
        "Bearer not-a-token": "malformed token",
        f"Bearer {stale}": "token expired",
        f"Bearer {jwt.encode(claims, '', 'none', headers={'typ': 'JWT'})}": "token has no key id",
        "Basic YWxpY2U6c2VjcmV0": "Authorization must be 'Bearer <token>'",
        "Bearer ": "Authorization must be 'Bearer <token>'",
    }
    for authorization, reason in cases.items():
        response = await post(client, authorization)
        assert (response.status_code, response.json()) == (
            401,
            {"status_code": 401, "detail": reason},
        ), authorization
        assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


async def test_a_token_from_another_instance_is_refused(
    client: AsyncTestClient[Litestar], runtime: Runtime
) -> None:
    from app.auth import TokenService
    from ledger.journal.keys import KeyRing

    other = TokenService(runtime.settings, KeyRing.generate())
    response = await post(client, f"Bearer {other.issue('admin', admin=True)}")
    assert (response.status_code, response.json()) == (
        401,
        {"status_code": 401, "detail": "unknown key id"},
    )


async def test_public_data_needs_no_token(gql: GraphQL, pool: asyncpg.Pool) -> None:
    await seed(pool, "linux")
    assert await gql(QUERY) == {
        "data": {"projects": {"totalCount": 1, "nodes": [{"slug": "linux"}]}}
    }


EMAILS = """
query($id: ID!, $global: ID!) {
  project(slug: "linux") {
    contributions(first: 2) { nodes { contributor { identities { login email } } } }
    contributors(first: 1) { nodes { contributor { identities { email } } } }
  }
  contributor(id: $id) { identities { email } }
  node(id: $global) { ... on Contributor { identities { email } } }
}
"""


def emails_seen(*shown: int) -> dict[str, Any]:
    """The whole response when the emails of users ``shown`` show, on every path (an
    email's visibility belongs to the identity, not to the path that reached it)."""

    def email(n: int) -> str | None:
        return f"user{n}@linux.example" if n in shown else None

    return {
        "data": {
            "project": {
                "contributions": {
                    "nodes": [
                        {
                            "contributor": {
                                "identities": [{"login": "linux-user1", "email": email(1)}]
                            }
                        },
                        {
                            "contributor": {
                                "identities": [{"login": "linux-user0", "email": email(0)}]
                            }
                        },
                    ]
                },
                "contributors": {"nodes": [{"contributor": {"identities": [{"email": email(1)}]}}]},
            },
            "contributor": {"identities": [{"email": email(0)}]},
            "node": {"identities": [{"email": email(0)}]},
        }
    }


async def test_emails_are_visible_only_to_the_person_the_projects_maintainers_and_admins(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool
) -> None:
    seeded = await seed(pool, "linux", people_count=2, contributions=4)
    await seed(pool, "bsd", people_count=1, contributions=1)
    first = seeded.contributors[0]
    variables = {"id": str(first), "global": global_id("Contributor", first)}
    tokens = runtime.tokens
    for token in (
        None,
        tokens.issue("member", roles={"linux": "member"}),
        tokens.issue("other", roles={"bsd": "maintainer"}),
    ):
        assert await gql(EMAILS, variables, token) == emails_seen()
    themself = tokens.issue("contributor", contributor_id=first)
    assert await gql(EMAILS, variables, themself) == emails_seen(0)
    maintainer = tokens.issue("maint", roles={"linux": "maintainer"})
    assert await gql(EMAILS, variables, maintainer) == emails_seen(0, 1)
    admin = tokens.issue("root", admin=True)
    assert await gql(EMAILS, variables, admin) == emails_seen(0, 1)
