from __future__ import annotations

import asyncio

import asyncpg
import pytest

from intake.connections import connect_forge, retire_secret
from ledger.register.models import Project
from tests.integration.intake.conftest import Poster
from tests.unit.intake.forge_requests import payload

EVENTS = {
    "github": ("push", "github_push"),
    "gitlab": ("Push Hook", "gitlab_push"),
    "gitea": ("push", "gitea_push"),
    "forgejo": ("push", "gitea_push"),
    "bitbucket": ("repo:push", "bitbucket_push"),
    "standard": (None, "standard_contribution"),
}


async def _inbox(pool: asyncpg.Pool) -> list[tuple[str, str, str, str]]:
    rows = await pool.fetch(
        "SELECT forge, event, delivery_key, status FROM webhook_inbox ORDER BY id"
    )
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("forge", list(EVENTS))
async def test_each_forge_delivery_is_stored_and_accepted(
    forge: str, project: Project, poster: Poster, pool: asyncpg.Pool
) -> None:
    event, name = EVENTS[forge]
    response = await poster.post(forge, payload(name), event=event, delivery="d-1")
    assert response.status_code == 202
    stored = await pool.fetchrow("SELECT id, body, headers FROM webhook_inbox")
    key = "292430182:d-1" if forge == "github" else "d-1"
    assert response.json() == {"status": "accepted", "delivery": key, "id": stored["id"]}
    assert stored["body"] == response.request.content
    assert not any("signature" in h or "token" in h for h in stored["headers"])


async def test_a_replayed_delivery_answers_duplicate_and_writes_nothing(
    project: Project, poster: Poster, pool: asyncpg.Pool
) -> None:
    first = await poster.post("github", payload("github_push"), delivery="same")
    again = await poster.post("github", payload("github_push"), delivery="same")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json() == {"status": "duplicate", "delivery": "292430182:same"}
    assert await pool.fetchval("SELECT count(*) FROM webhook_inbox") == 1


async def test_an_unmapped_event_is_stored_as_ignored(
    project: Project, poster: Poster, pool: asyncpg.Pool
) -> None:
    response = await poster.post("github", {"zen": "Design for failure."}, event="ping")
    assert response.status_code == 202
    assert response.json()["status"] == "ignored"
    assert (await _inbox(pool))[0][3] == "ignored"


async def test_a_bad_signature_is_refused_and_nothing_is_written(
    project: Project, poster: Poster, pool: asyncpg.Pool
) -> None:
    response = await poster.post("gitea", payload("gitea_push"), secret="not-the-secret")
    assert response.status_code == 401
    assert response.json() == {
        "error": "bad_signature",
        "message": "the signature does not match an active secret",
    }
    assert await _inbox(pool) == []


async def test_a_missing_signature_is_refused(
    project: Project, poster: Poster, pool: asyncpg.Pool
) -> None:
    body = b'{"a": 1}'
    response = await poster.client.post(
        "/webhooks/github/demo",
        content=body,
        headers={"x-github-event": "push", "x-github-delivery": "x"},
    )
    assert response.status_code == 401
    assert response.json()["error"] == "missing_signature"
    assert await _inbox(pool) == []


async def test_unknown_forges_and_projects_are_not_found(project: Project, poster: Poster) -> None:
    nowhere = await poster.client.post("/webhooks/sourceforge/demo", content=b"{}")
    assert nowhere.status_code == 404
    assert nowhere.json() == {"error": "unknown_forge", "message": "no forge 'sourceforge'"}
    missing = await poster.post("github", payload("github_push"), slug="no-such-project")
    assert missing.status_code == 404
    assert missing.json() == {"error": "unknown_project", "message": "no project 'no-such-project'"}


async def test_a_forge_the_project_did_not_connect_is_not_found(
    pool: asyncpg.Pool, poster: Poster
) -> None:
    from ledger.register.projects import ProjectInput, create_project

    async with pool.acquire() as conn, conn.transaction():
        await create_project(conn, ProjectInput("bare", "Bare"), "admin")
    response = await poster.post("github", payload("github_push"), slug="bare")
    assert response.status_code == 404
    assert response.json()["error"] == "not_connected"


async def test_malformed_json_with_a_good_signature_is_a_bad_request(
    project: Project, poster: Poster, pool: asyncpg.Pool
) -> None:
    response = await poster.post("bitbucket", b'{"push": ')
    assert response.status_code == 400
    assert response.json() == {"error": "malformed_json", "message": "the body is not valid JSON"}
    assert await _inbox(pool) == []


async def test_a_body_over_the_limit_is_refused(
    project: Project, poster: Poster, pool: asyncpg.Pool
) -> None:
    limit = poster.client.app.state.runtime.settings.webhook_max_body
    response = await poster.post("github", b"{" + b" " * limit + b"}")
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert await _inbox(pool) == []


async def test_a_retired_secret_is_refused_while_the_new_one_works(
    project: Project, poster: Poster, pool: asyncpg.Pool
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await connect_forge(conn, project, "github", "rotated-secret-2", "new", "admin")
    old_id = await pool.fetchval(
        "SELECT id FROM forge_secrets WHERE forge = 'github' AND label = 'first'"
    )
    before = await poster.post("github", payload("github_push"), secret="forge-secret-0001")
    assert before.status_code == 202
    async with pool.acquire() as conn, conn.transaction():
        await retire_secret(conn, project, "github", old_id, "admin")
    old = await poster.post("github", payload("github_push"), secret="forge-secret-0001")
    new = await poster.post("github", payload("github_push"), secret="rotated-secret-2")
    assert (old.status_code, new.status_code) == (401, 202)
    assert old.json()["error"] in ("retired_secret", "bad_signature")
    assert await pool.fetchval("SELECT count(*) FROM webhook_inbox") == 2


async def test_a_delivery_without_its_id_header_is_a_bad_request(
    project: Project, poster: Poster, pool: asyncpg.Pool
) -> None:
    response = await poster.post(
        "gitlab", payload("gitlab_push"), headers={"x-gitlab-event-uuid": ""}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "missing_delivery"
    assert await _inbox(pool) == []


async def test_concurrent_deliveries_are_all_stored_and_a_repeated_key_once(
    project: Project, poster: Poster, pool: asyncpg.Pool
) -> None:
    body = payload("github_push")
    same = [poster.post("github", body, delivery="same") for _ in range(4)]
    other = [poster.post("github", body, delivery=f"d-{n}") for n in range(8)]
    responses = await asyncio.gather(*same, *other)
    assert sorted(r.status_code for r in responses[:4]) == [200, 200, 200, 202]
    assert [r.status_code for r in responses[4:]] == [202] * 8
    assert await pool.fetchval("SELECT count(*) FROM webhook_inbox") == 9
    assert await pool.fetchval("SELECT count(DISTINCT delivery_key) FROM webhook_inbox") == 9
