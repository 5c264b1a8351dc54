from __future__ import annotations

import asyncio

import asyncpg
import pytest

from ledger.journal import chain as journal
from ledger.journal.events.register import KindDefined
from ledger.register.models import Project


async def append(pool: asyncpg.Pool, project_id: int, n: int) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await journal.append_event(
            conn, project_id, KindDefined(kind=f"k{n}", description=""), "writer"
        )


async def test_many_concurrent_writers_produce_one_unbroken_chain(
    pool: asyncpg.Pool, project: Project
) -> None:
    await asyncio.gather(*(append(pool, project.id, n) for n in range(200)))
    async with pool.acquire() as conn:
        check = await journal.verify(conn, project.id)
        seqs = await conn.fetchval(
            "SELECT array_agg(seq ORDER BY seq) FROM journal_events WHERE project_id = $1",
            project.id,
        )
    assert check.ok, check.reason
    assert check.checked == 202
    assert seqs == list(range(1, 203))


async def test_the_database_refuses_to_update_delete_or_truncate_the_journal(
    pool: asyncpg.Pool, project: Project
) -> None:
    for statement in (
        "UPDATE journal_events SET actor = 'mallory'",
        "DELETE FROM journal_events",
        "TRUNCATE journal_events CASCADE",
    ):
        with pytest.raises(asyncpg.RestrictViolationError, match="append-only"):
            await pool.execute(statement)
    assert await pool.fetchval("SELECT count(*) FROM journal_events") == 2


async def tamper(pool: asyncpg.Pool, statement: str, *args: object) -> None:
    """Rewrite history as a superuser would, bypassing the append-only trigger."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute(statement, *args)


@pytest.fixture
async def ten_events(pool: asyncpg.Pool, project: Project) -> Project:
    for n in range(8):
        await append(pool, project.id, n)
    return project


async def verdict(pool: asyncpg.Pool, project: Project) -> tuple[int | None, str]:
    async with pool.acquire() as conn:
        check = await journal.verify(conn, project.id)
    return check.broken_seq, check.reason


async def test_verify_names_an_edited_event(pool: asyncpg.Pool, ten_events: Project) -> None:
    await tamper(
        pool,
        "UPDATE journal_events SET body = '{\"n\": 99}' WHERE project_id = $1 AND seq = 6",
        ten_events.id,
    )
    assert await verdict(pool, ten_events) == (6, "hash does not match the event's content")


async def test_verify_names_a_deleted_event(pool: asyncpg.Pool, ten_events: Project) -> None:
    await tamper(
        pool, "DELETE FROM journal_events WHERE project_id = $1 AND seq = 4", ten_events.id
    )
    broken, reason = await verdict(pool, ten_events)
    assert broken == 4
    assert "missing or reordered" in reason


async def test_verify_names_the_first_of_two_reordered_events(
    pool: asyncpg.Pool, ten_events: Project
) -> None:
    for old, new in ((7, 1000), (8, 7), (1000, 8)):
        await tamper(
            pool,
            "UPDATE journal_events SET seq = $3 WHERE project_id = $1 AND seq = $2",
            ten_events.id,
            old,
            new,
        )
    broken, _ = await verdict(pool, ten_events)
    assert broken == 7


async def test_verify_names_a_truncated_tail(pool: asyncpg.Pool, ten_events: Project) -> None:
    await tamper(
        pool, "DELETE FROM journal_events WHERE project_id = $1 AND seq = 10", ten_events.id
    )
    assert await verdict(pool, ten_events) == (10, "event missing before the head")


async def test_an_intact_journal_verifies(pool: asyncpg.Pool, ten_events: Project) -> None:
    assert await verdict(pool, ten_events) == (None, "")


async def test_events_page_by_sequence_number(pool: asyncpg.Pool, ten_events: Project) -> None:
    first = await journal.page(pool, ten_events.id, 0, 4)
    rest = await journal.page(pool, ten_events.id, first[-1].seq, 100)
    assert [e.seq for e in first + rest] == list(range(1, 11))
    assert [e.type for e in first[:2]] == ["project.created", "credit_policy.set"]
