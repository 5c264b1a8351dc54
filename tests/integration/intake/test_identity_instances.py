"""Identities per forge server, replayed through HTTP and the worker with deliveries
shaped like Gitea's published examples: user 1 of one Gitea and user 1 of another are
two people, each server's release is credited to its own admin, a merge of the two
comes apart again, and a connection's base URL names the server of payloads that
name none."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from app.runtime import Runtime
from intake import merges
from intake.worker import Worker, WorkerConfig
from ledger.register.models import Project
from tests.conftest import GraphQL
from tests.integration.intake.conftest import Poster, make_project
from tests.unit.intake.forge_requests import payload

CONNECT = """mutation($input: ConnectForgeInput!) { connectForge(input: $input) {
    __typename ... on ForgeSecretPayload { webhookPath }
    ... on ValidationError { field message } } }"""
REPLAY = """mutation($input: ReplayDeliveryInput!) { replayDelivery(input: $input) {
    __typename } }"""


def on_server(body: dict[str, Any], host: str) -> dict[str, Any]:
    """A Gitea payload as another server sends it: every address names that server."""
    text = json.dumps(body).replace("gitea.example.com", host).replace("localhost:3000", host)
    moved: dict[str, Any] = json.loads(text)
    return moved


def release(host: str, release_id: int, admin: str) -> dict[str, Any]:
    body = on_server(payload("gitea_release"), host)
    body["release"]["id"] = release_id
    body["release"]["author"]["full_name"] = admin
    body["sender"]["full_name"] = admin
    return body


async def _drain(pool: asyncpg.Pool, url: str) -> int:
    return await Worker(pool, url, WorkerConfig(max_attempts=1, backoff_seconds=0)).drain()


async def _credited(pool: asyncpg.Pool, project: Project) -> list[tuple[str, int, str]]:
    rows = await pool.fetch(
        """SELECT c.natural_key, coalesce(p.merged_into, p.id) AS who, w.display_name
        FROM contributions c JOIN contributors p ON p.id = c.contributor_id
        JOIN contributors w ON w.id = coalesce(p.merged_into, p.id)
        WHERE c.project_id = $1 ORDER BY c.natural_key""",
        project.id,
    )
    return [(r["natural_key"], r["who"], r["display_name"]) for r in rows]


async def test_user_one_of_two_gitea_servers_is_two_people_each_credited_their_release(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    other = await make_project(pool, "other")
    first = await poster.post("gitea", release("git.one.example", 5, "One Admin"), event="release")
    second = await poster.post(
        "gitea", release("git.two.example", 5, "Two Admin"), event="release", slug="other"
    )
    assert (first.status_code, second.status_code) == (202, 202)
    assert await _drain(pool, database_url) == 2
    ((key, one, one_name),) = await _credited(pool, project)
    ((_, two, two_name),) = await _credited(pool, other)
    assert key == "gitea:release:5"
    assert one != two
    assert (one_name, two_name) == ("One Admin", "Two Admin")
    rows = await pool.fetch(
        "SELECT contributor_id, host, external_id FROM identities WHERE source = 'gitea' "
        "ORDER BY host"
    )
    assert [tuple(r) for r in rows] == [
        (one, "git.one.example", "1"),
        (two, "git.two.example", "1"),
    ]
    # A later pull request on the first server is the first admin's, in either project.
    merged = on_server(payload("gitea_pull_request_merged"), "git.one.example")
    merged["pull_request"]["user"] = merged["pull_request"]["merged_by"]
    await poster.post("gitea", merged, event="pull_request", slug="other")
    await _drain(pool, database_url)
    owners = {k: who for k, who, _ in await _credited(pool, other)}
    assert owners == {
        "gitea:release:5": two,
        "gitea:pr:1203:merged": one,
        "gitea:pr:1203:merger": one,
    }


async def test_two_servers_merged_by_mistake_come_apart_with_an_unmerge(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    await poster.post("gitea", release("git.one.example", 5, "One Admin"), event="release")
    await poster.post("gitea", release("git.two.example", 6, "Two Admin"), event="release")
    await _drain(pool, database_url)
    before = await _credited(pool, project)
    (one, two) = sorted({who for _, who, _ in before})
    async with pool.acquire() as conn, conn.transaction():
        merge_id = await merges.merge(conn, project.id, two, one, "admin")
    assert {who for _, who, _ in await _credited(pool, project)} == {one}
    async with pool.acquire() as conn, conn.transaction():
        assert await merges.unmerge(conn, project.id, merge_id, "admin") == two
    assert await _credited(pool, project) == before


async def test_a_payload_naming_no_server_waits_for_the_connection_base_url(
    project: Project,
    poster: Poster,
    pool: asyncpg.Pool,
    database_url: str,
    gql: GraphQL,
    runtime: Runtime,
) -> None:
    body = release("git.one.example", 7, "One Admin")
    body["repository"] = {"id": 12, "name": "tools", "full_name": "club/tools"}
    await poster.post("gitea", body, event="release")
    await _drain(pool, database_url)
    delivery_id, error = await pool.fetchrow("SELECT inbox_id, error FROM webhook_dead_letters")
    assert "names no server" in error
    assert "base URL" in error
    token = runtime.tokens.issue("maya", roles={"demo": "maintainer"})
    bad = {"project": "demo", "forge": "gitea", "secret": "another-secret-1", "baseUrl": "gitea"}
    refused = await gql(CONNECT, {"input": bad}, token)
    assert refused["data"]["connectForge"]["__typename"] == "ValidationError"
    assert refused["data"]["connectForge"]["field"] == "baseUrl"
    for address in ("http://192.0.2.7:3000", "https://[2001:db8::1]/gitea"):
        by_ip = await gql(CONNECT, {"input": {**bad, "baseUrl": address}}, token)
        assert by_ip["data"]["connectForge"]["__typename"] == "ValidationError"
        assert by_ip["data"]["connectForge"]["field"] == "baseUrl"
        assert "IP address" in by_ip["data"]["connectForge"]["message"]
    good = {**bad, "baseUrl": "https://Git.One.Example/"}
    connected = await gql(CONNECT, {"input": good}, token)
    assert connected["data"]["connectForge"]["__typename"] == "ForgeSecretPayload"
    assert (
        await pool.fetchval(
            "SELECT base_url FROM forge_connections WHERE project_id = $1 AND forge = 'gitea'",
            project.id,
        )
        == "https://Git.One.Example"
    )
    event = await pool.fetchval(
        "SELECT body FROM journal_events WHERE type = 'intake.forge_base_url_set'"
    )
    assert event == {"forge": "gitea", "base_url": "https://Git.One.Example"}
    await gql(REPLAY, {"input": {"project": "demo", "deliveryId": delivery_id}}, token)
    await _drain(pool, database_url)
    assert (
        await pool.fetchval("SELECT host FROM identities WHERE source = 'gitea'")
        == "git.one.example"
    )


async def test_link_identity_keys_the_account_by_its_server(
    project: Project, gql: GraphQL, admin_token: str
) -> None:
    link = """mutation($input: LinkIdentityInput!) { linkIdentity(input: $input) {
        __typename ... on IdentityPayload { identity { source host externalId } created }
        ... on ValidationError { field } } }"""
    made = []
    for host in ("git.one.example", "git.two.example", "git.two.example"):
        variables = {"project": "demo", "source": "gitea", "externalId": "1", "host": host}
        made.append((await gql(link, {"input": variables}, admin_token))["data"]["linkIdentity"])
    assert [m["created"] for m in made] == [True, True, False]
    assert made[1]["identity"] == {"source": "gitea", "host": "git.two.example", "externalId": "1"}
    bad = {"project": "demo", "source": "gitea", "externalId": "1", "host": "https://x/"}
    refused = (await gql(link, {"input": bad}, admin_token))["data"]["linkIdentity"]
    assert refused == {"__typename": "ValidationError", "field": "host"}


async def test_link_identity_without_a_host_takes_the_public_server_or_asks_for_one(
    project: Project, gql: GraphQL, admin_token: str
) -> None:
    link = """mutation($input: LinkIdentityInput!) { linkIdentity(input: $input) {
        __typename ... on IdentityPayload { identity { source host externalId } }
        ... on ValidationError { field message } } }"""

    async def linked(source: str, host: str | None = None) -> dict[str, Any]:
        variables = {"project": "demo", "source": source, "externalId": "7"}
        if host is not None:
            variables["host"] = host
        answer = await gql(link, {"input": variables}, admin_token)
        return dict(answer["data"]["linkIdentity"])

    assert (await linked("github"))["identity"]["host"] == "github.com"
    assert (await linked("bitbucket"))["identity"]["host"] == "bitbucket.org"
    assert (await linked("mailing-list"))["identity"]["host"] == ""
    for forge in ("gitlab", "gitea", "forgejo"):
        refused = await linked(forge)
        assert refused["__typename"] == "ValidationError"
        assert refused["field"] == "host"
        assert "server" in refused["message"]
        assert (await linked(forge, "git.example.org"))["identity"]["host"] == "git.example.org"
