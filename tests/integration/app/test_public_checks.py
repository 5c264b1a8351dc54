"""The public checks as the README states them: a running app's background checker
(every ``COMMONS_CHECK_INTERVAL`` seconds) brings the journal's checkpoint up to a bulk
load, and ``commons verify --project`` rechecks the whole journal and records what it
finds for everyone to read."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg

from app.settings import Settings
from ledger.journal import checkpoints
from ledger.register.bulk import bulk_load
from ledger.register.models import NewContribution
from ledger.register.people import create_contributor
from tests.integration.app.conftest import ClientFactory
from tests.integration.app.seed import seed
from tests.integration.app.test_cli import commons, tamper

VERIFY = '{ project(slug: "linux") { journal { verify { ok checked length pending } } } }'


def test_the_check_interval_and_body_timeout_default_to_5_and_30_seconds() -> None:
    settings = Settings.from_env({})
    assert (settings.check_interval, settings.body_timeout) == (5, 30)


async def test_the_running_app_checks_a_bulk_load_in_the_background(
    make_client: ClientFactory, pool: asyncpg.Pool
) -> None:
    seeded = await seed(pool, "linux", people_count=1, contributions=1)
    async with pool.acquire() as conn:
        ada = (await create_contributor(conn, "Ada")).id
        start = datetime(2026, 1, 1, tzinfo=UTC)
        items = [
            NewContribution(ada, "code", start + timedelta(minutes=i), "git", f"bulk{i}")
            for i in range(500)
        ]
        async with conn.transaction():
            await bulk_load(conn, seeded.project_id, items, "import")
    before = await checkpoints.status(pool, seeded.project_id)
    assert before.pending == 500
    async with make_client(COMMONS_RUN_WORKER="true", COMMONS_CHECK_INTERVAL="1") as client:
        for _ in range(100):
            body = (await client.post("/graphql", json={"query": VERIFY})).json()
            if body["data"]["project"]["journal"]["verify"]["pending"] == 0:
                break
            await asyncio.sleep(0.1)
    assert body["data"]["project"]["journal"]["verify"] == {
        "ok": True,
        "checked": before.length,
        "length": before.length,
        "pending": 0,
    }


async def test_the_cli_recheck_records_a_break_for_everyone_to_read(
    app_env: dict[str, str], make_client: ClientFactory, pool: asyncpg.Pool
) -> None:
    seeded = await seed(pool, "linux", people_count=2, contributions=4)
    await tamper(
        pool,
        "UPDATE journal_events SET actor = 'mallory' WHERE project_id = $1 AND seq = 5",
        seeded.project_id,
    )
    async with make_client() as client:
        unaware = (await client.post("/graphql", json={"query": VERIFY})).json()
        result = await commons(app_env, "verify", "--project", "linux")
        recorded = (await client.post("/graphql", json={"query": VERIFY})).json()
    length = unaware["data"]["project"]["journal"]["verify"]["length"]
    assert unaware["data"]["project"]["journal"]["verify"]["ok"] is True
    assert (result.exit_code, result.stderr) == (
        1,
        "broken at event 5: hash does not match the event's content\n",
    )
    assert recorded["data"]["project"]["journal"]["verify"] == {
        "ok": False,
        "checked": 4,
        "length": length,
        "pending": 0,
    }
