"""The project's repository list, for every forge, with pushes shaped like each
forge's published example: a delivery from a listed repository is credited, one from
another repository the same hook covers is stored and ignored with its reason, and
replaying it once the list names that repository credits it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import pytest

from app.runtime import Runtime
from intake.worker import Worker, WorkerConfig
from ledger.register.models import Project
from ledger.register.projects import get_project, update_project
from tests.conftest import GraphQL
from tests.integration.intake.conftest import Poster
from tests.unit.intake.forge_requests import payload

REPLAY = """mutation($input: ReplayDeliveryInput!) { replayDelivery(input: $input) {
    __typename } }"""

Body = dict[str, Any]


def _github(body: Body, url: str) -> None:
    body["repository"]["html_url"] = url


def _gitlab(body: Body, url: str) -> None:
    body["project"]["web_url"] = url
    body["repository"] = {"name": "other", "homepage": url}


def _bitbucket(body: Body, url: str) -> None:
    body["repository"]["links"]["html"]["href"] = url


def _commits(forge: str, body: Body) -> list[Body]:
    commits: list[Body] = (
        body["push"]["changes"][0]["commits"] if forge == "bitbucket" else body["commits"]
    )
    return commits


# forge, event, fixture, the listed repository as the project spells it, the payload's
# own address of it, another repository of the same owner, how to move the payload there
CASES: list[tuple[str, str, str, str, str, str, Callable[[Body, str], None]]] = [
    (
        "github",
        "push",
        "github_push",
        "https://github.com/codertocat/hello-world.git",
        "https://github.com/Codertocat/Hello-World",
        "https://github.com/Codertocat/Other",
        _github,
    ),
    (
        "gitlab",
        "Push Hook",
        "gitlab_push",
        "https://gitlab.example.com/mike/diaspora/",
        "https://gitlab.example.com/mike/diaspora",
        "https://gitlab.example.com/mike/other",
        _gitlab,
    ),
    (
        "gitea",
        "push",
        "gitea_push",
        "http://localhost:3000/gitea/webhooks.git",
        "http://localhost:3000/gitea/webhooks",
        "http://localhost:3000/gitea/other",
        _github,
    ),
    (
        "forgejo",
        "push",
        "gitea_push",
        "http://LOCALHOST:3000/gitea/webhooks",
        "http://localhost:3000/gitea/webhooks",
        "http://localhost:3000/gitea/other",
        _github,
    ),
    (
        "bitbucket",
        "repo:push",
        "bitbucket_push",
        "https://bitbucket.org/team/repo",
        "https://bitbucket.org/team/repo",
        "https://bitbucket.org/team/other",
        _bitbucket,
    ),
]


async def _status(pool: asyncpg.Pool, delivery_id: int) -> tuple[str, str | None]:
    row = await pool.fetchrow(
        "SELECT status, ignored_reason FROM webhook_inbox WHERE id = $1", delivery_id
    )
    return row["status"], row["ignored_reason"]


async def _keys(pool: asyncpg.Pool) -> set[str]:
    return {r["natural_key"] for r in await pool.fetch("SELECT natural_key FROM contributions")}


async def _list(pool: asyncpg.Pool, project: Project, repositories: list[str]) -> None:
    async with pool.acquire() as conn, conn.transaction():
        current = await get_project(conn, project.slug)
        await update_project(conn, current, {"repositories": repositories}, "admin")


@pytest.mark.parametrize(
    ("forge", "event", "fixture", "listed", "own", "other", "move"),
    CASES,
    ids=[c[0] for c in CASES],
)
async def test_only_listed_repositories_are_credited_and_others_replay_once_listed(
    project: Project,
    poster: Poster,
    pool: asyncpg.Pool,
    database_url: str,
    gql: GraphQL,
    runtime: Runtime,
    forge: str,
    event: str,
    fixture: str,
    listed: str,
    own: str,
    other: str,
    move: Callable[[Body, str], None],
) -> None:
    await _list(pool, project, [listed])
    inside, outside = payload(fixture), payload(fixture)
    move(inside, own)
    move(outside, other)
    for commit in _commits(forge, outside):
        commit["id" if forge != "bitbucket" else "hash"] = "f" * 40
    first_sha = _commits(forge, inside)[0]["id" if forge != "bitbucket" else "hash"]
    accepted = await poster.post(forge, inside, event=event)
    ignored = await poster.post(forge, outside, event=event)
    assert accepted.json()["status"] == "accepted"
    assert (ignored.status_code, ignored.json()["status"]) == (202, "ignored")
    assert ignored.json()["reason"] == "repository_not_listed"
    worker = Worker(pool, database_url, WorkerConfig(max_attempts=1, backoff_seconds=0))
    await worker.drain()
    assert f"git:{first_sha}" in await _keys(pool)
    assert "git:" + "f" * 40 not in await _keys(pool)
    delivery_id = ignored.json()["id"]
    assert await _status(pool, delivery_id) == ("ignored", "repository_not_listed")
    await _list(pool, project, [listed, other.upper() + "/"])
    token = runtime.tokens.issue("maya", roles={"demo": "maintainer"})
    variables = {"input": {"project": "demo", "deliveryId": delivery_id}}
    replayed = await gql(REPLAY, variables, token)
    assert replayed["data"]["replayDelivery"]["__typename"] == "ReplayPayload"
    await worker.drain()
    assert await _status(pool, delivery_id) == ("done", None)
    assert "git:" + "f" * 40 in await _keys(pool)
