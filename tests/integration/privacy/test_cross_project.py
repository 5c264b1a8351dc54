"""The cross-project attack: contributors are instance-wide, so the maintainer of one
project can name any contributor number. Naming it (recording a contribution for it,
linking one of its identities again, or sending a webhook that names its forge
account) never shows the emails another project brought in."""

from __future__ import annotations

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.runtime import Runtime
from intake.connections import connect_forge
from intake.worker import Worker, WorkerConfig
from ledger.register import projects
from tests.conftest import GraphQL
from tests.integration.app.seed import seed
from tests.integration.intake.conftest import SECRET, Poster

RECORD = """
mutation($i: RecordContributionInput!) { recordContribution(input: $i) { __typename } }
"""
LINK = """
mutation($i: LinkIdentityInput!) { linkIdentity(input: $i) {
  __typename ... on IdentityPayload { created identity { email } } } }
"""
SEEN = """
query($slug: String!) { project(slug: $slug) { contributions { nodes {
  naturalKey contributor { number identities { source email } } } } } }
"""


async def test_another_projects_maintainer_never_sees_the_emails_project_a_brought_in(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool, client: AsyncTestClient[Litestar]
) -> None:
    a = await seed(pool, "alpha", people_count=1, contributions=1)
    (victim,) = a.contributors
    async with pool.acquire() as conn, conn.transaction():
        beta = await projects.create_project(conn, projects.ProjectInput("beta", "Beta"), "admin")
        await connect_forge(conn, beta, "github", SECRET, "b", "admin")
    mallory = runtime.tokens.issue("mallory", roles={"beta": "maintainer"})
    item = {"project": "beta", "contributor": victim, "kind": "code",
            "occurredAt": "2026-01-02T00:00:00Z", "idempotencyKey": "steal"}  # fmt: skip
    assert (await gql(RECORD, {"i": item}, mallory))["data"]["recordContribution"] == {
        "__typename": "ContributionPayload"
    }
    relink = {"project": "beta", "source": "github", "host": "github.com", "externalId": "alpha-0",
              "contributor": victim}  # fmt: skip
    linked = (await gql(LINK, {"i": relink}, mallory))["data"]["linkIdentity"]
    assert linked == {
        "__typename": "IdentityPayload",
        "created": False,
        "identity": {"email": None},
    }
    # a delivery naming alpha's forge account (id "alpha-0") in beta, without its email
    forged = {
        "action": "published",
        "release": {"id": 1, "published_at": "2026-01-03T00:00:00Z", "html_url": "https://x.invalid/r",
                    "author": {"id": "alpha-0", "login": "alpha-user0", "type": "User"}},
        "repository": {"id": 1},
    }  # fmt: skip
    response = await Poster(client).post("github", forged, event="release", slug="beta")
    assert response.status_code == 202
    assert await Worker(pool, "", WorkerConfig(max_attempts=1)).drain() == 1
    seen = await gql(SEEN, {"slug": "beta"}, mallory)
    nodes = seen["data"]["project"]["contributions"]["nodes"]
    assert {n["naturalKey"] for n in nodes} == {"manual:steal", "github:release:1"}
    assert [n["contributor"] for n in nodes] == [
        {"number": victim, "identities": [{"source": "github", "email": None}]}
    ] * 2
    steward = runtime.tokens.issue("steward", roles={"alpha": "maintainer"})
    theirs = await gql(SEEN, {"slug": "beta"}, steward)
    assert theirs["data"]["project"]["contributions"]["nodes"][0]["contributor"]["identities"] == [
        {"source": "github", "email": "user0@alpha.example"}
    ]
