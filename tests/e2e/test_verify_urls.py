"""``commons verify`` given the URLs of reports on a running instance: the key set comes
from that instance, and a report that embeds no events is checked against the journal
export streamed from it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from app import database
from app.cli import main
from ledger.journal import chain as journal
from ledger.journal.events.register import KindDefined
from tests.e2e.loopback import Instance
from tests.integration.reports.seed import seed_chaoss


@pytest.fixture
async def streaming(database_url: str, tmp_path: Path) -> AsyncIterator[Instance]:
    """An instance whose reports never embed events, serving the CHAOSS commons."""
    pool = await database.create_pool(database_url, min_size=1, max_size=2)
    try:
        await seed_chaoss(pool)
    finally:
        await pool.close()
    instance = Instance(database_url, tmp_path / "data", COMMONS_REPORT_EMBED_LIMIT="0").start()
    try:
        yield instance
    finally:
        instance.stop()


async def _verify(*args: str) -> Result:
    return await asyncio.to_thread(CliRunner().invoke, main, ["verify", *args])


async def test_a_report_url_is_verified_with_its_instances_keys_and_journal(
    streaming: Instance, database_url: str, tmp_path: Path
) -> None:
    old_url = f"{streaming.url}/projects/chaoss/reports/2026-07.json"
    old = tmp_path / "old.json"
    async with httpx.AsyncClient(timeout=60) as http:
        old.write_bytes((await http.get(old_url)).content)
    checked = await _verify(old_url)
    assert checked.exit_code == 0, checked.output
    assert "events streamed from the journal export" in checked.output
    assert checked.output.splitlines()[-1] == "verified"

    conn = await database.connect(database_url)
    try:
        async with conn.transaction():
            project_id = await conn.fetchval("SELECT id FROM projects WHERE slug = 'chaoss'")
            await journal.append_event(
                conn, project_id, KindDefined(kind="k9", description=""), "admin"
            )
    finally:
        await conn.close()
    grew = await _verify("--from", str(old), "--to", old_url)
    assert grew.exit_code == 0, grew.output
    assert "ok   consistency proof: the journal only grew" in grew.output
    assert "ok   sizes: " in grew.output
