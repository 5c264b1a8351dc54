from __future__ import annotations

import asyncpg

from governance import closer, store
from ledger.register.models import Project
from tests.integration.governance.conftest import MakeProposal, expire, people


async def test_the_background_closer_closes_due_proposals_and_stops_with_its_owner(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal
) -> None:
    (ann,) = await people(pool, "Ann")
    due = await make_proposal("lazy_consensus", voters=[ann])
    await expire(pool, due)
    async with closer.running(pool, interval=3600) as running:
        assert running is not None
        await running.passed.wait()
        assert running.closed == 1
    assert (await store.get(pool, project.id, due.id)).outcome == "passed"


async def test_a_disabled_closer_does_not_run(pool: asyncpg.Pool) -> None:
    async with closer.running(pool, enabled=False) as running:
        assert running is None
