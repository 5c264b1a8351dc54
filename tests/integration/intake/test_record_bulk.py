"""A history import's batch with sign-offs (``intake.record`` in bulk): a commit's
grant recorded, then extended by a later batch's co-authored work, then nothing on a
re-import; and when both the grant encoding and the load fail, the load's error is
raised and no task is left with an error nobody read."""

from __future__ import annotations

import asyncio
import gc
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

import ledger.register.rollups as rollups
import licenses.dco.bulk as dco_bulk
import licenses.dco.copy as dco_copy
from intake.payload import Activity, Actor
from intake.record import record_activities
from ledger.journal import chain as journal
from ledger.kernel.errors import Conflict
from ledger.register.bulk.encode import Cursor
from ledger.register.projects import ProjectInput, create_project
from licenses.agreements import ensure_dco, publish_agreement

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
    async def bad_encode(self: object, *args: object) -> object:
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


BOB = Actor("git", "bob@example.org", None, "Bob", "bob@example.org")
# A new DCO text takes effect now or later: the last commit is dated after it.
LATER = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
_GRANTS = """
SELECT to_jsonb(g) - 'id' - 'project_id' - 'recorded_at' AS grant,
    array(SELECT c.natural_key FROM grant_contributions gc
          JOIN contributions c ON c.project_id = gc.project_id AND c.id = gc.contribution_id
          WHERE gc.project_id = g.project_id AND gc.grant_id = g.id ORDER BY 1) AS covers
FROM grants g WHERE g.project_id = $1 ORDER BY g.natural_key
"""
_TYPES = "SELECT type FROM journal_events WHERE project_id = $1 ORDER BY seq"
_KEYS = "SELECT id, natural_key FROM {table} WHERE project_id = $1"
_EVENTS = """
SELECT body FROM journal_events WHERE project_id = $1 AND type = 'grant.recorded' ORDER BY seq
"""


def _history() -> list[Activity]:
    """Signed work: a self-signed commit; a co-authored one both people signed; one the
    author did not sign (its signer's grant would cover someone else's work); and one
    from a delivery, dated after the project's second DCO text came into force."""
    shas = [c * 40 for c in "bcde"]
    return [
        Activity(ADA, "code", T0, f"git:{shas[0]}", None, {"commit": shas[0]}, signoffs=(ADA,)),
        Activity(
            ADA, "code", T0, f"git:{shas[1]}", None, {"commit": shas[1]},
            co_authors=(BOB,), signoffs=(ADA, BOB),
        ),
        Activity(
            BOB, "code", T0, f"git:{shas[1]}:co:bob", None, {"commit": shas[1]},
            signoffs=(ADA, BOB),
        ),
        Activity(BOB, "code", T0, f"git:{shas[2]}", None, {"commit": shas[2]}, signoffs=(ADA,)),
        Activity(
            ADA, "code", LATER, f"git:{shas[3]}", None,
            {"commit": shas[3], "delivery": "delivery-7"}, signoffs=(ADA,),
        ),
    ]  # fmt: skip


async def _recorded(pool: asyncpg.Pool, slug: str, bulk: bool) -> tuple[list[Any], list[Any]]:
    """The grants and grant events of the history recorded one way, with numbers that
    differ between projects replaced by the natural keys they stand for."""
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput(slug, slug), "admin")
        await ensure_dco(conn, project.id, "admin")
        await publish_agreement(conn, project.id, "dco", "DCO 2", "text 2", LATER, "admin")
    async with pool.acquire() as conn, conn.transaction():
        await record_activities(conn, project.id, _history(), "git", "i", bulk=bulk)
    async with pool.acquire() as conn:
        check = await journal.verify(conn, project.id)
    assert check.ok, check.reason
    rows = await pool.fetch(_GRANTS, project.id)
    grants = [(list(r["covers"]), dict(r["grant"])) for r in rows]
    keys = dict(await pool.fetch(_KEYS.format(table="contributions"), project.id))
    numbers = dict(await pool.fetch(_KEYS.format(table="grants"), project.id))
    events = []
    for row in await pool.fetch(_EVENTS, project.id):
        body = dict(row["body"])
        body["grant_id"] = numbers[body["grant_id"]]
        body["contribution_ids"] = sorted(keys[i] for i in body["contribution_ids"])
        events.append(body)
    return grants, sorted(events, key=lambda e: str(e["grant_id"]))


async def test_a_history_batchs_grants_and_their_events_are_those_recorded_one_by_one(
    pool: asyncpg.Pool,
) -> None:
    bulk_grants, bulk_events = await _recorded(pool, "bulk", True)
    single_grants, single_events = await _recorded(pool, "single", False)
    assert bulk_grants == single_grants
    assert bulk_events == single_events
    assert len(bulk_grants) == 4  # none for work of someone other than its signer
    later = [g for _, g in bulk_grants if g["commit_sha"] == "e" * 40]
    assert [(g["agreement_version"], g["delivery_id"]) for g in later] == [(2, "delivery-7")]
    assert {g["agreement_version"] for _, g in bulk_grants} == {1, 2}
    assert sorted(len(c) for c, _ in bulk_grants) == [1, 1, 1, 1]


async def test_a_batch_that_extends_one_grant_and_makes_another_keeps_the_chain(
    pool: asyncpg.Pool,
) -> None:
    other = "f" * 40
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput("x", "X"), "admin")
    assert await _record(pool, project.id, f"git:{SHA}") == 1
    later = [
        _signed(f"git:{SHA}:co"),
        Activity(ADA, "code", T0, f"git:{other}", None, {"commit": other}, signoffs=(ADA,)),
    ]
    async with pool.acquire() as conn, conn.transaction():
        assert await record_activities(conn, project.id, later, "git", "i", bulk=True) == 2
    async with pool.acquire() as conn:
        check = await journal.verify(conn, project.id)
        types = [r["type"] for r in await conn.fetch(_TYPES, project.id)]
    assert check.ok, check.reason
    # the extension is journaled first, then the new grant after it
    assert types[-2:] == ["grant.extended", "grant.recorded"]
    assert await pool.fetchval("SELECT count(*) FROM grant_contributions") == 3


async def test_grants_chained_from_a_head_that_moved_are_refused_and_nothing_is_written(
    pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = dco_copy.chain_grants

    def stale(project_id: int, actor: str, encoded: Any, start: Any, now: datetime) -> Any:
        return real(project_id, actor, encoded, Cursor(start.seq + 1, start.hash), now)

    monkeypatch.setattr(dco_bulk, "chain_grants", stale)
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput("y", "Y"), "admin")
    with pytest.raises(Conflict, match="journal moved"):
        await _record(pool, project.id, f"git:{SHA}")
    assert await pool.fetchval("SELECT count(*) FROM grants") == 0
    assert await pool.fetchval("SELECT count(*) FROM contributions") == 0
    async with pool.acquire() as conn:
        assert (await journal.verify(conn, project.id)).ok
