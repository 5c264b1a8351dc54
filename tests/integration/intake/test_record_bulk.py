"""A history import's batch with sign-offs (``intake.record`` in bulk): a commit's
grant recorded, then extended by a later batch's co-authored work, then nothing on a
re-import; and when both the grant encoding and the load fail, the load's error is
raised and no task is left with an error nobody read."""

from __future__ import annotations

import asyncio
import gc
from datetime import UTC, datetime

import asyncpg
import pytest

import ledger.register.rollups as rollups
import licenses.dco.bulk as dco_bulk
from intake.payload import Activity, Actor
from intake.record import record_activities
from ledger.journal import chain as journal
from ledger.register.projects import ProjectInput, create_project

T0 = datetime(2026, 1, 1, tzinfo=UTC)
SHA = "a" * 40
ADA = Actor("git", "ada@example.org", None, "Ada", "ada@example.org")


def _signed(key: str) -> Activity:
    return Activity(ADA, "code", T0, key, None, {"commit": SHA}, signoffs=(ADA,))


async def _record(pool: asyncpg.Pool, project_id: int, key: str) -> int:
    async with pool.acquire() as conn, conn.transaction():
        return await record_activities(conn, project_id, [_signed(key)], "git", "i", bulk=True)


async def test_a_later_batch_extends_the_commits_grant_and_a_reimport_adds_nothing(
    pool: asyncpg.Pool,
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput("q", "Q"), "admin")
    assert await _record(pool, project.id, f"git:{SHA}") == 1
    assert await _record(pool, project.id, f"git:{SHA}:co") == 1
    assert await _record(pool, project.id, f"git:{SHA}:co") == 0
    async with pool.acquire() as conn:
        check = await journal.verify(conn, project.id)
        types = [
            r["type"]
            for r in await conn.fetch(
                "SELECT type FROM journal_events WHERE project_id = $1 ORDER BY seq", project.id
            )
        ]
        links = await conn.fetchval("SELECT count(*) FROM grant_contributions")
    assert check.ok, check.reason
    assert links == 2
    assert (types.count("grant.recorded"), types.count("grant.extended")) == (1, 1)
    # the DCO text is published before the first batch's contributions are journaled
    assert types.index("agreement.published") < types.index("contribution.recorded")


async def test_when_encoding_and_load_both_fail_the_loads_error_is_raised_and_none_is_lost(
    pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def bad_encode(self: object, step: int = 64) -> object:
        raise RuntimeError("encode failed")

    async def bad_write(self: object, conn: object, project_id: int) -> None:
        await asyncio.sleep(0.05)
        raise RuntimeError("tally failed")

    monkeypatch.setattr(dco_bulk.Prepared, "encode", bad_encode)
    monkeypatch.setattr(rollups.Tally, "write", bad_write)
    seen: list[dict[str, object]] = []
    asyncio.get_running_loop().set_exception_handler(lambda _loop, ctx: seen.append(ctx))
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput("r", "R"), "admin")
    with pytest.raises(RuntimeError, match="tally"):
        await _record(pool, project.id, f"git:{SHA}")
    gc.collect()
    await asyncio.sleep(0)
    assert not seen, seen
    assert await pool.fetchval("SELECT count(*) FROM contributions") == 0
