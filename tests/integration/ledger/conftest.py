from __future__ import annotations

import asyncpg
import pytest

from ledger.register.models import Project
from ledger.register.projects import ProjectInput, create_project


@pytest.fixture
async def project(pool: asyncpg.Pool) -> Project:
    """A fresh project ``demo`` (journal: project.created, credit_policy.set)."""
    async with pool.acquire() as conn, conn.transaction():
        return await create_project(conn, ProjectInput("demo", "Demo"), "admin")
