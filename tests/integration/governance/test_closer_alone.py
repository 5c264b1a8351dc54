"""The proposal closer runs on one process at a time, however many serve the database."""

from __future__ import annotations

import asyncpg

from governance import closer, store
from ledger.kernel.periodic import lock_of
from ledger.register.models import Project
from tests.integration.governance.conftest import MakeProposal, expire, people


async def test_a_closer_pass_waits_its_turn_while_another_process_closes(
    pool: asyncpg.Pool, project: Project, make_proposal: MakeProposal, database_url: str
) -> None:
    (ann,) = await people(pool, "Ann")
    due = await make_proposal("lazy_consensus", voters=[ann])
    await expire(pool, due)
    other = await asyncpg.connect(database_url)  # another process's closer, mid-pass
    try:
        assert await other.fetchval("SELECT pg_try_advisory_lock($1)", lock_of(closer.TASK))
        assert await closer.Closer(pool).run_once() == 0
        assert (await store.get(pool, project.id, due.id)).outcome is None
        await other.execute("SELECT pg_advisory_unlock($1)", lock_of(closer.TASK))
        assert await closer.Closer(pool).run_once() == 1
    finally:
        await other.close()
    assert (await store.get(pool, project.id, due.id)).outcome == "passed"
