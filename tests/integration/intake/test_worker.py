from __future__ import annotations

import asyncio
import contextlib

import asyncpg

from intake import inbox
from intake.worker import Worker, WorkerConfig, process
from ledger.journal.chain import verify
from ledger.kernel import pseudonyms
from ledger.register.models import Project
from ledger.register.projects import define_kind
from tests.integration.intake.conftest import Poster
from tests.unit.intake.forge_requests import payload

CONFIG = WorkerConfig(max_attempts=2, backoff_seconds=0)


def _worker(pool: asyncpg.Pool, url: str) -> Worker:
    return Worker(pool, url, CONFIG, name="test-worker")


async def _contributions(pool: asyncpg.Pool) -> list[tuple[str, str, bool, str]]:
    rows = await pool.fetch(
        """SELECT c.natural_key, c.kind, c.counted, p.display_name
        FROM contributions c JOIN contributors p ON p.id = c.contributor_id ORDER BY c.natural_key"""
    )
    return [(r["natural_key"], r["kind"], r["counted"], r["display_name"]) for r in rows]


async def test_a_push_becomes_code_contributions_with_bots_not_counted(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    await poster.post("github", payload("github_push"))
    assert await _worker(pool, database_url).drain() == 1
    ada = (await pseudonyms.load(pool)).email("ada@example.org")
    assert await _contributions(pool) == [
        ("git:0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "code", True, "Octo Cat"),
        (
            f"git:0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c:co:{ada}",
            "code",
            True,
            "Ada Lovelace",
        ),
        ("git:b1f2a5f1c3a0a8d1e6c9d2c9b3a6f0e8d7c6b5a4", "code", False, "dependabot[bot]"),
    ]
    assert await pool.fetchval("SELECT is_bot FROM contributors WHERE display_name LIKE 'dep%'")
    row = await pool.fetchrow("SELECT status, handled, processed_by FROM webhook_inbox")
    assert tuple(row) == ("done", 1, "test-worker")


async def test_signoffs_of_new_commits_become_dco_grants(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    await poster.post("github", payload("github_push"))
    await _worker(pool, database_url).drain()
    assert await pool.fetchval("SELECT count(*) FROM grants WHERE instrument = 'dco'") == 1


async def test_every_mapped_event_records_its_kind(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    for event, name in [
        ("pull_request", "github_pull_request_merged"),
        ("pull_request_review", "github_review"),
        ("issues", "github_issue_opened"),
        ("issue_comment", "github_issue_comment"),
        ("release", "github_release"),
        ("gollum", "github_gollum"),
    ]:
        assert (await poster.post("github", payload(name), event=event)).status_code == 202
    assert await _worker(pool, database_url).drain() == 6
    kinds = [(key, kind) for key, kind, _, _ in await _contributions(pool)]
    assert kinds == [
        ("github:comment:492700400", "review"),
        ("github:issue:444500041", "ideas"),
        ("github:pr:279147437:merged", "code"),
        ("github:pr:279147437:merger", "maintenance"),
        ("github:release:17372790", "maintenance"),
        ("github:review:237895671", "review"),
        ("github:wiki:186853002:Home:6bf911d3801dd1ef957fc6ade5a8d96429e7fa39", "doc"),
    ]
    # one forge account (21031067) is one contributor across its five contributions
    owners = await pool.fetchval(
        "SELECT count(DISTINCT contributor_id) FROM contributions WHERE kind <> 'maintenance' "
        "AND natural_key NOT LIKE '%comment%'"
    )
    assert owners == 1


async def test_a_gitlab_push_listing_fewer_commits_than_pushed_is_flagged(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    await poster.post("gitlab", payload("gitlab_push"))
    await _worker(pool, database_url).drain()
    assert await pool.fetchval("SELECT truncated FROM webhook_inbox") is True
    assert await pool.fetchval("SELECT count(*) FROM contributions") == 2


async def test_effects_written_before_a_crash_are_not_counted_again(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    await poster.post("github", payload("github_push"))
    async with pool.acquire() as conn, conn.transaction():
        delivery = await inbox.claim(conn)
        assert delivery is not None
        await process(conn, delivery)  # committed, but the delivery is never marked done
    events = await pool.fetchval("SELECT count(*) FROM journal_events")
    assert await _worker(pool, database_url).drain() == 1
    assert len(await _contributions(pool)) == 3
    assert await pool.fetchval("SELECT count(*) FROM journal_events") == events
    assert await pool.fetchval("SELECT contributions FROM project_stats") == 2


async def test_failures_retry_then_become_dead_letters_that_replay(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    body = payload("standard_contribution")
    body["data"]["kind"] = "poetry"
    await poster.post("standard", body)
    assert await _worker(pool, database_url).drain() == 2
    (letter,) = await inbox.dead_letters(pool, project.id)
    assert (letter.attempts, letter.error) == (
        2,
        "InvalidInput: unknown contribution kind 'poetry'",
    )
    async with pool.acquire() as conn, conn.transaction():
        await define_kind(conn, project, "poetry", "", "admin")
        await inbox.replay(conn, project.id, letter.inbox_id, "admin")
    assert await _worker(pool, database_url).drain() == 1
    assert await inbox.dead_letters(pool, project.id) == []
    assert [k for _, k, _, _ in await _contributions(pool)] == ["poetry"]
    async with pool.acquire() as conn:
        assert (await verify(conn, project.id)).ok


async def test_a_commit_email_the_forge_matched_to_a_known_account_joins_that_contributor(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    await poster.post("github", payload("github_pull_request_merged"), event="pull_request")
    await poster.post("github", payload("github_push"))
    assert await _worker(pool, database_url).drain() == 2
    keys = await pseudonyms.load(pool)
    rows = await pool.fetch(
        "SELECT source, external_id, contributor_id, email_verified FROM identities "
        "WHERE external_id IN ('21031067', $1) ORDER BY source",
        keys.email("octocat@github.com"),
    )
    assert [(r["source"], r["email_verified"]) for r in rows] == [("git", True), ("github", False)]
    assert rows[0]["contributor_id"] == rows[1]["contributor_id"]
    unverified = await pool.fetchval(
        "SELECT email_verified FROM identities WHERE external_id = $1",
        keys.email("ada@example.org"),
    )
    assert unverified is False


async def test_an_idle_worker_wakes_on_notify_and_records_the_delivery(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    worker = Worker(pool, database_url, WorkerConfig(poll_seconds=3600), name="listener")
    done = asyncio.Event()
    worker.on_settled = lambda _: done.set()
    task = asyncio.create_task(worker.run())
    try:
        await asyncio.wait_for(worker.idle.wait(), 30)
        response = await poster.post("github", payload("github_release"), event="release")
        assert response.status_code == 202
        await asyncio.wait_for(done.wait(), 30)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    processed_by = await pool.fetchval("SELECT processed_by FROM webhook_inbox")
    assert processed_by == "listener"
    assert await pool.fetchval("SELECT natural_key FROM contributions") == (
        "github:release:17372790"
    )
