"""Apps built from a changed environment (settings-driven behaviour), and empty databases."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app import database
from app.main import create_app
from tests.conftest import _with_database

ClientFactory = Callable[..., AbstractAsyncContextManager[AsyncTestClient[Litestar]]]


@pytest.fixture
def make_client(app_env: dict[str, str]) -> ClientFactory:
    """``async with make_client(COMMONS_X="...") as client``: the test app with changes."""

    @asynccontextmanager
    async def make(**changes: str) -> AsyncIterator[AsyncTestClient[Litestar]]:
        async with AsyncTestClient(app=create_app({**app_env, **changes})) as client:
            yield client

    return make


@pytest.fixture
async def empty_url(server_url: str) -> AsyncIterator[str]:
    """A new, empty database (no template)."""
    name = f"m_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f"CREATE DATABASE {name}")
        yield _with_database(server_url, name)
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


async def revision(url: str) -> str | None:
    """The migration revision of the database at ``url``."""
    conn = await asyncpg.connect(url)
    try:
        return await database.current_revision(conn)
    finally:
        await conn.close()
