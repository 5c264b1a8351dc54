"""Secret ballots through the service: fresh receipts, nothing journaled while open, a
sheet of standing ballots in receipt order beside the list of who voted."""

from __future__ import annotations

import asyncpg

from governance import audit, service
from governance.count import recount
from ledger.register.models import Project
from tests.integration.governance.conftest import MakeProposal, expire, people, set_setting


async def test_secret_ballots_journal_nothing_until_close_then_the_sheet_and_who_voted(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    project = await set_setting(pool, project, service.SECRET_BALLOTS, True)
    ann, bob, cy, dee = await people(pool, "Ann", "Bob", "Cy", "Dee")
    proposal = await make_proposal(
        "approval", options=["red", "blue"], voters=[ann, bob, cy, dee], on=project
    )
    assert proposal.secret
    before = await pool.fetchval("SELECT count(*) FROM journal_events")
    casts = {}
    for voter, chosen in ((ann, ["red"]), (bob, ["red", "blue"]), (cy, ["blue"])):
        async with pool.acquire() as conn, conn.transaction():
            casts[voter] = await service.cast(
                conn, project.id, proposal.id, voter, {"approve": chosen}, f"user{voter}"
            )
    async with pool.acquire() as conn, conn.transaction():
        changed = await service.cast(conn, project.id, proposal.id, cy, {"approve": ["red"]}, "c")
    assert await pool.fetchval("SELECT count(*) FROM journal_events") == before
    assert changed.revision == 2
    receipts = [c.receipt for c in (*casts.values(), changed)]
    assert all(r is not None and len(r) == 32 for r in receipts)
    assert len(set(receipts)) == 4

    await expire(pool, proposal)
    async with pool.acquire() as conn, conn.transaction():
        closed = await service.close(conn, project, proposal.id, "closer")
    assert closed.result is not None
    assert closed.result["winners"] == ["red"]
    events = await audit.published(pool, project.id, proposal.id)
    assert audit.recheck(events) == []
    assert events.closed.voters == (ann, bob, cy)  # Dee abstained
    sheet = {str(row.receipt): row.ballot for row in events.closed.sheet}
    assert list(sheet) == sorted(sheet)
    hexed = {voter: (cast.receipt or b"").hex() for voter, cast in casts.items()}
    assert sheet == {
        hexed[ann]: {"approve": ["red"]},
        hexed[bob]: {"approve": ["red", "blue"]},
        (changed.receipt or b"").hex(): {"approve": ["red"]},
    }  # Cy's replaced ballot and its receipt are gone
    rows = [{"receipt": k, "ballot": v} for k, v in sheet.items()]
    again = recount(rows, "approval", ("red", "blue"), proposal.params, proposal.quorum, 4)
    assert again.result() == closed.result
    types = await pool.fetch(
        "SELECT type FROM journal_events WHERE project_id = $1 AND seq > $2 ORDER BY seq",
        project.id,
        before,
    )
    assert [t["type"] for t in types] == ["proposal.closed", "proposal.decided"]
