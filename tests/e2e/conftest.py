"""Fixtures of the end-to-end tests."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

from tests.conftest import TEMPLATE, _with_database
from tests.e2e.own_server import Server


@pytest.fixture
def server() -> Iterator[Server]:
    """A server of this test's own, in a folder of its own outside pytest's: another
    pytest run on the machine resets the permissions of pytest's shared folder, which
    the server's own user must traverse to start it again after a crash."""
    folder = Path(tempfile.mkdtemp(prefix="commons-e2e-"))
    own = Server(folder / "pg")
    try:
        yield own
    finally:
        own.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
async def make_database(
    server_url: str, template_url: str
) -> AsyncIterator[Callable[..., Awaitable[str]]]:
    """``await make_database()``: another fresh migrated database on the test server;
    ``make_database(copy_of=url)``: a copy of another (nobody may be connected to it)."""
    made: list[str] = []

    async def make(copy_of: str | None = None) -> str:
        name = f"e_{uuid.uuid4().hex[:16]}"
        template = urlsplit(copy_of).path.lstrip("/") if copy_of else TEMPLATE
        admin = await asyncpg.connect(server_url)
        try:
            await admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        finally:
            await admin.close()
        made.append(name)
        return _with_database(server_url, name)

    yield make
    admin = await asyncpg.connect(server_url)
    try:
        for name in made:
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


@pytest.fixture
async def published_commons(database_url: str, tmp_path: Path) -> AsyncIterator[dict[str, str]]:
    """A running instance on loopback serving the demo commons: its base ``url``, the
    project's ``slug`` and a report ``period``."""
    from app import database
    from app.demo import seed_demo
    from tests.e2e.loopback import Instance

    pool = await database.create_pool(database_url, min_size=1, max_size=3)
    try:
        seeded = await seed_demo(pool, contributors=30, contributions=300)
        year = await pool.fetchval("SELECT to_char(max(occurred_at), 'YYYY') FROM contributions")
    finally:
        await pool.close()
    instance = Instance(database_url, tmp_path / "data").start()
    try:
        yield {"url": instance.url, "slug": seeded.slug, "period": str(year)}
    finally:
        instance.stop()
