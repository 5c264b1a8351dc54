"""``commons serve --workers N``: N processes on one database answer the API and share
its background work without doing any of it twice."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import asyncpg
import httpx
import psutil

from intake.connections import connect_forge
from ledger.register.projects import ProjectInput, create_project
from tests.unit.intake.forge_requests import signed

SECRET = "serve-workers-secret"
DELIVERIES = 30


def push(n: int) -> bytes:
    sha = f"{n:040x}"
    commit = {
        "id": sha,
        "message": f"Change {n}",
        "timestamp": "2024-05-01T10:00:00Z",
        "url": f"https://github.com/o/r/commit/{sha}",
        "author": {"name": f"Dev {n % 3}", "email": f"dev{n % 3}@example.org"},
    }
    return json.dumps({"ref": "refs/heads/main", "commits": [commit]}).encode()


async def test_two_served_processes_answer_and_process_every_delivery_once(
    pool: asyncpg.Pool, database_url: str, tmp_path: Path, unused_tcp_port: int
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput("demo", "Demo"), "admin")
        await connect_forge(conn, project, "github", SECRET, "", "admin")
    env = {**os.environ, "DATABASE_URL": database_url, "COMMONS_DATA_DIR": str(tmp_path / "data"),
           "COMMONS_WORKER_POLL": "1", "COMMONS_WORKER_BACKOFF": "0"}  # fmt: skip
    command = [str(Path(sys.executable).parent / "commons"), "serve", "--workers", "2",
               "--port", str(unused_tcp_port)]  # fmt: skip
    server = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{unused_tcp_port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            for _ in range(600):
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
            children = psutil.Process(server.pid).children()
            workers = [c for c in children if "spawn_main" in " ".join(c.cmdline())]
            assert len(workers) == 2
            answers = await asyncio.gather(
                *(client.post("/webhooks/github/demo", content=push(n),
                              headers=signed("github", SECRET, push(n)))
                  for n in range(DELIVERIES))
            )  # fmt: skip
            assert {a.status_code for a in answers} == {202}
            for _ in range(600):
                pending = await pool.fetchval(
                    "SELECT count(*) FROM webhook_inbox WHERE status = 'pending'"
                )
                if pending == 0:
                    break
                await asyncio.sleep(0.1)
            read = await client.post(
                "/graphql", json={"query": '{ project(slug: "demo") { totals { contributions } } }'}
            )
    finally:
        server.terminate()
        await server.wait()
    assert read.json() == {"data": {"project": {"totals": {"contributions": DELIVERIES}}}}
    rows = await pool.fetch("SELECT status, handled FROM webhook_inbox")
    assert {tuple(r) for r in rows} == {("done", 1)}
    assert len(rows) == DELIVERIES
    assert await pool.fetchval("SELECT count(*) FROM contributions") == DELIVERIES
