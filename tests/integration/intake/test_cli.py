from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import asyncpg

from intake.worker import Worker, WorkerConfig
from ledger.register.projects import ProjectInput, create_project
from tests.integration.intake.conftest import Poster
from tests.unit.intake.forge_requests import payload


async def start_commons(
    database_url: str, tmp_path: Path, *args: str, secret: str = "", group: bool = False
) -> asyncio.subprocess.Process:
    """``commons ARGS`` running against the test database (``group``: in a process
    group of its own, as a terminal's job is)."""
    env = {**os.environ, "DATABASE_URL": database_url, "COMMONS_DATA_DIR": str(tmp_path / "d")}
    if secret:
        env["COMMONS_FORGE_SECRET"] = secret
    return await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "commons"),
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=group,
    )


async def _commons(database_url: str, tmp_path: Path, *args: str, secret: str = "") -> str:
    process = await start_commons(database_url, tmp_path, *args, secret=secret)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()[-2000:]
    return out.decode()


async def test_forge_add_connects_and_inbox_replay_revives_dead_letters(
    pool: asyncpg.Pool, database_url: str, tmp_path: Path, poster: Poster
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await create_project(conn, ProjectInput("demo", "Demo"), "admin")
    added = await _commons(
        database_url, tmp_path, "forge", "add", "--project", "demo", "--forge", "gitea",
        secret="cli-secret-123",
    )  # fmt: skip
    assert added.strip().endswith("deliveries go to /webhooks/gitea/demo")
    assert "cli-secret-123" not in added
    broken = payload("gitea_pull_request_merged")
    del broken["pull_request"]["user"]
    response = await poster.post("gitea", broken, event="pull_request", secret="cli-secret-123")
    assert response.status_code == 202
    worker = Worker(pool, database_url, WorkerConfig(max_attempts=1, backoff_seconds=0))
    assert await worker.drain() == 1
    assert await pool.fetchval("SELECT status FROM webhook_inbox") == "dead"
    replayed = await _commons(
        database_url, tmp_path, "inbox", "replay", "--project", "demo", "--all-dead"
    )
    assert replayed.strip() == "replayed 1 deliveries"
    assert await pool.fetchval("SELECT status FROM webhook_inbox") == "pending"


async def test_inbox_replay_revives_the_deliveries_ignored_for_a_reason(
    pool: asyncpg.Pool, database_url: str, tmp_path: Path, poster: Poster
) -> None:
    from intake.connections import connect_forge

    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(
            conn, ProjectInput("demo", "Demo", repositories=("https://github.com/o/a",)), "admin"
        )
        await connect_forge(conn, project, "github", "forge-secret-0001", "", "admin")
    other = payload("github_push") | {"repository": {"html_url": "https://github.com/o/b"}}
    await poster.post("github", other, delivery="other")
    await poster.post("github", {"zen": "Keep it logically awesome."}, event="ping")
    replayed = await _commons(
        database_url, tmp_path, "inbox", "replay", "--project", "demo",
        "--ignored", "repository_not_listed",
    )  # fmt: skip
    assert replayed.strip() == "replayed 1 deliveries"
    rows = await pool.fetch("SELECT event, status FROM webhook_inbox ORDER BY id")
    assert [tuple(r) for r in rows] == [("push", "pending"), ("ping", "ignored")]
