"""Deliveries shaped like the forges' published examples, headers included, replayed
through HTTP and the worker: Gitea/Forgejo reviews, GitLab approvals, GitHub form
bodies, the project's repository list, and sign-offs that are not trailers."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import asyncpg

from app.runtime import Runtime
from intake.worker import Worker, WorkerConfig
from ledger.register.models import Project
from ledger.register.projects import update_project
from tests.conftest import GraphQL
from tests.integration.intake.conftest import SECRET, Poster
from tests.unit.intake.forge_requests import payload, signed

REPLAY = """mutation($input: ReplayDeliveryInput!) { replayDelivery(input: $input) {
    __typename ... on ReplayPayload { deliveryId } ... on ConflictError { message code } } }"""


async def _drain(pool: asyncpg.Pool, url: str) -> int:
    return await Worker(pool, url, WorkerConfig(max_attempts=2, backoff_seconds=0)).drain()


async def _credited(pool: asyncpg.Pool) -> list[tuple[str, str, str]]:
    rows = await pool.fetch(
        """SELECT c.natural_key, c.kind, p.display_name FROM contributions c
        JOIN contributors p ON p.id = c.contributor_id ORDER BY c.natural_key"""
    )
    return [(r["natural_key"], r["kind"], r["display_name"]) for r in rows]


async def _inbox(pool: asyncpg.Pool) -> list[tuple[str, str, str | None]]:
    rows = await pool.fetch("SELECT event, status, ignored_reason FROM webhook_inbox ORDER BY id")
    return [(r["event"], r["status"], r["ignored_reason"]) for r in rows]


async def test_a_gitea_approval_is_stored_with_its_event_type_and_credited(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    response = await poster.post(
        "gitea",
        payload("gitea_pull_request_review_approved"),
        event="pull_request_approved",
        event_type="pull_request_review_approved",
        delivery="gitea-1",
    )
    assert response.status_code == 202
    assert response.json()["status"] == "accepted"
    headers = await pool.fetchval("SELECT headers FROM webhook_inbox")
    assert headers["x-gitea-event"] == "pull_request_approved"
    assert headers["x-gitea-event-type"] == "pull_request_review_approved"
    assert await _drain(pool, database_url) == 1
    assert await _credited(pool) == [("gitea:review:12:5:gitea-1", "review", "Rita Reviewer")]


async def test_forgejo_rejections_and_review_comments_are_reviews(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    body = payload("gitea_pull_request_review_approved")
    for n, (coarse, fine) in enumerate(
        [
            ("pull_request_rejected", "pull_request_review_rejected"),
            ("pull_request_comment", "pull_request_review_comment"),
        ]
    ):
        body["review"]["type"] = fine
        await poster.post("forgejo", body, event=coarse, event_type=fine, delivery=f"fj-{n}")
    assert await _drain(pool, database_url) == 2
    assert [k for k, _, _ in await _credited(pool)] == [
        "forgejo:review:12:5:fj-0",
        "forgejo:review:12:5:fj-1",
    ]


async def test_an_old_ignored_review_delivery_is_credited_when_replayed(
    project: Project,
    poster: Poster,
    pool: asyncpg.Pool,
    database_url: str,
    gql: GraphQL,
    runtime: Runtime,
) -> None:
    raw = json.dumps(payload("gitea_pull_request_review_approved")).encode()
    # As the intake stored it before reviews were mapped: ignored, coarse name only.
    old = await pool.fetchval(
        """INSERT INTO webhook_inbox (project_id, forge, event, delivery_key, headers, body,
            status) VALUES ($1, 'gitea', 'pull_request_approved', 'old-1', $2, $3, 'ignored')
        RETURNING id""",
        project.id,
        {"x-gitea-event": "pull_request_approved", "content-type": "application/json"},
        raw,
    )
    done = await pool.fetchval(
        """INSERT INTO webhook_inbox (project_id, forge, event, delivery_key, headers, body,
            status) VALUES ($1, 'gitea', 'pull_request_rejected', 'old-2', $2, $3, 'done')
        RETURNING id""",
        project.id,
        {"x-gitea-event": "pull_request_rejected"},
        raw,
    )
    token = runtime.tokens.issue("maya", roles={"demo": "maintainer"})
    for delivery_id in (old, done):
        body = await gql(REPLAY, {"input": {"project": "demo", "deliveryId": delivery_id}}, token)
        assert body["data"]["replayDelivery"] == {
            "__typename": "ReplayPayload",
            "deliveryId": delivery_id,
        }
    assert await _drain(pool, database_url) == 2
    assert await _credited(pool) == [
        ("gitea:review:12:5:old-1", "review", "Rita Reviewer"),
        ("gitea:review:12:5:old-2", "review", "Rita Reviewer"),
    ]
    again = await gql(REPLAY, {"input": {"project": "demo", "deliveryId": done}}, token)
    assert again["data"]["replayDelivery"]["__typename"] == "ReplayPayload"
    assert await _drain(pool, database_url) == 1
    assert len(await _credited(pool)) == 2  # replaying never counts twice


async def test_each_gitlab_approver_is_credited_once(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    body = payload("gitlab_merge_request_approval")
    jane, omar = dict(body["user"]), {"id": 8, "name": "Omar Second", "username": "omar"}
    for n, (user, action) in enumerate(
        [(jane, "approval"), (omar, "approval"), (omar, "approved"), (jane, "unapproval")]
    ):
        body["user"], body["object_attributes"]["action"] = user, action
        response = await poster.post("gitlab", body, event="Merge Request Hook", delivery=f"g{n}")
        assert response.json()["status"] == "accepted"
    assert await _drain(pool, database_url) == 4
    assert await _credited(pool) == [
        ("gitlab:mr:99:approval:7", "review", "Jane Approver"),
        ("gitlab:mr:99:approval:8", "review", "Omar Second"),
    ]


async def test_a_form_encoded_github_push_is_verified_on_the_raw_body_and_credited(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    response = await poster.post("github", payload("github_push"), form=True, delivery="f-1")
    assert response.status_code == 202
    stored = await pool.fetchrow("SELECT body, headers FROM webhook_inbox")
    assert bytes(stored["body"]) == response.request.content  # stored as signed
    assert stored["headers"]["content-type"] == "application/x-www-form-urlencoded"
    await _drain(pool, database_url)
    assert len(await _credited(pool)) == 3
    assert await pool.fetchval("SELECT count(*) FROM grants WHERE instrument = 'dco'") == 1


async def test_a_github_form_signed_over_its_json_alone_is_refused(
    project: Project, poster: Poster, pool: asyncpg.Pool
) -> None:
    document = json.dumps(payload("github_push")).encode()
    headers = signed("github", SECRET, document)  # GitHub signs the form body, not this
    headers["content-type"] = "application/x-www-form-urlencoded"
    body = urlencode({"payload": document.decode()}).encode()
    response = await poster.client.post("/webhooks/github/demo", content=body, headers=headers)
    assert response.status_code == 401
    assert await _inbox(pool) == []


async def test_a_form_encoded_gitea_push_is_verified_on_its_json_payload(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    response = await poster.post("gitea", payload("gitea_push"), form=True)
    assert response.status_code == 202
    await _drain(pool, database_url)
    assert await _credited(pool) != []


async def test_deliveries_from_unlisted_repositories_are_ignored_until_listed(
    project: Project,
    poster: Poster,
    pool: asyncpg.Pool,
    database_url: str,
    gql: GraphQL,
    runtime: Runtime,
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await update_project(
            conn, project, {"repositories": ["https://github.com/octo/listed"]}, "admin"
        )
    listed, other = payload("github_push"), payload("github_push")
    listed["repository"] = {"id": 1, "html_url": "https://github.com/octo/listed"}
    other["repository"] = {"id": 2, "html_url": "https://github.com/octo/other"}
    other["commits"] = other["commits"][:1]
    other["commits"][0]["id"] = "1" * 40
    accepted = await poster.post("github", listed, delivery="listed")
    ignored = await poster.post("github", other, delivery="other")
    assert accepted.json()["status"] == "accepted"
    assert ignored.status_code == 202
    assert ignored.json() == {
        "status": "ignored",
        "reason": "repository_not_listed",
        "delivery": "292430182:other",
        "id": ignored.json()["id"],
    }
    await _drain(pool, database_url)
    assert "git:" + "1" * 40 not in {k for k, _, _ in await _credited(pool)}
    token = runtime.tokens.issue("maya", roles={"demo": "maintainer"})
    variables = {"input": {"project": "demo", "deliveryId": ignored.json()["id"]}}
    await gql(REPLAY, variables, token)
    await _drain(pool, database_url)  # still not listed: ignored again, for the same reason
    assert (await _inbox(pool))[1] == ("push", "ignored", "repository_not_listed")
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow("SELECT * FROM projects WHERE id = $1", project.id)
        repositories = [*row["repositories"], "https://github.com/Octo/Other.git"]
        await update_project(conn, project, {"repositories": repositories}, "admin")
    await gql(REPLAY, variables, token)
    await _drain(pool, database_url)
    assert "git:" + "1" * 40 in {k for k, _, _ in await _credited(pool)}
    assert (await _inbox(pool))[1] == ("push", "done", None)


async def test_a_sign_off_that_is_not_a_trailer_grants_nothing(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    push = payload("github_push")
    push["commits"] = push["commits"][:1]
    push["commits"][0]["message"] = (
        "Import the upstream notes\n\n"
        "Signed-off-by: Octo Cat <octocat@github.com>\n"
        "appears here only as quoted text from upstream.\n\n"
        "> Signed-off-by: Octo Cat <octocat@github.com>\n"
        "    Signed-off-by: Octo Cat <octocat@github.com>\n"
    )
    await poster.post("github", push)
    await _drain(pool, database_url)
    assert len(await _credited(pool)) == 1
    assert await pool.fetchval("SELECT count(*) FROM grants") == 0
