from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

import asyncpg
import pytest

from app.main import PUBLIC_CHECKS
from ledger.journal.checker import Checker
from ledger.register.models import Project
from ledger.register.projects import ProjectInput, create_project

CheckPass = Callable[[], Awaitable[int]]


@pytest.fixture
async def project(pool: asyncpg.Pool) -> Project:
    """A fresh project ``demo`` (journal: project.created, credit_policy.set)."""
    async with pool.acquire() as conn, conn.transaction():
        return await create_project(conn, ProjectInput("demo", "Demo"), "admin")


@pytest.fixture
def check(pool: asyncpg.Pool) -> CheckPass:
    """One pass of the background checker over every project, as the app runs it."""

    async def run() -> int:
        return await Checker(pool, PUBLIC_CHECKS).run_once()

    return run


@pytest.fixture
def today() -> date:
    """The database's day (UTC) when the test starts: read per test, never once for
    the whole run, which may cross midnight (and a month's end)."""
    return datetime.now(UTC).date()
