"""The demo commons as a stranger meets it: seeded once per test, served by an app
whose query limits let one query select a whole root field, with a second project
whose maintainer tries to reach the demo's people."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.demo import seed_demo
from app.demo.forge import ANONYMOUS_EDITOR
from app.main import create_app
from app.runtime import Runtime
from ledger.register import projects
from tests.conftest import GraphQL

ROOMY = {
    "COMMONS_GRAPHQL_MAX_DEPTH": "30",
    "COMMONS_GRAPHQL_MAX_TOKENS": "200000",
    "COMMONS_GRAPHQL_MAX_COST": "100000000",
    "COMMONS_MAX_BODY": "4194304",
    "COMMONS_RATE_LIMIT": "0",
}
# Text of the demo's webhook deliveries that only the raw payloads hold.
PAYLOAD_FRAGMENTS = ["Speed up tile rendering", "Co-authored-by", "Signed-off-by", "refs/heads/"]


@dataclass
class Commons:
    """The seeded demo: its year, and the personal values its register holds."""

    year: str
    emails: list[str]
    personal: list[str]


@pytest.fixture
async def roomy(app_env: dict[str, str]) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """The app under test with query limits a schema walk fits in."""
    async with AsyncTestClient(app=create_app({**app_env, **ROOMY})) as client:
        yield client


@pytest.fixture
def gql_roomy(roomy: AsyncTestClient[Litestar]) -> GraphQL:
    return GraphQL(roomy)


@pytest.fixture
def runtime_roomy(roomy: AsyncTestClient[Litestar]) -> Runtime:
    value: Runtime = roomy.app.state.runtime
    return value


@pytest.fixture
async def commons(pool: asyncpg.Pool) -> Commons:
    """The demo commons plus project ``other``, whose maintainer is the attacker."""
    await seed_demo(pool, contributors=40, contributions=400)
    async with pool.acquire() as conn, conn.transaction():
        await projects.create_project(conn, projects.ProjectInput("other", "Other"), "admin")
    year = await pool.fetchval("SELECT to_char(max(occurred_at), 'YYYY') FROM contributions")
    emails = [r[0] for r in await pool.fetch("SELECT email FROM identities WHERE email > ''")]
    return Commons(year, emails, [*emails, ANONYMOUS_EDITOR])
