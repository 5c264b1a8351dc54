"""Raw webhook payloads are kept only for the retention period after processing
(``COMMONS_INBOX_RETENTION_DAYS``, 30 days by default): done and ignored deliveries,
and dead letters once replayed, lose their body, headers and error text; pending and
unreplayed dead deliveries keep theirs; a purged delivery is still a duplicate and can
no longer be replayed."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from click.testing import CliRunner

from app.cli import main
from app.settings import Settings
from intake import inbox
from intake.retention import purge_processed
from intake.worker import Worker, WorkerConfig
from ledger.kernel.errors import Conflict
from ledger.register.models import Project
from ledger.register.projects import define_kind
from tests.integration.intake.conftest import Poster, poster, project

__all__ = ["poster", "project"]  # the intake tests' fixtures, used here too
from tests.unit.intake.forge_requests import payload

CONFIG = WorkerConfig(max_attempts=1, backoff_seconds=0)
STATES = "SELECT id, status, body IS NULL AS purged, headers FROM webhook_inbox ORDER BY id"


async def _three_deliveries(pool: asyncpg.Pool, poster: Poster, database_url: str) -> None:
    """One done, one dead (unknown kind) and one ignored (an event without rules)."""
    release = await poster.post("github", payload("github_release"), event="release", delivery="r1")
    assert release.status_code == 202
    broken = payload("standard_contribution")
    broken["data"]["kind"] = "poetry"
    assert (await poster.post("standard", broken)).status_code == 202
    assert (await poster.post("github", {"zen": "x"}, event="star")).status_code == 202
    assert await Worker(pool, database_url, CONFIG).drain() == 2


def test_the_retention_period_is_30_days_unless_configured() -> None:
    assert Settings.from_env({}).inbox_retention_days == 30
    assert Settings.from_env({"COMMONS_INBOX_RETENTION_DAYS": "7"}).inbox_retention_days == 7


async def test_settled_payloads_are_purged_after_the_period_and_replayed_dead_letters_too(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str
) -> None:
    await _three_deliveries(pool, poster, database_url)
    assert await purge_processed(pool, 30) == 0  # all younger than 30 days
    await pool.execute(
        "UPDATE webhook_inbox SET processed_at = processed_at - interval '31 days', "
        "received_at = received_at - interval '31 days'"
    )
    assert await purge_processed(pool, 30) == 2  # done and ignored; the dead one waits
    states = [(r["status"], r["purged"], r["headers"]) for r in await pool.fetch(STATES)]
    assert states == [("done", True, {}), ("dead", False, states[1][2]), ("ignored", True, {})]
    assert states[1][2] != {}
    (letter,) = await inbox.dead_letters(pool, project.id)
    async with pool.acquire() as conn, conn.transaction():
        await define_kind(conn, project, "poetry", "Poems", "admin")
        await inbox.replay(conn, project.id, letter.inbox_id, "admin")
    assert await Worker(pool, database_url, CONFIG).drain() == 1
    assert await purge_processed(pool, 0) == 1  # replayed and done: purged with its letter
    assert await pool.fetchval("SELECT count(*) FROM webhook_inbox WHERE body IS NULL") == 3
    assert await pool.fetchval("SELECT error FROM webhook_dead_letters") == ""
    ignored = await pool.fetchval("SELECT id FROM webhook_inbox WHERE status = 'ignored'")
    async with pool.acquire() as conn, conn.transaction():
        with pytest.raises(Conflict, match="is purged"):
            await inbox.replay(conn, project.id, ignored, "admin")
    again = await poster.post("github", payload("github_release"), event="release", delivery="r1")
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")


async def test_the_worker_purges_when_due_and_the_cli_on_demand(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str, app_env: dict[str, str]
) -> None:
    await _three_deliveries(pool, poster, database_url)
    worker = Worker(pool, database_url, WorkerConfig(retention_days=0, purge_every_seconds=3600))
    assert await worker.purge_when_due() == 2
    await pool.execute("UPDATE webhook_inbox SET status = 'done' WHERE status = 'dead'")
    assert await worker.purge_when_due() == 0  # not due again within the hour
    kept = await asyncio.to_thread(CliRunner().invoke, main, ["inbox", "purge"], env=app_env)
    assert (kept.exit_code, kept.output) == (0, "purged the payloads of 0 deliveries\n")
    env = {**app_env, "COMMONS_INBOX_RETENTION_DAYS": "0"}  # the default of --days
    result = await asyncio.to_thread(CliRunner().invoke, main, ["inbox", "purge"], env=env)
    assert (result.exit_code, result.output) == (0, "purged the payloads of 1 deliveries\n")
