"""The rollups equal what the contributions themselves say, whichever writer recorded
them: one at a time, in bulk, or moved by a merge and an unmerge; and whatever changed
them since (a new credit policy, a bot mark and its undoing, an erasure), a recount
leaves them as they were."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg

from intake import bot_marks, merges
from intake.erasure import erase_contributor
from ledger.register.bulk import bulk_load
from ledger.register.contributions import record_contributions
from ledger.register.credit import set_policy
from ledger.register.models import NewContribution
from ledger.register.rollups import EVERYONE, recount, recount_people, recount_project
from tests.integration.app.seed import seed

KINDS_FROM_ROWS = """
SELECT contributor_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date, kind,
    policy_version, count(*), sum(credit)
FROM contributions WHERE project_id = $1 AND counted GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
"""
KINDS_ROLLED = """
SELECT contributor_id, month, kind, policy_version, contributions, credit
FROM contributor_kind_stats WHERE project_id = $1 ORDER BY 1, 2, 3, 4
"""
MONTHS_FROM_ROWS = """
SELECT date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date, count(*), sum(credit),
    count(DISTINCT contributor_id)
FROM contributions WHERE project_id = $1 AND counted GROUP BY 1 ORDER BY 1
"""
BY_KIND_FROM_ROWS = """
SELECT kind, count(*), sum(credit) FROM contributions
WHERE project_id = $1 AND counted GROUP BY 1 ORDER BY 1
"""
BY_KIND_ROLLED = """
SELECT kind, contributions, credit FROM kind_stats WHERE project_id = $1 ORDER BY 1
"""
MONTHS_ROLLED = """
SELECT month, contributions, credit, contributors FROM project_month_stats
WHERE project_id = $1 ORDER BY 1
"""


async def _agree(pool: asyncpg.Pool, project_id: int) -> None:
    pairs = (
        (KINDS_FROM_ROWS, KINDS_ROLLED),
        (MONTHS_FROM_ROWS, MONTHS_ROLLED),
        (BY_KIND_FROM_ROWS, BY_KIND_ROLLED),
    )
    for rows, rolled in pairs:
        expected = [tuple(r) for r in await pool.fetch(rows, project_id)]
        assert [tuple(r) for r in await pool.fetch(rolled, project_id)] == expected
        assert expected


async def test_recording_bulk_loading_and_merging_keep_the_rollups_exact(
    pool: asyncpg.Pool,
) -> None:
    seeded = await seed(pool, "linux", people_count=4, contributions=90)
    await _agree(pool, seeded.project_id)
    start = datetime(2023, 11, 20, tzinfo=UTC)
    items = [
        NewContribution(
            seeded.contributors[i % 3], "review", start + timedelta(days=i), "git", f"bulk-{i}"
        )
        for i in range(60)
    ]
    async with pool.acquire() as conn, conn.transaction():
        await bulk_load(conn, seeded.project_id, items, "import")
    await _agree(pool, seeded.project_id)
    one, other = seeded.contributors[0], seeded.contributors[3]
    async with pool.acquire() as conn, conn.transaction():
        merge_id = await merges.merge(conn, seeded.project_id, other, one, "admin")
    await _agree(pool, seeded.project_id)
    async with pool.acquire() as conn, conn.transaction():
        await merges.unmerge(conn, seeded.project_id, merge_id, "admin")
    await _agree(pool, seeded.project_id)


ROLLUPS = (
    "contributor_stats",
    "contributor_month_stats",
    "contributor_kind_stats",
    "project_month_stats",
    "kind_month_stats",
    "kind_stats",
    "project_stats",
)


async def _kept(pool: asyncpg.Pool, project_id: int) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: [
            tuple(r)
            for r in await pool.fetch(
                f"SELECT * FROM {table} WHERE project_id = $1 ORDER BY 1, 2, 3, 4", project_id
            )
        ]
        for table in ROLLUPS
    }


async def test_a_recount_finds_the_rollups_as_repricing_bot_marks_and_erasure_left_them(
    pool: asyncpg.Pool,
) -> None:
    seeded = await seed(pool, "linux", people_count=4, contributions=40)
    one, bot = seeded.contributors[0], seeded.contributors[1]
    async with pool.acquire() as conn, conn.transaction():
        await set_policy(conn, seeded.project_id, {"review": Decimal(3)}, Decimal(2), "v2", "m")
        later = [
            NewContribution(who, kind, datetime(2024, 3, 1, tzinfo=UTC), "git", f"v2-{who}-{kind}")
            for who in (one, bot)
            for kind in ("review", "doc")
        ]
        await record_contributions(conn, seeded.project_id, later, "tester")
    await _agree(pool, seeded.project_id)
    async with pool.acquire() as conn, conn.transaction():
        await bot_marks.mark_bot(conn, bot, True, "admin")
    await _agree(pool, seeded.project_id)
    kinds = await pool.fetch(BY_KIND_ROLLED, seeded.project_id)
    bots = await pool.fetchval("SELECT count(*) FROM contributions WHERE contributor_id = $1", bot)
    assert bots > 0
    assert sum(r["contributions"] for r in kinds) == 44 - bots
    async with pool.acquire() as conn, conn.transaction():
        await bot_marks.mark_bot(conn, bot, False, "admin")
        await erase_contributor(conn, one, "admin")
    await _agree(pool, seeded.project_id)
    kept = await _kept(pool, seeded.project_id)
    assert await pool.fetchval("SELECT sum(contributions) FROM kind_stats") == 44
    async with pool.acquire() as conn, conn.transaction():
        await recount(conn, seeded.project_id)
    assert await _kept(pool, seeded.project_id) == kept


_PEOPLE = "SELECT contributor_id, contributions FROM contributor_stats WHERE project_id = $1"


async def test_ranges_recounted_apart_with_a_writer_in_between_leave_the_rollups_exact(
    pool: asyncpg.Pool,
) -> None:
    seeded = await seed(pool, "linux", people_count=4, contributions=60)
    before: dict[int, int] = dict(await pool.fetch(_PEOPLE, seeded.project_id))
    low, high = sorted(seeded.contributors)[:2], sorted(seeded.contributors)[2:]
    spans = [(EVERYONE[0], low[-1]), (high[0], EVERYONE[1])]
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM contributor_stats WHERE project_id = $1", seeded.project_id)
        await conn.execute("DELETE FROM kind_stats WHERE project_id = $1", seeded.project_id)
        await recount_people(conn, seeded.project_id, *spans[0])
    late = [low[0], high[-1]]
    async with pool.acquire() as conn, conn.transaction():
        await record_contributions(
            conn,
            seeded.project_id,
            [NewContribution(w, "doc", datetime(2024, 5, 2, tzinfo=UTC), "git", f"late-{w}")
             for w in late],
            "tester",
        )  # fmt: skip
    async with pool.acquire() as conn, conn.transaction():
        await recount_people(conn, seeded.project_id, *spans[1])
        await recount_project(conn, seeded.project_id)
    await _agree(pool, seeded.project_id)
    after = dict(await pool.fetch(_PEOPLE, seeded.project_id))
    assert after == {who: n + (who in late) for who, n in before.items()}
    total = await pool.fetchval(
        "SELECT contributions FROM project_stats WHERE project_id = $1", seeded.project_id
    )
    assert total == sum(before.values()) + 2
