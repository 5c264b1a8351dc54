"""The rollups equal what the contributions themselves say, whichever writer recorded
them: one at a time, in bulk, or moved by a merge and an unmerge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from intake import merges
from ledger.register.bulk import bulk_load
from ledger.register.models import NewContribution
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
MONTHS_ROLLED = """
SELECT month, contributions, credit, contributors FROM project_month_stats
WHERE project_id = $1 ORDER BY 1
"""


async def _agree(pool: asyncpg.Pool, project_id: int) -> None:
    for rows, rolled in ((KINDS_FROM_ROWS, KINDS_ROLLED), (MONTHS_FROM_ROWS, MONTHS_ROLLED)):
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
