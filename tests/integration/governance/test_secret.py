"""Secret ballots: receipts only the voter can recompute, a sheet anyone can recount."""

from __future__ import annotations

import asyncpg

from governance import receipts, service
from governance.count import recount
from ledger.register.models import Project
from tests.integration.governance.conftest import MakeProposal, expire, people, set_setting


async def test_secret_ballots_publish_receipts_not_voters_and_recount_to_the_result(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    project = await set_setting(pool, project, service.SECRET_BALLOTS, True)
    ann, bob, cy = await people(pool, "Ann", "Bob", "Cy")
    proposal = await make_proposal(
        "approval", options=["red", "blue"], voters=[ann, bob, cy], on=project
    )
    assert proposal.secret
    casts = {}
    for voter, chosen in ((ann, ["red"]), (bob, ["red", "blue"]), (cy, ["blue"])):
        async with pool.acquire() as conn, conn.transaction():
            casts[voter] = await service.cast(
                conn, project.id, proposal.id, voter, {"approve": chosen}, f"user{voter}"
            )
    async with pool.acquire() as conn, conn.transaction():
        changed = await service.cast(conn, project.id, proposal.id, cy, {"approve": ["red"]}, "c")
    assert changed.voter_key == casts[cy].voter_key
    assert changed.receipt != casts[cy].receipt
    await expire(pool, proposal)
    async with pool.acquire() as conn, conn.transaction():
        closed = await service.close(conn, project, proposal.id, "closer")
    assert closed.result is not None
    assert closed.result["winners"] == ["red"]
    sheet = await pool.fetchval(
        "SELECT body->'sheet' FROM journal_events WHERE project_id = $1 AND type = 'proposal.closed'",
        project.id,
    )
    assert all(set(row) == {"receipt", "ballot"} for row in sheet)
    assert [r["receipt"] for r in sheet] == sorted(r["receipt"] for r in sheet)
    mine = {r["receipt"]: r["ballot"] for r in sheet}
    key = casts[ann].voter_key
    assert key is not None
    assert mine[receipts.receipt(key, {"approve": ["red"]}).hex()] == {"approve": ["red"]}
    assert changed.receipt is not None
    assert changed.receipt.hex() in mine
    replaced = casts[cy].receipt
    assert replaced is not None
    assert replaced.hex() not in mine
    again = recount(sheet, "approval", ("red", "blue"), proposal.params, proposal.quorum, 3)
    assert again.result() == closed.result
    cast_events = await pool.fetch(
        "SELECT actor, body FROM journal_events WHERE project_id = $1 AND type = 'ballot.cast'",
        project.id,
    )
    assert {e["actor"] for e in cast_events} == {service.SECRET_ACTOR}
    assert all(set(e["body"]) == {"proposal_id", "receipt"} for e in cast_events)
