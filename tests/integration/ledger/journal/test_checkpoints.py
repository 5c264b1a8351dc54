"""The chain's checkpoint: appends keep it at the head, the background checker catches
it up after loads that bypass it (once, whoever runs it), a break is named and kept, an
append onto a head that does not name the last event is refused, and a full recheck
finds what checking forward cannot."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from app.runtime import Runtime
from ledger.journal import chain as journal
from ledger.journal import checkpoints
from ledger.kernel.errors import Conflict, ConflictCode
from ledger.register.bulk import bulk_load
from ledger.register.models import NewContribution, Project
from ledger.register.people import create_contributor
from tests.conftest import GraphQL
from tests.integration.ledger.conftest import CheckPass
from tests.integration.ledger.journal.test_chain import append, tamper

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def maintainer_of_demo(runtime: Runtime) -> str:
    return runtime.tokens.issue("mia", roles={"demo": "maintainer"})


async def load(pool: asyncpg.Pool, project: Project, n: int) -> None:
    """``n`` contributions with their events, by the bulk path (which moves the head only)."""
    async with pool.acquire() as conn:
        ada = (await create_contributor(conn, "Ada")).id
        items = [
            NewContribution(ada, "code", T0 + timedelta(minutes=i), "git", f"c{i}")
            for i in range(n)
        ]
        async with conn.transaction():
            await bulk_load(conn, project.id, items, "import", batch_size=50)


async def test_appends_keep_the_checkpoint_at_the_head(
    pool: asyncpg.Pool, project: Project
) -> None:
    for n in range(5):
        await append(pool, project.id, n)
    known = await checkpoints.status(pool, project.id)
    _, head_hash = await journal.head(pool, project.id)
    assert (known.length, known.checked, known.pending, known.ok) == (7, 7, 0, True)
    assert (known.hash, known.checked_at is not None) == (head_hash, True)
    assert await checkpoints.lagging(pool) == []


async def test_the_checker_catches_up_after_a_bulk_load_in_bounded_steps(
    pool: asyncpg.Pool, project: Project
) -> None:
    await load(pool, project, 120)
    await append(pool, project.id, 0)  # the checkpoint is behind: this append leaves it
    before = await checkpoints.status(pool, project.id)
    assert (before.length, before.checked, before.pending) == (123, 2, 121)
    assert await checkpoints.lagging(pool) == [project.id]
    steps = []
    while await checkpoints.lagging(pool):
        async with pool.acquire() as conn:
            steps.append(await checkpoints.advance(conn, project.id, batch=50, chunk=7))
    after = await checkpoints.status(pool, project.id)
    assert steps == [50, 50, 21]
    assert (after.checked, after.pending, after.ok) == (123, 0, True)
    assert after.hash == (await journal.head(pool, project.id))[1]
    await append(pool, project.id, 1)  # caught up: appends move it again
    assert (await checkpoints.status(pool, project.id)).checked == 124


async def test_two_checkers_on_one_database_check_each_event_once(
    pool: asyncpg.Pool, project: Project
) -> None:
    await load(pool, project, 300)

    async def one() -> int:
        async with pool.acquire() as conn:
            return await checkpoints.advance(conn, project.id)

    looked = await asyncio.gather(one(), one())
    assert sorted(looked) == [0, 300]
    assert (await checkpoints.status(pool, project.id)).checked == 302


async def test_a_tampered_event_past_the_checkpoint_is_named_and_the_break_kept(
    pool: asyncpg.Pool, project: Project, check: CheckPass
) -> None:
    await load(pool, project, 30)
    await tamper(
        pool,
        "UPDATE journal_events SET actor = 'mallory' WHERE project_id = $1 AND seq = 20",
        project.id,
    )
    await check()
    known = await checkpoints.status(pool, project.id)
    assert (known.ok, known.checked, known.broken_seq, known.reason, known.pending) == (
        False,
        19,
        20,
        "hash does not match the event's content",
        0,
    )
    assert await checkpoints.lagging(pool) == []


async def test_a_missing_event_at_the_end_is_named(pool: asyncpg.Pool, project: Project) -> None:
    await load(pool, project, 10)
    await tamper(pool, "DELETE FROM journal_events WHERE project_id = $1 AND seq = 12", project.id)
    async with pool.acquire() as conn:
        await checkpoints.advance(conn, project.id)
    known = await checkpoints.status(pool, project.id)
    assert (known.checked, known.broken_seq, known.reason) == (
        11,
        12,
        "event missing before the head",
    )


async def test_an_append_onto_a_head_that_does_not_name_the_last_event_is_refused(
    pool: asyncpg.Pool, project: Project
) -> None:
    await tamper(
        pool, "UPDATE journal_heads SET hash = $2 WHERE project_id = $1", project.id, b"\x01" * 32
    )
    with pytest.raises(Conflict) as refused:
        await append(pool, project.id, 0)
    assert refused.value.code is ConflictCode.JOURNAL_BROKEN
    assert await pool.fetchval("SELECT count(*) FROM journal_events") == 2


async def test_a_full_recheck_finds_an_edit_behind_the_checkpoint_and_records_it(
    pool: asyncpg.Pool, project: Project
) -> None:
    for n in range(4):
        await append(pool, project.id, n)
    await tamper(
        pool,
        "UPDATE journal_events SET actor = 'mallory' WHERE project_id = $1 AND seq = 3",
        project.id,
    )
    assert (await checkpoints.status(pool, project.id)).ok  # checking forward cannot see it
    async with pool.acquire() as conn:
        result = await checkpoints.recheck(conn, project.id)
    known = await checkpoints.status(pool, project.id)
    assert (result.broken_seq, known.broken_seq, known.checked, known.ok) == (3, 3, 2, False)


VERIFY = """
query($full: Boolean! = false) { project(slug: "demo") { journal {
  verify(full: $full) { ok checked length pending brokenSeq reason headHash full } } } }
"""


async def test_anyone_reads_how_far_the_chain_is_verified_and_admins_recheck_it(
    pool: asyncpg.Pool, project: Project, gql: GraphQL, admin_token: str, maintainer_of_demo: str
) -> None:
    await load(pool, project, 10)
    await tamper(
        pool,
        "UPDATE journal_events SET actor = 'mallory' WHERE project_id = $1 AND seq = 5",
        project.id,
    )
    public = await gql(VERIFY)
    refused = await gql(VERIFY, {"full": True}, maintainer_of_demo)
    full = await gql(VERIFY, {"full": True}, admin_token)
    _, head_hash = await journal.head(pool, project.id)
    assert public["data"]["project"]["journal"]["verify"] == {
        "ok": True,
        "checked": 2,
        "length": 12,
        "pending": 10,
        "brokenSeq": None,
        "reason": "",
        "headHash": (await pool.fetchval("SELECT hash FROM journal_events WHERE seq = 2")).hex(),
        "full": False,
    }
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["forbidden"]
    assert full["data"]["project"]["journal"]["verify"] == {
        "ok": False,
        "checked": 4,
        "length": 12,
        "pending": 0,
        "brokenSeq": 5,
        "reason": "hash does not match the event's content",
        "headHash": (await pool.fetchval("SELECT hash FROM journal_events WHERE seq = 4")).hex(),
        "full": True,
    }
    assert head_hash != bytes.fromhex(full["data"]["project"]["journal"]["verify"]["headHash"])
