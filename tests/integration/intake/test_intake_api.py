from __future__ import annotations

import asyncpg

from app.runtime import Runtime
from intake.worker import Worker, WorkerConfig
from ledger.register.projects import ProjectInput, create_project
from tests.conftest import GraphQL
from tests.integration.intake.conftest import Poster
from tests.unit.intake.forge_requests import payload

CONNECT = """
mutation($input: ConnectForgeInput!) {
  connectForge(input: $input) {
    __typename
    ... on ForgeSecretPayload { webhookPath secret { forge label active } }
    ... on ValidationError { message field }
    ... on ConflictError { message code }
    ... on ForbiddenError { message }
  }
}
"""
SECRETS = "query($p: String!) { forgeSecrets(project: $p) { forge secretId label active } }"
RETIRE = """
mutation($input: RetireForgeSecretInput!) {
  retireForgeSecret(input: $input) {
    __typename ... on ForgeSecretPayload { secret { label active } }
    ... on NotFoundError { message }
  }
}
"""


async def _project(pool: asyncpg.Pool, slug: str = "demo") -> None:
    async with pool.acquire() as conn, conn.transaction():
        await create_project(conn, ProjectInput(slug, slug.title()), "admin")


def _maintainer(runtime: Runtime, slug: str = "demo") -> str:
    return runtime.tokens.issue("maya", roles={slug: "maintainer"})


async def test_a_maintainer_connects_a_forge_and_the_secret_never_comes_back(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool
) -> None:
    await _project(pool)
    token = _maintainer(runtime)
    body = await gql(
        CONNECT,
        {"input": {"project": "demo", "forge": "github", "secret": "s3cret-value", "label": "v1"}},
        token,
    )
    assert body == {
        "data": {
            "connectForge": {
                "__typename": "ForgeSecretPayload",
                "webhookPath": "/webhooks/github/demo",
                "secret": {"forge": "github", "label": "v1", "active": True},
            }
        }
    }
    listed = await gql(SECRETS, {"p": "demo"}, token)
    assert "s3cret-value" not in str(listed)
    events = await pool.fetch("SELECT body::text AS b FROM journal_events")
    assert not any("s3cret-value" in e["b"] for e in events)


async def test_a_forge_connected_over_graphql_takes_deliveries_at_once(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool, poster: Poster
) -> None:
    await _project(pool)
    before = await poster.post("github", payload("github_push"), secret="s3cret-value")
    assert (before.status_code, before.json()["error"]) == (404, "not_connected")
    variables = {"project": "demo", "forge": "github", "secret": "s3cret-value", "label": "v1"}
    body = await gql(CONNECT, {"input": variables}, _maintainer(runtime))
    assert body["data"]["connectForge"]["__typename"] == "ForgeSecretPayload"
    after = await poster.post("github", payload("github_push"), secret="s3cret-value")
    assert after.status_code == 202


async def test_two_secrets_rotate_a_third_is_refused_and_a_retired_one_is_inactive(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool
) -> None:
    await _project(pool)
    token = _maintainer(runtime)
    for label in ("old", "new"):
        secret = {
            "project": "demo",
            "forge": "gitlab",
            "secret": f"secret-{label}-xx",
            "label": label,
        }
        await gql(CONNECT, {"input": secret}, token)
    third = await gql(
        CONNECT,
        {"input": {"project": "demo", "forge": "gitlab", "secret": "secret-third", "label": "3"}},
        token,
    )
    assert third["data"]["connectForge"] == {
        "__typename": "ConflictError",
        "message": "2 secrets are active; retire one before adding another",
        "code": "too_many_secrets",
    }
    listed = (await gql(SECRETS, {"p": "demo"}, token))["data"]["forgeSecrets"]
    old = next(s for s in listed if s["label"] == "old")
    body = await gql(
        RETIRE,
        {"input": {"project": "demo", "forge": "gitlab", "secretId": old["secretId"]}},
        token,
    )
    assert body["data"]["retireForgeSecret"] == {
        "__typename": "ForgeSecretPayload",
        "secret": {"label": "old", "active": False},
    }


async def test_connecting_needs_the_maintainer_role_and_a_known_forge(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool
) -> None:
    await _project(pool)
    member = runtime.tokens.issue("mo", roles={"demo": "member"})
    denied = await gql(
        CONNECT, {"input": {"project": "demo", "forge": "github", "secret": "x" * 10}}, member
    )
    assert denied["data"]["connectForge"] == {
        "__typename": "ForbiddenError",
        "message": "requires the maintainer role on project 'demo'",
    }
    unknown = await gql(
        CONNECT,
        {"input": {"project": "demo", "forge": "svn", "secret": "x" * 10}},
        _maintainer(runtime),
    )
    assert unknown["data"]["connectForge"] == {
        "__typename": "ValidationError",
        "message": "unknown forge 'svn'; one of github, gitlab, gitea, forgejo, bitbucket, standard",
        "field": "forge",
    }


async def test_a_dead_letter_is_listed_and_replayed_over_graphql(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool, poster: Poster, database_url: str
) -> None:
    await _project(pool)
    token = _maintainer(runtime)
    await gql(
        CONNECT,
        {"input": {"project": "demo", "forge": "gitea", "secret": "gitea-secret-1"}},
        token,
    )
    broken = payload("gitea_pull_request_merged")
    broken["pull_request"]["merged_at"] = "not a time"
    await poster.post("gitea", broken, event="pull_request", secret="gitea-secret-1")
    worker = Worker(pool, database_url, WorkerConfig(max_attempts=1, backoff_seconds=0))
    assert await worker.drain() == 1
    dead = await gql(
        'query { deadLetters(project: "demo") { deliveryId event attempts error } }', None, token
    )
    (letter,) = dead["data"]["deadLetters"]
    assert letter["event"] == "pull_request"
    assert letter["error"] == "PayloadError: unreadable time 'not a time'"
    replay = """mutation($input: ReplayDeliveryInput!) { replayDelivery(input: $input) {
        __typename ... on ReplayPayload { deliveryId } ... on ConflictError { message } } }"""
    variables = {"input": {"project": "demo", "deliveryId": letter["deliveryId"]}}
    body = await gql(replay, variables, token)
    assert body["data"]["replayDelivery"] == {
        "__typename": "ReplayPayload",
        "deliveryId": letter["deliveryId"],
    }
    again = await gql(replay, variables, token)
    assert again["data"]["replayDelivery"] == {
        "__typename": "ConflictError",
        "message": f"delivery {letter['deliveryId']} is pending; only settled ones with their payload replay",
    }


async def test_truncated_pushes_are_listed_for_a_backfill(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool, poster: Poster, database_url: str
) -> None:
    await _project(pool)
    token = _maintainer(runtime)
    await gql(
        CONNECT,
        {"input": {"project": "demo", "forge": "gitlab", "secret": "gitlab-token-1"}},
        token,
    )
    await poster.post("gitlab", payload("gitlab_push"), delivery="push-1", secret="gitlab-token-1")
    await Worker(pool, database_url, WorkerConfig()).drain()
    body = await gql(
        'query { truncatedPushes(project: "demo") { forge deliveryKey } }', None, token
    )
    assert body == {"data": {"truncatedPushes": [{"forge": "gitlab", "deliveryKey": "push-1"}]}}
