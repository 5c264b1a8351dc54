"""Test fixtures: a real PostgreSQL (embedded unless DATABASE_URL is set), one
migrated template database per session and a fresh copy of it per test, the
Litestar app over real HTTP semantics, and tokens signed with the app's keys."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app import database
from app.main import create_app
from app.runtime import Runtime

TEMPLATE = "commons_template"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """The PostgreSQL server the suite runs against (admin database URL)."""
    external = os.environ.get("DATABASE_URL")
    if external:
        yield external
        return
    # Not under pytest's basetemp: concurrent pytest runs prune each other's old basetemps.
    folder = Path(tempfile.mkdtemp(prefix="commons-test-pg-")) / "data"
    server = database.embedded_server(folder, "delete")
    try:
        yield str(server.get_uri())
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
async def template_url(server_url: str) -> str:
    """A database migrated to head, copied by every test."""
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {TEMPLATE}")
    finally:
        await admin.close()
    url = _with_database(server_url, TEMPLATE)
    await asyncio.to_thread(database.migrate, url)
    return url


@pytest.fixture
async def database_url(server_url: str, template_url: str) -> AsyncIterator[str]:
    """A fresh migrated database for one test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        yield _with_database(server_url, name)
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on the test's database (same codecs as the app's)."""
    created = await database.create_pool(database_url, min_size=1, max_size=10)
    try:
        yield created
    finally:
        await created.close()


@pytest.fixture
def app_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment the app under test is built from."""
    return {
        "DATABASE_URL": database_url,
        "COMMONS_DATA_DIR": str(tmp_path / "data"),
        "COMMONS_ENV": "test",
        "COMMONS_RUN_WORKER": "false",
        # Tests that read tree heads start a publisher of their own (tests/.../test_proofs_api).
        "COMMONS_HEAD_PUBLISHER": "false",
    }


@pytest.fixture
def app(app_env: dict[str, str]) -> Litestar:
    return create_app(app_env)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """An HTTP client driving the app through its lifespan."""
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def runtime(client: AsyncTestClient[Litestar]) -> Runtime:
    """The running app's runtime (pool, keys, token service)."""
    value: Runtime = client.app.state.runtime
    return value


@pytest.fixture
def admin_token(runtime: Runtime) -> str:
    return runtime.tokens.issue("admin", admin=True)


class GraphQL:
    """POST /graphql helper returning the decoded JSON body."""

    def __init__(self, client: AsyncTestClient[Litestar]) -> None:
        self.client = client

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        status: int = 200,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == status, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def gql(client: AsyncTestClient[Litestar]) -> GraphQL:
    return GraphQL(client)
