from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import pytest

from ledger.register import people
from ledger.register.contributions import record_contributions
from ledger.register.models import Contribution, NewContribution, Project
from ledger.register.projects import ProjectInput, create_project


def at(day: int, month: int = 1, year: int = 2025) -> datetime:
    """Noon UTC of a day."""
    return datetime(year, month, day, 12, tzinfo=UTC)


@dataclass
class World:
    """A project with two people (Ada: ada@example.org, Bob: bob@corp.example)."""

    project: Project
    ada: int
    bob: int


@pytest.fixture
async def world(pool: asyncpg.Pool) -> World:
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(
            conn, ProjectInput("demo", "Demo", outbound_license="GPL-2.0-or-later"), "admin"
        )
        ada, _ = await people.link_identity(
            conn,
            project.id,
            source="github",
            external_id="1",
            contributor_id=None,
            login="ada",
            email="Ada@Example.org",
            email_verified=True,
            display_name="Ada",
            actor="admin",
        )
        bob, _ = await people.link_identity(
            conn,
            project.id,
            source="github",
            external_id="2",
            contributor_id=None,
            login="bob",
            email="bob@corp.example",
            email_verified=True,
            display_name="Bob",
            actor="admin",
        )
    return World(project, ada.contributor_id, bob.contributor_id)


async def contribute(
    pool: asyncpg.Pool,
    project_id: int,
    contributor: int,
    when: datetime,
    key: str,
    kind: str = "code",
    metadata: Mapping[str, object] | None = None,
) -> Contribution:
    """Record one contribution and return it."""
    async with pool.acquire() as conn, conn.transaction():
        item = NewContribution(contributor, kind, when, "git", key, metadata=dict(metadata or {}))
        (done,) = await record_contributions(conn, project_id, [item], "intake")
    return done.contribution
