from __future__ import annotations

import asyncio
import json

import asyncpg
from click.testing import CliRunner

from app.cli import main
from governance import service
from ledger.register.models import Project
from tests.integration.governance.conftest import MakeProposal, expire, people


async def test_the_cli_closes_due_proposals_and_rechecks_them_from_the_journal(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal, database_url: str
) -> None:
    (ann,) = await people(pool, "Ann")
    proposal = await make_proposal(voters=[ann])
    async with pool.acquire() as conn, conn.transaction():
        await service.cast(conn, project.id, proposal.id, ann, {"choice": "yes"}, "ann")
    await expire(pool, proposal)
    runner = CliRunner()
    env = {"DATABASE_URL": database_url}
    closed = await asyncio.to_thread(runner.invoke, main, ["governance", "close-due"], env=env)
    assert (closed.exit_code, closed.output) == (0, f"project {project.id} proposal 1: passed\n")
    args = ["governance", "recheck", "--project", "commons", "--number", "1"]
    checked = await asyncio.to_thread(runner.invoke, main, args, env=env)
    assert checked.exit_code == 0
    assert json.loads(checked.output) == {"project": "commons", "proposal": 1, "problems": []}
    missing = await asyncio.to_thread(runner.invoke, main, [*args[:-1], "2"], env=env)
    assert missing.exit_code == 1
    assert "proposal 2 has no proposal.created event" in missing.output
