"""Fixtures for governance against a real database: a project, contributors with
credit, and proposals built through the service."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from app.runtime import Runtime
from governance import service
from governance.electorate import Rule
from governance.models import Proposal, check_draft
from ledger.register.contributions import record_contributions
from ledger.register.models import NewContribution, Project
from ledger.register.people import create_contributor
from ledger.register.projects import ProjectInput, create_project, update_settings
from tests.conftest import GraphQL

MakeProposal = Callable[..., Awaitable[Proposal]]
serial = itertools.count()


@pytest.fixture
async def project(pool: asyncpg.Pool) -> Project:
    async with pool.acquire() as conn, conn.transaction():
        return await create_project(conn, ProjectInput("commons", "Commons"), "admin")


async def set_setting(pool: asyncpg.Pool, project: Project, key: str, value: Any) -> Project:
    async with pool.acquire() as conn, conn.transaction():
        return await update_settings(conn, project, key, value, "admin")


async def people(pool: asyncpg.Pool, *names: str, bot: bool = False) -> list[int]:
    async with pool.acquire() as conn:
        return [(await create_contributor(conn, n, is_bot=bot)).id for n in names]


async def contribute(
    pool: asyncpg.Pool, project: Project, contributor: int, count: int, ago_days: int = 1
) -> None:
    when = datetime.now(UTC) - timedelta(days=ago_days)
    items = [
        NewContribution(contributor, "code", when, "manual", f"c{contributor}-{ago_days}-{i}")
        for i in range(count)
    ]
    async with pool.acquire() as conn, conn.transaction():
        await record_contributions(conn, project.id, items, "admin")


async def expire(pool: asyncpg.Pool, proposal: Proposal) -> None:
    """Move the closing time into the past (the database clock then judges it due)."""
    await pool.execute(
        "UPDATE proposals SET closes_at = clock_timestamp() - interval '1 second' "
        "WHERE project_id = $1 AND id = $2",
        proposal.project_id,
        proposal.id,
    )


@pytest.fixture
def make_proposal(pool: asyncpg.Pool, project: Project) -> MakeProposal:
    async def make(
        method: str = "majority",
        *,
        kind: str = "general",
        options: list[str] | None = None,
        params: Any = None,
        voters: list[int] | None = None,
        rule: Rule | None = None,
        quorum: str = "0",
        action: dict[str, Any] | None = None,
        open_it: bool = True,
        on: Project | None = None,
    ) -> Proposal:
        target = on or project
        draft = check_draft(
            "Adopt the thing",
            "Because.",
            kind,
            options or [],
            method,
            params,
            rule or Rule(contributors=tuple(sorted(voters or []))),
            quorum,
            action or {},
        )
        closes = datetime.now(UTC) + timedelta(days=7)
        async with pool.acquire() as conn, conn.transaction():
            proposal, _ = await service.create(
                conn, target, draft, closes, "mia", key=f"proposal-{next(serial)}"
            )
            if open_it:
                proposal = await service.open_(conn, target.id, proposal.id, "mia")
        return proposal

    return make


@pytest.fixture
async def setup(
    gql: GraphQL, admin_token: str, runtime: Runtime, pool: asyncpg.Pool
) -> dict[str, Any]:
    body = await gql(
        'mutation { createProject(input: {slug: "wiki", name: "Wiki"}) { __typename } }',
        token=admin_token,
    )
    assert body == {"data": {"createProject": {"__typename": "ProjectPayload"}}}
    ann, bob, cy = await people(pool, "Ann", "Bob", "Cy")
    return {
        "ids": (ann, bob, cy),
        "maintainer": runtime.tokens.issue("mia", roles={"wiki": "maintainer"}),
        "tokens": {
            c: runtime.tokens.issue(f"user{c}", roles={"wiki": "member"}, contributor_id=c)
            for c in (ann, bob, cy)
        },
    }
