"""Any signal ends ``commons import git`` cleanly with its progress saved, and running
it again completes the same history exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from ledger.journal.chain import verify
from tests.integration.intake.git_repos import many_commits, project

COMMITS = 2_000


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return many_commits(tmp_path_factory.mktemp("signals") / "repo", COMMITS)


async def _start(database_url: str, repo: Path, data: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "DATABASE_URL": database_url, "COMMONS_DATA_DIR": str(data)}
    return await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "commons"),
        "import", "git", str(repo), "--project", "demo", "--batch", "20",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip


async def _started(pool: asyncpg.Pool) -> int:
    """Wait until the import has committed some batches; how many commits so far."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = await pool.fetchval("SELECT coalesce(max(commits), 0) FROM git_imports")
        if done:
            return int(done)
        await asyncio.sleep(0.02)
    raise AssertionError("the import never committed a batch")


@pytest.mark.parametrize(
    ("number", "group"),
    [
        (signal.SIGINT, False),
        (signal.SIGINT, True),  # a terminal's Ctrl-C: git is signalled too
        (signal.SIGTERM, False),
        (signal.SIGHUP, False),
    ],
)
async def test_a_signal_stops_the_import_cleanly_and_a_rerun_completes_it(
    pool: asyncpg.Pool,
    database_url: str,
    history: Path,
    tmp_path: Path,
    number: signal.Signals,
    group: bool,
) -> None:
    project_id = await project(pool)
    process = await _start(database_url, history, tmp_path / "d")
    await _started(pool)
    if group:
        os.killpg(process.pid, number)
    else:
        os.kill(process.pid, number)
    _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 128 + number, err.decode()
    assert f"stopped by {number.name}" in err.decode()
    saved = await pool.fetchrow("SELECT commits, finished_at FROM git_imports")
    assert saved["finished_at"] is None
    assert saved["commits"] < COMMITS
    recorded = await pool.fetchval("SELECT count(*) FROM contributions")
    assert recorded == saved["commits"]  # whole batches only
    assert await pool.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'"
    ) == 0  # fmt: skip
    again = await _start(database_url, history, tmp_path / "d")
    out, err = await asyncio.wait_for(again.communicate(), timeout=120)
    assert again.returncode == 0, err.decode()
    assert f"read {COMMITS} commits" in out.decode()
    final = await pool.fetchrow("SELECT commits, finished_at FROM git_imports")
    assert final["commits"] == COMMITS
    assert final["finished_at"] is not None
    assert await pool.fetchval("SELECT count(*) FROM contributions") == COMMITS
    assert await pool.fetchval("SELECT count(*) FROM grants") == COMMITS
    async with pool.acquire() as conn:
        assert (await verify(conn, project_id)).ok
