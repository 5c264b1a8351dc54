"""Deliveries while PostgreSQL crashes (``pg_ctl stop -m immediate``) and comes back:
nothing acknowledged is lost, nothing is counted twice, the outage answers 503 and
the service recovers without a restart. Runs on its own PostgreSQL server."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app import database
from app.main import create_app
from intake.connections import connect_forge
from intake.worker import Worker, WorkerConfig
from ledger.journal.chain import verify
from ledger.register.projects import ProjectInput, create_project
from tests.e2e.own_server import Server
from tests.unit.intake.forge_requests import signed

SECRET = "outage-secret-1"


@pytest.fixture
async def app_client(server: Server, tmp_path: Path) -> AsyncIterator[AsyncTestClient[Litestar]]:
    await asyncio.to_thread(database.migrate, server.url)
    conn = await database.connect(server.url)
    try:
        async with conn.transaction():
            project = await create_project(conn, ProjectInput("demo", "Demo"), "admin")
            await connect_forge(conn, project, "github", SECRET, "", "admin")
    finally:
        await conn.close()
    env = {
        "DATABASE_URL": server.url,
        "COMMONS_DATA_DIR": str(tmp_path / "data"),
        "COMMONS_ENV": "test",
        "COMMONS_RUN_WORKER": "false",
    }
    async with AsyncTestClient(app=create_app(env)) as client:
        yield client


def _push(n: int) -> bytes:
    sha = f"{n:040x}"
    commit = {
        "id": sha,
        "message": f"Change {n}",
        "timestamp": "2024-05-01T10:00:00Z",
        "url": f"https://github.com/o/r/commit/{sha}",
        "author": {"name": f"Dev {n % 3}", "email": f"dev{n % 3}@example.org"},
    }
    return json.dumps({"ref": "refs/heads/main", "commits": [commit]}).encode()


async def _send(client: AsyncTestClient[Litestar], n: int) -> Any:
    body = _push(n)
    headers = signed("github", SECRET, body, "push", f"delivery-{n}")
    return await client.post("/webhooks/github/demo", content=body, headers=headers)


async def test_a_crash_loses_no_acknowledged_delivery_and_counts_nothing_twice(
    server: Server, app_client: AsyncTestClient[Litestar]
) -> None:
    pool = await database.create_pool(server.url, min_size=1, max_size=3)
    config = WorkerConfig(max_attempts=50, backoff_seconds=0, poll_seconds=0.2)
    background = asyncio.create_task(Worker(pool, server.url, config, name="bg").run())
    acknowledged: set[int] = set()
    try:
        for n in range(10):
            response = await _send(app_client, n)
            assert response.status_code == 202
            acknowledged.add(n)

        await asyncio.to_thread(server.crash)
        during = [await _send(app_client, n) for n in range(10, 15)]
        assert [r.status_code for r in during] == [503] * 5
        assert {r.json()["error"] for r in during} == {"unavailable"}

        await asyncio.to_thread(server.start)
        for n in range(10, 20):  # the forge redelivers what was refused, and sends more
            for _ in range(5):
                response = await _send(app_client, n)
                if response.status_code != 503:
                    break
            assert response.status_code in (200, 202)
            acknowledged.add(n)
        again = await _send(app_client, 3)
        assert again.status_code == 200
    finally:
        background.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await background
    try:
        await Worker(pool, server.url, config, name="final").drain()
        rows = await pool.fetch("SELECT delivery_key, status, handled FROM webhook_inbox")
        keys = sorted(r["delivery_key"] for r in rows)
        assert keys == sorted(f"292430182:delivery-{n}" for n in acknowledged)
        assert {(r["status"], r["handled"]) for r in rows} == {("done", 1)}
        shas = await pool.fetch("SELECT natural_key FROM contributions ORDER BY natural_key")
        assert [r["natural_key"] for r in shas] == [f"git:{n:040x}" for n in sorted(acknowledged)]
        assert await pool.fetchval("SELECT contributions FROM project_stats") == 20
        async with pool.acquire() as conn:
            project_id = await conn.fetchval("SELECT id FROM projects")
            assert (await verify(conn, project_id)).ok
    finally:
        await pool.close()
