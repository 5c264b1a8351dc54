"""The embedded server runs with the service's settings for a ledger's writes, and
keeps including them, once, across restarts."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import asyncpg

from app import database


async def _shown(url: str) -> dict[str, str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT name, current_setting(name) AS value FROM pg_settings"
            " WHERE name = any($1::text[])",
            list(database.EMBEDDED_SETTINGS),
        )
    finally:
        await conn.close()
    return {r["name"]: r["value"] for r in rows}


async def test_the_embedded_server_runs_with_the_settings_for_a_ledgers_writes() -> None:
    expected = {"max_wal_size": "4GB", "checkpoint_timeout": "15min", "wal_init_zero": "off"}
    assert expected == database.EMBEDDED_SETTINGS
    folder = Path(tempfile.mkdtemp(prefix="commons-embedded-")) / "pgdata"
    server = await asyncio.to_thread(database.embedded_server, folder, "delete")
    try:
        shown = await _shown(str(server.get_uri()))
        assert shown == expected
        await asyncio.to_thread(server.stop)
        server = await asyncio.to_thread(database.embedded_server, folder, "delete")
        assert await _shown(str(server.get_uri())) == shown
        conf = (folder / "postgresql.conf").read_text()
        assert conf.count("include_if_exists = 'commons.conf'") == 1
    finally:
        await asyncio.to_thread(server.cleanup)
