"""Anyone can recheck a decided proposal from the journal alone, and tampering shows."""

from __future__ import annotations

from dataclasses import replace

import asyncpg
import pytest
from msgspec import structs

from governance import audit, service
from ledger.kernel.errors import NotFound
from ledger.register.models import Project
from tests.integration.governance.conftest import MakeProposal, expire, people


async def test_a_decided_vote_rechecks_clean_and_any_tampering_is_named(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    voters = await people(pool, "Ann", "Bob", "Cy")
    proposal = await make_proposal(
        "schulze", options=["Tabs", "Spaces"], voters=voters, quorum="1/2"
    )
    with pytest.raises(NotFound):
        await audit.published(pool, project.id, proposal.id)
    for voter, ranking in zip(
        voters, (["Tabs"], ["Spaces", "Tabs"], ["Tabs", "Spaces"]), strict=True
    ):
        async with pool.acquire() as conn, conn.transaction():
            await service.cast(conn, project.id, proposal.id, voter, {"ranking": ranking}, "v")
    await expire(pool, proposal)
    async with pool.acquire() as conn, conn.transaction():
        await service.close(conn, project, proposal.id, "closer")
    events = await audit.published(pool, project.id, proposal.id)
    assert audit.recheck(events) == []

    sheet = list(events.closed.sheet)
    sheet[1] = structs.replace(sheet[1], ballot={"ranking": [["Spaces"]]})
    flipped = replace(events, closed=structs.replace(events.closed, sheet=tuple(sheet)))
    assert audit.recheck(flipped) == [
        "the tally sheet does not hash to the published sheet hash",
        "recounting the sheet gives another result than the published one",
    ]
    dropped = replace(events, opened=structs.replace(events.opened, electors=tuple(voters[:2])))
    assert audit.recheck(dropped) == [
        "the elector list does not hash to the published electorate hash",
        "the sheet counts a voter twice or someone outside the electorate",
        "the sheet holds more ballots than there are electors",
        "recounting the sheet gives another result than the published one",
    ]
    claimed = replace(events, decided=structs.replace(events.decided, outcome="failed"))
    assert audit.recheck(claimed) == ["recount says passed, the decision says failed"]
