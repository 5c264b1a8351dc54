"""Delegation resolved at close: transitive, per kind, overridden by direct ballots,
revocable, cycles ignored."""

from __future__ import annotations

import asyncpg
import pytest

from governance import service, voters
from ledger.kernel.errors import Forbidden, InvalidInput, NotFound
from ledger.register.models import Project
from tests.integration.governance.conftest import MakeProposal, expire, people, set_setting


async def delegate(
    pool: asyncpg.Pool, project: Project, a: int, b: int, kind: str | None = None
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await voters.delegate(conn, project, a, b, kind, "x")


async def test_delegation_needs_the_project_to_enable_it(
    pool: asyncpg.Pool, project: Project
) -> None:
    ann, bob = await people(pool, "Ann", "Bob")
    with pytest.raises(Forbidden):
        await delegate(pool, project, ann, bob)
    project = await set_setting(pool, project, service.DELEGATION, True)
    with pytest.raises(InvalidInput):
        await delegate(pool, project, ann, ann)
    with pytest.raises(InvalidInput):
        await delegate(pool, project, ann, bob, "everything")
    with pytest.raises(NotFound):
        await delegate(pool, project, ann, 999_999)


async def test_votes_flow_through_chains_per_kind_and_direct_ballots_override(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    project = await set_setting(pool, project, service.DELEGATION, True)
    ann, bob, cy, dee, eve, fay = await people(pool, "Ann", "Bob", "Cy", "Dee", "Eve", "Fay")
    everyone = [ann, bob, cy, dee, eve, fay]
    await delegate(pool, project, ann, bob)  # ann -> bob -> cy (transitive)
    await delegate(pool, project, bob, cy)
    await delegate(pool, project, dee, cy)  # global, but overridden for policy:
    await delegate(pool, project, dee, eve, "policy")
    await delegate(pool, project, fay, cy)  # fay votes herself: direct overrides
    proposal = await make_proposal(kind="policy", voters=everyone, on=project)
    for voter, choice in ((cy, "yes"), (eve, "no"), (fay, "no")):
        async with pool.acquire() as conn, conn.transaction():
            await service.cast(conn, project.id, proposal.id, voter, {"choice": choice}, "v")
    async with pool.acquire() as conn, conn.transaction():
        await voters.revoke(conn, project, bob, None, "bob")  # chain ann -> bob is cut
    await expire(pool, proposal)
    async with pool.acquire() as conn, conn.transaction():
        closed = await service.close(conn, project, proposal.id, "closer")
    sheet = await pool.fetchval(
        "SELECT body->'sheet' FROM journal_events WHERE project_id = $1 AND type = 'proposal.closed'",
        project.id,
    )
    assert [(r["voter"], r["cast_by"]) for r in sheet] == [
        (cy, cy),
        (dee, eve),
        (eve, eve),
        (fay, fay),
    ]
    assert closed.result is not None
    assert closed.result["details"]["yes"] == 1
    assert closed.result["details"]["no"] == 3
    with pytest.raises(NotFound):
        async with pool.acquire() as conn, conn.transaction():
            await voters.revoke(conn, project, bob, None, "bob")


async def test_a_delegation_cycle_is_ignored(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    project = await set_setting(pool, project, service.DELEGATION, True)
    ann, bob, cy = await people(pool, "Ann", "Bob", "Cy")
    await delegate(pool, project, ann, bob)
    await delegate(pool, project, bob, ann)
    proposal = await make_proposal("lazy_consensus", voters=[ann, bob, cy], on=project)
    async with pool.acquire() as conn, conn.transaction():
        await service.cast(conn, project.id, proposal.id, cy, {"choice": "support"}, "cy")
    await expire(pool, proposal)
    async with pool.acquire() as conn, conn.transaction():
        closed = await service.close(conn, project, proposal.id, "closer")
    assert closed.result is not None
    assert closed.result["turnout"] == 1
    assert closed.outcome == "passed"
