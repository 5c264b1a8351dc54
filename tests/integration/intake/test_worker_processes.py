from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import asyncpg

from ledger.register.models import Project
from tests.integration.intake.conftest import Poster

DELIVERIES = 40


def _push(n: int) -> bytes:
    sha = f"{n:040x}"
    commit = {
        "id": sha,
        "message": f"Change {n}",
        "timestamp": "2024-05-01T10:00:00Z",
        "url": f"https://github.com/o/r/commit/{sha}",
        "author": {"name": f"Dev {n % 4}", "email": f"dev{n % 4}@example.org"},
    }
    return json.dumps({"ref": "refs/heads/main", "commits": [commit]}).encode()


async def test_two_worker_processes_share_one_inbox_without_double_processing(
    project: Project, poster: Poster, pool: asyncpg.Pool, database_url: str, tmp_path: Path
) -> None:
    for n in range(DELIVERIES):
        assert (await poster.post("github", _push(n))).status_code == 202
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "COMMONS_DATA_DIR": str(tmp_path / "data"),
        "COMMONS_WORKER_BACKOFF": "0",
    }
    command = [str(Path(sys.executable).parent / "commons"), "worker", "--drain"]
    workers = [
        await asyncio.create_subprocess_exec(
            *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [await w.communicate() for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [e.decode()[-2000:] for _, e in outputs]
    settled = [int(out.decode().split()[1]) for out, _ in outputs]
    assert sum(settled) == DELIVERIES
    rows = await pool.fetch("SELECT status, handled, attempts FROM webhook_inbox")
    assert {tuple(r) for r in rows} == {("done", 1, 0)}
    assert await pool.fetchval("SELECT count(*) FROM contributions") == DELIVERIES
    assert await pool.fetchval("SELECT contributions FROM project_stats") == DELIVERIES
    assert await pool.fetchval("SELECT count(*) FROM identities WHERE source = 'git'") == 4
