"""``commons import mediawiki`` end to end, as its README line promises."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import psutil
import pytest

from bench.wiki import make_dump
from ledger.register.projects import ProjectInput, create_project
from tests.integration.intake.test_cli import _commons, start_commons
from tests.unit.intake.wiki_dumps import write_wiki


async def _wiki_project(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await create_project(conn, ProjectInput("wiki", "Test Wiki"), "admin")


async def test_import_mediawiki_reads_a_dump_and_is_safe_to_rerun(
    pool: asyncpg.Pool, database_url: str, tmp_path: Path
) -> None:
    await _wiki_project(pool)
    dump = tmp_path / "testwiki.xml.gz"
    write_wiki(dump, with_rights=False)
    args = (
        "import", "mediawiki", str(dump), "--project", "wiki",
        "--terms", "CC-BY-SA-4.0", "--bot", "Tidy Helper", "--kind", "10=doc",
    )  # fmt: skip
    out = await _commons(database_url, tmp_path, *args)
    assert out.strip().splitlines()[-1] == (
        "testwiki: read 19 revisions (4 reverted), recorded 14 new contributions, "
        "6 new terms grants"
    )
    assert await pool.fetchval(
        "SELECT is_bot FROM contributors WHERE display_name = $1", "Tidy Helper"
    )
    kind = await pool.fetchval("SELECT kind FROM contributions WHERE metadata->>'page' = '3'")
    assert kind == "doc"
    again = await _commons(database_url, tmp_path, *args)
    assert "recorded 0 new contributions, 0 new terms grants" in again


async def test_wiki_follow_once_records_the_recent_changes_served_on_loopback(
    pool: asyncpg.Pool, database_url: str, tmp_path: Path
) -> None:
    from tests.integration.intake.wiki_server import recorded_wiki

    async with pool.acquire() as conn, conn.transaction():
        await create_project(conn, ProjectInput("cookbook", "Cookbook"), "admin")
    with recorded_wiki() as wiki:
        out = await _commons(
            database_url, tmp_path, "wiki", "follow", "--project", "cookbook",
            "--api", wiki.url, "--since", "2024-06-01", "--once", "--terms", "CC-BY-SA-4.0",
        )  # fmt: skip
    line = out.strip().splitlines()[-1]
    assert line.startswith("cookwiki: read 6 changes until ")
    assert line.endswith(", recorded 4 new contributions")
    assert await pool.fetchval("SELECT outbound_license FROM projects") == "CC-BY-SA-4.0"


async def test_commons_demo_seeds_the_wiki_beside_aurora(database_url: str, tmp_path: Path) -> None:
    out = await _commons(
        database_url, tmp_path, "demo", "--contributors", "10", "--contributions", "100"
    )
    assert "wiki contributions" in out
    assert "project 'larder' (a wiki's history) is ready: " in out
    assert out.strip().endswith(".html")


async def test_ctrl_c_stops_a_dump_import_without_a_traceback_from_its_parsers(
    pool: asyncpg.Pool, database_url: str, tmp_path: Path
) -> None:
    async with _importing(pool, database_url, tmp_path, group=True) as (process, helpers):
        os.killpg(process.pid, signal.SIGINT)  # a terminal's Ctrl-C: every process of the group
        _, err = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 128 + signal.SIGINT
        assert "Traceback" not in err.decode(), err.decode()[-2000:]
        assert await _all_gone(helpers) == []
    kept = await pool.fetchval("SELECT revisions FROM wiki_imports")
    assert 0 < kept < 30_000  # whole batches kept, resumable


@contextlib.asynccontextmanager
async def _importing(
    pool: asyncpg.Pool,
    database_url: str,
    tmp_path: Path,
    group: bool = False,
    suffix: str = ".xml.bz2",
) -> AsyncIterator[tuple[asyncio.subprocess.Process, list[psutil.Process]]]:
    """A dump import that has written a batch, and the processes it runs (its dump
    reader's server, cutter and parsers); at the end no folder a .7z dump was unpacked
    into is left, and whatever is left of the processes is killed, so that a failing
    test leaks nothing into the rest of the suite."""
    before = _unpacked()
    await _wiki_project(pool)
    dump = tmp_path / f"big{suffix}"
    make_dump(dump, 30_000)
    process = await start_commons(
        database_url, tmp_path,
        "import", "mediawiki", str(dump), "--project", "wiki", "--terms", "CC-BY-SA-4.0",
        group=group,
    )  # fmt: skip
    helpers: list[psutil.Process] = []
    try:
        deadline = asyncio.get_running_loop().time() + 60
        while not await pool.fetchval("SELECT count(*) FROM wiki_imports"):
            assert asyncio.get_running_loop().time() < deadline, "the import never wrote a batch"
            await asyncio.sleep(0.02)
        helpers = psutil.Process(process.pid).children(recursive=True)
        assert len(helpers) >= 3  # the forkserver, the cutter, a parser at least
        yield process, helpers
        assert _unpacked() == before  # the reader removed a .7z's unpacked copy as it left
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        for left in helpers:
            with contextlib.suppress(psutil.Error):
                left.kill()


async def _all_gone(helpers: list[psutil.Process]) -> list[psutil.Process]:
    """The helpers still running 20 s on (none, when they saw the importer go)."""
    _, alive = await asyncio.to_thread(psutil.wait_procs, helpers, timeout=20)
    for left in alive:  # not to leak into the rest of the suite
        left.kill()
    return alive


def _unpacked() -> set[Path]:
    """The folders a .7z dump is unpacked into while it is read."""
    return set(Path(tempfile.gettempdir()).glob("commons-7z-*"))


@pytest.mark.parametrize("suffix", [".xml.bz2", ".xml.7z"])
async def test_sigterm_stops_a_dump_import_cleanly_and_leaves_no_process_behind(
    pool: asyncpg.Pool, database_url: str, tmp_path: Path, suffix: str
) -> None:
    async with _importing(pool, database_url, tmp_path, suffix=suffix) as (process, helpers):
        process.send_signal(signal.SIGTERM)  # a service manager stopping the job
        _, err = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 128 + signal.SIGTERM
        assert "Traceback" not in err.decode(), err.decode()[-2000:]
        assert "stopped by SIGTERM after " in err.decode()
        assert await _all_gone(helpers) == []
    kept = await pool.fetchval("SELECT revisions FROM wiki_imports")
    assert 0 < kept < 30_000  # whole batches kept, resumable


@pytest.mark.parametrize("suffix", [".xml.bz2", ".xml.7z"])
async def test_a_killed_dump_import_leaves_no_process_behind(
    pool: asyncpg.Pool, database_url: str, tmp_path: Path, suffix: str
) -> None:
    async with _importing(pool, database_url, tmp_path, suffix=suffix) as (process, helpers):
        process.kill()  # as the kernel's OOM killer would: no clean-up runs in the importer
        assert await _all_gone(helpers) == []
        await asyncio.wait_for(process.wait(), timeout=30)  # its pipes closed by the last
