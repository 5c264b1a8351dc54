from __future__ import annotations

import asyncio

import asyncpg
import pytest

from app import database
from governance import service
from ledger.register.models import Project
from tests.integration.governance.conftest import MakeProposal, people, set_setting

TABLES = [
    "ballots",
    "delegations",
    "governance_roles",
    "proposal_electors",
    "proposal_secrets",
    "proposals",
]


async def test_the_governance_migration_downgrades_to_nothing_and_upgrades_again(
    database_url: str,
) -> None:
    await asyncio.to_thread(database.downgrade, database_url, "0003")
    conn = await asyncpg.connect(database_url)
    try:
        count = "SELECT count(*) FROM pg_class WHERE relname = any($1::text[])"
        assert await conn.fetchval(count, TABLES) == 0
        await asyncio.to_thread(database.migrate, database_url, "0004")
        assert await conn.fetchval(count, TABLES) == len(TABLES)
    finally:
        await conn.close()


async def test_the_secret_ballot_migration_drops_the_proposal_secrets_and_back(
    database_url: str, pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    project = await set_setting(pool, project, service.SECRET_BALLOTS, True)
    ann, bob = await people(pool, "Ann", "Bob")
    proposal = await make_proposal(voters=[ann, bob], on=project)
    await make_proposal(voters=[ann], on=project, open_it=False)  # a draft needs no secret
    await asyncio.to_thread(database.downgrade, database_url, "0009")
    conn = await asyncpg.connect(database_url)
    try:
        kept = await conn.fetch("SELECT proposal_id, length(secret) AS n FROM proposal_secrets")
        assert [(r["proposal_id"], r["n"]) for r in kept] == [(proposal.id, 32)]
        await asyncio.to_thread(database.migrate, database_url, "head")
        assert await conn.fetchval("SELECT to_regclass('proposal_secrets')") is None
        same = b"\x07" * 32
        insert = (
            "INSERT INTO ballots (project_id, proposal_id, voter_id, ballot, receipt) "
            "VALUES ($1, $2, $3, '{}', $4)"
        )
        await conn.execute(insert, project.id, proposal.id, ann, same)
        with pytest.raises(asyncpg.UniqueViolationError):
            await conn.execute(insert, project.id, proposal.id, bob, same)
    finally:
        await conn.close()
